/**
 * `--images DIR`: a folder with one subfolder per class of PNG and JPEG files, decoded with pure-JS
 * decoders (pngjs, jpeg-js) and resized at once to the target size, so memory holds one decoded
 * original at a time plus count × height × width × channels bytes. Every path is resolved with
 * realpath and must stay inside DIR; sizes are summed from stat before anything is read.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { effectiveChannels, MAX_IMAGE_CLASSES, MAX_IMAGE_SIDE, MAX_IMAGES, resizeInto, type RawImage } from '../src/engine/datasets/images';
import type { SpecOf } from '../src/schema/datasetSpec';
import { UsageError } from './errors';

/** The files of a folder this large are refused before any is read. */
export const MAX_IMAGE_FOLDER_BYTES = 4 * 1024 ** 3;
/** One file larger than this is refused: a decoded 16k × 16k RGBA picture alone is 1 GB. */
const MAX_IMAGE_FILE_BYTES = 64 * 1024 ** 2;
const EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

export interface ImageFolderOptions {
  /** [height, width, channels] to resize to; null: the images' own size (all must match) and the first image's colour, `--fit`. */
  target: [number, number, number] | null;
  badImages: 'skip' | 'refuse';
  scale: 'unit' | 'standardize';
  validationFraction?: number;
  seed?: number;
  /** Called every few hundred images and at the end. */
  progress?: (done: number, total: number) => void;
  warn?: (message: string) => void;
}

function decode(bytes: Uint8Array, path: string): RawImage {
  const ext = extname(path).toLowerCase();
  if (ext === '.png') {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, channels: 4, data: png.data };
  }
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 512 });
  const channels = img.data.length / (img.width * img.height);
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new Error(`unexpected ${channels} channels`);
  return { width: img.width, height: img.height, channels, data: img.data };
}

async function inside(root: string, path: string): Promise<string> {
  const real = await realpath(path);
  if (real !== root && !real.startsWith(root + sep))
    throw new UsageError(`--images: ${path} leads outside ${root} (to ${real}); links out of the folder are not followed`);
  return real;
}

export async function readImageFolder(dir: string, options: ImageFolderOptions): Promise<SpecOf<'images'>> {
  const root = await realpath(dir).catch(() => null);
  if (!root || !(await stat(root)).isDirectory()) throw new UsageError(`--images ${dir}: not a folder`);
  const entries = (await readdir(root, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name));
  const classDirs: { name: string; path: string }[] = [];
  for (const e of entries) {
    const path = await inside(root, join(root, e.name));
    if ((await stat(path)).isDirectory()) classDirs.push({ name: e.name, path });
  }
  if (classDirs.length < 2)
    throw new UsageError(
      `--images ${dir}: found ${classDirs.length} class folder${classDirs.length === 1 ? '' : 's'}; put each class's images in its own subfolder (at least 2)`,
    );
  if (classDirs.length > MAX_IMAGE_CLASSES)
    throw new UsageError(`--images ${dir}: ${classDirs.length} class folders; at most ${MAX_IMAGE_CLASSES} classes are supported`);

  const files: { path: string; label: number; size: number }[] = [];
  let total = 0;
  for (const [label, c] of classDirs.entries()) {
    const names = (await readdir(c.path)).filter((n) => !n.startsWith('.')).sort();
    let count = 0;
    for (const n of names) {
      const path = await inside(root, join(c.path, n));
      const info = await stat(path);
      if (!info.isFile()) continue;
      if (!EXTENSIONS.has(extname(n).toLowerCase())) {
        options.warn?.(`skipping ${join(dir, c.name, n)}: not a .png, .jpg or .jpeg file`);
        continue;
      }
      if (info.size > MAX_IMAGE_FILE_BYTES)
        throw new UsageError(
          `--images: ${path} is ${(info.size / 1024 ** 2).toFixed(0)} MB; image files are read up to ${MAX_IMAGE_FILE_BYTES / 1024 ** 2} MB`,
        );
      total += info.size;
      files.push({ path, label, size: info.size });
      count++;
    }
    if (count === 0) throw new UsageError(`--images: class folder ${join(dir, c.name)} holds no PNG or JPEG images`);
  }
  if (files.length > MAX_IMAGES) throw new UsageError(`--images ${dir}: ${files.length} images; at most ${MAX_IMAGES} are read (use a sample)`);
  if (total > MAX_IMAGE_FOLDER_BYTES)
    throw new UsageError(
      `--images ${dir}: the images take ${(total / 1024 ** 3).toFixed(1)} GB on disk; at most ${MAX_IMAGE_FOLDER_BYTES / 1024 ** 3} GB are read`,
    );

  // --fit: the first readable image sets the size and colour; all others must match it.
  let target = options.target;
  let pixels: Uint8Array<ArrayBuffer> | null = null;
  const labels: number[] = [];
  const skipped: string[] = [];
  let first: string | null = null;
  for (const [i, f] of files.entries()) {
    let img: RawImage;
    try {
      img = effectiveChannels(decode(new Uint8Array(await readFile(f.path)), f.path));
    } catch (error) {
      const message = `${f.path}: cannot decode (${error instanceof Error ? error.message : String(error)})`;
      if (options.badImages === 'refuse') throw new UsageError(`--images: ${message}; pass --bad-images skip to leave such files out`);
      options.warn?.(`skipping ${message}`);
      skipped.push(f.path);
      continue;
    }
    if (!target) {
      if (img.height > MAX_IMAGE_SIDE || img.width > MAX_IMAGE_SIDE)
        throw new UsageError(
          `--images: ${f.path} is ${img.width}×${img.height}; with --fit images may be at most ${MAX_IMAGE_SIDE} pixels a side (without --fit they are resized to the design's input)`,
        );
      target = [img.height, img.width, img.channels === 1 ? 1 : 3];
      first = f.path;
    } else if (options.target === null && (img.height !== target[0] || img.width !== target[1])) {
      throw new UsageError(
        `--images: mixed sizes: ${first} is ${target[1]}×${target[0]} but ${f.path} is ${img.width}×${img.height}; without --fit every image is resized to the design's input`,
      );
    }
    const [h, w, c] = target;
    pixels ??= new Uint8Array(files.length * h * w * c);
    resizeInto(img, h, w, c === 1 ? 1 : 3, pixels, labels.length * h * w * c);
    labels.push(f.label);
    if (options.progress && ((i + 1) % 500 === 0 || i + 1 === files.length)) options.progress(i + 1, files.length);
  }
  if (!target || !pixels || labels.length === 0) throw new UsageError(`--images ${dir}: no image could be decoded`);
  const [height, width, channels] = target;
  const counts = classDirs.map((_, k) => labels.filter((l) => l === k).length);
  const emptied = classDirs.filter((_, k) => counts[k] === 0).map((c) => c.name);
  if (emptied.length) throw new UsageError(`--images: no decodable image left in class folder${emptied.length > 1 ? 's' : ''} ${emptied.join(', ')}`);
  return {
    kind: 'images',
    name: relative(process.cwd(), root) || root,
    classNames: classDirs.map((c) => c.name),
    height,
    width,
    channels: channels === 1 ? 1 : 3,
    pixels: pixels.subarray(0, labels.length * height * width * channels),
    labels: Int32Array.from(labels),
    scale: options.scale,
    seed: options.seed ?? 1,
    validationFraction: options.validationFraction ?? 0.2,
  };
}
