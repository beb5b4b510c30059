import { z } from 'zod';
import type { ImportProblem } from './errors';
import { FunctionalConfig, Keras3Node, Keras3Tensor, KerasLayer, KerasObject, SequentialConfig, TensorRef } from './schemas';

/** One layer of the model with nested models dissolved: its inputs name other flat layers. */
export interface FlatLayer {
  /** Unique across the whole (flattened) model. */
  name: string;
  /** The name in the file, with enclosing models: `outer › inner`. */
  where: string;
  className: string;
  config: Record<string, unknown>;
  inputs: string[];
  /** Prefixes its weights may carry in a manifest (`dense_1`, `inner_model/dense_1`). */
  weightPrefixes: string[];
}

export interface FlatModel {
  name: string | undefined;
  layers: FlatLayer[];
  inputs: string[];
  outputs: string[];
}

export const MODEL_CLASSES = new Set(['Model', 'Functional', 'Sequential']);

class Flattener {
  readonly layers: FlatLayer[] = [];
  readonly problems: ImportProblem[] = [];
  private readonly used = new Set<string>();

  uniqueName(name: string, scope: string[]): string {
    let candidate = name;
    if (this.used.has(candidate) && scope.length) candidate = `${scope.join('_')}_${name}`;
    for (let n = 2; this.used.has(candidate); n++) candidate = `${name}_${n}`;
    this.used.add(candidate);
    return candidate;
  }

  /** `outerInputs`: flat names feeding a nested model's inputs; null at the top level. */
  model(value: unknown, scope: string[], outerInputs: string[] | null): { inputs: string[]; outputs: string[]; name?: string } | null {
    const where = scope.join(' › ') || undefined;
    const parsed = KerasObject.safeParse(value);
    if (!parsed.success) {
      this.problems.push({ layer: where, message: `not a Keras model object (${issueText(parsed.error)})` });
      return null;
    }
    const { class_name: className, config } = parsed.data;
    if (className === 'Sequential') return this.sequential(config, scope, outerInputs);
    if (className === 'Model' || className === 'Functional') return this.functional(config, scope, outerInputs);
    this.problems.push({ layer: where, className, message: `the top-level object is a "${className}", not a Sequential or functional Model` });
    return null;
  }

  private addLayer(layer: KerasLayer, scope: string[], inputs: string[]): string {
    const original = layerName(layer);
    const name = this.uniqueName(original, scope);
    const path = [...scope, original];
    this.layers.push({
      name,
      where: path.join(' › '),
      className: layer.class_name,
      config: layer.config,
      inputs,
      weightPrefixes: [original, path.join('/')],
    });
    return name;
  }

  private sequential(rawConfig: unknown, scope: string[], outerInputs: string[] | null) {
    const parsed = SequentialConfig.safeParse(rawConfig);
    if (!parsed.success) {
      this.problems.push({ layer: scope.join(' › ') || undefined, className: 'Sequential', message: `unreadable config: ${issueText(parsed.error)}` });
      return null;
    }
    const { layers } = parsed.data;
    let previous: string | null = outerInputs ? (outerInputs[0] ?? null) : null;
    const inputs: string[] = [];
    for (const layer of layers) {
      if (layer.class_name === 'InputLayer') {
        if (outerInputs) continue;
        previous = this.addLayer(layer, scope, []);
        inputs.push(previous);
        continue;
      }
      if (previous === null) {
        // Keras 2 / tf.js Sequential: the first layer carries the input shape itself.
        const shape = layer.config.batch_input_shape ?? layer.config.batch_shape ?? shapeWithBatch(parsed.data.build_input_shape);
        if (shape === undefined) {
          this.problems.push({
            layer: [...scope, layerName(layer)].join(' › '),
            className: layer.class_name,
            message: 'the Sequential model does not say its input shape (no InputLayer, no batch_input_shape)',
          });
          return null;
        }
        const inputName = this.uniqueName(`${layerName(layer)}_input`, scope);
        this.layers.push({
          name: inputName,
          where: [...scope, inputName].join(' › '),
          className: 'InputLayer',
          config: { batch_input_shape: shape, name: inputName },
          inputs: [],
          weightPrefixes: [],
        });
        previous = inputName;
        inputs.push(inputName);
      }
      if (MODEL_CLASSES.has(layer.class_name)) {
        const inner = this.model(layer, [...scope, layerName(layer)], [previous]);
        if (!inner) return null;
        if (inner.outputs.length !== 1) {
          this.problems.push({
            layer: [...scope, layerName(layer)].join(' › '),
            className: layer.class_name,
            message: `a nested model with ${inner.outputs.length} outputs cannot sit in a Sequential model`,
          });
          return null;
        }
        previous = inner.outputs[0];
        continue;
      }
      previous = this.addLayer(layer, scope, [previous]);
    }
    return { name: parsed.data.name, inputs: outerInputs ?? inputs, outputs: previous === null ? [] : [previous] };
  }

