import type { Design, DesignNode, RepeatGroup } from '../../graph/design';
import type { Activation } from '../../graph/activations';
import { formatDiagnostic, type Diagnostic } from '../../graph/diagnostics';
import { isLayerType } from '../../graph/catalogue';
import { groupBoundary } from '../../graph/groups';
import type { Shape } from '../../graph/shape';
import { indexGraph, reachable, topologicalOrder, type GraphIndex } from '../../graph/topology';
import { validateDesign } from '../../graph/validate';
import { className, PythonNames } from './names';

/** The design cannot become a PyTorch package; `problems` name each node (or diagnostic) at fault. */
export class PytorchExportError extends Error {
  constructor(readonly problems: string[]) {
    super(`cannot export to PyTorch:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'PytorchExportError';
  }
}

/** How one tf.js weight becomes one state_dict entry. */
export interface WeightRule {
  /** tf.js weight name without the layer prefix: kernel, bias, gamma, beta, moving_mean, moving_variance. */
  tfName: string;
  /** The PyTorch parameter or buffer name. */
  param: string;
  /** dense: [in, out] → [out, in]; conv: [kh, kw, in, out] → [out, in, kh, kw]. */
  layout: 'dense' | 'conv' | 'same';
  /** Shape on the PyTorch side. */
  shape: number[];
}

export interface NodePlan {
  id: string;
  node: DesignNode;
  /** Attribute and local-variable name in the enclosing class. */
  name: string;
  /** Python expression that constructs the module. */
  construct: string;
  /** Why the construction looks the way it does, when that is not obvious (a TF convention). */
  note?: string;
  /** Design ids of the inputs, in port order. */
  inputs: string[];
  weights: WeightRule[];
}

export interface GroupPlan {
  group: RepeatGroup;
  className: string;
  /** Attribute holding the nn.ModuleList of copies. */
  name: string;
  entrySource: string;
  exit: string;
  /** Members in topological order; names are scoped to the group's class. */
  nodes: NodePlan[];
  /** The forward parameter name inside the block class (the entry source's output). */
  param: string;
}

export type Step = { kind: 'node'; node: NodePlan } | { kind: 'group'; group: GroupPlan };

export interface ModelPlan {
  designName: string;
  inputId: string;
  inputName: string;
  /** Design layout, [features] or [height, width, channels]. */
  inputShape: Shape;
  outputId: string;
  output: Extract<DesignNode, { type: 'Output' }>['params'];
  steps: Step[];
  /** Top-level local variable name for each design id read in Model.forward (group exits map to the loop variable). */
  topNames: Map<string, string>;
}

/**
 * Design → a plan of PyTorch modules. Checks first that every node has a translation and that the design
 * validates; the package is generated only from a plan, so a failure here writes nothing.
 */
export function planModel(design: Design): ModelPlan {
  const untranslatable = design.nodes.filter((n) => !isLayerType(n.type) || !TRANSLATED.has(n.type));
  if (untranslatable.length) {
    throw new PytorchExportError(untranslatable.map((n) => `node "${n.id}" has layer type "${n.type}", which the PyTorch exporter cannot translate`));
  }
  const validation = validateDesign(design);
  const errors = validation.diagnostics.filter((d: Diagnostic) => d.severity === 'error');
  if (errors.length) throw new PytorchExportError(errors.map(formatDiagnostic));

  const index = indexGraph(design);
  const { order } = topologicalOrder(index);
  const input = design.nodes.find((n) => n.type === 'Input');
  const output = design.nodes.find((n) => n.type === 'Output');
  if (input?.type !== 'Input' || output?.type !== 'Output') throw new PytorchExportError(['the design needs one Input and one Output']);
  // Only what lies between Input and Output is part of the model, as in the tf.js compiler's tf.model(...).
  const live = intersect(reachable(index, [input.id], 'forward'), reachable(index, [output.id], 'backward'));
  const shapeOf = (id: string): Shape => {
    const s = validation.nodeShapes.get(id);
    if (!s) throw new PytorchExportError([`node "${id}": its shape could not be inferred`]);
    return s;
  };

  const groupOfNode = new Map<string, RepeatGroup>();
  for (const g of design.groups) for (const id of g.nodeIds) groupOfNode.set(id, g);
  const topNames = new PythonNames();
  const classNames = new Set<string>();
  const steps: Step[] = [];
  const emitted = new Set<string>();
  const localNames = new Map<string, string>([[input.id, topNames.name(input.id)]]);

  for (const id of order) {
    if (!live.has(id) || id === input.id) continue;
    const group = groupOfNode.get(id);
    if (!group) {
      const plan = planNode(index, id, topNames, shapeOf);
      localNames.set(id, plan.name);
      steps.push({ kind: 'node', node: plan });
      continue;
    }
    if (emitted.has(group.id)) continue;
    emitted.add(group.id);
    const boundary = groupBoundary(group, index);
    if (!boundary.ok) throw new PytorchExportError([`repeat group "${group.id}": ${boundary.message}`]);
    const scope = new PythonNames();
    const param = scope.name(boundary.boundary.entrySource);
    const members = order.filter((m) => boundary.boundary.members.has(m));
    const name = topNames.name(group.id);
    const cls = className(group.id, classNames);
    classNames.add(cls);
    steps.push({
      kind: 'group',
      group: {
        group,
        className: cls,
        name,
        entrySource: boundary.boundary.entrySource,
        exit: boundary.boundary.exit,
        nodes: members.map((m) => planNode(index, m, scope, shapeOf)),
        param,
      },
    });
    localNames.set(boundary.boundary.exit, topNames.name(boundary.boundary.exit));
  }
  return {
    designName: design.metadata.name,
    inputId: input.id,
    inputName: localNames.get(input.id) as string,
    inputShape: input.params.shape,
    outputId: output.id,
    output: output.params,
    steps,
    topNames: localNames,
  };
}

const TRANSLATED = new Set<string>([
  'Input',
  'Dense',
  'Output',
  'Conv2D',
  'MaxPool2D',
  'AvgPool2D',
  'GlobalAvgPool',
  'Flatten',
  'BatchNorm',
  'LayerNorm',
  'Activation',
  'Dropout',
  'Add',
  'Concatenate',
]);

function intersect(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a].filter((x) => b.has(x)));
}

/** Python float literal that reads back to the same double. */
export function py(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** Keras keeps `momentum` of the old average; PyTorch's momentum is the weight of the new batch. */
function torchMomentum(kerasMomentum: number): string {
  return py(Number((1 - kerasMomentum).toPrecision(12)));
}

const ACTIVATION_MODULES: Record<Activation | 'softmax', string> = {
  relu: 'nn.ReLU()',
  // tf.layers.leakyReLU's default alpha (Keras' 0.3, not PyTorch's 0.01).
  leakyRelu: 'nn.LeakyReLU(0.3)',
  elu: 'nn.ELU()',
  selu: 'nn.SELU()',
  // tf.js' 'gelu' is the exact form 0.5·x·(1 + erf(x/√2)) (tfjs-layers activations.ts, class Gelu).
  gelu: 'nn.GELU()',
  // tf.js' swish is x·sigmoid(x), PyTorch's SiLU.
  swish: 'nn.SiLU()',
  tanh: 'nn.Tanh()',
  sigmoid: 'nn.Sigmoid()',
  linear: 'nn.Identity()',
  softmax: 'nn.Softmax(dim=1)',
};

function act(activation: Activation | 'softmax'): string {
  return activation === 'linear' ? '' : `, act=${ACTIVATION_MODULES[activation]}`;
}

/** TF 'same' padding: the total padding is split with the odd pixel at the end (right/bottom), unlike PyTorch's symmetric padding. */
export function samePads(size: number, window: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + window - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

function pads(input: Shape, window: number, stride: number, padding: 'same' | 'valid'): { text: string; note?: string } {
  if (padding === 'valid') return { text: '(0, 0, 0, 0)' };
  const [top, bottom] = samePads(input[0], window, stride);
  const [left, right] = samePads(input[1], window, stride);
  const text = `(${left}, ${right}, ${top}, ${bottom})`;
  return top === bottom && left === right
    ? { text }
    : { text, note: `TF 'same' padding puts the extra pixel right/bottom: pads (left, right, top, bottom) = ${text}` };
}

function planNode(index: GraphIndex, id: string, names: PythonNames, shapeOf: (id: string) => Shape): NodePlan {
  const node = index.nodes.get(id) as DesignNode;
  const inputs = (index.incoming.get(id) ?? []).map((e) => e.source);
  const inShape = inputs.length ? shapeOf(inputs[0]) : shapeOf(id);
  const channels = inShape[inShape.length - 1];
  const base = { id, node, name: names.name(id), inputs };
  switch (node.type) {
    case 'Dense':
    case 'Output': {
      const p = node.params;
      const bias = node.type === 'Output' ? true : node.params.useBias;
      return {
        ...base,
        construct: `Dense(${channels}, ${p.units}${bias ? '' : ', bias=False'}${act(p.activation)})`,
        weights: [
          { tfName: 'kernel', param: 'weight', layout: 'dense', shape: [p.units, channels] },
          ...(bias ? [{ tfName: 'bias', param: 'bias', layout: 'same' as const, shape: [p.units] }] : []),
        ],
      };
    }
    case 'Conv2D': {
      const p = node.params;
      const pad = pads(inShape, p.kernelSize, p.strides, p.padding);
      return {
        ...base,
        construct: `Conv2d(${channels}, ${p.filters}, ${p.kernelSize}, stride=${p.strides}, pads=${pad.text}${p.useBias ? '' : ', bias=False'}${act(p.activation)})`,
        note: pad.note,
        weights: [
          { tfName: 'kernel', param: 'weight', layout: 'conv', shape: [p.filters, channels, p.kernelSize, p.kernelSize] },
          ...(p.useBias ? [{ tfName: 'bias', param: 'bias', layout: 'same' as const, shape: [p.filters] }] : []),
        ],
      };
    }
    case 'MaxPool2D':
    case 'AvgPool2D': {
      const p = node.params;
      const pad = pads(inShape, p.poolSize, p.strides, p.padding);
      return {
        ...base,
        construct: `Pool2d('${node.type === 'MaxPool2D' ? 'max' : 'avg'}', ${p.poolSize}, ${p.strides}, pads=${pad.text})`,
        note: pad.note,
        weights: [],
      };
    }
    case 'GlobalAvgPool':
      return { ...base, construct: 'GlobalAvgPool()', weights: [] };
    case 'Flatten':
      return { ...base, construct: 'Flatten()', weights: [] };
    case 'BatchNorm': {
      const p = node.params;
      return {
        ...base,
        construct: `nn.BatchNorm${inShape.length === 3 ? '2d' : '1d'}(${channels}, eps=${py(p.epsilon)}, momentum=${torchMomentum(p.momentum)})`,
        note: `Keras momentum ${p.momentum} keeps that share of the old average; PyTorch's momentum is the share of the new batch`,
        weights: [
          { tfName: 'gamma', param: 'weight', layout: 'same', shape: [channels] },
          { tfName: 'beta', param: 'bias', layout: 'same', shape: [channels] },
          { tfName: 'moving_mean', param: 'running_mean', layout: 'same', shape: [channels] },
          { tfName: 'moving_variance', param: 'running_var', layout: 'same', shape: [channels] },
        ],
      };
    }
    case 'LayerNorm':
      return {
        ...base,
        construct: `LayerNorm(${channels}, eps=${py(node.params.epsilon)})`,
        weights: [
          { tfName: 'gamma', param: 'weight', layout: 'same', shape: [channels] },
          { tfName: 'beta', param: 'bias', layout: 'same', shape: [channels] },
        ],
      };
    case 'Activation':
      return { ...base, construct: ACTIVATION_MODULES[node.params.activation], weights: [] };
    case 'Dropout':
      return { ...base, construct: `nn.Dropout(p=${py(node.params.rate)})`, weights: [] };
    case 'Add':
      return { ...base, construct: 'Add()', weights: [] };
    case 'Concatenate':
      return { ...base, construct: 'Concatenate()', weights: [] };
    case 'Input':
      throw new PytorchExportError([`node "${id}": a second Input cannot be translated`]);
  }
}
