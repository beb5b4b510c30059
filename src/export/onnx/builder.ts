import type { Activation } from '../../graph/activations';
import type { Shape } from '../../graph/shape';
import { samePads } from '../padding';
import type { NodeWeights, TensorData } from '../pytorch/weights';
import type { AttrValue, Initializer, OnnxNode } from './model';

/** tf.js' SELU constants (tfjs-core selu_util), more digits than ONNX's defaults. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_GAMMA = 1.0507009873554805;

/** tf.js kernel [kh, kw, in, out] → ONNX Conv weight [out, in, kh, kw]. */
export function convKernel(t: TensorData): Float32Array {
  const [kh, kw, ci, co] = t.shape;
  const out = new Float32Array(t.values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = t.values[((y * kw + x) * ci + i) * co + o];
  return out;
}

/** ONNX pads [top, left, bottom, right]; TF 'same' puts the odd pixel at the bottom/right. */
export function windowPads(input: Shape, window: number, stride: number, padding: 'same' | 'valid'): number[] {
  if (padding === 'valid') return [0, 0, 0, 0];
  const [top, bottom] = samePads(input[0], window, stride);
  const [left, right] = samePads(input[1], window, stride);
  return [top, left, bottom, right];
}

/** Collects the ONNX nodes and initializers of a design, and every problem with its weights. */
export class Builder {
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
export function withActivation(b: Builder, id: string, activation: Activation | 'softmax', main: (out: string) => string): void {
  if (activation === 'linear') {
    main(id);
    return;
  }
  const pre = main(`${id}/pre_activation:0`);
  b.activation(id, activation, pre, id);
}
