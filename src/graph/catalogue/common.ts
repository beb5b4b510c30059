import { z } from 'zod';
import { Activation } from '../activations';

export const INITIALIZERS = ['glorotUniform', 'glorotNormal', 'heNormal', 'heUniform', 'zeros'] as const;
export const Initializer = z.enum(INITIALIZERS);
export const PADDINGS = ['same', 'valid'] as const;
export const Padding = z.enum(PADDINGS);

/** Upper bounds keep absurd values (1e12 units) from reaching tf.js, where they would hang or exhaust memory. */
export const int = (min: number, max: number, fallback: number) => z.number().int().min(min).max(max).default(fallback);
export const activation = (fallback: Activation) => Activation.default(fallback);

/** Output size of a sliding window along one axis, as tf.js computes it. */
export function windowOutput(size: number, window: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.ceil((size - window + 1) / stride);
}
