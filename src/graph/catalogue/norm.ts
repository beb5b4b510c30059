import { z } from 'zod';
import { defineLayer, ok } from './types';
import { single } from './activation';

export const BatchNormParams = z.strictObject({
  momentum: z.number().min(0).max(1).default(0.99),
  epsilon: z.number().gt(0).max(1).default(1e-3),
});

export const batchNormLayer = defineLayer({
  type: 'BatchNorm',
  displayName: 'BatchNorm',
  description: 'Normalizes each channel over the batch, then scales and shifts: keeps activations well conditioned.',
  category: 'Normalization',
  params: BatchNormParams,
  fields: [
    { key: 'momentum', label: 'Momentum', kind: 'number', min: 0, max: 1, step: 0.01 },
    { key: 'epsilon', label: 'Epsilon', kind: 'number', min: 1e-9, max: 1, step: 0.0001 },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input),
  // gamma, beta, moving mean and moving variance: Keras counts all four.
  paramCount: ([input]) => 4 * input[input.length - 1],
  flops: ([input]) => 2 * input.reduce((n, d) => n * d, 1),
  build: (tf, p, name) => single(tf.layers.batchNormalization({ momentum: p.momentum, epsilon: p.epsilon, name })),
  summary: () => '',
});

export const LayerNormParams = z.strictObject({
  epsilon: z.number().gt(0).max(1).default(1e-3),
});

export const layerNormLayer = defineLayer({
  type: 'LayerNorm',
  displayName: 'LayerNorm',
  description: 'Normalizes each sample over its last axis, then scales and shifts: batch-independent normalization.',
  category: 'Normalization',
  params: LayerNormParams,
  fields: [{ key: 'epsilon', label: 'Epsilon', kind: 'number', min: 1e-9, max: 1, step: 0.0001 }],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok(input),
  paramCount: ([input]) => 2 * input[input.length - 1],
  flops: ([input]) => 5 * input.reduce((n, d) => n * d, 1),
  build: (tf, p, name) => single(tf.layers.layerNormalization({ epsilon: p.epsilon, name })),
  summary: () => '',
});
