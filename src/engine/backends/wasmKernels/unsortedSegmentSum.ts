import type * as tfNamespace from '@tensorflow/tfjs';
import type { KernelConfig, Tensor, Tf } from '../tf';
import { asTensor, requireBackend, runAsKernel } from '../kernelTensors';

/**
 * out[s, ...] = Σ over positions p with segmentIds[p] = s of x[p, ...]; ids outside
 * [0, numSegments) contribute nothing, as in TensorFlow and tf.js's CPU kernel.
 *
 * One ScatterNd (which accumulates duplicate indices) does it in O(size of x) with exactly the
 * selected additions. Out-of-range ids are redirected to one spare segment that is sliced off,
 * so no index ever reaches the scatter outside its buffer. A one-hot matmul would be as fast
 * but turns an Inf in one row into NaN in every segment (0·Inf).
 */
export function unsortedSegmentSum(tf: Tf, x: Tensor, segmentIds: Tensor, numSegments: number): Tensor {
  const idCount = segmentIds.size;
  const sliceShape = x.shape.slice(segmentIds.rank);
  const ids = tf.reshape(tf.cast(segmentIds, 'int32'), [idCount]);
  const inRange = tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, numSegments));
  const targets = tf.reshape(tf.where(inRange, ids, tf.fill([idCount], numSegments, 'int32')), [idCount, 1]);
  const updates = tf.reshape(x, [idCount, ...sliceShape]);
  const withSpare = tf.scatterND(targets, updates, [numSegments + 1, ...sliceShape]);
  return tf.slice(withSpare, 0, numSegments);
}

export function unsortedSegmentSumKernel(tf: Tf): KernelConfig {
  return {
    kernelName: tf.UnsortedSegmentSum,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const kernelBackend = requireBackend(tf, backend, tf.UnsortedSegmentSum);
      const { numSegments } = attrs as unknown as tfNamespace.UnsortedSegmentSumAttrs;
      return runAsKernel(tf, kernelBackend, () =>
        unsortedSegmentSum(tf, asTensor(tf, kernelBackend, inputs.x, 'x'), asTensor(tf, kernelBackend, inputs.segmentIds, 'segmentIds'), numSegments),
      );
    },
  };
}
