import { z } from 'zod';
import { Design } from '../graph/design';
import { BackendName, TrainSettings } from '../schema/settings';
import { StatsFrame } from '../schema/stats';

/**
 * Every message between a UI (or the CLI) and the training engine, whichever process or worker the
 * engine lives in. Both sides parse what they receive with these schemas. `v` is the protocol
 * version; a message from another version is refused with an error reply naming both versions.
 */
export const PROTOCOL_VERSION = 1;
const v = z.literal(PROTOCOL_VERSION).default(PROTOCOL_VERSION);
const RunId = z.string().min(1).max(200);
/** A design node id or an unrolled copy id (`add_1__3`). */
const UnrolledId = z.string().min(1).max(200);
/**
 * Chosen by the sender of a request; the reply and any error about the request echo it, so a
 * client with several requests in flight can tell whose answer arrived (src/protocol/request.ts).
 */
const RequestId = z.string().max(200);
const optionalRequestId = RequestId.optional();

// ---- to the engine ----
/**
 * The handshake: whoever opens a line to the engine (a page after a load or reload, a client after a
 * restart) asks, and the engine answers with `engineState` — its backend and its run, if any.
 */
export const Hello = z.strictObject({ v, type: z.literal('hello'), requestId: optionalRequestId });
export const LoadDesign = z.strictObject({ v, type: z.literal('loadDesign'), requestId: optionalRequestId, design: Design });
export const Start = z.strictObject({ v, type: z.literal('start'), requestId: optionalRequestId, runId: RunId, settings: TrainSettings });
export const Pause = z.strictObject({ v, type: z.literal('pause'), requestId: optionalRequestId, runId: RunId });
export const Resume = z.strictObject({ v, type: z.literal('resume'), requestId: optionalRequestId, runId: RunId });
export const Stop = z.strictObject({ v, type: z.literal('stop'), requestId: optionalRequestId, runId: RunId });
/** Loss and accuracy of the current weights on the validation split of the last run's dataset. */
export const Evaluate = z.strictObject({ v, type: z.literal('evaluate'), requestId: z.string().max(200).default('') });
/**
 * Block-drop evaluation (Veit et al. 2016): zero the branch of each listed Add, one set at a time,
 * without retraining. `sets` omitted: every Add with a branch, one at a time.
 */
export const DropBlocks = z.strictObject({
  v,
  type: z.literal('dropBlocks'),
  requestId: z.string().max(200).default(''),
  sets: z.array(z.array(UnrolledId).min(1).max(10_000)).max(10_000).optional(),
});
/**
 * Plain-net layer drop, the counterpart of dropBlocks for nets without shortcuts: for each span,
 * evaluate with the chain `from`..`to` taken out (what read `to` reads what `from` read), one span
 * at a time, without retraining. Answered with `layersSkipped`.
 */
export const SkipLayers = z.strictObject({
  v,
  type: z.literal('skipLayers'),
  requestId: z.string().max(200).default(''),
  spans: z
    .array(z.strictObject({ from: UnrolledId, to: UnrolledId }))
    .min(1)
    .max(10_000),
});
/** The trained model as tf.js layers-model artefacts (probe-free: the model was never instrumented). */
export const ExportWeights = z.strictObject({ v, type: z.literal('exportWeights'), requestId: z.string().max(200).default('') });
/** The consumer has handled stats frames up to `seq`; see StatsCoalescer. */
export const StatsAck = z.strictObject({ v, type: z.literal('statsAck'), seq: z.number().int().min(0) });

/** Grid points per side for predictGrid: 128² points keep one reply under a megabyte for ten classes. */
export const MAX_GRID_RESOLUTION = 128;
export const GridBounds = z
  .strictObject({ minX: z.number(), maxX: z.number(), minY: z.number(), maxY: z.number() })
  .refine((b) => b.maxX > b.minX && b.maxY > b.minY, 'bounds must have maxX > minX and maxY > minY');
export type GridBounds = z.infer<typeof GridBounds>;
const GridResolution = z.number().int().min(2).max(MAX_GRID_RESOLUTION);
/**
 * The decision boundary: class probabilities of the current weights on a grid of 2-D points, for a
 * design whose Input has 2 features. Answered between training steps, during a run or after it.
 */
export const PredictGrid = z.strictObject({
  v,
  type: z.literal('predictGrid'),
  requestId: z.string().max(200),
  bounds: GridBounds,
  /** Points per side; the grid is resolution² points, row 0 at minY. */
  resolution: GridResolution,
});

/**
 * The training loss on a 2-D slice of weight space around the last run's weights (two random
 * filter-normalized directions), on the first `samples` training examples. Progress arrives as
 * `landscapeProgress`, the result as `landscape`; `stopLandscape` ends it early (weights restored).
 */
