import { z } from 'zod';

/**
 * One stats frame: what every design node, edge and weight looked like at one training step.
 * Values are flat Float32Arrays, row-major, one row per id; the field lists below name the columns.
 * NaN means "not measured" (e.g. a gradient a frame's source does not record; the app's engine
 * records every node's, the Input's included); in JSON lines it is written as null. Run logs
 * (src/protocol/runLog.ts) carry frames in this shape, typed arrays as plain arrays.
 */
export const STATS_SCHEMA_VERSION = 1;
export const HISTOGRAM_BINS = 32;

/** Activation columns; its histogram spans [min, max] in HISTOGRAM_BINS equal bins, as fractions of the values. */
export const ACTIVATION_FIELDS = ['mean', 'std', 'min', 'max', 'zeroFraction'] as const;
/** Gradient of the loss w.r.t. the node's output; its histogram spans [-maxAbs, maxAbs]. */
export const GRADIENT_FIELDS = ['l2Norm', 'rms', 'maxAbs'] as const;
/** Gradient travelling back along an edge: its share of the source node's gradient. */
export const EDGE_FIELDS = ['l2Norm', 'rms'] as const;
/** updateRatio = ‖Δw‖ / ‖w‖ for this step's update. */
export const WEIGHT_FIELDS = ['norm', 'gradNorm', 'updateRatio'] as const;
/** Over the copies of one design node in a repeat group. */
export const GROUP_FIELDS = ['activationStdMean', 'activationStdMin', 'activationStdMax', 'gradientRmsMean', 'gradientRmsMin', 'gradientRmsMax'] as const;

const Floats = z.instanceof(Float32Array);
const Ids = z.array(z.string().max(200)).max(200_000);

export const StatsFrame = z
  .strictObject({
    schema: z.literal(STATS_SCHEMA_VERSION),
    runId: z.string().max(200),
    step: z.number().int().min(0),
    epoch: z.number().int().min(0),
    /** Wall time since the run started. */
    elapsedMs: z.number().min(0),
    loss: z.number().nullable(),
    nodes: z.strictObject({
      /** Unrolled node ids (`dense_1`, `dense_1__3` for copy 3 of a repeat group). */
      ids: Ids,
      activation: Floats,
      activationHistogram: Floats,
      gradient: Floats,
      gradientHistogram: Floats,
    }),
    /** Unrolled edge ids, only for sources read by more than one node (elsewhere the edge carries the target's input gradient). */
    edges: z.strictObject({ ids: Ids, gradient: Floats }),
    /** tf.js weight names (`dense_1/kernel`) with the node each belongs to. */
    weights: z.strictObject({ ids: Ids, nodeIds: Ids, values: Floats }),
    /** Design node ids of repeated nodes, aggregated over their copies. */
    groups: z.strictObject({ ids: Ids, values: Floats }),
  })
  .check((ctx) => {
    const f = ctx.value;
    const expect = (what: string, array: Float32Array, rows: number, columns: number) => {
      if (array.length !== rows * columns)
        ctx.issues.push({ code: 'custom', input: f, message: `${what} holds ${array.length} values, expected ${rows}×${columns}` });
    };
    expect('nodes.activation', f.nodes.activation, f.nodes.ids.length, ACTIVATION_FIELDS.length);
    expect('nodes.activationHistogram', f.nodes.activationHistogram, f.nodes.ids.length, HISTOGRAM_BINS);
    expect('nodes.gradient', f.nodes.gradient, f.nodes.ids.length, GRADIENT_FIELDS.length);
    expect('nodes.gradientHistogram', f.nodes.gradientHistogram, f.nodes.ids.length, HISTOGRAM_BINS);
    expect('edges.gradient', f.edges.gradient, f.edges.ids.length, EDGE_FIELDS.length);
    expect('weights.values', f.weights.values, f.weights.ids.length, WEIGHT_FIELDS.length);
    expect('groups.values', f.groups.values, f.groups.ids.length, GROUP_FIELDS.length);
  });
export type StatsFrame = z.infer<typeof StatsFrame>;

/** Reads one column of one row, e.g. `statValue(frame.nodes.gradient, GRADIENT_FIELDS, row, 'rms')`. */
export function statValue<const F extends readonly string[]>(values: Float32Array, fields: F, row: number, field: F[number]): number {
  return values[row * fields.length + fields.indexOf(field)];
}

/** A JSON-lines record: the frame with typed arrays as arrays and NaN as null. */
export function statsFrameToJson(frame: StatsFrame): string {
  return JSON.stringify(frame, (_key, value: unknown) => {
    if (value instanceof Float32Array) return Array.from(value, (v) => (Number.isFinite(v) ? v : null));
    return value;
  });
}

const JsonFloats = z.array(z.number().nullable()).transform((a) => Float32Array.from(a, (v) => (v === null ? NaN : v)));

/** Reads a line written by statsFrameToJson, validating it. */
export function statsFrameFromJson(line: string): StatsFrame {
  return statsFrameFromRecord(JSON.parse(line));
}

/** Validates a parsed JSON stats record (typed arrays as arrays, null for NaN); throws a ZodError-based Error. */
export function statsFrameFromRecord(record: unknown): StatsFrame {
  const raw = z
    .object({
      nodes: z.object({ activation: JsonFloats, activationHistogram: JsonFloats, gradient: JsonFloats, gradientHistogram: JsonFloats }).loose(),
      edges: z.object({ gradient: JsonFloats }).loose(),
      weights: z.object({ values: JsonFloats }).loose(),
      groups: z.object({ values: JsonFloats }).loose(),
    })
    .loose()
    .safeParse(record);
  if (!raw.success) throw new Error(`stats frame: ${describeStatsIssues(raw.error)}`);
  const frame = StatsFrame.safeParse(raw.data);
  if (!frame.success) throw new Error(`stats frame: ${describeStatsIssues(frame.error)}`);
  return frame.data;
}

function describeStatsIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : 'frame'}: ${i.message}`)
    .join('; ');
}
