import type * as tfNamespace from '@tensorflow/tfjs';
import type { KernelConfig, TensorInfo, Tf } from '../tf';
import { copyBox, heapBackend, numericInput } from './heapBackend';

/**
 * SplitV by copying runs straight from the input's place in the wasm heap. tf.js 4.22's wasm SplitV
 * slices once per output, and each slice first copies the whole input out of the heap (readSync),
 * so splitting a tensor in k parts copied it k times: splitting the optimizer's 270,000 weights
 * back into ResNet-20's 65 variables took longer than the step's convolutions.
 */
export function splitVKernel(tf: Tf): KernelConfig {
  return {
    kernelName: tf.SplitV,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const x = numericInput(inputs as Record<string, TensorInfo | undefined>, 'x', tf.SplitV);
      const heap = heapBackend(backend, tf.SplitV);
      const { numOrSizeSplits, axis } = attrs as unknown as tfNamespace.SplitVAttrs;
      const along = tf.util.parseAxisParam(axis, x.shape)[0];
      const sizes = tf.backend_util.prepareSplitSize(x as tfNamespace.Tensor, numOrSizeSplits, along);
      const begin = new Array<number>(x.shape.length).fill(0);
      return sizes.map((part) => {
        const size = [...x.shape];
        size[along] = part;
        const out = copyBox(heap, x, begin, size);
        begin[along] += part;
        return out;
      });
    },
  };
}

/** Slice the same way: the native kernel also copies the whole input out of the heap first. */
export function sliceKernel(tf: Tf): KernelConfig {
  return {
    kernelName: tf.Slice,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const x = numericInput(inputs as Record<string, TensorInfo | undefined>, 'x', tf.Slice);
      const { begin, size } = attrs as unknown as tfNamespace.SliceAttrs;
      const [b, s] = tf.slice_util.parseSliceParams(x as tfNamespace.Tensor, begin, size);
      return copyBox(heapBackend(backend, tf.Slice), x, b, s);
    },
  };
}
