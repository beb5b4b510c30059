import type { Activation } from '../../graph/activations';
import type { LayerTable } from '../../graph/layerTable';
import type { Shape } from '../../graph/shape';
import { samePads } from '../padding';
import { PytorchExportError } from './error';

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

/** One design node as a PyTorch module: what the generated class constructs, and its weights. */
export interface ModuleTranslation {
  /** Python expression that constructs the module. */
  construct: string;
  /** Why the construction looks the way it does, when that is not obvious (a TF convention). */
  note?: string;
  weights: WeightRule[];
}

export interface ModuleContext {
  id: string;
  /** The (first) input's design shape; the node's own for a node without inputs. */
  inShape: Shape;
  /** Its last axis: features or channels. */
  channels: number;
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

function pads(input: Shape, window: number, stride: number, padding: 'same' | 'valid'): { text: string; note?: string } {
  if (padding === 'valid') return { text: '(0, 0, 0, 0)' };
  const [top, bottom] = samePads(input[0], window, stride);
  const [left, right] = samePads(input[1], window, stride);
  const text = `(${left}, ${right}, ${top}, ${bottom})`;
  return top === bottom && left === right
    ? { text }
    : { text, note: `TF 'same' padding puts the extra pixel right/bottom: pads (left, right, top, bottom) = ${text}` };
}

function denseModule(units: number, bias: boolean, activation: Activation | 'softmax', channels: number): ModuleTranslation {
  return {
    construct: `Dense(${channels}, ${units}${bias ? '' : ', bias=False'}${act(activation)})`,
    weights: [
      { tfName: 'kernel', param: 'weight', layout: 'dense', shape: [units, channels] },
      ...(bias ? [{ tfName: 'bias', param: 'bias', layout: 'same' as const, shape: [units] }] : []),
    ],
  };
}

function poolModule(kind: 'max' | 'avg', p: { poolSize: number; strides: number; padding: 'same' | 'valid' }, inShape: Shape): ModuleTranslation {
  const pad = pads(inShape, p.poolSize, p.strides, p.padding);
  return { construct: `Pool2d('${kind}', ${p.poolSize}, ${p.strides}, pads=${pad.text})`, note: pad.note, weights: [] };
}

/**
 * Each layer type as the module model.py constructs (classes from python/model_runtime.py or torch.nn)
 * and the state_dict entries its tf.js weights become. The PyTorch part of the layer registry
 * (src/graph/layerTable.ts).
 */
export const PYTORCH_LAYERS: LayerTable<ModuleTranslation, [ctx: ModuleContext]> = {
  // The model's input is the forward argument, not a module.
  Input: (_node, { id }) => {
    throw new PytorchExportError([`node "${id}": a second Input cannot be translated`]);
  },
  Dense: ({ params: p }, { channels }) => denseModule(p.units, p.useBias, p.activation, channels),
  Output: ({ params: p }, { channels }) => denseModule(p.units, true, p.activation, channels),
  Conv2D: ({ params: p }, { inShape, channels }) => {
    const pad = pads(inShape, p.kernelSize, p.strides, p.padding);
    return {
      construct: `Conv2d(${channels}, ${p.filters}, ${p.kernelSize}, stride=${p.strides}, pads=${pad.text}${p.useBias ? '' : ', bias=False'}${act(p.activation)})`,
      note: pad.note,
      weights: [
        { tfName: 'kernel', param: 'weight', layout: 'conv', shape: [p.filters, channels, p.kernelSize, p.kernelSize] },
        ...(p.useBias ? [{ tfName: 'bias', param: 'bias', layout: 'same' as const, shape: [p.filters] }] : []),
      ],
    };
  },
  MaxPool2D: ({ params: p }, { inShape }) => poolModule('max', p, inShape),
  AvgPool2D: ({ params: p }, { inShape }) => poolModule('avg', p, inShape),
  GlobalAvgPool: () => ({ construct: 'GlobalAvgPool()', weights: [] }),
  Flatten: () => ({ construct: 'Flatten()', weights: [] }),
  BatchNorm: ({ params: p }, { inShape, channels }) => ({
    construct: `nn.BatchNorm${inShape.length === 3 ? '2d' : '1d'}(${channels}, eps=${py(p.epsilon)}, momentum=${torchMomentum(p.momentum)})`,
    note: `Keras momentum ${p.momentum} keeps that share of the old average; PyTorch's momentum is the share of the new batch`,
    weights: [
      { tfName: 'gamma', param: 'weight', layout: 'same', shape: [channels] },
      { tfName: 'beta', param: 'bias', layout: 'same', shape: [channels] },
      { tfName: 'moving_mean', param: 'running_mean', layout: 'same', shape: [channels] },
      { tfName: 'moving_variance', param: 'running_var', layout: 'same', shape: [channels] },
    ],
  }),
  LayerNorm: ({ params: p }, { channels }) => ({
    construct: `LayerNorm(${channels}, eps=${py(p.epsilon)})`,
    weights: [
      { tfName: 'gamma', param: 'weight', layout: 'same', shape: [channels] },
      { tfName: 'beta', param: 'bias', layout: 'same', shape: [channels] },
    ],
  }),
  Activation: ({ params: p }) => ({ construct: ACTIVATION_MODULES[p.activation], weights: [] }),
  Dropout: ({ params: p }) => ({ construct: `nn.Dropout(p=${py(p.rate)})`, weights: [] }),
  Add: () => ({ construct: 'Add()', weights: [] }),
  Concatenate: () => ({ construct: 'Concatenate()', weights: [] }),
};
