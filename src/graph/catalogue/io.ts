import { z } from 'zod';
import { defineLayer, fail, ok } from './types';
import { single } from './activation';
import { int } from './common';

export const InputParams = z.strictObject({
  shape: z
    .array(z.number().int().min(1).max(65536))
    .refine((s) => s.length === 1 || s.length === 3, 'shape must be [features] or [height, width, channels]')
    .default([2]),
});

export const inputLayer = defineLayer({
  type: 'Input',
  displayName: 'Input',
  description: 'Where data enters: a feature vector [features] or an image [height, width, channels].',
  category: 'Input and output',
  params: InputParams,
  fields: [{ key: 'shape', label: 'Shape', kind: 'shape' }],
  inputs: { min: 0, max: 0 },
  inferShape: (_inputs, p) => ok(p.shape),
  paramCount: () => 0,
  flops: () => 0,
  // The compiler creates tf.input itself; this is never called.
  build: () => {
    throw new Error('Input nodes are created by the compiler');
  },
  summary: (p) => `[${p.shape.join('×')}]`,
});

export const OUTPUT_ACTIVATIONS = ['softmax', 'sigmoid', 'linear'] as const;
export const LOSSES = ['categoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError'] as const;

export const OutputParams = z.strictObject({
  units: int(1, 100_000, 2),
  activation: z.enum(OUTPUT_ACTIVATIONS).default('softmax'),
  loss: z.enum(LOSSES).default('categoricalCrossentropy'),
});

export const outputLayer = defineLayer({
  type: 'Output',
  displayName: 'Output',
  description: 'The prediction head: a dense layer with one unit per class (or target) and the loss to train against.',
  category: 'Input and output',
  params: OutputParams,
  fields: [
    { key: 'units', label: 'Units', kind: 'int', min: 1, max: 100_000 },
    { key: 'activation', label: 'Activation', kind: 'enum', options: OUTPUT_ACTIVATIONS },
    { key: 'loss', label: 'Loss', kind: 'enum', options: LOSSES },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) =>
    input.length === 1
      ? ok([p.units])
      : fail('rank', `Output needs a vector input but receives a ${input.length}-D tensor; insert a Flatten or GlobalAvgPool before it.`, {
          inputIndex: 0,
          fix: 'insert-flatten',
        }),
  paramCount: ([input], _out, p) => input[0] * p.units + p.units,
  flops: ([input], _out, p) => 2 * input[0] * p.units,
  build: (tf, p, name) => single(tf.layers.dense({ units: p.units, activation: p.activation, name })),
  summary: (p) => `${p.units}, ${p.activation}`,
});
