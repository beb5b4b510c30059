import type { Design } from '../graph/design';
import type { Diagnostic } from '../graph/diagnostics';
import { shapeSize, type Shape } from '../graph/shape';
import type { BackendName, OptimizerName } from '../schema/settings';
import { validateDesign } from '../graph/validate';
import { entryFor } from '../graph/layerTable';
import { summaryRows, type SummaryRow } from './summary';
import {
  INFERENCE_SHARE,
  LAYER_MEMORY,
  STATISTICS_VALUES_PER_OUTPUT,
  STATISTICS_VALUES_PER_SHARED_EDGE,
  SUMMARY_CHUNK_VALUES,
  SUMMARY_VALUES_PER_CHUNK_VALUE,
} from './resourceTable';

const BYTES = 4;

/** What a training run adds to the design: the batch, the optimizer, the data held as tensors. */
export interface RunShape {
  batchSize: number;
  optimizer: OptimizerName;
  /** Training + validation samples held on the backend, when known. */
  samples?: number;
  /** Batch of the validation passes (the engine evaluates 256 at a time). */
  evaluationBatch?: number;
  /**
   * Whether steps are instrumented for the statistics overlay (default: yes; the first step of a run
   * always is unless statistics are off).
   */
  statistics?: boolean;
}

export const DEFAULT_RUN: RunShape = { batchSize: 64, optimizer: 'adam', evaluationBatch: 256, statistics: true };

export interface ResourceEstimate {
  parameters: number;
  trainableParameters: number;
  /**
   * Float32 values one sample adds at a training step's peak: what the backward pass keeps
   * (LAYER_MEMORY) plus, on instrumented steps, the statistics recorder's copies, which are alive in
   * the same backward pass.
   */
  activationsPerSample: number;
  /**
   * Values the statistics summary reduces at once, and their intermediates (0 without statistics):
   * bounded by its chunk, not by the design. Added to the step's peak, though the summary runs after
   * the backward pass has freed its tape: freed blocks the size of one layer's tensors need not fit
   * a chunk's, and the wasm heap never shrinks.
   */
  summaryValues: number;
  weightBytes: number;
  gradientBytes: number;
  optimizerBytes: number;
  /** The update's intermediates (and the statistics' copy of the weights), alive at once at the step's end. */
  updateBytes: number;
  activationBytes: number;
  dataBytes: number;
  /** Peak tensor memory of a training step: what must fit on the backend. */
  trainingBytes: number;
  /** Tensor memory of compiling and exporting: the weights. */
  exportBytes: number;
  /** The largest single tensor (a kernel, or one node's output at the batch), in values. */
  largestTensor: { values: number; what: string; activation: boolean };
}

/** Optimizer state per trainable parameter, as tf.js' optimizers keep it. */
const OPTIMIZER_SLOTS: Record<OptimizerName, number> = { sgd: 0, momentum: 1, nesterov: 1, adam: 2, adamw: 2, rmsprop: 1 };

/**
 * Float32 values per trainable parameter alive at the peak of one training step: the weight, its
 * gradient, the optimizer's slots, and the intermediates of the update, which the engine computes
 * for every variable inside the step's one tidy scope (so none is freed before the step ends), plus
 * the copy of the weights the statistics take. Measured with tf.profile's peakBytes on
 * weight-dominated MLPs (2.1e6 and 4.2e6 parameters, the same per parameter at both sizes).
 */
const STEP_VALUES_PER_PARAMETER: Record<OptimizerName, number> = { sgd: 7.5, momentum: 9, nesterov: 11, adam: 21, adamw: 22, rmsprop: 14 };

/**
 * Memory of training and exporting a design, from the design alone: parameters, optimizer state,
 * activations kept for backprop (per layer type: resourceTable.ts) and for the statistics at the
 * batch size, and the data. Compared with measured wasm heap and RSS peaks on the bundled examples
 * by `npm run bench:memory` (test/bench/memory.ts).
 */
