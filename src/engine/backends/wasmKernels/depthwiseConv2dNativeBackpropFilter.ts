import type * as tfNamespace from '@tensorflow/tfjs';
import type { KernelConfig, Tensor, Tensor4D, Tf } from '../tf';
import { asTensor, requireBackend, runAsKernel } from '../kernelTensors';
import { cropNegativeMargins, resolveConvGeometry } from '../convGeometry';

/**
 * dW[a,b,c,m] = Σ_{n,i,j} x[n, i·s + a·d − pad, j·s + b·d − pad, c] · dy[n,i,j,c·M+m].
 *
 * Folding the batch into the channels turns the sum over (i,j) into one depthwise convolution
 * with dy as its filter (input [1,H,W,N·C], filter [Ho,Wo,N·C,M], stride and dilation swapped);
 * the sum over n is then a reduction of its tiny [kh,kw,N,C·M] output. No work is spent on
 * cross-channel products that a dense conv would compute and throw away.
 */
export function depthwiseConv2dNativeBackpropFilter(tf: Tf, x: Tensor, dy: Tensor, attrs: tfNamespace.DepthwiseConv2dNativeBackpropFilterAttrs): Tensor4D {
  const g = resolveConvGeometry(tf, x.shape as number[], attrs.filterShape, attrs, true);
  const [filterHeight, filterWidth, channels, multiplier] = attrs.filterShape;
  const foldedChannels = g.batch * channels;

  const input = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, g.inHeight, g.inWidth, foldedChannels]) as Tensor4D;
  const dyAsFilter = tf.reshape(tf.transpose(dy, [1, 2, 0, 3]), [g.outHeight, g.outWidth, foldedChannels, multiplier]) as Tensor4D;

  const reachHeight = (filterHeight - 1) * g.dilationHeight + (g.outHeight - 1) * g.strideHeight + 1;
  const reachWidth = (filterWidth - 1) * g.dilationWidth + (g.outWidth - 1) * g.strideWidth + 1;
  const { x: reachable, pad } = cropNegativeMargins(tf, input, {
    top: g.padTop,
    bottom: reachHeight - g.padTop - g.inHeight,
    left: g.padLeft,
    right: reachWidth - g.padLeft - g.inWidth,
  });

  const perImage = tf.depthwiseConv2d(reachable, dyAsFilter, [g.dilationHeight, g.dilationWidth], pad, 'NHWC', [g.strideHeight, g.strideWidth]);
  const summed = tf.sum(tf.reshape(perImage, [filterHeight, filterWidth, g.batch, channels * multiplier]), 2);
  return tf.reshape(summed, [filterHeight, filterWidth, channels, multiplier]) as Tensor4D;
}

export function depthwiseConv2dNativeBackpropFilterKernel(tf: Tf): KernelConfig {
  return {
    kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const kernelBackend = requireBackend(tf, backend, tf.DepthwiseConv2dNativeBackpropFilter);
      const filterAttrs = attrs as unknown as tfNamespace.DepthwiseConv2dNativeBackpropFilterAttrs;
      return runAsKernel(tf, kernelBackend, () =>
        depthwiseConv2dNativeBackpropFilter(tf, asTensor(tf, kernelBackend, inputs.x, 'x'), asTensor(tf, kernelBackend, inputs.dy, 'dy'), filterAttrs),
      );
    },
  };
}
