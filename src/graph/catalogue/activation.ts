import type { Activation } from '../activations';
import type { BuiltLayer, Layer, SymbolicTensor, Tf } from './types';

type TfActivation = 'relu' | 'elu' | 'selu' | 'gelu' | 'swish' | 'tanh' | 'sigmoid' | 'linear';

/** tf.js has no `leakyRelu` activation string, so that one becomes a separate LeakyReLU layer. */
export function splitActivation(activation: Activation): { fused: TfActivation; extra: 'leakyRelu' | null } {
  return activation === 'leakyRelu' ? { fused: 'linear', extra: 'leakyRelu' } : { fused: activation, extra: null };
}

export function chain(main: Layer, tf: Tf, activation: Activation, name: string): BuiltLayer {
  const { extra } = splitActivation(activation);
  const layers: Layer[] = [main];
  if (extra === 'leakyRelu') layers.push(tf.layers.leakyReLU({ name: `${name}_act` }));
  return {
    layers,
    apply(inputs: SymbolicTensor[]): SymbolicTensor {
      let out = main.apply(inputs.length === 1 ? inputs[0] : inputs) as SymbolicTensor;
      for (const layer of layers.slice(1)) out = layer.apply(out) as SymbolicTensor;
      return out;
    },
  };
}

export function single(layer: Layer): BuiltLayer {
  return {
    layers: [layer],
    apply: (inputs) => layer.apply(inputs.length === 1 ? inputs[0] : inputs) as SymbolicTensor,
  };
}