export function estimateResources(
  design: Design,
  run: RunShape = DEFAULT_RUN,
  rows: readonly SummaryRow[] = summaryRows(design, validateDesign(design).nodeShapes),
): ResourceEstimate {
  const byId = new Map(design.nodes.map((n) => [n.id, n]));
  const rowById = new Map(rows.map((r) => [r.nodeId, r]));
  const outputValues = (id: string): number => {
    const shape = rowById.get(id)?.outputShape;
    return shape ? shapeSize(shape) : 0;
  };
  const incoming = new Map<string, string[]>();
  const fanOut = new Map<string, number>();
  for (const e of design.edges) {
    incoming.set(e.target, [...(incoming.get(e.target) ?? []), e.source]);
    fanOut.set(e.source, (fanOut.get(e.source) ?? 0) + 1);
  }
  const statistics = run.statistics !== false;
  const evaluationBatch = run.evaluationBatch ?? 0;
  let parameters = 0;
  let nonTrainable = 0;
  let trainingPerSample = 0;
  let statisticsPerSample = 0;
  let inputValues = 0;
  let labelValues = 0;
  let largest = { values: 0, what: '', activation: false };
  let largestOutput = 0;
  let recordedPerSample = 0;
  for (const row of rows) {
    const node = byId.get(row.nodeId);
    if (!node) continue;
    parameters += row.params * row.copies;
    // BatchNorm's moving mean and variance are half its weights and take no gradient.
    if (node.type === 'BatchNorm') nonTrainable += (row.params / 2) * row.copies;
    if (!row.outputShape) continue;
    const size = shapeSize(row.outputShape);
    largestOutput = Math.max(largestOutput, size);
    recordedPerSample += size * row.copies;
    const sources = incoming.get(node.id) ?? [];
    const values = { input: sources.reduce((sum, s) => sum + outputValues(s), 0), output: size };
    trainingPerSample += entryFor(LAYER_MEMORY, node)(node, values) * row.copies;
    const sharedEdges = sources.filter((s) => (fanOut.get(s) ?? 0) > 1).reduce((sum, s) => sum + outputValues(s), 0);
    statisticsPerSample += (size * STATISTICS_VALUES_PER_OUTPUT + sharedEdges * STATISTICS_VALUES_PER_SHARED_EDGE) * row.copies;
    if (node.type === 'Input') inputValues = size;
    if (node.type === 'Output') labelValues = size;
    const batch = Math.max(run.batchSize, evaluationBatch);
    const batchValues = size * batch;
    if (batchValues > largest.values) largest = { values: batchValues, what: `the output of ${row.nodeId} at batch ${batch}`, activation: true };
    if (row.params > largest.values) largest = { values: row.params, what: `the weights of ${row.nodeId}`, activation: false };
  }
  const activationsPerSample = trainingPerSample + (statistics ? statisticsPerSample : 0);
  const trainableParameters = parameters - nonTrainable;
  const weightBytes = parameters * BYTES;
  const gradientBytes = trainableParameters * BYTES;
  const optimizerBytes = trainableParameters * OPTIMIZER_SLOTS[run.optimizer] * BYTES;
  const updateBytes = trainableParameters * (STEP_VALUES_PER_PARAMETER[run.optimizer] - 2 - OPTIMIZER_SLOTS[run.optimizer]) * BYTES;
  // A chunk holds at most SUMMARY_CHUNK_VALUES values, or one recorded tensor when that is larger, and never more than was recorded.
  const chunk = Math.min(Math.max(SUMMARY_CHUNK_VALUES, largestOutput * run.batchSize), recordedPerSample * run.batchSize);
  const summaryValues = statistics ? SUMMARY_VALUES_PER_CHUNK_VALUE * chunk : 0;
  const trainStep = run.batchSize * activationsPerSample + summaryValues;
  const evaluation = evaluationBatch * trainingPerSample * INFERENCE_SHARE;
  const activationBytes = Math.max(trainStep, evaluation) * BYTES;
  const dataBytes = (run.samples ?? 0) * (inputValues + labelValues + 1) * BYTES;
  return {
    parameters,
    trainableParameters,
    activationsPerSample,
    summaryValues,
    weightBytes,
    gradientBytes,
    optimizerBytes,
    updateBytes,
    activationBytes,
    dataBytes,
    trainingBytes: weightBytes + gradientBytes + optimizerBytes + updateBytes + activationBytes + dataBytes,
    exportBytes: weightBytes,
    largestTensor: largest,
  };
}

export interface MemoryLimit {
  /** Bytes of tensors this engine can hold. */
  bytes: number;
  /** Who sets the limit, for the message ("the wasm engine"). */
  engine: string;
}

/** The wasm build's own ceiling: emscripten's getHeapMax() in tfjs-backend-wasm 4.22 (4 GiB less one 64 KiB page). */
export const WASM_HEAP_MAX = 4_294_901_760;
/**
 * What tensors can use of that heap: malloc's bookkeeping and fragmentation take the rest, and the
 * heap grows in steps.
 */
export const WASM_USABLE = 3.5e9;
/** WebGL and WebGPU expose no memory size to pages; a stated budget below what browsers' GPU processes allow. */
export const GPU_BUDGET = 2e9;
/** A JS typed array (what every backend reads data into) holds at most 2^31 − 1 values on every engine we run on. */
export const MAX_TENSOR_VALUES = 2 ** 31 - 1;

/**
 * How much tensor memory a backend offers. `machineBytes` is the host's total memory (os.totalmem()
 * in Node); without it native backends are assumed to have the wasm engine's room.
 */
