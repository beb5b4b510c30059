import type { Tensor4D, Tf } from './tf';
import { cropNegativeMargins, type ConvGeometry } from './convGeometry';

/**
 * A convolution's input gradient is a stride-1 convolution of dy with the flipped filter, once dy
 * is spread over the input grid (zeros between rows/columns for a stride s, so position i·s holds
 * dy[i]) and padded so that tap a of the flipped filter meets dy row (h + padTop − a·d)/s.
 * Returns that spread, cropped dy and the padding the stride-1 convolution must apply.
 */
export function spreadForInputGradient(
  tf: Tf,
  dy: Tensor4D,
  g: ConvGeometry,
): { x: Tensor4D; pad: [[number, number], [number, number], [number, number], [number, number]] } {
  const spread = spreadByStride(tf, dy, g.strideHeight, g.strideWidth);
  const top = (g.filterHeight - 1) * g.dilationHeight - g.padTop;
  const left = (g.filterWidth - 1) * g.dilationWidth - g.padLeft;
  // The spread has outHeight·s rows; the s−1 trailing zero rows fall into the negative margin.
  return cropNegativeMargins(tf, spread, {
    top,
    bottom: g.inHeight + (g.filterHeight - 1) * g.dilationHeight - top - g.outHeight * g.strideHeight,
    left,
    right: g.inWidth + (g.filterWidth - 1) * g.dilationWidth - left - g.outWidth * g.strideWidth,
  });
}

function spreadByStride(tf: Tf, dy: Tensor4D, strideHeight: number, strideWidth: number): Tensor4D {
  if (strideHeight === 1 && strideWidth === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const withGaps = tf.pad(tf.reshape(dy, [n, h, 1, w, 1, c]), [
    [0, 0],
    [0, 0],
    [0, strideHeight - 1],
    [0, 0],
    [0, strideWidth - 1],
    [0, 0],
  ]);
  return tf.reshape(withGaps, [n, h * strideHeight, w * strideWidth, c]);
}
