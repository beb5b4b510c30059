import { Design, DESIGN_FORMAT, DESIGN_VERSION, type DesignEdge, type DesignInput } from '../graph/design';
import { validateDesign } from '../graph/validate';
import { formatDiagnostic } from '../graph/diagnostics';
import { activationName, convertLayer, defaultLoss, OUTPUT_ACTIVATIONS, SUPPORTED_CLASSES, type LayerConversion } from './convert';
import type { ImportProblem } from './errors';
import { MODEL_CLASSES, type FlatLayer, type FlatModel } from './flatten';

const ROW_HEIGHT = 90;
const COLUMN_WIDTH = 240;

export interface ImportedNode {
  id: string;
  layer: FlatLayer;
}

export interface DesignDraft {
  design: Design;
  /** Design node id → the flat layer whose weights it takes (for a folded Output: the Dense). */
  nodes: Map<string, FlatLayer>;
  warnings: string[];
}

/** The schema's limit on node ids (they become tf.js layer names). */
const MAX_ID_CHARS = 64;

/** FNV-1a of the layer's name in base 36: the same name always gets the same suffix, whatever the layer order. */
function nameHash(name: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(36).padStart(7, '0');
}

/**
 * Layer names become node ids (and so tf.js layer and weight names); a name that is valid and free
 * is kept as it is. Others are cleaned, shortened to leave room, and given a stable suffix from the
 * original name (then a counter, if two names share a hash), so ids always fit the schema and never collide.
 */