export function memoryLimit(backend: BackendName, machineBytes?: number): MemoryLimit {
  switch (backend) {
    case 'wasm':
      return { bytes: WASM_USABLE, engine: 'the wasm engine' };
    case 'webgl':
      return { bytes: GPU_BUDGET, engine: 'the WebGL engine (stated budget)' };
    case 'webgpu':
      return { bytes: GPU_BUDGET, engine: 'the WebGPU engine (stated budget)' };
    case 'cpu':
    case 'tensorflow':
    case 'tensorflow-gpu':
      return machineBytes
        ? { bytes: machineBytes * 0.8, engine: `the ${backend} engine (80% of this machine's memory)` }
        : { bytes: WASM_USABLE, engine: `the ${backend} engine` };
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(bytes >= 1e10 ? 0 : 1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

function approx(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)}e9` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}e6` : n.toLocaleString('en-US');
}

/**
 * The designs that cannot fit, as diagnostics (code 'memory'): `train` checks a training step at the
 * run's batch, `export` only the weights. Empty when it fits.
 */
export function resourceProblems(estimate: ResourceEstimate, limit: MemoryLimit, purpose: 'train' | 'export', run: RunShape = DEFAULT_RUN): Diagnostic[] {
  const problems: Diagnostic[] = [];
  // Only what exists at that purpose: an export builds weights, never a batch of activations.
  if (estimate.largestTensor.values > MAX_TENSOR_VALUES && (purpose === 'train' || !estimate.largestTensor.activation)) {
    problems.push({
      code: 'memory',
      severity: 'error',
      message: `${estimate.largestTensor.what} would hold ~${approx(estimate.largestTensor.values)} values; a single tensor can hold at most ${approx(MAX_TENSOR_VALUES)}: make the layer narrower${estimate.largestTensor.activation ? ' or the batch smaller' : ''}`,
    });
  }
  const needed = purpose === 'train' ? estimate.trainingBytes : estimate.exportBytes;
  if (needed > limit.bytes) {
    const parts =
      purpose === 'train'
        ? `weights ${formatBytes(estimate.weightBytes)}, gradients and ${run.optimizer} state ${formatBytes(estimate.gradientBytes + estimate.optimizerBytes)}, update temporaries ${formatBytes(estimate.updateBytes)}, activations at batch ${run.batchSize} ${formatBytes(estimate.activationBytes)}${estimate.dataBytes ? `, data ${formatBytes(estimate.dataBytes)}` : ''}`
        : `${approx(estimate.parameters)} parameters`;
    problems.push({
      code: 'memory',
      severity: 'error',
      message: `${purpose === 'train' ? 'training' : 'building the model'} needs ~${formatBytes(needed)} (${parts}); ${limit.engine} can use ~${formatBytes(limit.bytes)}: make the design narrower or shallower${purpose === 'train' ? ', or the batch smaller' : ''}`,
    });
  }
  return problems;
}

export interface ResourceContext {
  run?: RunShape;
  backend?: BackendName;
  machineBytes?: number;
  purpose?: 'train' | 'export';
}

/**
 * The memory diagnostics of a design whose shapes are known (run after validateDesign; a design
 * with structural errors has no estimate).
 */
export function checkResources(design: Design, nodeShapes: ReadonlyMap<string, Shape>, context: ResourceContext = {}): Diagnostic[] {
  const run = context.run ?? DEFAULT_RUN;
  const estimate = estimateResources(design, run, summaryRows(design, nodeShapes));
  return resourceProblems(estimate, memoryLimit(context.backend ?? 'wasm', context.machineBytes), context.purpose ?? 'train', run);
}

const PEAK_BACKENDS: BackendName[] = ['wasm', 'webgl', 'tensorflow'];

/** The estimate as `summary` prints it: what takes the memory, and the peak against each backend's room. */
export function formatEstimate(estimate: ResourceEstimate, run: RunShape, machineBytes?: number): string {
  const lines = [
    `Memory estimate (training at batch ${run.batchSize}, ${run.optimizer}):`,
    `  parameters ${estimate.parameters.toLocaleString('en-US')} (${formatBytes(estimate.weightBytes)}), gradients ${formatBytes(estimate.gradientBytes)}, ${run.optimizer} state ${formatBytes(estimate.optimizerBytes)}, update temporaries ${formatBytes(estimate.updateBytes)}`,
    `  activations ${estimate.activationsPerSample.toLocaleString('en-US')} values per sample kept for backprop and statistics; ${formatBytes(estimate.activationBytes)} at batch ${run.batchSize}`,
    `  peak ~${formatBytes(estimate.trainingBytes)}`,
  ];
  for (const backend of PEAK_BACKENDS) {
    const limit = memoryLimit(backend, machineBytes);
    lines.push(`  ${backend}: ${estimate.trainingBytes <= limit.bytes ? 'fits' : 'does not fit'} (${limit.engine} can use ~${formatBytes(limit.bytes)})`);
  }
  return lines.join('\n');
}
