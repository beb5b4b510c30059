import type * as tfNamespace from '@tensorflow/tfjs';
import type { KernelConfig, Tensor, Tensor4D, Tf } from '../tf';
import { asTensor, requireBackend, runAsKernel } from '../kernelTensors';
import { cropNegativeMargins, resolveConvGeometry } from '../convGeometry';

/**
 * Spreads dy back over the input grid: zeros between rows/columns for a stride s, so that
 * position i·s holds dy[i]. The result has Ho·s rows; the s−1 trailing ones are cropped later
 * together with the padding arithmetic.
 */
function interleaveZeros(tf: Tf, dy: Tensor4D, strideHeight: number, strideWidth: number): Tensor4D {
  if (strideHeight === 1 && strideWidth === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const spread = tf.pad(tf.reshape(dy, [n, h, 1, w, 1, c]), [
    [0, 0],
    [0, 0],
    [0, strideHeight - 1],
    [0, 0],
    [0, strideWidth - 1],
    [0, 0],
  ]);
  return tf.reshape(spread, [n, h * strideHeight, w * strideWidth, c]);
}

/**
 * dx[n,h,w,c] = Σ_{a,b,m} dy[n, (h + pad − a·d)/s, (w + pad − b·d)/s, c·M+m] · W[a,b,c,m],
 * over the terms where the division is exact. With dy spread by the stride and the filter
 * flipped, that is a stride-1 depthwise convolution (dilation d) over C·M channels followed by a
 * sum over the multiplier M: the transposed convolution wasm lacks, built from the one it has.
 */
export function depthwiseConv2dNativeBackpropInput(
  tf: Tf,
  dy: Tensor,
  filter: Tensor,
  attrs: tfNamespace.DepthwiseConv2dNativeBackpropInputAttrs,
): Tensor4D {
  const [filterHeight, filterWidth, channels, multiplier] = filter.shape as number[];
  const filterShape: [number, number, number, number] = [filterHeight, filterWidth, channels, multiplier];
  const g = resolveConvGeometry(tf, attrs.inputShape, filterShape, attrs, true);

  const spread = interleaveZeros(tf, dy as Tensor4D, g.strideHeight, g.strideWidth);
  // Padding that aligns tap a of the flipped filter with dy row (h + padTop − a·d)/s.
  const top = (filterHeight - 1) * g.dilationHeight - g.padTop;
  const left = (filterWidth - 1) * g.dilationWidth - g.padLeft;
  const { x: input, pad } = cropNegativeMargins(tf, spread, {
    top,
    bottom: g.inHeight + (filterHeight - 1) * g.dilationHeight - top - g.outHeight * g.strideHeight,
    left,
    right: g.inWidth + (filterWidth - 1) * g.dilationWidth - left - g.outWidth * g.strideWidth,
  });

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
        depthwiseConv2dNativeBackpropInput(
          tf,
          asTensor(tf, kernelBackend, inputs.dy, 'dy'),
          asTensor(tf, kernelBackend, inputs.filter, 'filter'),
          inputAttrs,
        ),
      );
    },
  };
}
