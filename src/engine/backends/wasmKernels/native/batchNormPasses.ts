/**
 * BatchNorm's training passes (batchNorm.c) put together: the passes over the activation take a
 * range of row blocks, so they go through the split wrapper (helper threads where there are any);
 * the per-channel steps between them are small and run on the caller. The scratch buffer holds the
 * blocks' partial sums, then the per-channel factors.
 */
export type RangedPass = (...args: number[]) => void;

/** About 32 KiB of activation per block: enough blocks to share out, few enough partial sums to add up. */
const BLOCK_VALUES = 8192;

export function batchNormBlockRows(cols: number): number {
  return Math.max(1, Math.ceil(BLOCK_VALUES / Math.max(1, cols)));
}

function blockCount(rows: number, cols: number): number {
  return Math.ceil(rows / batchNormBlockRows(cols));
}

/** Floats of scratch each pass needs: partial sums (cols per block forward, 2·cols backward) then 2 or 3 factors per channel. */
export function batchNormScratchFloats(rows: number, cols: number, pass: 'forward' | 'backward'): number {
  const blocks = blockCount(rows, cols);
  return pass === 'forward' ? blocks * cols + 2 * cols : 2 * blocks * cols + 3 * cols;
}

export interface BatchNormExports {
  /** x, partial, rows, cols, blockRows (then a block range, given by the split wrapper). */
  blockSums: RangedPass;
  /** x, mean, partial, rows, cols, blockRows. */
  blockSquares: RangedPass;
  /** partial, blocks, rows, cols, mean. */
  mean: (...args: number[]) => void;
  /** partial, blocks, rows, cols, mean, gamma, beta, eps, variance, k, shift. */
  forwardFactors: (...args: number[]) => void;
  /** movingMean, movingVariance, mean, variance, decay, nextMean, nextVariance, cols. */
  movingAverages: (...args: number[]) => void;
  /** x, k, shift, y, rows, cols, blockRows. */
  scaleShift: RangedPass;
  /** x, dy, mean, partial, rows, cols, blockRows. */
  blockGradientSums: RangedPass;
  /** partial, blocks, rows, cols, variance, gamma, eps, dgamma, dbeta, a, p, t. */
  backwardFactors: (...args: number[]) => void;
  /** x, dy, mean, a, p, t, dx, rows, cols, blockRows. */
  inputGradient: RangedPass;
}

/** Byte offsets of the forward pass's tensors: its inputs, outputs and scratch. */
export interface BatchNormForwardTensors {
  x: number;
  gamma: number;
  beta: number;
  movingMean: number;
  movingVariance: number;
  y: number;
  mean: number;
  variance: number;
  /** The running averages after this batch, for the caller to assign. */
  nextMean: number;
  nextVariance: number;
  scratch: number;
}
export type BatchNormForwardFunction = (at: BatchNormForwardTensors, rows: number, cols: number, epsilon: number, decay: number) => void;
/** x, dy, mean, variance, gamma, dx, dgamma, dbeta, scratch (byte offsets), rows, cols, epsilon. */
export type BatchNormBackwardFunction = (
  x: number,
  dy: number,
  mean: number,
  variance: number,
  gamma: number,
  dx: number,
  dgamma: number,
  dbeta: number,
  scratch: number,
  rows: number,
  cols: number,
  epsilon: number,
) => void;

export function batchNormPasses(exports: BatchNormExports): { forward: BatchNormForwardFunction; backward: BatchNormBackwardFunction } {
  return {
    forward: ({ x, gamma, beta, movingMean, movingVariance, y, mean, variance, nextMean, nextVariance, scratch }, rows, cols, epsilon, decay) => {
      const blockRows = batchNormBlockRows(cols);
      const blocks = blockCount(rows, cols);
      const k = scratch + 4 * blocks * cols;
      const shift = k + 4 * cols;
      exports.blockSums(x, scratch, rows, cols, blockRows);
      exports.mean(scratch, blocks, rows, cols, mean);
      exports.blockSquares(x, mean, scratch, rows, cols, blockRows);
      exports.forwardFactors(scratch, blocks, rows, cols, mean, gamma, beta, epsilon, variance, k, shift);
      exports.movingAverages(movingMean, movingVariance, mean, variance, decay, nextMean, nextVariance, cols);
      exports.scaleShift(x, k, shift, y, rows, cols, blockRows);
    },
    backward: (x, dy, mean, variance, gamma, dx, dgamma, dbeta, scratch, rows, cols, epsilon) => {
      const blockRows = batchNormBlockRows(cols);
      const blocks = blockCount(rows, cols);
      const a = scratch + 8 * blocks * cols;
      const p = a + 4 * cols;
      const t = p + 4 * cols;
      exports.blockGradientSums(x, dy, mean, scratch, rows, cols, blockRows);
      exports.backwardFactors(scratch, blocks, rows, cols, variance, gamma, epsilon, dgamma, dbeta, a, p, t);
      exports.inputGradient(x, dy, mean, a, p, t, dx, rows, cols, blockRows);
    },
  };
}
