import type * as tfNamespace from '@tensorflow/tfjs';
import type { KernelConfig, Tf } from '../tf';
import { heapBackend, heapOffset, product } from './heapBackend';
import { nativeKernelsFor } from './native/nativeKernels';

/**
 * Sum and Mean over a tensor's leading axes (x as rows × cols, one result per col) on our SIMD
 * kernel (native/channelSums.c). Those are the per-channel reductions of a training step:
 * BatchNorm's statistics and gradients over N·H·W, bias gradients over the batch. tf.js' wasm
 * kernels reduce innermost axes only, so for these they transpose the whole tensor first. Every
 * other reduction, dtype or a backend without our kernels goes to tf.js' own kernel.
 */

type KernelArgs = Parameters<KernelConfig['kernelFunc']>[0];

/** Registered by registerWasmChannelKernels in place of wasm's own Sum (mean false) and Mean (mean true). */
export function leadingSumKernel(tf: Tf, native: KernelConfig, mean: boolean): KernelConfig {
  return {
    ...native,
    kernelFunc: (args: KernelArgs) => {
      const x = args.inputs.x;
      const kernels = nativeKernelsFor(args.backend);
      if (x === undefined || kernels === undefined || x.dtype !== 'float32') return native.kernelFunc(args);
      const { axis, keepDims } = args.attrs as unknown as tfNamespace.SumAttrs;
      const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
      const leading = axes.length;
      if (leading === 0 || leading === x.shape.length || !axes.every((a, i) => a === i)) return native.kernelFunc(args);
      const rows = product(x.shape.slice(0, leading));
      if (rows === 0) return native.kernelFunc(args);
      const kept = x.shape.slice(leading);
      const heap = heapBackend(args.backend, native.kernelName);
      const out = heap.makeOutput(keepDims ? [...axes.map(() => 1), ...kept] : kept, 'float32');
      const name = native.kernelName;
      kernels.channelSums(heapOffset(args.backend, x, name), heapOffset(args.backend, out, name), rows, product(kept), mean ? 1 / rows : 1);
      return out;
    },
  };
}