  private functional(rawConfig: unknown, scope: string[], outerInputs: string[] | null) {
    const where = scope.join(' › ') || undefined;
    const parsed = FunctionalConfig.safeParse(rawConfig);
    if (!parsed.success) {
      this.problems.push({ layer: where, className: 'Functional', message: `unreadable config: ${issueText(parsed.error)}` });
      return null;
    }
    const config = parsed.data;
    const inputRefs = refList(config.input_layers);
    const outputRefs = refList(config.output_layers);
    const byName = new Map<string, KerasLayer>();
    for (const layer of config.layers) {
      const name = layerName(layer);
      if (byName.has(name)) this.problems.push({ layer: [...scope, name].join(' › '), className: layer.class_name, message: 'two layers share this name' });
      byName.set(name, layer);
    }
    if (outerInputs && outerInputs.length !== inputRefs.length) {
      this.problems.push({ layer: where, message: `the nested model takes ${inputRefs.length} inputs but is called with ${outerInputs.length}` });
      return null;
    }

    // Layer name → the flat layer that produces its output.
    const produced = new Map<string, string>();
    const inbound = new Map<string, string[]>();
    for (const [name, layer] of byName) {
      const refs = this.inboundRefs(layer, [...scope, name]);
      if (refs) inbound.set(name, refs);
    }
    inputRefs.forEach(([name], k) => {
      if (!byName.has(name)) this.problems.push({ layer: where, message: `input_layers names "${name}", which is not a layer of the model` });
      if (outerInputs) produced.set(name, outerInputs[k]);
    });

    // Keras lists layers in a valid order, but the format does not promise it: sort by dependencies.
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (start: string): void => {
      const stack: { name: string; expanded: boolean }[] = [{ name: start, expanded: false }];
      while (stack.length) {
        const top = stack[stack.length - 1];
        const layer = byName.get(top.name);
        if (!layer) {
          this.problems.push({ layer: [...scope, top.name].join(' › '), message: 'is used as an input but is not a layer of the model' });
          state.set(top.name, 'done');
          stack.pop();
          continue;
        }
        if (state.get(top.name) === 'done') {
          stack.pop();
          continue;
        }
        if (!top.expanded) {
          top.expanded = true;
          state.set(top.name, 'visiting');
          for (const source of inbound.get(top.name) ?? []) {
            if (state.get(source) === 'visiting') {
              this.problems.push({
                layer: [...scope, top.name].join(' › '),
                className: layer.class_name,
                message: `its inputs form a cycle through "${source}"`,
              });
            } else if (state.get(source) !== 'done') {
              stack.push({ name: source, expanded: false });
            }
          }
          continue;
        }
        stack.pop();
        state.set(top.name, 'done');
        this.emit(top.name, layer, scope, inbound.get(top.name) ?? [], produced, outerInputs !== null);
      }
    };
    for (const name of byName.keys()) visit(name);

    const resolve = (name: string) => produced.get(name);
    const inputs = outerInputs ?? inputRefs.map(([n]) => resolve(n)).filter((n): n is string => n !== undefined);
    const outputs = outputRefs.map(([n]) => resolve(n)).filter((n): n is string => n !== undefined);
    return { name: config.name, inputs, outputs };
  }

