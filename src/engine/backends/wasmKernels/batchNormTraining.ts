import type { KernelConfig, Tensor, TensorInfo, Tf } from '../tf';
import { heapBackend, heapOffset, numericInput, product } from './heapBackend';
import { batchNormScratchFloats } from './native/batchNormPasses';
import { nativeKernelsFor, requireNativeKernels } from './native/nativeKernels';

/**
 * BatchNorm's training-mode forward and backward passes as two kernels of our own (native/batchNorm.c),
 * over the last axis as channels: 3 passes over the activation forward and 2 backward, where the same
 * maths through tf.js ops takes 5 and 9 kernels; on the largest activations the passes are split across
 * the kernels' helper threads. Registered for wasm only; `trainingBatchNormKernels` says whether the
 * current backend runs them, and the plan takes the tf.js ops otherwise.
 */
export const BATCH_NORM_FORWARD = 'RescanvasBatchNormForward';
export const BATCH_NORM_BACKWARD = 'RescanvasBatchNormBackward';

interface BatchNormAttrs {
  epsilon: number;
  /** The running averages move by (average − batch)·decay: decay = 1 − momentum. */
  decay: number;
}

type KernelArgs = Parameters<KernelConfig['kernelFunc']>[0];

function channelsOf(x: TensorInfo, kernelName: string): { rows: number; cols: number } {
  if (x.dtype !== 'float32' || x.shape.length < 2)
    throw new Error(`${kernelName}: needs a float32 tensor of rank 2 or more, got ${x.dtype} ${JSON.stringify(x.shape)}`);
  const cols = x.shape[x.shape.length - 1] ?? 0;
  return { rows: product(x.shape) / (cols || 1), cols };
}

function forwardKernel(): KernelConfig {
  return {
    kernelName: BATCH_NORM_FORWARD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }: KernelArgs) => {
      const named = inputs as Record<string, TensorInfo | undefined>;
      const [x, gamma, beta, movingMean, movingVariance] = ['x', 'gamma', 'beta', 'movingMean', 'movingVariance'].map((name) =>
        numericInput(named, name, BATCH_NORM_FORWARD),
      );
      const { rows, cols } = channelsOf(x, BATCH_NORM_FORWARD);
      const kernels = requireNativeKernels(backend, BATCH_NORM_FORWARD);
      const heap = heapBackend(backend, BATCH_NORM_FORWARD);
      const y = heap.makeOutput(x.shape.slice(), 'float32');
      const [mean, variance, nextMean, nextVariance] = [0, 1, 2, 3].map(() => heap.makeOutput([cols], 'float32'));
      const scratch = heap.makeOutput([batchNormScratchFloats(rows, cols, 'forward')], 'float32');
      const at = (info: TensorInfo) => heapOffset(backend, info, BATCH_NORM_FORWARD);
      const { epsilon, decay } = attrs as unknown as BatchNormAttrs;
      kernels.batchNormForward(
        {
          x: at(x),
          gamma: at(gamma),
          beta: at(beta),
          movingMean: at(movingMean),
          movingVariance: at(movingVariance),
          y: at(y),
          mean: at(mean),
          variance: at(variance),
          nextMean: at(nextMean),
          nextVariance: at(nextVariance),
          scratch: at(scratch),
        },
        rows,
        cols,
        epsilon,
        decay,
      );
      (backend as { disposeData(dataId: object): void }).disposeData(scratch.dataId);
      return [y, mean, variance, nextMean, nextVariance];
    },
  };
}

function backwardKernel(): KernelConfig {
  return {
    kernelName: BATCH_NORM_BACKWARD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }: KernelArgs) => {
      const named = inputs as Record<string, TensorInfo | undefined>;
      const [x, dy, mean, variance, gamma] = ['x', 'dy', 'mean', 'variance', 'gamma'].map((name) => numericInput(named, name, BATCH_NORM_BACKWARD));
      const { rows, cols } = channelsOf(x, BATCH_NORM_BACKWARD);
      const kernels = requireNativeKernels(backend, BATCH_NORM_BACKWARD);
      const heap = heapBackend(backend, BATCH_NORM_BACKWARD);
      const dx = heap.makeOutput(x.shape.slice(), 'float32');
      const dGamma = heap.makeOutput([cols], 'float32');
      const dBeta = heap.makeOutput([cols], 'float32');
      const scratch = heap.makeOutput([batchNormScratchFloats(rows, cols, 'backward')], 'float32');
      const at = (info: TensorInfo) => heapOffset(backend, info, BATCH_NORM_BACKWARD);
      kernels.batchNormBackward(
        at(x),
        at(dy),
        at(mean),
        at(variance),
        at(gamma),
        at(dx),
        at(dGamma),
        at(dBeta),
        at(scratch),
        rows,
        cols,
        (attrs as unknown as BatchNormAttrs).epsilon,
      );
      (backend as { disposeData(dataId: object): void }).disposeData(scratch.dataId);
      return [dx, dGamma, dBeta];
    },
  };
}

export function batchNormTrainingKernels(): KernelConfig[] {
  return [forwardKernel(), backwardKernel()];
}

/** The two kernels, when the active backend runs them and the input suits them; else null. */
export function trainingBatchNormKernels(tf: Tf, x: Tensor) {
  if (x.dtype !== 'float32' || x.rank < 2 || x.size === 0 || nativeKernelsFor(tf.backend()) === undefined) return null;
  if (tf.getKernel(BATCH_NORM_FORWARD, tf.getBackend()) === undefined) return null;
  return {
    /** y, the batch's mean and variance, and the running averages after it. */
    forward: (input: Tensor, gamma: Tensor, beta: Tensor, movingMean: Tensor, movingVariance: Tensor, epsilon: number, decay: number) =>
      tf.engine().runKernel(BATCH_NORM_FORWARD, { x: input, gamma, beta, movingMean, movingVariance }, { epsilon, decay } as never) as unknown as [
        Tensor,
        Tensor,
        Tensor,
        Tensor,
        Tensor,
      ],
    backward: (input: Tensor, dy: Tensor, mean: Tensor, variance: Tensor, gamma: Tensor, epsilon: number): [Tensor, Tensor, Tensor] =>
      tf.engine().runKernel(BATCH_NORM_BACKWARD, { x: input, dy, mean, variance, gamma }, { epsilon } as never) as unknown as [Tensor, Tensor, Tensor],
  };
}
