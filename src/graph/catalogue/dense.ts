import { z } from 'zod';
import { defineLayer, fail, ok } from './types';
import { chain, splitActivation } from './activation';
import { activation, Initializer, INITIALIZERS, int } from './common';
import { ACTIVATIONS } from '../activations';

export const DenseParams = z.strictObject({
  units: int(1, 65_536, 64),
  activation: activation('relu'),
  useBias: z.boolean().default(true),
  kernelInitializer: Initializer.default('glorotUniform'),
});

export const denseLayer = defineLayer({
  type: 'Dense',
  displayName: 'Dense',
  description: 'Fully connected layer: every output unit is a weighted sum of all inputs, then an activation.',
  category: 'Core',
  params: DenseParams,
  fields: [
    { key: 'units', label: 'Units', kind: 'int', min: 1, max: 65_536 },
    { key: 'activation', label: 'Activation', kind: 'enum', options: ACTIVATIONS },
    { key: 'useBias', label: 'Use bias', kind: 'bool' },
    { key: 'kernelInitializer', label: 'Initializer', kind: 'enum', options: INITIALIZERS },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) =>
    input.length === 1
      ? ok([p.units])
      : fail('rank', `Dense needs a vector input but receives a ${input.length}-D tensor [?, ${input.join(', ')}]; insert a Flatten before it.`, {
          inputIndex: 0,
          fix: 'insert-flatten',
        }),
  paramCount: ([input], _out, p) => input[0] * p.units + (p.useBias ? p.units : 0),
  flops: ([input], _out, p) => 2 * input[0] * p.units,
  build: (tf, p, name) =>
    chain(
      tf.layers.dense({
        units: p.units,
        activation: splitActivation(p.activation).fused,
        useBias: p.useBias,
        kernelInitializer: p.kernelInitializer,
        name,
      }),
      tf,
      p.activation,
      name,
    ),
  summary: (p) => `${p.units}, ${p.activation}`,
});
