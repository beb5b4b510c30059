import type * as tfNamespace from '@tensorflow/tfjs';
import type { KernelConfig, Tensor, Tensor4D, Tf } from '../tf';
import { asTensor, requireBackend, runAsKernel } from '../kernelTensors';
import { resolveConvGeometry } from '../convGeometry';
import { spreadForInputGradient } from '../transposedConv';

/**
 * dx[n,h,w,c] = Σ_{a,b,m} dy[n, (h + pad − a·d)/s, (w + pad − b·d)/s, c·M+m] · W[a,b,c,m],
 * over the terms where the division is exact: with dy spread by the stride and the filter
 * flipped, a stride-1 depthwise convolution (dilation d) over C·M channels, then a sum over the
 * multiplier M. The transposed convolution wasm lacks, built from the one it has.
 */
export function depthwiseConv2dNativeBackpropInput(tf: Tf, dy: Tensor, filter: Tensor, attrs: tfNamespace.DepthwiseConv2dNativeBackpropInputAttrs): Tensor4D {
  const [filterHeight, filterWidth, channels, multiplier] = filter.shape as number[];
  const filterShape: [number, number, number, number] = [filterHeight, filterWidth, channels, multiplier];
  const g = resolveConvGeometry(tf, attrs.inputShape, filterShape, attrs, true);

  const { x: input, pad } = spreadForInputGradient(tf, dy as Tensor4D, g);
  const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [filterHeight, filterWidth, channels * multiplier, 1]) as Tensor4D;
  const perMultiplier = tf.depthwiseConv2d(input, flipped, 1, pad, 'NHWC', [g.dilationHeight, g.dilationWidth]);
  if (multiplier === 1) return perMultiplier;
  return tf.sum(tf.reshape(perMultiplier, [g.batch, g.inHeight, g.inWidth, channels, multiplier]), 4) as Tensor4D;
}

export function depthwiseConv2dNativeBackpropInputKernel(tf: Tf): KernelConfig {
  return {
    kernelName: tf.DepthwiseConv2dNativeBackpropInput,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const kernelBackend = requireBackend(tf, backend, tf.DepthwiseConv2dNativeBackpropInput);
      const inputAttrs = attrs as unknown as tfNamespace.DepthwiseConv2dNativeBackpropInputAttrs;
      return runAsKernel(tf, kernelBackend, () =>
        depthwiseConv2dNativeBackpropInput(tf, asTensor(tf, kernelBackend, inputs.dy, 'dy'), asTensor(tf, kernelBackend, inputs.filter, 'filter'), inputAttrs),
      );
    },
  };
}
