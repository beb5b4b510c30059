import { z } from 'zod';
import { defineLayer, fail, ok, type LayerKind } from './types';
import { single } from './activation';
import { int, Padding, PADDINGS, windowOutput } from './common';

export const PoolParams = z.strictObject({
  poolSize: int(1, 31, 2),
  strides: int(1, 31, 2),
  padding: Padding.default('valid'),
});
type PoolParams = z.infer<typeof PoolParams>;

function poolLayer<const T extends 'MaxPool2D' | 'AvgPool2D'>(type: T, description: string): LayerKind<PoolParams, T> {
  return defineLayer({
    type,
    displayName: type,
    description,
    category: 'Convolution',
    params: PoolParams,
    fields: [
      { key: 'poolSize', label: 'Pool size', kind: 'int', min: 1, max: 31 },
      { key: 'strides', label: 'Strides', kind: 'int', min: 1, max: 31 },
      { key: 'padding', label: 'Padding', kind: 'enum', options: PADDINGS },
    ],
    inputs: { min: 1, max: 1 },
    inferShape: ([input], p) => {
      if (input.length !== 3) return fail('rank', `${type} needs an image input [height, width, channels] but receives [?, ${input.join(', ')}].`);
      const oh = windowOutput(input[0], p.poolSize, p.strides, p.padding);
      const ow = windowOutput(input[1], p.poolSize, p.strides, p.padding);
      if (oh < 1 || ow < 1) return fail('param', `Pool size ${p.poolSize} is larger than the ${input[0]}×${input[1]} input.`);
      return ok([oh, ow, input[2]]);
    },
    paramCount: () => 0,
    flops: (_in, out, p) => out[0] * out[1] * out[2] * p.poolSize * p.poolSize,
    build: (tf, p, name) => {
      const config = { poolSize: p.poolSize, strides: p.strides, padding: p.padding, name };
      return single(type === 'MaxPool2D' ? tf.layers.maxPooling2d(config) : tf.layers.averagePooling2d(config));
    },
    summary: (p) => `${p.poolSize}×${p.poolSize} /${p.strides}`,
  });
}

export const maxPoolLayer = poolLayer('MaxPool2D', 'Keeps the largest value in each window: downsamples an image.');
export const avgPoolLayer = poolLayer('AvgPool2D', 'Averages each window: downsamples an image smoothly.');

const NoParams = z.strictObject({});

export const globalAvgPoolLayer = defineLayer({
  type: 'GlobalAvgPool',
  displayName: 'GlobalAvgPool',
  description: 'Averages each channel over the whole image: [h, w, c] becomes [c]. The usual ResNet head.',
  category: 'Convolution',
  params: NoParams,
  fields: [],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => (input.length === 3 ? ok([input[2]]) : fail('rank', `GlobalAvgPool needs an image input but receives [?, ${input.join(', ')}].`)),
  paramCount: () => 0,
  flops: ([input]) => input[0] * input[1] * input[2],
  build: (tf, _p, name) => single(tf.layers.globalAveragePooling2d({ name })),
  summary: () => '',
});

export const flattenLayer = defineLayer({
  type: 'Flatten',
  displayName: 'Flatten',
  description: 'Reshapes any tensor into a vector so dense layers can follow.',
  category: 'Core',
  params: NoParams,
  fields: [],
  inputs: { min: 1, max: 1 },
  inferShape: ([input]) => ok([input.reduce((n, d) => n * d, 1)]),
  paramCount: () => 0,
  flops: () => 0,
  build: (tf, _p, name) => single(tf.layers.flatten({ name })),
  summary: () => '',
});
