import type * as tfNamespace from '@tensorflow/tfjs';
import type { KernelConfig, TensorInfo, Tf } from '../tf';
import { nativeConvArgs, resolveConvGeometry } from '../convGeometry';
import { heapBackend, heapOffset } from './heapBackend';
import { nativeKernelsFor, type ConvForwardFunction } from './native/nativeKernels';

/**
 * Conv2D by our own SIMD kernel (native/convForward.c) where it runs: 2–3× XNNPACK's rate on
 * ResNet's 16–64-channel layers. Everything else (no native kernels, NCHW, other dtypes) goes to
 * the kernel this one replaces, whose setup it keeps.
 */
export function conv2DKernel(tf: Tf): KernelConfig {
  const original = tf.getKernel(tf.Conv2D, 'wasm');
  return {
    kernelName: tf.Conv2D,
    backendName: 'wasm',
    setupFunc: original?.setupFunc,
    disposeFunc: original?.disposeFunc,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const convAttrs = attrs as unknown as tfNamespace.Conv2DAttrs;
      const { x, filter } = inputs;
      const native = nativeKernelsFor(backend);
      if (native && x !== undefined && filter !== undefined && x.dtype === 'float32' && filter.dtype === 'float32' && convAttrs.dataFormat !== 'NCHW') {
        return nativeConv2D(tf, native.conv2dForward, backend, x, filter, convAttrs);
      }
      if (original === undefined) throw new Error("Conv2D: tf.js' wasm kernel was not registered when ours replaced it");
      return original.kernelFunc(args);
    },
  };
}

function nativeConv2D(tf: Tf, run: ConvForwardFunction, backend: unknown, x: TensorInfo, filter: TensorInfo, attrs: tfNamespace.Conv2DAttrs): TensorInfo {
  const filterShape = filter.shape as [number, number, number, number];
  const g = resolveConvGeometry(tf, x.shape, filterShape, attrs, false, 'NHWC');
  const outChannels = filterShape[3];
  const out = heapBackend(backend, 'Conv2D').makeOutput([g.batch, g.outHeight, g.outWidth, outChannels], 'float32');
  if (g.batch * g.outHeight * g.outWidth * outChannels === 0) return out;
  run(heapOffset(backend, x, 'Conv2D'), heapOffset(backend, filter, 'Conv2D'), heapOffset(backend, out, 'Conv2D'), ...nativeConvArgs(g, outChannels));
  return out;
}