  private emit(name: string, layer: KerasLayer, scope: string[], sources: string[], produced: Map<string, string>, nested: boolean): void {
    const inputs = sources.map((s) => produced.get(s));
    if (inputs.some((i) => i === undefined)) return; // its source failed; that problem is already listed
    const flatInputs = inputs as string[];
    if (layer.class_name === 'InputLayer') {
      if (!nested) produced.set(name, this.addLayer(layer, scope, []));
      return;
    }
    if (MODEL_CLASSES.has(layer.class_name)) {
      const inner = this.model(layer, [...scope, name], flatInputs);
      if (!inner) return;
      if (inner.outputs.length !== 1) {
        this.problems.push({
          layer: [...scope, name].join(' › '),
          className: layer.class_name,
          message: `nested models with ${inner.outputs.length} outputs are not supported`,
        });
        return;
      }
      produced.set(name, inner.outputs[0]);
      return;
    }
    produced.set(name, this.addLayer(layer, scope, flatInputs));
  }

  /** The layers feeding `layer`, from either the Keras 2 / tf.js or the Keras 3 node format. */
  private inboundRefs(layer: KerasLayer, path: string[]): string[] | null {
    const nodes = layer.inbound_nodes ?? [];
    const where = path.join(' › ');
    if (nodes.length > 1) {
      this.problems.push({ layer: where, className: layer.class_name, message: `the layer is called ${nodes.length} times (shared layers are not supported)` });
      return null;
    }
    if (nodes.length === 0) return [];
    const node = nodes[0];
    const refs: TensorRef[] = [];
    const legacy = z.array(TensorRef).safeParse(node);
    if (legacy.success) refs.push(...legacy.data);
    else {
      const modern = Keras3Node.safeParse(node);
      if (!modern.success) {
        this.problems.push({ layer: where, className: layer.class_name, message: 'unreadable inbound_nodes entry' });
        return null;
      }
      collectKerasTensors(modern.data.args, refs);
      const kwargTensors: TensorRef[] = [];
      collectKerasTensors(Object.values(modern.data.kwargs ?? {}), kwargTensors);
      if (kwargTensors.length) {
        this.problems.push({ layer: where, className: layer.class_name, message: 'receives tensors as keyword arguments, which is not supported' });
        return null;
      }
    }
    const bad = refs.find((r) => r[2] !== 0);
    if (bad) {
      this.problems.push({
        layer: where,
        className: layer.class_name,
        message: `reads output ${bad[2]} of "${bad[0]}"; only single-output layers are supported`,
      });
      return null;
    }
    return refs.map((r) => r[0]);
  }
}

function collectKerasTensors(values: unknown[], out: TensorRef[]): void {
  const stack = [...values].reverse();
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      stack.push(...[...v].reverse());
      continue;
    }
    const t = Keras3Tensor.safeParse(v);
    if (t.success) out.push(t.data.config.keras_history);
  }
}

function refList(value: TensorRef | TensorRef[]): TensorRef[] {
  return typeof value[0] === 'string' ? [value as TensorRef] : (value as TensorRef[]);
}

function layerName(layer: KerasLayer): string {
  return layer.name ?? layer.config.name ?? layer.class_name.toLowerCase();
}

function shapeWithBatch(value: unknown): unknown {
  return Array.isArray(value) ? value : undefined;
}

export function issueText(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`)
    .join('; ');
}

/** A Keras model value → flat layers, or the problems that prevent it. */
export function flattenModel(value: unknown): { model: FlatModel | null; problems: ImportProblem[] } {
  const f = new Flattener();
  const top = f.model(value, [], null);
  if (!top || f.problems.length) return { model: null, problems: f.problems };
  return { model: { name: top.name, layers: f.layers, inputs: top.inputs, outputs: top.outputs }, problems: [] };
}
