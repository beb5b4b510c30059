/**
 * Image-folder datasets: pictures the host decoded (one subfolder per class), already resized to the
 * target size so memory stays at count × height × width × channels bytes plus the float32 dataset.
 * The decoding and the file system belong to the host (CLI: Node decoders; app: the engine worker).
 */
import { MAX_IMAGES } from '../../schema/datasetSpec';
import { DatasetError } from './types';

/** Decoded pixels at their own size: 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA) bytes per pixel. */
export interface RawImage {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array;
}

export const MAX_IMAGE_CLASSES = 100;
export { MAX_IMAGES };
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

/**
 * A decoder that always returns RGBA (pngjs, a canvas) cannot say whether a picture is grey: it is
 * when every pixel has r = g = b. The same test on every host, so Node and the browser agree on channels.
 */
export function effectiveChannels(img: RawImage): RawImage {
  if (img.channels !== 4 && img.channels !== 3) return img;
  const d = img.data;
  for (let p = 0; p < img.width * img.height; p++) {
    const o = p * img.channels;
    if (d[o] !== d[o + 1] || d[o] !== d[o + 2]) return img;
  }
  const grey = new Uint8Array(img.width * img.height);
  for (let p = 0; p < grey.length; p++) grey[p] = d[p * img.channels];
  return { width: img.width, height: img.height, channels: 1, data: grey };
}

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;
/** A folder's files above this total are refused before any is read (the app holds them while decoding). */
export const MAX_IMAGE_FOLDER_BYTES_IN_APP = 1024 ** 3;
/** One file larger than this is refused: a decoded 16k × 16k RGBA picture alone is 1 GB. */
export const MAX_IMAGE_FILE_BYTES = 64 * 1024 ** 2;

/** A file a host found under the chosen folder: its path relative to the folder ('/'-separated). */
export interface FolderFile {
  path: string;
  bytes: number;
}

export interface ImageFolderPlan<F extends FolderFile> {
  classNames: string[];
  /** In class order, then by name: label = index into classNames. */
  files: { file: F; label: number }[];
  /** Files left out before decoding (wrong extension, outside a class folder), each with why. */
  ignored: string[];
  totalBytes: number;
}

const isImageName = (name: string) => IMAGE_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e));
const hidden = (part: string) => part.startsWith('.');

/**
 * Groups a folder's files into classes (the first path component under the folder is the class) and
 * refuses what cannot be a dataset — fewer than 2 or more than MAX_IMAGE_CLASSES classes, a class
 * without images, too many or too large files — before a byte of any image is read.
 */
export function planImageFolder<F extends FolderFile>(
  folder: string,
  found: readonly F[],
): { ok: true; plan: ImageFolderPlan<F> } | { ok: false; error: string } {
  const byClass = new Map<string, F[]>();
  const ignored: string[] = [];
  const declared = new Set<string>();
  for (const f of found) {
    const parts = f.path.split('/').filter((p) => p !== '');
    if (parts.some(hidden)) continue;
    if (parts.length < 2) {
      ignored.push(`${folder}/${f.path}: not inside a class folder`);
      continue;
    }
    declared.add(parts[0]);
    if (!isImageName(parts[parts.length - 1])) {
      ignored.push(`${folder}/${f.path}: not a .png, .jpg or .jpeg file`);
      continue;
    }
    const list = byClass.get(parts[0]) ?? [];
    list.push(f);
    byClass.set(parts[0], list);
  }
  const classNames = [...declared].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (classNames.length < 2)
    return {
      ok: false,
      error: `${folder}: found ${classNames.length} class folder${classNames.length === 1 ? '' : 's'}; put each class's images in its own subfolder (at least 2)`,
    };
  if (classNames.length > MAX_IMAGE_CLASSES)
    return { ok: false, error: `${folder}: ${classNames.length} class folders; at most ${MAX_IMAGE_CLASSES} classes are supported` };
  const empty = classNames.filter((c) => !byClass.has(c));
  if (empty.length)
    return {
      ok: false,
      error: `${folder}: class folder${empty.length > 1 ? 's' : ''} ${empty.map((c) => `"${c}"`).join(', ')} hold${empty.length > 1 ? '' : 's'} no PNG or JPEG images`,
    };
  const files: { file: F; label: number }[] = [];
  let totalBytes = 0;
  for (const [label, name] of classNames.entries()) {
    for (const file of (byClass.get(name) ?? []).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      if (file.bytes > MAX_IMAGE_FILE_BYTES)
        return {
          ok: false,
          error: `${folder}/${file.path} is ${(file.bytes / 1024 ** 2).toFixed(0)} MB; image files are read up to ${MAX_IMAGE_FILE_BYTES / 1024 ** 2} MB`,
        };
      totalBytes += file.bytes;
      files.push({ file, label });
    }
  }
  if (files.length > MAX_IMAGES) return { ok: false, error: `${folder}: ${files.length} images; at most ${MAX_IMAGES} are read (use a sample)` };
  if (totalBytes > MAX_IMAGE_FOLDER_BYTES_IN_APP)
    return {
      ok: false,
      error: `${folder}: the images take ${(totalBytes / 1024 ** 3).toFixed(2)} GB; at most ${MAX_IMAGE_FOLDER_BYTES_IN_APP / 1024 ** 3} GB are read in the app (the command line reads up to 4 GB)`,
    };
  return { ok: true, plan: { classNames, files, ignored, totalBytes } };
}
