import type * as tfNamespace from '@tensorflow/tfjs';
import {
  ACTIVATION_FIELDS,
  EDGE_FIELDS,
  GRADIENT_FIELDS,
  GROUP_FIELDS,
  HISTOGRAM_BINS,
  WEIGHT_FIELDS,
  STATS_SCHEMA_VERSION,
  type StatsFrame,
} from '../schema/stats';
import type { Plan, PlanProbes } from './plan/plan';
import { SUMMARY_CHUNK_VALUES } from '../compile/resourceTable';
import { nativeStatsSummaries, type StatsSummaries } from './backends/wasmKernels';

type Tf = typeof tfNamespace;
type Tensor = tfNamespace.Tensor;

/** Histograms are estimated from at most this many evenly strided values of a tensor. */
const HISTOGRAM_SAMPLE = 8192;

/**
 * Records one step's forward and backward graph: keeps each node's output, and wraps outputs (and
 * the values on fan-out edges) in identity probes whose gradient function keeps `dy`. Nothing is
 * summarised while the tape runs; `summarise` reduces everything afterwards in a few batched ops.
 * Probes exist only inside an instrumented step's plan run, never in the LayersModel.
 */
export class StepRecorder implements PlanProbes {
  readonly activations = new Map<string, Tensor>();
  readonly gradients = new Map<string, Tensor>();
  readonly edgeGradients = new Map<string, Tensor>();
  private readonly probe: (x: Tensor, sink: Map<string, Tensor>, key: string) => Tensor;
  /**
   * Views, not clones: a reshape to the same shape is a new tensor on the same data (every backend
   * shares it), where a clone copies it on wasm, two copies of every recorded tensor per frame.
   */
  private readonly view: (t: Tensor) => Tensor;

  constructor(private readonly tf: Tf) {
    const view = (this.view = (t: Tensor) => tf.reshape(t, t.shape));
    this.probe = (x, sink, key) =>
      tf.customGrad((...args: (Tensor | tfNamespace.GradSaveFunc)[]) => ({
        value: view(args[0] as Tensor),
        gradFunc: (dy: Tensor) => {
          sink.set(key, tf.keep(view(dy)));
          return view(dy);
        },
      }))(x);
  }

  activation(nodeId: string, value: Tensor): void {
    // A view, never the tensor itself: the Input node's value is the caller's batch, which this recorder must not dispose.
    this.activations.set(nodeId, this.tf.keep(this.view(value)));
  }

  node(nodeId: string, value: Tensor): Tensor {
    return this.probe(value, this.gradients, nodeId);
  }

  edge(edgeId: string, value: Tensor): Tensor {
    return this.probe(value, this.edgeGradients, edgeId);
  }

  dispose(): void {
    for (const map of [this.activations, this.gradients, this.edgeGradients]) {
      for (const t of map.values()) t.dispose();
      map.clear();
    }
  }
}