function nodeIdFor(name: string, taken: Set<string>): string {
  const clean =
    name
      .replace(/[^A-Za-z0-9_]/g, '_')
      .replace(/_{2,}/g, '_')
      .replace(/^[^A-Za-z]+/, '')
      .replace(/_+$/, '') || 'layer';
  if (clean.length <= MAX_ID_CHARS && !taken.has(clean)) {
    taken.add(clean);
    return clean;
  }
  const hash = nameHash(name);
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? `_${hash}` : `_${hash}_${n}`;
    const id = `${clean.slice(0, MAX_ID_CHARS - suffix.length).replace(/_+$/, '')}${suffix}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

const OUTPUT_LOSSES: Record<string, 'categoricalCrossentropy' | 'binaryCrossentropy' | 'meanSquaredError'> = {
  categorical_crossentropy: 'categoricalCrossentropy',
  categoricalcrossentropy: 'categoricalCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  binarycrossentropy: 'binaryCrossentropy',
  mean_squared_error: 'meanSquaredError',
  meansquarederror: 'meanSquaredError',
  mse: 'meanSquaredError',
};

/**
 * Flat Keras layers → a valid Design, or every problem found. The model's last layer becomes the
 * Output: a Dense with softmax/sigmoid/linear, or such an Activation right after a linear Dense.
 */
export function buildDesign(
  model: FlatModel,
  options: { name: string; description: string; loss?: unknown },
): { draft: DesignDraft | null; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const warnings: string[] = [];
  const byName = new Map(model.layers.map((l) => [l.name, l]));

  const unsupported = model.layers.filter((l) => !SUPPORTED_CLASSES.has(l.className));
  for (const l of unsupported) {
    const custom = typeof l.config.module === 'string' || MODEL_CLASSES.has(l.className);
    problems.push({
      layer: l.where,
      className: l.className,
      message: custom
        ? 'custom classes are not supported'
        : `layer class "${l.className}" is not supported (supported: ${[...SUPPORTED_CLASSES].filter((c) => !c.includes('Pool2D') && c !== 'Convolution2D').join(', ')})`,
    });
  }
  if (model.inputs.length !== 1) problems.push({ message: `the model has ${model.inputs.length} inputs; ResCanvas designs have exactly one` });
  if (model.outputs.length !== 1) problems.push({ message: `the model has ${model.outputs.length} outputs; ResCanvas designs have exactly one` });

  const consumers = new Map<string, number>();
  for (const l of model.layers) for (const i of l.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);

  // Pick the layer that becomes the Output node, and the Activation folded into it if any.
  let outputLayer: FlatLayer | undefined;
  let outputActivation = 'linear';
  let folded: FlatLayer | undefined;
  const last = model.outputs.length === 1 ? byName.get(model.outputs[0]) : undefined;
  if (last) {
    const act = activationName(last.config.activation);
    const source = last.inputs.length === 1 ? byName.get(last.inputs[0]) : undefined;
    if (last.className === 'Dense' && OUTPUT_ACTIVATIONS.has(act) && last.config.use_bias !== false) {
      outputLayer = last;
      outputActivation = act;
    } else if (
      last.className === 'Activation' &&
      OUTPUT_ACTIVATIONS.has(act) &&
      source?.className === 'Dense' &&
      activationName(source.config.activation) === 'linear' &&
      source.config.use_bias !== false &&
      consumers.get(source.name) === 1
    ) {
      outputLayer = source;
      outputActivation = act;
      folded = last;
      warnings.push(`the final Dense "${source.where}" and Activation "${last.where}" became one Output node`);
    } else {
      problems.push({
        layer: last.where,
        className: last.className,
        message:
          'the model must end in a Dense layer with bias and softmax, sigmoid or linear activation (optionally as a separate Activation layer): that is what a ResCanvas Output is',
      });
    }
  }

  const conversions = new Map<string, LayerConversion>();
  for (const l of model.layers) {
    if (l === folded || !SUPPORTED_CLASSES.has(l.className)) continue;
    const config = l === outputLayer ? { ...l.config, activation: 'linear' } : l.config;
    const c = convertLayer({ ...l, config });
    conversions.set(l.name, c);
    for (const message of c.problems) problems.push({ layer: l.where, className: l.className, message });
    for (const message of c.warnings) warnings.push(`layer "${l.where}": ${message}`);
  }
  if (problems.length) return { draft: null, problems };

  const taken = new Set<string>();
  const ids = new Map<string, string>();
  const nodes: DesignInput['nodes'] = [];
  const owners = new Map<string, FlatLayer>();
  for (const l of model.layers) {
    if (l === folded) {
      ids.set(l.name, ids.get((outputLayer as FlatLayer).name) as string);
      continue;
    }
    const id = nodeIdFor(l.name, taken);
    ids.set(l.name, id);
    owners.set(id, l);
    const spec = (conversions.get(l.name) as LayerConversion).node as NonNullable<LayerConversion['node']>;
    const name = id === l.where ? undefined : l.where.slice(0, 100);
    if (l === outputLayer && spec.type === 'Dense') {
      const loss = typeof options.loss === 'string' ? OUTPUT_LOSSES[options.loss.toLowerCase()] : undefined;
      nodes.push({
        id,
        type: 'Output',
        name,
        params: { units: spec.params.units, activation: outputActivation as 'softmax' | 'sigmoid' | 'linear', loss: loss ?? defaultLoss(outputActivation) },
      });
    } else {
      nodes.push({ id, type: spec.type, name, params: spec.params } as DesignInput['nodes'][number]);
    }
  }
  const edges: DesignEdge[] = [];
  let edgeCount = 0;
  for (const l of model.layers) {
    if (l === folded) continue;
    l.inputs.forEach((source, port) => {
      let id = `edge_${++edgeCount}`;
      while (taken.has(id)) id = `edge_${++edgeCount}`;
      edges.push({ id, source: ids.get(source) as string, target: ids.get(l.name) as string, targetPort: port });
    });
  }
  layout(nodes, edges);

  const parsed = Design.safeParse({
    format: DESIGN_FORMAT,
    version: DESIGN_VERSION,
    metadata: { name: options.name.slice(0, 200) || 'Imported model', description: options.description.slice(0, 20_000) },
    nodes,
    edges,
    groups: [],
  });
  if (!parsed.success) {
    return {
      draft: null,
      problems: parsed.error.issues.slice(0, 20).map((i) => ({ message: `the imported design is invalid at ${i.path.join('.')}: ${i.message}` })),
    };
  }
  const design = parsed.data;
  const validation = validateDesign(design);
  for (const d of validation.diagnostics) {
    if (d.severity !== 'error') continue;
    const layer = d.nodeId ? owners.get(d.nodeId) : undefined;
    problems.push({ layer: layer?.where, className: layer?.className, message: formatDiagnostic(d) });
  }
  // Axes are checked against ranks only now that shapes are inferred: only the last axis is supported.
  for (const node of design.nodes) {
    const layer = owners.get(node.id) as FlatLayer;
    const axis = conversions.get(layer.name)?.axis;
    const shape = validation.nodeShapes.get(node.id);
    if (axis === undefined || axis === -1 || !shape) continue;
    if (axis !== shape.length)
      problems.push({
        layer: layer.where,
        className: layer.className,
        message: `axis ${axis} is not the last axis (${shape.length}); only the channel (last) axis is supported`,
      });
  }
  if (problems.length) return { draft: null, problems };
  return { draft: { design, nodes: owners, warnings }, problems: [] };
}

/** Rows by longest path from the input, siblings side by side: the canvas's Auto layout refines it. */
function layout(nodes: DesignInput['nodes'], edges: DesignEdge[]): void {
  const depth = new Map<string, number>();
  const incoming = new Map<string, string[]>();
  for (const e of edges) incoming.set(e.target, [...(incoming.get(e.target) ?? []), e.source]);
  // Nodes are in dependency order (the flattener emits sources first), so one pass suffices.
  for (const n of nodes) depth.set(n.id, Math.max(-1, ...(incoming.get(n.id) ?? []).map((s) => depth.get(s) ?? 0)) + 1);
  const perRow = new Map<number, number>();
  for (const n of nodes) {
    const row = depth.get(n.id) ?? 0;
    const column = perRow.get(row) ?? 0;
    perRow.set(row, column + 1);
    n.position = { x: column * COLUMN_WIDTH, y: row * ROW_HEIGHT };
  }
}
