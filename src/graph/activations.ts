import { z } from 'zod';

/** Activation names as stored in designs; tf.js spellings are derived in the compiler. */
export const ACTIVATIONS = ['relu', 'leakyRelu', 'elu', 'selu', 'gelu', 'swish', 'tanh', 'sigmoid', 'linear'] as const;
export const Activation = z.enum(ACTIVATIONS);
export type Activation = z.infer<typeof Activation>;

/** The activations whose outputs are exactly zero on a dead unit (for the dead-unit statistic). */
export const RELU_FAMILY: ReadonlySet<Activation> = new Set(['relu']);