/** Rows of [size] tensors grouped by element count, so each group reduces in a few batches of ops. */
function bySize(tensors: Tensor[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  tensors.forEach((t, i) => {
    const list = groups.get(t.size) ?? [];
    list.push(i);
    groups.set(t.size, list);
  });
  return groups;
}

function rowsOf(tf: Tf, tensors: Tensor[], indices: number[], size: number): Tensor {
  return tf.concat(
    indices.map((i) => tf.reshape(tensors[i], [1, size])),
    0,
  );
}

/** Per row: the fraction of sampled values in each of HISTOGRAM_BINS bins over [low, high]. */
function histograms(tf: Tf, rows: Tensor, low: Tensor, high: Tensor): Tensor {
  const [count, size] = rows.shape;
  const stride = Math.ceil(size / HISTOGRAM_SAMPLE);
  const sample = stride > 1 ? tf.stridedSlice(rows, [0, 0], [count, size], [1, stride]) : rows;
  const sampled = sample.shape[1] as number;
  const width = tf.maximum(tf.sub(high, low), 1e-30);
  const scaled = tf.div(tf.sub(sample, tf.reshape(low, [count, 1])), tf.reshape(width, [count, 1]));
  const bin = tf.clipByValue(tf.floor(tf.mul(scaled, HISTOGRAM_BINS)), 0, HISTOGRAM_BINS - 1);
  const rowOffset = tf.reshape(tf.mul(tf.range(0, count, 1, 'float32'), HISTOGRAM_BINS), [count, 1]);
  const flat = tf.cast(tf.reshape(tf.add(bin, rowOffset), [-1]), 'int32');
  const counts = tf.bincount(flat as tfNamespace.Tensor1D, tf.tensor1d([], 'float32'), count * HISTOGRAM_BINS);
  return tf.div(tf.reshape(counts, [count, HISTOGRAM_BINS]), sampled);
}

/** [rows, 5 + bins]: mean, std, min, max, zero fraction, histogram over [min, max]. */
function activationSummary(tf: Tf, rows: Tensor): Tensor {
  const { mean, variance } = tf.moments(rows, 1);
  const min = tf.min(rows, 1);
  const max = tf.max(rows, 1);
  const zeros = tf.mean(tf.cast(tf.equal(rows, 0), 'float32'), 1);
  return tf.concat([tf.stack([mean, tf.sqrt(variance), min, max, zeros], 1), histograms(tf, rows, min, max)], 1);
}

/** [rows, 3 + bins]: L2 norm, RMS, max |g|, histogram over [−max, max]. */
function gradientSummary(tf: Tf, rows: Tensor): Tensor {
  const size = rows.shape[1] as number;
  const sumSquares = tf.sum(tf.square(rows), 1);
  const maxAbs = tf.max(tf.abs(rows), 1);
  return tf.concat([tf.stack([tf.sqrt(sumSquares), tf.sqrt(tf.div(sumSquares, size)), maxAbs], 1), histograms(tf, rows, tf.neg(maxAbs), maxAbs)], 1);
}

/** [rows, 2]: L2 norm and RMS. */
function edgeSummary(tf: Tf, rows: Tensor): Tensor {
  const size = rows.shape[1] as number;
  const sumSquares = tf.sum(tf.square(rows), 1);
  return tf.stack([tf.sqrt(sumSquares), tf.sqrt(tf.div(sumSquares, size))], 1);
}

/** Consecutive runs of `indices` holding at most `budget` values in all (always at least one row). */
export function chunkRows(indices: readonly number[], size: number, budget: number): number[][] {
  const perChunk = Math.max(1, Math.floor(budget / Math.max(size, 1)));
  const chunks: number[][] = [];
  for (let i = 0; i < indices.length; i += perChunk) chunks.push(indices.slice(i, i + perChunk));
  return chunks;
}

/**
 * Summaries of `tensors` in their order: [tensors.length, width]. Tensors of one element count are
 * stacked and reduced together, in chunks of at most SUMMARY_CHUNK_VALUES values, each in its own
 * tidy so only its small result outlives it: reducing a deep design's tensors all at once took about
 * ten more copies of every recorded value. Rows are summarised independently, so the numbers do not
 * depend on the chunking.
 */
function summariseAll(tf: Tf, tensors: Tensor[], width: number, summary: (tf: Tf, rows: Tensor) => Tensor, chunkValues: number): Tensor {
  if (tensors.length === 0) return tf.zeros([0, width]);
  const parts: Tensor[] = [];
  const order: number[] = [];
  for (const [size, indices] of bySize(tensors)) {
    for (const chunk of chunkRows(indices, size, chunkValues)) {
      parts.push(tf.tidy(() => summary(tf, rowsOf(tf, tensors, chunk, size))));
      order.push(...chunk);
    }
  }
  const stacked = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
  const inverse = new Int32Array(order.length);
  order.forEach((original, row) => (inverse[original] = row));
  return tf.gather(stacked, tf.tensor1d(inverse, 'int32'));
}

/**
 * The same rows through the wasm backend's summary kernels: one kernel per tensor, reading it in
 * place (no stacking), where the route above takes about 15 per group. The numbers agree with it
 * within float rounding (statsSummary tests), and each value lands in the same histogram bin.
 */
function nativeRows(tf: Tf, native: StatsSummaries, activations: Tensor[], gradients: Tensor[], edges: Tensor[]): Tensor[] {
  const stack = (rows: Tensor[], width: number) => (rows.length === 0 ? tf.zeros([0, width]) : tf.stack(rows));
  return [
    stack(activations.map(native.activation), NODE_WIDTH),
    stack(gradients.map(native.gradient), GRADIENT_WIDTH),
    stack(
      edges.map((t) => tf.slice(native.gradient(t), 0, EDGE_FIELDS.length)),
      EDGE_FIELDS.length,
    ),
  ];
}

/** The fixed row order of a plan's frames. */
export interface FrameLayout {
  nodeIds: string[];
  edgeIds: string[];
  weightIds: string[];
  weightNodeIds: string[];
  /** Design node id → rows (in nodeIds) of its copies, for nodes inside repeat groups. */
  groups: Map<string, number[]>;
}

export function frameLayout(plan: Plan): FrameLayout {
  const groups = new Map<string, number[]>();
  plan.nodes.forEach((n, row) => {
    if (n.groupId === undefined) return;
    const rows = groups.get(n.designId) ?? [];
    rows.push(row);
    groups.set(n.designId, rows);
  });
  const trainable = plan.weights.filter((w) => w.trainable);
  return {
    nodeIds: plan.nodes.map((n) => n.id),
    edgeIds: plan.edges.filter((e) => (plan.byId.get(e.source)?.fanOut ?? 0) > 1).map((e) => e.id),
    weightIds: trainable.map((w) => w.id),
    weightNodeIds: trainable.map((w) => w.nodeId),
    groups,
  };
}

/** Weight statistics, computed around the optimizer update: [weights, 3]. */
export function weightSummary(tf: Tf, before: Tensor[], gradients: (Tensor | undefined)[], after: Tensor[]): Tensor {
  if (before.length === 0) return tf.zeros([0, WEIGHT_FIELDS.length]);
  const float = (t: Tensor | undefined) => t === undefined || (t.dtype === 'float32' && t.size > 0);
  const native = [...before, ...gradients, ...after].every(float) ? nativeStatsSummaries(tf, HISTOGRAM_BINS, HISTOGRAM_SAMPLE) : null;
  if (native) return native.weights(before, gradients, after);
  const norm = (t: Tensor) => tf.sqrt(tf.sum(tf.square(t)));
  const rows = before.map((w, i) => {
    const weightNorm = norm(w);
    const g = gradients[i];
    return tf.stack([weightNorm, g ? norm(g) : tf.scalar(NaN), tf.div(norm(tf.sub(after[i], w)), tf.maximum(weightNorm, 1e-30))]);
  });
  return tf.stack(rows);
}

const NODE_WIDTH = ACTIVATION_FIELDS.length + HISTOGRAM_BINS;
const GRADIENT_WIDTH = GRADIENT_FIELDS.length + HISTOGRAM_BINS;

/**
 * Reduces a recorded step into one flat tensor (one readback per frame): node activation rows,
 * node gradient rows, edge rows, then weight rows. Missing gradients become NaN rows. `chunkValues`
 * bounds the values reduced at once (SUMMARY_CHUNK_VALUES); it changes no number.
 */
export function summariseStep(tf: Tf, layout: FrameLayout, recorder: StepRecorder, weights: Tensor, chunkValues = SUMMARY_CHUNK_VALUES): Tensor {
  return tf.tidy(() => {
    const activations = layout.nodeIds.map((id) => recorder.activations.get(id)).filter((t): t is Tensor => t !== undefined);
    if (activations.length !== layout.nodeIds.length) throw new Error('an instrumented step did not record every node');
    const gradients = layout.nodeIds.flatMap((id) => recorder.gradients.get(id) ?? []);
    const edges = layout.edgeIds.flatMap((id) => recorder.edgeGradients.get(id) ?? []);
    const native = [activations, gradients, edges].every((list) => list.every((t) => t.size > 0))
      ? nativeStatsSummaries(tf, HISTOGRAM_BINS, HISTOGRAM_SAMPLE)
      : null;
    const [nodeRows, gradientRows, edgeRows] = native
      ? nativeRows(tf, native, activations, gradients, edges)
      : [
          summariseAll(tf, activations, NODE_WIDTH, activationSummary, chunkValues),
          summariseAll(tf, gradients, GRADIENT_WIDTH, gradientSummary, chunkValues),
          summariseAll(tf, edges, EDGE_FIELDS.length, edgeSummary, chunkValues),
        ];
    return tf.concat([tf.reshape(nodeRows, [-1]), tf.reshape(gradientRows, [-1]), tf.reshape(edgeRows, [-1]), tf.reshape(weights, [-1])]);
  });
}

/** Which rows had a gradient, in layout order; needed to unpack summariseStep's output. */
export function recordedRows(layout: FrameLayout, recorder: StepRecorder): { nodes: boolean[]; edges: boolean[] } {
  return { nodes: layout.nodeIds.map((id) => recorder.gradients.has(id)), edges: layout.edgeIds.map((id) => recorder.edgeGradients.has(id)) };
}

function scatterRows(values: Float32Array, offset: number, present: boolean[], width: number): { rows: Float32Array<ArrayBuffer>; next: number } {
  const rows = new Float32Array(present.length * width).fill(NaN);
  let read = offset;
  present.forEach((has, row) => {
    if (!has) return;
    rows.set(values.subarray(read, read + width), row * width);
    read += width;
  });
  return { rows, next: read };
}

export interface FrameHeader {
  runId: string;
  step: number;
  epoch: number;
  elapsedMs: number;
  loss: number | null;
}

/** Splits the read-back values into a StatsFrame, adding the per-group aggregates. */
export function unpackFrame(header: FrameHeader, layout: FrameLayout, present: { nodes: boolean[]; edges: boolean[] }, values: Float32Array): StatsFrame {
  const nodeCount = layout.nodeIds.length;
  const nodeBlock = values.subarray(0, nodeCount * NODE_WIDTH);
  const activation = new Float32Array(nodeCount * ACTIVATION_FIELDS.length);
  const activationHistogram = new Float32Array(nodeCount * HISTOGRAM_BINS);
  for (let r = 0; r < nodeCount; r++) {
    activation.set(nodeBlock.subarray(r * NODE_WIDTH, r * NODE_WIDTH + ACTIVATION_FIELDS.length), r * ACTIVATION_FIELDS.length);
    activationHistogram.set(nodeBlock.subarray(r * NODE_WIDTH + ACTIVATION_FIELDS.length, (r + 1) * NODE_WIDTH), r * HISTOGRAM_BINS);
  }
  const g = scatterRows(values, nodeCount * NODE_WIDTH, present.nodes, GRADIENT_WIDTH);
  const gradient = new Float32Array(nodeCount * GRADIENT_FIELDS.length);
  const gradientHistogram = new Float32Array(nodeCount * HISTOGRAM_BINS);
  for (let r = 0; r < nodeCount; r++) {
    gradient.set(g.rows.subarray(r * GRADIENT_WIDTH, r * GRADIENT_WIDTH + GRADIENT_FIELDS.length), r * GRADIENT_FIELDS.length);
    gradientHistogram.set(g.rows.subarray(r * GRADIENT_WIDTH + GRADIENT_FIELDS.length, (r + 1) * GRADIENT_WIDTH), r * HISTOGRAM_BINS);
  }
  const e = scatterRows(values, g.next, present.edges, EDGE_FIELDS.length);
  const weightValues = new Float32Array(values.subarray(e.next, e.next + layout.weightIds.length * WEIGHT_FIELDS.length));

  const groupIds = [...layout.groups.keys()];
  const groupValues = new Float32Array(groupIds.length * GROUP_FIELDS.length);
  groupIds.forEach((id, i) => {
    const rows = layout.groups.get(id) as number[];
    const stds = rows.map((r) => activation[r * ACTIVATION_FIELDS.length + 1]);
    const rmss = rows.map((r) => gradient[r * GRADIENT_FIELDS.length + 1]).filter((x) => !Number.isNaN(x));
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
    const extremes = (xs: number[]) => (xs.length ? [Math.min(...xs), Math.max(...xs)] : [NaN, NaN]);
    groupValues.set([mean(stds), ...extremes(stds), mean(rmss), ...extremes(rmss)], i * GROUP_FIELDS.length);
  });

  return {
    schema: STATS_SCHEMA_VERSION,
    ...header,
    nodes: { ids: layout.nodeIds, activation, activationHistogram, gradient, gradientHistogram },
    edges: { ids: layout.edgeIds, gradient: e.rows },
    weights: { ids: layout.weightIds, nodeIds: layout.weightNodeIds, values: weightValues },
    groups: { ids: groupIds, values: groupValues },
  };
}
