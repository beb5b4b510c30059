import type { Tensor4D, Tf } from './tf';

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

/** The forward convolution a backprop kernel differentiates, resolved to plain numbers. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

export interface ForwardConvAttrs {
  strides: [number, number] | number;
  dilations?: [number, number] | number;
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Resolves 'same'/'valid'/explicit padding exactly as the forward kernel did. With NCHW data the
 * input shape and an explicit padding are in NCHW order too, as tf.js defines them.
 */
export function resolveConvGeometry(
  tf: Tf,
  inputShape: number[],
  filterShape: [number, number, number, number],
  attrs: ForwardConvAttrs,
  depthwise: boolean,
  dataFormat: 'NHWC' | 'NCHW' = 'NHWC',
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    dataFormat === 'NHWC' ? 'channelsLast' : 'channelsFirst',
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * The geometry as the engine's own conv kernels take it after their three byte offsets (see
 * wasmKernels/native/*.c): n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, padTop, padLeft.
 */
export function nativeConvArgs(g: ConvGeometry, outChannels: number): number[] {
  return [
    g.batch,
    g.inHeight,
    g.inWidth,
    g.inChannels,
    g.outHeight,
    g.outWidth,
    outChannels,
    g.filterHeight,
    g.filterWidth,
    g.strideHeight,
    g.strideWidth,
    g.dilationHeight,
    g.dilationWidth,
    g.padTop,
    g.padLeft,
  ];
}

/** Row/column margins around dims 1 and 2 of an NHWC tensor; negative means "crop". */
export interface Margins {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * Crops the negative margins away with one slice and returns the (non-negative) rest as an
 * explicit padding that the following conv applies itself, so no padded copy is materialised.
 */
export function cropNegativeMargins(
  tf: Tf,
  x: Tensor4D,
  margins: Margins,
): { x: Tensor4D; pad: [[number, number], [number, number], [number, number], [number, number]] } {
  const [n, h, w, c] = x.shape;
  const cropTop = Math.max(0, -margins.top);
  const cropBottom = Math.max(0, -margins.bottom);
  const cropLeft = Math.max(0, -margins.left);
  const cropRight = Math.max(0, -margins.right);
  const cropped =
    cropTop + cropBottom + cropLeft + cropRight === 0 ? x : tf.slice(x, [0, cropTop, cropLeft, 0], [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c]);
  return {
    x: cropped,
    pad: [
      [0, 0],
      [Math.max(0, margins.top), Math.max(0, margins.bottom)],
      [Math.max(0, margins.left), Math.max(0, margins.right)],
      [0, 0],
    ],
  };
}
