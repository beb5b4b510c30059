/**
 * Design → an ONNX graph as plain data (nodes, initializers, value shapes), before any protobuf. Images
 * are NCHW as ONNX convolutions expect; every op is named after the (unrolled) design node it comes
 * from, so Netron shows the user's graph.
 */
import type { Activation } from '../../graph/activations';
import { isLayerType } from '../../graph/catalogue';
import type { DesignNode, Design } from '../../graph/design';
import { formatDiagnostic } from '../../graph/diagnostics';
import type { Shape } from '../../graph/shape';
import { splitCopyId, unroll, type UnrolledNode } from '../../graph/unroll';
import { validateDesign } from '../../graph/validate';
import { samePads } from '../pytorch/translate';
import type { NodeWeights, TensorData } from '../pytorch/weights';

/** The default-domain operator set every exported model imports (LayerNormalization needs 17). */
export const ONNX_OPSET = 17;
/** IR version 8 is the one opset 17 was released with. */
export const ONNX_IR_VERSION = 8;

export class OnnxExportError extends Error {
  constructor(readonly problems: string[]) {
    super(`cannot export to ONNX:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'OnnxExportError';
  }
}

export type AttrValue = { int: number } | { float: number } | { ints: number[] } | { string: string };

export interface OnnxNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttrValue>;
  /** The unrolled design node id it belongs to. */
  designNode: string;
}

export interface Initializer {
  name: string;
  dims: number[];
  values: Float32Array;
}

export interface ValueShape {
  name: string;
  /** 'N' is the symbolic batch dimension. */
  dims: (number | 'N')[];
}

export interface OnnxGraph {
  name: string;
  input: ValueShape;
  output: ValueShape;
  nodes: OnnxNode[];
  initializers: Initializer[];
  /** The output shape of every design node between input and output. */
  valueInfo: ValueShape[];
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

/** tf.js' SELU constants (tfjs-core selu_util), more digits than ONNX's defaults. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_GAMMA = 1.0507009873554805;

/** ONNX layout of a design shape: images [h, w, c] → [N, c, h, w]; vectors [f] → [N, f]. */
export function onnxDims(shape: Shape): (number | 'N')[] {
  return shape.length === 3 ? ['N', shape[2], shape[0], shape[1]] : ['N', ...shape];
}

/** tf.js kernel [kh, kw, in, out] → ONNX Conv weight [out, in, kh, kw]. */
function convKernel(t: TensorData): Float32Array {
  const [kh, kw, ci, co] = t.shape;
  const out = new Float32Array(t.values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = t.values[((y * kw + x) * ci + i) * co + o];
  return out;
}

/** ONNX pads [top, left, bottom, right]; TF 'same' puts the odd pixel at the bottom/right. */
function windowPads(input: Shape, window: number, stride: number, padding: 'same' | 'valid'): number[] {
  if (padding === 'valid') return [0, 0, 0, 0];
  const [top, bottom] = samePads(input[0], window, stride);
  const [left, right] = samePads(input[1], window, stride);
  return [top, left, bottom, right];
}

class Builder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: Initializer[] = [];
  readonly problems: string[] = [];
  constructor(private readonly weights: NodeWeights) {}

  op(designNode: string, name: string, opType: string, inputs: string[], output: string, attributes: Record<string, AttrValue> = {}): string {
    this.nodes.push({ name, opType, inputs, outputs: [output], attributes, designNode });
    return output;
  }

  /** A weight as an initializer, checked against the shape the design needs (in tf.js layout). */
  weight(node: string, leaf: string, tfShape: number[], convert?: (t: TensorData) => Float32Array, dims = tfShape): string {
    const name = `${node}/${leaf}`;
    const t = this.weights.get(node)?.get(leaf);
    if (!t) {
      this.problems.push(`node "${node}": no weight "${leaf}" was given`);
      return name;
    }
    const size = tfShape.reduce((a, b) => a * b, 1);
    if (t.shape.length !== tfShape.length || t.shape.some((d, i) => d !== tfShape[i]) || t.values.length !== size) {
      this.problems.push(`node "${node}": weight "${leaf}" has shape [${t.shape.join(', ')}] but the design needs [${tfShape.join(', ')}]`);
      return name;
    }
    this.initializers.push({ name, dims, values: convert ? convert(t) : t.values });
    return name;
  }

  constant(name: string, value: number): string {
    this.initializers.push({ name, dims: [], values: Float32Array.of(value) });
    return name;
  }

  /** Applies an activation after `x`; the last op writes `out`. */
  activation(node: string, activation: Activation | 'softmax', x: string, out: string, opName = `${node}/${activation}`): string {
    switch (activation) {
      case 'linear':
        return this.op(node, opName, 'Identity', [x], out);
      case 'relu':
        return this.op(node, opName, 'Relu', [x], out);
      case 'leakyRelu':
        // tf.layers.leakyReLU's default alpha (Keras' 0.3).
        return this.op(node, opName, 'LeakyRelu', [x], out, { alpha: { float: 0.3 } });
      case 'elu':
        return this.op(node, opName, 'Elu', [x], out, { alpha: { float: 1 } });
      case 'selu':
        return this.op(node, opName, 'Selu', [x], out, { alpha: { float: SELU_ALPHA }, gamma: { float: SELU_GAMMA } });
      case 'tanh':
        return this.op(node, opName, 'Tanh', [x], out);
      case 'sigmoid':
        return this.op(node, opName, 'Sigmoid', [x], out);
      case 'softmax':
        return this.op(node, opName, 'Softmax', [x], out, { axis: { int: -1 } });
      case 'swish': {
        // tf.js' swish is x·sigmoid(x).
        const s = this.op(node, `${opName}/sigmoid`, 'Sigmoid', [x], `${opName}/sigmoid:0`);
        return this.op(node, opName, 'Mul', [x, s], out);
      }
      case 'gelu': {
        // tf.js' gelu is the exact 0.5·x·(1 + erf(x/√2)); opset 17 has no Gelu op, so it is spelled out.
        const half = this.constantOnce('const:gelu/half', 0.5);
        const one = this.constantOnce('const:gelu/one', 1);
        const root2 = this.constantOnce('const:gelu/sqrt2', Math.SQRT2);
        const scaled = this.op(node, `${opName}/div`, 'Div', [x, root2], `${opName}/div:0`);
        const erf = this.op(node, `${opName}/erf`, 'Erf', [scaled], `${opName}/erf:0`);
        const plus = this.op(node, `${opName}/add`, 'Add', [erf, one], `${opName}/add:0`);
        const times = this.op(node, `${opName}/mul`, 'Mul', [x, plus], `${opName}/mul:0`);
        return this.op(node, opName, 'Mul', [times, half], out);
      }
    }
  }

  private readonly constants = new Set<string>();
  private constantOnce(name: string, value: number): string {
    if (!this.constants.has(name)) {
      this.constants.add(name);
      this.constant(name, value);
    }
    return name;
  }
}

/** Main op then optional activation: the activation op writes the node's output when there is one. */
function withActivation(b: Builder, id: string, activation: Activation | 'softmax', main: (out: string) => string): void {
  if (activation === 'linear') {
    main(id);
    return;
  }
  const pre = main(`${id}/pre_activation:0`);
  b.activation(id, activation, pre, id);
}

function translateNode(b: Builder, n: UnrolledNode, inShape: Shape): void {
  const id = n.id;
  const x = n.inputs.map((e) => e.source);
  const node: DesignNode = n.node;
  const channels = inShape[inShape.length - 1];
  switch (node.type) {
    case 'Input':
      return;
    case 'Dense':
    case 'Output': {
      const p = node.params;
      const bias = node.type === 'Output' ? true : node.params.useBias;
      // Gemm's B is [in, out] without transB: tf.js' kernel as it is.
      const inputs = [x[0], b.weight(id, 'kernel', [channels, p.units]), ...(bias ? [b.weight(id, 'bias', [p.units])] : [])];
      withActivation(b, id, p.activation, (out) => b.op(id, id, 'Gemm', inputs, out));
      return;
    }
    case 'Conv2D': {
      const p = node.params;
      const k = p.kernelSize;
      const inputs = [
        x[0],
        b.weight(id, 'kernel', [k, k, channels, p.filters], convKernel, [p.filters, channels, k, k]),
        ...(p.useBias ? [b.weight(id, 'bias', [p.filters])] : []),
      ];
      const attributes = {
        kernel_shape: { ints: [k, k] },
        strides: { ints: [p.strides, p.strides] },
        pads: { ints: windowPads(inShape, k, p.strides, p.padding) },
      };
      withActivation(b, id, p.activation, (out) => b.op(id, id, 'Conv', inputs, out, attributes));
      return;
    }
    case 'MaxPool2D':
    case 'AvgPool2D': {
      const p = node.params;
      const attributes: Record<string, AttrValue> = {
        kernel_shape: { ints: [p.poolSize, p.poolSize] },
        strides: { ints: [p.strides, p.strides] },
        pads: { ints: windowPads(inShape, p.poolSize, p.strides, p.padding) },
      };
      // TF averages over the real pixels of a padded window only: count_include_pad 0.
      if (node.type === 'AvgPool2D') attributes.count_include_pad = { int: 0 };
      b.op(id, id, node.type === 'MaxPool2D' ? 'MaxPool' : 'AveragePool', [x[0]], id, attributes);
      return;
    }
    case 'GlobalAvgPool': {
      const pooled = b.op(id, id, 'GlobalAveragePool', [x[0]], `${id}/pooled:0`);
      b.op(id, `${id}/flatten`, 'Flatten', [pooled], id, { axis: { int: 1 } });
      return;
    }
    case 'Flatten': {
      // tf.js flattens channels-last; the NCHW tensor goes back to NHWC first so the order (and every Dense after) matches.
      const source = inShape.length === 3 ? b.op(id, `${id}/to_nhwc`, 'Transpose', [x[0]], `${id}/nhwc:0`, { perm: { ints: [0, 2, 3, 1] } }) : x[0];
      b.op(id, id, 'Flatten', [source], id, { axis: { int: 1 } });
      return;
    }
    case 'BatchNorm': {
      const p = node.params;
      const inputs = [
        x[0],
        b.weight(id, 'gamma', [channels]),
        b.weight(id, 'beta', [channels]),
        b.weight(id, 'moving_mean', [channels]),
        b.weight(id, 'moving_variance', [channels]),
      ];
      b.op(id, id, 'BatchNormalization', inputs, id, { epsilon: { float: p.epsilon } });
      return;
    }
    case 'LayerNorm': {
      const inputs = (source: string) => [source, b.weight(id, 'gamma', [channels]), b.weight(id, 'beta', [channels])];
      const attributes = { axis: { int: -1 }, epsilon: { float: node.params.epsilon } };
      if (inShape.length !== 3) {
        b.op(id, id, 'LayerNormalization', inputs(x[0]), id, attributes);
        return;
      }
      // tf.js normalizes over channels only: that is the last axis in NHWC, so the op runs between two transposes.
      const nhwc = b.op(id, `${id}/to_nhwc`, 'Transpose', [x[0]], `${id}/nhwc:0`, { perm: { ints: [0, 2, 3, 1] } });
      const normed = b.op(id, id, 'LayerNormalization', inputs(nhwc), `${id}/normalized:0`, attributes);
      b.op(id, `${id}/to_nchw`, 'Transpose', [normed], id, { perm: { ints: [0, 3, 1, 2] } });
      return;
    }
    case 'Activation':
      b.activation(id, node.params.activation, x[0], id, id);
      return;
    case 'Dropout':
      // Inference: dropout is the identity. Kept as a node so the graph still shows it.
      b.op(id, id, 'Identity', [x[0]], id);
      return;
    case 'Add':
      b.op(id, id, x.length === 2 ? 'Add' : 'Sum', x, id);
      return;
    case 'Concatenate':
      // The design's last (channel) axis is axis 1 in NCHW and in [N, features] alike.
      b.op(id, id, 'Concat', x, id, { axis: { int: 1 } });
      return;
  }
}

/** Throws OnnxExportError naming each node ONNX cannot express, or the design's errors. */
export function checkExpressible(design: Design): ReturnType<typeof validateDesign> {
  const untranslatable = design.nodes.filter((n) => !isLayerType(n.type) || !TRANSLATED.has(n.type));
  if (untranslatable.length)
    throw new OnnxExportError(untranslatable.map((n) => `node "${n.id}" has layer type "${n.type}", which ONNX export cannot express`));
  const validation = validateDesign(design);
  const errors = validation.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new OnnxExportError(errors.map(formatDiagnostic));
  return validation;
}

/**
 * Translates the design with `weights` (tf.js layout, keyed by unrolled node id). Throws OnnxExportError
 * naming every node at fault; nothing is produced in that case.
 */
export function buildOnnxGraph(design: Design, weights: NodeWeights): OnnxGraph {
  const validation = checkExpressible(design);

  const graph = unroll(design);
  const input = graph.nodes.find((n) => n.node.type === 'Input');
  const output = graph.nodes.find((n) => n.node.type === 'Output');
  if (!input || !output) throw new OnnxExportError(['the design needs one Input and one Output']);
  const shapeOf = (id: string): Shape => {
    const s = validation.nodeShapes.get(splitCopyId(id).designId);
    if (!s) throw new OnnxExportError([`node "${id}": its shape could not be inferred`]);
    return s;
  };
  // Only what lies between Input and Output is part of the model, as in the tf.js compiler.
  const fromInput = new Set<string>([input.id]);
  for (const n of graph.nodes) if (n.inputs.length && n.inputs.every((e) => fromInput.has(e.source))) fromInput.add(n.id);
  const toOutput = new Set<string>([output.id]);
  for (const n of [...graph.nodes].reverse()) if (toOutput.has(n.id)) for (const e of n.inputs) toOutput.add(e.source);
  const live = graph.nodes.filter((n) => fromInput.has(n.id) && toOutput.has(n.id));

  const b = new Builder(weights);
  for (const n of live) translateNode(b, n, n.inputs.length ? shapeOf(n.inputs[0].source) : shapeOf(n.id));
  if (b.problems.length) throw new OnnxExportError(b.problems.slice(0, 20).concat(b.problems.length > 20 ? [`… and ${b.problems.length - 20} more`] : []));
  return {
    name: design.metadata.name,
    input: { name: input.id, dims: onnxDims(shapeOf(input.id)) },
    output: { name: output.id, dims: onnxDims(shapeOf(output.id)) },
    nodes: b.nodes,
    initializers: b.initializers,
    valueInfo: live.filter((n) => n !== input && n !== output).map((n) => ({ name: n.id, dims: onnxDims(shapeOf(n.id)) })),
  };
}
