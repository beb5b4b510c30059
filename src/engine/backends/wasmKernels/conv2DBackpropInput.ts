import type * as tfNamespace from '@tensorflow/tfjs';
import type { KernelConfig, Tensor, Tensor4D, Tf } from '../tf';
import { asTensor, requireBackend, runAsKernel } from '../kernelTensors';
import { resolveConvGeometry } from '../convGeometry';
import { spreadForInputGradient } from '../transposedConv';
import { heapBackend, heapOffset } from './heapBackend';
import { nativeKernelsFor } from './native/nativeKernels';

/**
 * dx[n,h,w,ci] = Σ_{a,b,co} dy[n, (h + pad − a)/s, (w + pad − b)/s, co] · W[a,b,ci,co]: with dy
 * spread by the stride and the filter flipped and read as [kh,kw,Co,Ci], one stride-1 forward
 * convolution. wasm does have this kernel, but as a scalar loop nest that took ~40% of a
 * ResNet-20 training step; XNNPACK's forward conv does the same sum several times faster.
 */
export function conv2DBackpropInput(tf: Tf, dy: Tensor, filter: Tensor, attrs: tfNamespace.Conv2DBackpropInputAttrs): Tensor4D {
  const channelsFirst = attrs.dataFormat === 'NCHW';
  const [filterHeight, filterWidth, inChannels, outChannels] = filter.shape as number[];
  const filterShape: [number, number, number, number] = [filterHeight, filterWidth, inChannels, outChannels];
  const g = resolveConvGeometry(tf, attrs.inputShape, filterShape, attrs, false, attrs.dataFormat);

  const dyChannelsLast = (channelsFirst ? tf.transpose(dy, [0, 2, 3, 1]) : dy) as Tensor4D;
  const { x: input, pad } = spreadForInputGradient(tf, dyChannelsLast, g);
  const flipped = flipForInputGradient(tf, filter);
  const dx = tf.conv2d(input, flipped, 1, pad, 'NHWC');
  return channelsFirst ? tf.transpose(dx, [0, 3, 1, 2]) : dx;
}

/** The filter rotated by 180° and read as [kh,kw,Co,Ci]: one pass of our own kernel where it runs, else Reverse + Transpose. */
function flipForInputGradient(tf: Tf, filter: Tensor): Tensor4D {
  const [kh, kw, ci, co] = filter.shape as [number, number, number, number];
  const backend = tf.backend();
  const native = nativeKernelsFor(backend);
  if (native === undefined || filter.dtype !== 'float32') {
    return (kh === 1 && kw === 1 ? tf.transpose(filter, [0, 1, 3, 2]) : tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2])) as Tensor4D;
  }
  const heap = heapBackend(backend, 'Conv2DBackpropInput');
  const out = heap.makeOutput([kh, kw, co, ci], 'float32');
  native.flipFilter(heapOffset(backend, filter, 'Conv2DBackpropInput'), heapOffset(backend, out, 'Conv2DBackpropInput'), kh, kw, ci, co);
  // The engine takes over the output's one reference and frees it with the kernel's scope.
  return tf.engine().makeTensorFromTensorInfo(out, backend) as Tensor4D;
}

export function conv2DBackpropInputKernel(tf: Tf): KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropInput,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const kernelBackend = requireBackend(tf, backend, tf.Conv2DBackpropInput);
      const inputAttrs = attrs as unknown as tfNamespace.Conv2DBackpropInputAttrs;
      return runAsKernel(tf, kernelBackend, () =>
        conv2DBackpropInput(tf, asTensor(tf, kernelBackend, inputs.dy, 'dy'), asTensor(tf, kernelBackend, inputs.filter, 'filter'), inputAttrs),
      );
    },
  };
}
