import { z } from 'zod';
import { defineLayer, ok } from './types';
import { chain, single } from './activation';
import { activation } from './common';
import { ACTIVATIONS } from '../activations';

export const ActivationParams = z.strictObject({ activation: activation('relu') });

export const activationLayer = defineLayer({
  type: 'Activation',
  displayName: 'Activation',
  description: 'Applies a nonlinearity element-wise (ReLU, GELU, tanh, …).',
  category: 'Core',
  params: ActivationParams,
  fields: [{ key: 'activation', label: 'Activation', kind: 'enum', options: ACTIVATIONS }],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input),
  paramCount: () => 0,
  flops: ([input]) => input.reduce((n, d) => n * d, 1),
  build: (tf, p, name) =>
    p.activation === 'leakyRelu'
      ? single(tf.layers.leakyReLU({ name }))
      : chain(tf.layers.activation({ activation: p.activation, name }), tf, p.activation, name),
  summary: (p) => p.activation,
});

export const DropoutParams = z.strictObject({ rate: z.number().min(0).lt(1).default(0.1) });

export const dropoutLayer = defineLayer({
  type: 'Dropout',
  displayName: 'Dropout',
  description: 'During training, zeroes a random fraction of values (the rate) and rescales the rest.',
  category: 'Regularization',
  params: DropoutParams,
  fields: [{ key: 'rate', label: 'Rate', kind: 'number', min: 0, max: 0.99, step: 0.05 }],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input),
  paramCount: () => 0,
  flops: () => 0,
  build: (tf, p, name) => single(tf.layers.dropout({ rate: p.rate, name })),
  summary: (p) => `rate ${p.rate}`,
});
