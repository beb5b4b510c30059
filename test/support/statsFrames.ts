/**
 * A stats frame with per-node values only (no edges, weights or groups), as run-log and data-worker
 * tests write them: values come from the functions given, histograms are uniform.
 */
import { ACTIVATION_FIELDS, GRADIENT_FIELDS, HISTOGRAM_BINS, STATS_SCHEMA_VERSION, type StatsFrame } from '../../src/schema/stats';

export interface NodeFrameOptions {
  runId: string;
  ids: string[];
  step: number;
  epoch?: number;
  elapsedMs?: number;
  loss?: number;
  /** Value of activation field `i` (row-major over nodes × ACTIVATION_FIELDS). */
  activation?: (i: number) => number;
  /** Value of gradient field `i` (row-major over nodes × GRADIENT_FIELDS). */
  gradient?: (i: number) => number;
}

export function nodeStatsFrame(o: NodeFrameOptions): StatsFrame {
  const rows = o.ids.length;
  const uniform = () => new Float32Array(rows * HISTOGRAM_BINS).fill(1 / HISTOGRAM_BINS);
  return {
    schema: STATS_SCHEMA_VERSION,
    runId: o.runId,
    step: o.step,
    epoch: o.epoch ?? 1,
    elapsedMs: o.elapsedMs ?? o.step,
    loss: o.loss ?? 1,
    nodes: {
      ids: o.ids,
      activation: Float32Array.from({ length: rows * ACTIVATION_FIELDS.length }, (_, i) => o.activation?.(i) ?? 0),
      activationHistogram: uniform(),
      gradient: Float32Array.from({ length: rows * GRADIENT_FIELDS.length }, (_, i) => o.gradient?.(i) ?? 0),
      gradientHistogram: uniform(),
    },
    edges: { ids: [], gradient: new Float32Array() },
    weights: { ids: [], nodeIds: [], values: new Float32Array() },
    groups: { ids: [], values: new Float32Array() },
  };
}