export const LossLandscape = z.strictObject({
  v,
  type: z.literal('lossLandscape'),
  requestId: z.string().max(200),
  /** Grid points per axis, odd so the trained weights sit on the centre point. */
  resolution: z
    .number()
    .int()
    .min(3)
    .max(61)
    .refine((n) => n % 2 === 1, 'resolution must be odd'),
  /** The grid covers -span … span along each direction. */
  span: z.number().gt(0).max(10),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  samples: z.number().int().min(1).max(100_000),
});
export const StopLandscape = z.strictObject({ v, type: z.literal('stopLandscape') });

export const ToEngine = z.discriminatedUnion('type', [
  Hello,
  LoadDesign,
  Start,
  Pause,
  Resume,
  Stop,
  Evaluate,
  DropBlocks,
  ExportWeights,
  StatsAck,
  PredictGrid,
  SkipLayers,
  LossLandscape,
  StopLandscape,
]);
export type ToEngine = z.infer<typeof ToEngine>;
export type ToEngineInput = z.input<typeof ToEngine>;

// ---- from the engine ----
export const BackendAttempt = z.strictObject({ name: BackendName, reason: z.string().max(2000) });
export const BackendReport = z.strictObject({
  active: BackendName,
  /** e.g. "SIMD on, threads off". */
  detail: z.string().max(2000),
  /** Better backends that were not used, best first, each with why. */
  skipped: z.array(BackendAttempt).max(10),
  forced: z.boolean(),
});
export type BackendReport = z.infer<typeof BackendReport>;

export const EngineDiagnostic = z.strictObject({
  code: z.enum(['dataset-mismatch', 'non-finite', 'design', 'dataset', 'backend']),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string().max(10_000),
  nodeId: z.string().max(200).optional(),
  /** 'activation' or 'gradient' for non-finite values. */
  where: z.enum(['activation', 'gradient', 'loss']).optional(),
  fix: z.literal('fit-design-to-dataset').optional(),
});
export type EngineDiagnostic = z.infer<typeof EngineDiagnostic>;

const Ready = z.strictObject({ v, type: z.literal('ready'), backend: BackendReport });
/** The answer to `hello`: what a client that has just connected needs to know to show the truth. */
const EngineState = z.strictObject({
  v,
  type: z.literal('engineState'),
  requestId: optionalRequestId,
  backend: BackendReport,
  /** The run the engine holds that has not finished, if any (a page reloaded mid-run). */
  run: z.strictObject({ runId: RunId, state: z.enum(['running', 'paused']) }).nullable(),
});
const DesignLoaded = z.strictObject({
  v,
  type: z.literal('designLoaded'),
  requestId: optionalRequestId,
  nodeCount: z.number().int(),
  parameterCount: z.number().int(),
  weightIds: z.array(z.string()),
});
const RunState = z.enum(['running', 'paused']);
const State = z.strictObject({ v, type: z.literal('state'), runId: RunId, state: RunState });
const Progress = z.strictObject({
  v,
  type: z.literal('progress'),
  runId: RunId,
  epoch: z.number().int().min(0),
  epochs: z.number().int().min(1),
  step: z.number().int().min(0),
  stepsPerEpoch: z.number().int().min(1),
  totalSteps: z.number().int().min(1),
  /** Running mean over the current epoch so far. */
  loss: z.number(),
  accuracy: z.number(),
  learningRate: z.number(),
  stepsPerSecond: z.number(),
});
const Metrics = z.strictObject({
  v,
  type: z.literal('metrics'),
  runId: RunId,
  epoch: z.number().int().min(1),
  loss: z.number(),
  accuracy: z.number(),
  validationLoss: z.number().nullable(),
  validationAccuracy: z.number().nullable(),
  learningRate: z.number(),
  durationMs: z.number(),
});
const Stats = z.strictObject({ v, type: z.literal('statsFrame'), seq: z.number().int().min(0), frame: StatsFrame });
const Diagnostics = z.strictObject({ v, type: z.literal('diagnostics'), runId: RunId.optional(), diagnostics: z.array(EngineDiagnostic) });
const Evaluation = z.strictObject({ v, type: z.literal('evaluation'), requestId: z.string(), loss: z.number(), accuracy: z.number(), count: z.number().int() });
export const BlockDropResult = z.strictObject({ dropped: z.array(z.string()), loss: z.number(), accuracy: z.number() });
const BlockDrop = z.strictObject({
  v,
  type: z.literal('blockDrop'),
  requestId: z.string(),
  baseline: z.strictObject({ loss: z.number(), accuracy: z.number() }),
  results: z.array(BlockDropResult),
});
/** The answer to skipLayers; each result's `dropped` is [from, to]. */
const LayersSkipped = z.strictObject({
  v,
  type: z.literal('layersSkipped'),
  requestId: z.string(),
  baseline: z.strictObject({ loss: z.number(), accuracy: z.number() }),
  results: z.array(BlockDropResult),
});
const Weights = z.strictObject({
  v,
  type: z.literal('weights'),
  requestId: z.string(),
  /** model.json's `modelTopology` and `weightsManifest[0].weights`, as tf.io ModelArtifacts carry them. */
  modelTopology: z.record(z.string(), z.unknown()),
  weightSpecs: z.array(
    z.strictObject({ name: z.string(), shape: z.array(z.number().int()), dtype: z.enum(['float32', 'int32', 'bool', 'string', 'complex64']) }).loose(),
  ),
  weightData: z.instanceof(Uint8Array),
});
export const GridPrediction = z
  .strictObject({
    v,
    type: z.literal('gridPrediction'),
    requestId: z.string().max(200),
    bounds: GridBounds,
    resolution: GridResolution,
    classes: z.number().int().min(1).max(10_000),
    /** resolution² rows of `classes` probabilities, row-major, rows by y then x. */
    probabilities: z.instanceof(Float32Array),
  })
  .refine((m) => m.probabilities.length === m.resolution * m.resolution * m.classes, 'probabilities must hold resolution²×classes values');
