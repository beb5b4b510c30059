import { z } from 'zod';
import { defineLayer, fail, ok } from './types';
import { chain, splitActivation } from './activation';
import { activation, Initializer, INITIALIZERS, int, Padding, PADDINGS, windowOutput } from './common';
import { ACTIVATIONS } from '../activations';

export const Conv2DParams = z.strictObject({
  filters: int(1, 4096, 16),
  kernelSize: int(1, 31, 3),
  strides: int(1, 8, 1),
  padding: Padding.default('same'),
  activation: activation('relu'),
  useBias: z.boolean().default(true),
  kernelInitializer: Initializer.default('glorotUniform'),
});

export const conv2dLayer = defineLayer({
  type: 'Conv2D',
  displayName: 'Conv2D',
  description: '2-D convolution over an image [height, width, channels]: learned k×k filters slide with a stride.',
  category: 'Convolution',
  params: Conv2DParams,
  fields: [
    { key: 'filters', label: 'Filters', kind: 'int', min: 1, max: 4096 },
    { key: 'kernelSize', label: 'Kernel size', kind: 'int', min: 1, max: 31 },
    { key: 'strides', label: 'Strides', kind: 'int', min: 1, max: 8 },
    { key: 'padding', label: 'Padding', kind: 'enum', options: PADDINGS },
    { key: 'activation', label: 'Activation', kind: 'enum', options: ACTIVATIONS },
    { key: 'useBias', label: 'Use bias', kind: 'bool' },
    { key: 'kernelInitializer', label: 'Initializer', kind: 'enum', options: INITIALIZERS },
  ],
  inputs: { min: 1, max: 1 },
  inferShape: ([input], p) => {
    if (input.length !== 3) {
      return fail('rank', `Conv2D needs an image input [height, width, channels] but receives [?, ${input.join(', ')}].`);
    }
    const [h, w] = input;
    const oh = windowOutput(h, p.kernelSize, p.strides, p.padding);
    const ow = windowOutput(w, p.kernelSize, p.strides, p.padding);
    if (oh < 1 || ow < 1) {
      return fail('param', `Kernel size ${p.kernelSize} with 'valid' padding is larger than the ${h}×${w} input.`);
    }
    return ok([oh, ow, p.filters]);
  },
  paramCount: ([input], _out, p) => p.kernelSize * p.kernelSize * input[2] * p.filters + (p.useBias ? p.filters : 0),
  flops: ([input], out, p) => 2 * out[0] * out[1] * p.kernelSize * p.kernelSize * input[2] * p.filters,
  build: (tf, p, name) =>
    chain(
      tf.layers.conv2d({
        filters: p.filters,
        kernelSize: p.kernelSize,
        strides: p.strides,
        padding: p.padding,
        activation: splitActivation(p.activation).fused,
        useBias: p.useBias,
        kernelInitializer: p.kernelInitializer,
        name,
      }),
      tf,
      p.activation,
      name,
    ),
  summary: (p) => `${p.filters}×${p.kernelSize}×${p.kernelSize}${p.strides > 1 ? ` /${p.strides}` : ''}, ${p.activation}`,
});
