import { z } from 'zod';
import { defineLayer, ok } from './types';
import { single } from './activation';

/**
 * Share of the old moving average kept at each step. 0.9 (PyTorch's momentum 0.1) lets the moving
 * statistics catch up within the few hundred steps of a demo run; Keras' 0.99 needs thousands, and
 * until then inference-mode BatchNorm (validation, decision boundary) uses stale statistics.
 */
export const BATCH_NORM_MOMENTUM = 0.9;

export const BatchNormParams = z.strictObject({
  momentum: z.number().min(0).max(1).default(BATCH_NORM_MOMENTUM),
  epsilon: z.number().gt(0).max(1).default(1e-3),
});

export const batchNormLayer = defineLayer({
  type: 'BatchNorm',
  displayName: 'BatchNorm',
  description: 'Normalizes each channel over the batch, then scales and shifts: keeps activations well conditioned.',
  category: 'Normalization',
  params: BatchNormParams,
  fields: [
    {
      key: 'momentum',
      label: 'Momentum',
      kind: 'number',
      min: 0,
      max: 1,
      step: 0.01,
      hint: "Share of the old moving average kept per step: 0.9 catches up within a short run (PyTorch's 0.1); Keras' 0.99 suits runs of thousands of steps.",
    },
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
