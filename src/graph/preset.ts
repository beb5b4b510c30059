import { z } from 'zod';
import { Optimizer } from '../schema/settings';

/**
 * A design's training recipe: the settings its author chose and the result they should reach. The
 * dataset part holds only what the Training panel can show (kind, size, noise, spiral turns), so a
 * preset applied to the panel and the same preset given to `rescanvas train` run the same thing.
 * CSV data is left out on purpose: a design file does not carry a data file.
 */
export const PRESET_DATASET_KINDS = ['spirals', 'twoMoons', 'circles', 'xor', 'gaussianBlobs', 'shapes', 'mnist'] as const;

export const PresetDataset = z.strictObject({
  kind: z.enum(PRESET_DATASET_KINDS),
  size: z.number().int().min(10).max(200_000).optional(),
  noise: z.number().min(0).max(5).optional(),
  /** Spirals only: full turns of each arm. */
  turns: z.number().min(0.25).max(5).optional(),
});
export type PresetDataset = z.infer<typeof PresetDataset>;

/** What the preset is expected to reach, checked by the slow example test on seeds 1–5. */
export const PresetExpectation = z
  .strictObject({
    /** Final validation accuracy in [0, 1]: at least `min` (it learns), at most `max` (it stays near chance). */
    validationAccuracy: z.strictObject({ min: z.number().min(0).max(1).optional(), max: z.number().min(0).max(1).optional() }),
    /** One line a person reads: "≥ 97 % validation accuracy in 20 epochs (about 12 s of CPU)". */
    summary: z.string().min(1).max(300),
  })
  .refine(
    (e) => e.validationAccuracy.min !== undefined || e.validationAccuracy.max !== undefined,
    'an expectation names a minimum or a maximum validation accuracy',
  );
export type PresetExpectation = z.infer<typeof PresetExpectation>;

export const TrainingPreset = z.strictObject({
  dataset: PresetDataset,
  optimizer: Optimizer.default('adam'),
  learningRate: z.number().positive().max(10),
  schedule: z.enum(['constant', 'step', 'cosine']).default('constant'),
  batchSize: z.number().int().min(1).max(65_536),
  epochs: z.number().int().min(1).max(100_000),
  seed: z.number().int().min(0).max(0xffffffff).default(1),
  expected: PresetExpectation.optional(),
});
export type TrainingPreset = z.infer<typeof TrainingPreset>;
export type TrainingPresetInput = z.input<typeof TrainingPreset>;
