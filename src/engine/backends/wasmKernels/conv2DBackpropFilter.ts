import type * as tfNamespace from '@tensorflow/tfjs';
import type { KernelConfig, Tensor, Tensor4D, TensorInfo, Tf } from '../tf';
import { asTensor, requireBackend, runAsKernel } from '../kernelTensors';
import { cropNegativeMargins, nativeConvArgs, resolveConvGeometry, type ConvGeometry } from '../convGeometry';
import { heapBackend, heapOffset } from './heapBackend';
import { nativeKernelsFor, type FilterGradientFunction } from './native/nativeKernels';

/**
 * dW[a,b,ci,co] = Σ_{n,i,j} x[n, i·s + a·d − pad, j·s + b·d − pad, ci] · dy[n,i,j,co].
 *
 * Read with ci as the batch, n as the input channel and dy as the filter, that sum is itself a
 * forward convolution: input x as [Ci,H,W,N], filter dy as [Ho,Wo,N,Co], the forward stride
 * becoming the dilation and the forward dilation the stride. XNNPACK runs that one conv in
 * milliseconds where the CPU backend's loop nest takes seconds.
 */
export function conv2DBackpropFilter(tf: Tf, x: Tensor, dy: Tensor, attrs: tfNamespace.Conv2DBackpropFilterAttrs): Tensor4D {
  const channelsFirst = attrs.dataFormat === 'NCHW';
  const g = resolveConvGeometry(tf, x.shape as number[], attrs.filterShape, attrs, false, attrs.dataFormat);

  const inputAsBatchOfChannels = tf.transpose(x, channelsFirst ? [1, 2, 3, 0] : [3, 1, 2, 0]) as Tensor4D;
  const dyAsFilter = tf.transpose(dy, channelsFirst ? [2, 3, 0, 1] : [1, 2, 0, 3]) as Tensor4D;

  // Rows the filter taps can reach: beyond them the input is cropped, before them zero-padded.
  const reachHeight = (g.filterHeight - 1) * g.dilationHeight + (g.outHeight - 1) * g.strideHeight + 1;
  const reachWidth = (g.filterWidth - 1) * g.dilationWidth + (g.outWidth - 1) * g.strideWidth + 1;
  const { x: input, pad } = cropNegativeMargins(tf, inputAsBatchOfChannels, {
    top: g.padTop,
    bottom: reachHeight - g.padTop - g.inHeight,
    left: g.padLeft,
    right: reachWidth - g.padLeft - g.inWidth,
  });

  const perChannel = tf.conv2d(input, dyAsFilter, [g.dilationHeight, g.dilationWidth], pad, 'NHWC', [g.strideHeight, g.strideWidth]);
  return tf.transpose(perChannel, [1, 2, 0, 3]);
}

/**
 * The same sum by our own SIMD kernel (native/filterGradient.c), straight on the heap: 4–8× faster
 * than the forward-conv route above, whose "filter" is as large as the image and whose output is
 * tiny, the shape XNNPACK handles worst. NHWC float32 only; the route above takes the rest.
 */
function nativeFilterGradient(
  run: FilterGradientFunction,
  backend: unknown,
  x: TensorInfo,
  dy: TensorInfo,
  filterShape: [number, number, number, number],
  g: ConvGeometry,
): TensorInfo {
  const heap = heapBackend(backend, 'Conv2DBackpropFilter');
  const out = heap.makeOutput([...filterShape], 'float32');
  const [, , , outChannels] = filterShape;
  run(
    heapOffset(backend, x, 'Conv2DBackpropFilter'),
    heapOffset(backend, dy, 'Conv2DBackpropFilter'),
    heapOffset(backend, out, 'Conv2DBackpropFilter'),
    ...nativeConvArgs(g, outChannels),
  );
  return out;
}

export function conv2DBackpropFilterKernel(tf: Tf): KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropFilter,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const kernelBackend = requireBackend(tf, backend, tf.Conv2DBackpropFilter);
      const filterAttrs = attrs as unknown as tfNamespace.Conv2DBackpropFilterAttrs;
      const native = nativeKernelsFor(backend);
      const { x, dy } = inputs;
      if (native && x !== undefined && dy !== undefined && x.dtype === 'float32' && dy.dtype === 'float32' && filterAttrs.dataFormat !== 'NCHW') {
        const g = resolveConvGeometry(tf, x.shape, filterAttrs.filterShape, filterAttrs, false, 'NHWC');
        return nativeFilterGradient(native.conv2dFilterGradient, backend, x, dy, filterAttrs.filterShape, g);
      }
      return runAsKernel(tf, kernelBackend, () =>
        conv2DBackpropFilter(tf, asTensor(tf, kernelBackend, inputs.x, 'x'), asTensor(tf, kernelBackend, inputs.dy, 'dy'), filterAttrs),
      );
    },
  };
}
