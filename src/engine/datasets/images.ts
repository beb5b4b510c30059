/**
 * Image-folder datasets: pictures the host decoded (one subfolder per class), already resized to the
 * target size so memory stays at count × height × width × channels bytes plus the float32 dataset.
 * The decoding and the file system belong to the host (CLI: Node decoders; app: the engine worker).
 */
import { DatasetError } from './types';

/** Decoded pixels at their own size: 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA) bytes per pixel. */
export interface RawImage {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array;
}

export const MAX_IMAGE_CLASSES = 100;
export const MAX_IMAGES = 60_000;
export const MAX_IMAGE_SIDE = 256;

/** Grey value of pixel `p` (ITU-R BT.601 weights), ignoring alpha. */
function grey(img: RawImage, p: number): number {
  const d = img.data;
  if (img.channels <= 2) return d[p * img.channels];
  const o = p * img.channels;
  return 0.299 * d[o] + 0.587 * d[o + 1] + 0.114 * d[o + 2];
}

function channel(img: RawImage, p: number, c: number): number {
  if (img.channels <= 2) return img.data[p * img.channels];
  return img.data[p * img.channels + c];
}

/**
 * Bilinear resize (pixel centres aligned, as tf.image.resizeBilinear with halfPixelCenters) and
 * conversion to 1 or 3 channels, written into `out` at `offset` as bytes.
 */
export function resizeInto(img: RawImage, height: number, width: number, channels: 1 | 3, out: Uint8Array, offset: number): void {
  if (img.data.length < img.width * img.height * img.channels)
    throw new DatasetError('bad-spec', `an image of ${img.width}×${img.height}×${img.channels} holds only ${img.data.length} bytes`);
  const sy = img.height / height;
  const sx = img.width / width;
  const value = channels === 1 ? (p: number) => grey(img, p) : null;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.width - 1);
      const wx = fx - x0;
      const p00 = y0 * img.width + x0;
      const p01 = y0 * img.width + x1;
      const p10 = y1 * img.width + x0;
      const p11 = y1 * img.width + x1;
      for (let c = 0; c < channels; c++) {
        const at = value ?? ((p: number) => channel(img, p, c));
        const top = at(p00) * (1 - wx) + at(p01) * wx;
        const bottom = at(p10) * (1 - wx) + at(p11) * wx;
        out[offset + (y * width + x) * channels + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
}

/** Whether every image is grey (so a fitted input takes one channel). */
export function allGrey(images: readonly RawImage[]): boolean {
  return images.every((i) => i.channels <= 2);
}
