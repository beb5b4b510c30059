import { z } from 'zod';
import { DatasetSpec, SavedDatasetSpec } from './datasetSpec';

export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adam', 'adamw', 'rmsprop'] as const;
export const Optimizer = z.enum(OPTIMIZERS);
export type OptimizerName = z.infer<typeof Optimizer>;

export const OptimizerSettings = z.strictObject({
  name: Optimizer.default('adam'),
  learningRate: z.number().positive().max(1e9).default(1e-3),
  /** For 'momentum' and 'nesterov'. */
  momentum: z.number().min(0).lt(1).default(0.9),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  epsilon: z.number().positive().max(1).default(1e-7),
  /** RMSProp's decay of the squared-gradient average. */
  rho: z.number().min(0).lt(1).default(0.9),
  /** Decoupled weight decay (Loshchilov & Hutter); used by 'adamw' only, applied to kernels only. */
  weightDecay: z.number().min(0).max(1).default(0.01),
});
export type OptimizerSettings = z.infer<typeof OptimizerSettings>;

export const ScheduleSettings = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant') }),
  /** Multiply the rate by `factor` every `everyEpochs` epochs. */
  z.strictObject({ kind: z.literal('step'), everyEpochs: z.number().int().min(1).max(100_000).default(10), factor: z.number().positive().max(1).default(0.1) }),
  /** Cosine decay from the base rate to base·minFactor over the whole run. */
  z.strictObject({ kind: z.literal('cosine'), minFactor: z.number().min(0).max(1).default(0) }),
]);
export type ScheduleSettings = z.infer<typeof ScheduleSettings>;

export const InstrumentationSettings = z.strictObject({
  /** 'interval': a frame about every intervalMs of wall time (less often where frames would take over a quarter of it); 'everyStep' is slow on purpose; 'off' sends none. */
  cadence: z.enum(['interval', 'everyStep', 'off']).default('interval'),
  intervalMs: z.number().int().min(10).max(600_000).default(100),
});
export type InstrumentationSettings = z.infer<typeof InstrumentationSettings>;

export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export const BackendName = z.enum(BACKEND_NAMES);
export type BackendName = z.infer<typeof BackendName>;

export const TrainSettings = z.strictObject({
  dataset: DatasetSpec,
  epochs: z.number().int().min(1).max(100_000).default(20),
  batchSize: z.number().int().min(1).max(65_536).default(64),
  seed: z.number().int().min(0).max(0xffffffff).default(1),
  optimizer: OptimizerSettings.prefault({}),
  schedule: ScheduleSettings.default({ kind: 'constant' }),
  /** Linear warm-up from ~0 to the scheduled rate over this many steps. */
  warmupSteps: z.number().int().min(0).max(10_000_000).default(0),
  instrumentation: InstrumentationSettings.prefault({}),
  /** Set the Input shape and Output units from the dataset instead of failing on a mismatch. */
  fitDesignToDataset: z.boolean().default(false),
});
export type TrainSettings = z.infer<typeof TrainSettings>;
/** Settings as a design file's saved runs keep them (no image pixels). */
export const SavedTrainSettings = TrainSettings.extend({ dataset: SavedDatasetSpec });
export type SavedTrainSettings = z.infer<typeof SavedTrainSettings>;
export type TrainSettingsInput = z.input<typeof TrainSettings>;
