import { z } from 'zod';

/**
 * How train.py trains: written to config.json beside it, every field overridable by a flag. This stands
 * in for the app's training settings until the engine's own schema (src/protocol) exists; the mapping
 * is this one object. Defaults mirror tf.js' optimizers (Adam ε = 1e-7, RMSprop decay 0.9).
 */
export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;

export const Schedule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant') }),
  /** Multiply the rate by `factor` every `everyEpochs` epochs. */
  z.strictObject({ kind: z.literal('step'), everyEpochs: z.number().int().min(1).max(100_000), factor: z.number().gt(0).max(1) }),
  /** Linear warm-up, then cosine decay to `minLearningRate` at the last step. */
  z.strictObject({
    kind: z.literal('cosine'),
    warmupEpochs: z.number().int().min(0).max(100_000).default(0),
    minLearningRate: z.number().min(0).max(10).default(0),
  }),
]);
export type Schedule = z.infer<typeof Schedule>;

export const TrainConfig = z.strictObject({
  optimizer: z.enum(OPTIMIZERS).default('adam'),
  learningRate: z.number().gt(0).max(10).default(1e-3),
  /** Momentum for 'momentum'; ignored by the others. */
  momentum: z.number().min(0).lt(1).default(0.9),
  schedule: Schedule.default({ kind: 'constant' }),
  /** Global batch: each of N processes takes batchSize / N, so results do not depend on N. */
  batchSize: z.number().int().min(1).max(65_536).default(32),
  epochs: z.number().int().min(1).max(100_000).default(20),
  /** Per-node statistics every this many steps (rank 0). */
  statsEvery: z.number().int().min(1).max(1_000_000).default(20),
  seed: z.number().int().min(0).max(0xffffffff).default(1),
  /** Held out for validation when the data file has no x_val / y_val. */
  validationFraction: z.number().min(0).max(0.9).default(0.2),
});
export type TrainConfig = z.infer<typeof TrainConfig>;
export type TrainConfigInput = z.input<typeof TrainConfig>;
