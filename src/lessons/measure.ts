import { ACTIVATION_FIELDS, EDGE_FIELDS, GRADIENT_FIELDS, HISTOGRAM_BINS, statValue, type StatsFrame } from '../schema/stats';
import type { RunRecord } from './engine';
import type { DatasetSpecInput } from '../engine/datasets';
import type { TrainSettingsInput } from '../schema/settings';

/**
 * Spirals, the lessons' data set: two interleaved arms no shallow linear model separates. The lessons
 * were measured on the harder 1.75-turn arms, which keep plain and residual nets apart; they pin it.
 */
export function spirals(size: number, seed: number): DatasetSpecInput {
  return { kind: 'spirals', size, noise: 0.1, turns: 1.75, seed };
}

/** Concentric rings: easy enough that nets which can train at all fit it within a hundred steps. */
export function circles(size: number, seed: number): DatasetSpecInput {
  return { kind: 'circles', size, noise: 0.05, seed };
}

export function adam(dataset: DatasetSpecInput, epochs: number, seed: number, learningRate = 3e-3, batchSize = 64): TrainSettingsInput {
  return { dataset, epochs, batchSize, seed, optimizer: { name: 'adam', learningRate }, instrumentation: { cadence: 'off' } };
}

/** Settings for a measurement at initialization: one batch, one instrumented step. */
export function atInit(dataset: DatasetSpecInput, seed: number, batchSize = 64): TrainSettingsInput {
  return { dataset, epochs: 1, batchSize, seed, optimizer: { name: 'sgd', learningRate: 1e-9 }, instrumentation: { cadence: 'interval', intervalMs: 600_000 } };
}

export function requireRecord(records: Map<string, RunRecord>, key: string): RunRecord {
  const record = records.get(key);
  if (!record) throw new Error(`lesson run "${key}" did not run`);
  return record;
}

export function requireInitFrame(record: RunRecord): StatsFrame {
  if (!record.initFrame) throw new Error(`run "${record.runId}" produced no frame at initialization`);
  return record.initFrame;
}

function rowOf(frame: StatsFrame, nodeId: string): number {
  const row = frame.nodes.ids.indexOf(nodeId);
  if (row < 0) throw new Error(`node "${nodeId}" is not in the stats frame of run "${frame.runId}"`);
  return row;
}

export function gradientRms(frame: StatsFrame, nodeId: string): number {
  return statValue(frame.nodes.gradient, GRADIENT_FIELDS, rowOf(frame, nodeId), 'rms');
}

export function activationStat(frame: StatsFrame, nodeId: string, field: (typeof ACTIVATION_FIELDS)[number]): number {
  return statValue(frame.nodes.activation, ACTIVATION_FIELDS, rowOf(frame, nodeId), field);
}

/** Root mean square of a node's output, from its mean and standard deviation. */
export function activationRms(frame: StatsFrame, nodeId: string): number {
  const mean = activationStat(frame, nodeId, 'mean');
  const std = activationStat(frame, nodeId, 'std');
  return Math.sqrt(mean * mean + std * std);
}

export function edgeGradientNorm(frame: StatsFrame, edgeId: string): number {
  const row = frame.edges.ids.indexOf(edgeId);
  if (row < 0) throw new Error(`edge "${edgeId}" carries no gradient statistics in run "${frame.runId}"`);
  return statValue(frame.edges.gradient, EDGE_FIELDS, row, 'l2Norm');
}

export function gradientNorm(frame: StatsFrame, nodeId: string): number {
  return statValue(frame.nodes.gradient, GRADIENT_FIELDS, rowOf(frame, nodeId), 'l2Norm');
}

/** Shannon entropy (bits) of a node's activation histogram: 5 bits is flat, 0 is one spike. */
export function histogramEntropy(frame: StatsFrame, nodeId: string, which: 'activation' | 'gradient'): number {
  const row = rowOf(frame, nodeId);
  const bins = (which === 'activation' ? frame.nodes.activationHistogram : frame.nodes.gradientHistogram).subarray(
    row * HISTOGRAM_BINS,
    (row + 1) * HISTOGRAM_BINS,
  );
  let h = 0;
  for (const p of bins) if (p > 0) h -= p * Math.log2(p);
  return h;
}

export function finalLoss(record: RunRecord): number {
  return record.outcome.loss ?? NaN;
}

export function finalAccuracy(record: RunRecord): number {
  return record.outcome.accuracy ?? NaN;
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** 3 significant digits, scientific outside [1e-3, 1e4). */
export function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e4)) return value.toExponential(1);
  return Number(value.toPrecision(3)).toString();
}

export function percent(value: number): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : String(value);
}