export type GridPrediction = z.infer<typeof GridPrediction>;
const LandscapeProgress = z.strictObject({ v, type: z.literal('landscapeProgress'), requestId: z.string().max(200), done: z.number().min(0).max(1) });
export const LandscapeResult = z
  .strictObject({
    v,
    type: z.literal('landscape'),
    requestId: z.string().max(200),
    resolution: z.number().int().min(3).max(61),
    span: z.number(),
    coords: z.array(z.number()),
    /** Loss at (coords[col], coords[row]), row-major; null where it was not finite. */
    loss: z.array(z.number().nullable()),
    centerLoss: z.number(),
    roughness: z.number(),
    samples: z.number().int(),
  })
  .refine(
    (m) => m.coords.length === m.resolution && m.loss.length === m.resolution * m.resolution,
    'a landscape holds resolution coordinates and resolution² losses',
  );
export type LandscapeResult = z.infer<typeof LandscapeResult>;
export const ERROR_CODES = [
  'bad-message',
  'version',
  'no-design',
  'busy',
  'no-run',
  'design',
  'dataset',
  'dataset-mismatch',
  'stopped',
  'crash',
  'internal',
] as const;
const EngineError = z.strictObject({
  v,
  type: z.literal('error'),
  code: z.enum(ERROR_CODES),
  message: z.string().max(20_000),
  runId: RunId.optional(),
  /** The `type` of the message this answers, when there was one. */
  inReplyTo: z.string().max(100).optional(),
  /** The `requestId` of the message this answers, when it had one. */
  requestId: optionalRequestId,
});
const DONE_REASONS = ['completed', 'stopped', 'diverged', 'failed'] as const;
const Done = z.strictObject({
  v,
  type: z.literal('done'),
  runId: RunId,
  reason: z.enum(DONE_REASONS),
  epochs: z.number().int().min(0),
  steps: z.number().int().min(0),
  loss: z.number().nullable(),
  accuracy: z.number().nullable(),
  validationLoss: z.number().nullable(),
  validationAccuracy: z.number().nullable(),
});

export const FromEngine = z.discriminatedUnion('type', [
  Ready,
  EngineState,
  DesignLoaded,
  State,
  Progress,
  Metrics,
  Stats,
  Diagnostics,
  Evaluation,
  BlockDrop,
  LayersSkipped,
  Weights,
  GridPrediction,
  LandscapeProgress,
  LandscapeResult,
  EngineError,
  Done,
]);
export type FromEngine = z.infer<typeof FromEngine>;
export type FromEngineOf<T extends FromEngine['type']> = Extract<FromEngine, { type: T }>;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A parse failure as one readable sentence: which field, what was wrong. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'message'}: ${i.message}`)
    .join('; ');
}

/** Parses an incoming message for the engine; a version mismatch gets its own sentence. */
export function parseToEngine(raw: unknown): { ok: true; message: ToEngine } | { ok: false; code: ErrorCode; message: string; inReplyTo?: string } {
  const type =
    typeof raw === 'object' && raw !== null && typeof (raw as { type?: unknown }).type === 'string' ? (raw as { type: string }).type.slice(0, 100) : undefined;
  const version = typeof raw === 'object' && raw !== null ? (raw as { v?: unknown }).v : undefined;
  if (version !== undefined && version !== PROTOCOL_VERSION) {
    return {
      ok: false,
      code: 'version',
      message: `message speaks protocol version ${String(version)}; this engine speaks version ${PROTOCOL_VERSION}`,
      inReplyTo: type,
    };
  }
  const parsed = ToEngine.safeParse(raw);
  if (!parsed.success) return { ok: false, code: 'bad-message', message: `invalid ${type ?? 'message'}: ${describeIssues(parsed.error)}`, inReplyTo: type };
  return { ok: true, message: parsed.data };
}
