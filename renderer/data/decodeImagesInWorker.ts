/**
 * Decoding an image folder in a worker: each file through createImageBitmap at its own size, read
 * back from an OffscreenCanvas unpremultiplied and without colour conversion, then resized with the
 * same code the command line uses (src/engine/datasets/images.ts) into one Uint8Array allocated
 * once for all files. PNG bytes therefore come out exactly as Node's pngjs decodes them.
 */
import { effectiveChannels, MAX_IMAGE_SIDE, resizeInto, type RawImage } from '../../src/engine/datasets/images';
import { ImageDecodeRequest, type ImageDecodeReply } from './imageDecodeProtocol';

/** A decoded original larger than this many pixels a side is skipped: 8192² RGBA is 256 MB. */
const MAX_SOURCE_SIDE = 8192;
const PROGRESS_EVERY = 100;
/** The decoded dataset's bytes (count × height × width × channels) are held in one buffer of at most this. */
export const MAX_DECODED_BYTES = 1024 ** 3;

const why = (error: unknown): string => (error instanceof Error ? error.message : String(error));

class Decoder {
  private canvas: OffscreenCanvas | null = null;
  private context: OffscreenCanvasRenderingContext2D | null = null;

  async decode(blob: Blob): Promise<RawImage> {
    const bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
    try {
      const { width, height } = bitmap;
      if (width > MAX_SOURCE_SIDE || height > MAX_SOURCE_SIDE) throw new Error(`${width}×${height} is larger than ${MAX_SOURCE_SIDE} pixels a side`);
      if (!this.canvas || !this.context || this.canvas.width < width || this.canvas.height < height) {
        this.canvas = new OffscreenCanvas(Math.max(width, this.canvas?.width ?? 0), Math.max(height, this.canvas?.height ?? 0));
        this.context = this.canvas.getContext('2d', { willReadFrequently: true });
        if (!this.context) throw new Error('this browser gives workers no 2-D canvas');
      }
      this.context.clearRect(0, 0, width, height);
      this.context.drawImage(bitmap, 0, 0);
      const data = this.context.getImageData(0, 0, width, height).data;
      return { width, height, channels: 4, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
    } finally {
      bitmap.close();
    }
  }
}

/** Decodes every file of the request, answering on its port; never throws. */
export async function decodeImageFolder(raw: unknown): Promise<void> {
  const parsed = ImageDecodeRequest.safeParse(raw);
  if (!parsed.success) {
    const port = (raw as { port?: unknown }).port;
    if (port instanceof MessagePort)
      port.postMessage({ type: 'error', message: `the image folder request was malformed: ${parsed.error.issues[0]?.message ?? ''}` });
    return;
  }
  const { files, port } = parsed.data;
  const reply = (message: ImageDecodeReply, transfer: Transferable[] = []) => port.postMessage(message, transfer);
  try {
    let target = parsed.data.target;
    let first = '';
    let pixels: Uint8Array<ArrayBuffer> | null = null;
    const labels = new Int32Array(files.length);
    const skipped: { path: string; reason: string }[] = [];
    const decoder = new Decoder();
    let kept = 0;
    for (const [i, f] of files.entries()) {
      let img: RawImage;
      try {
        img = effectiveChannels(await decoder.decode(f.blob));
      } catch (error) {
        skipped.push({ path: f.path, reason: `cannot be decoded (${why(error)})` });
        continue;
      }
      if (!target) {
        if (img.height > MAX_IMAGE_SIDE || img.width > MAX_IMAGE_SIDE) {
          reply({
            type: 'error',
            message: `${f.path} is ${img.width}×${img.height}; to train at the images' own size they may be at most ${MAX_IMAGE_SIDE} pixels a side (turn off "fit the design to the dataset" to resize them to the design's input)`,
          });
          return;
        }
        target = [img.height, img.width, img.channels === 1 ? 1 : 3];
        first = f.path;
      } else if (parsed.data.target === null && (img.height !== target[0] || img.width !== target[1])) {
        reply({
          type: 'error',
          message: `mixed sizes: ${first} is ${target[1]}×${target[0]} but ${f.path} is ${img.width}×${img.height}; to train at the images' own size they must all match (or turn off fitting to resize them to the design's input)`,
        });
        return;
      }
      const [h, w, c] = target;
      if (!pixels && files.length * h * w * c > MAX_DECODED_BYTES) {
        reply({
          type: 'error',
          message: `${files.length} images of ${h}×${w}×${c} need ${((files.length * h * w * c) / 1024 ** 3).toFixed(2)} GB; at most ${MAX_DECODED_BYTES / 1024 ** 3} GB of decoded pixels are held (use fewer or smaller images)`,
        });
        return;
      }
      // One allocation for the whole folder, sized from the counted files; skipped files leave its tail unused.
      pixels ??= new Uint8Array(files.length * h * w * c);
      resizeInto(img, h, w, c, pixels, kept * h * w * c);
      labels[kept++] = f.label;
      if ((i + 1) % PROGRESS_EVERY === 0) reply({ type: 'progress', done: i + 1, total: files.length });
    }
    if (!target || !pixels || kept === 0) {
      reply({ type: 'error', message: `no image could be decoded (${skipped.length} file${skipped.length === 1 ? '' : 's'} tried)` });
      return;
    }
    const [height, width, channels] = target;
    const used = kept * height * width * channels;
    // Only the used bytes cross back: a copy when files were skipped, the buffer itself otherwise.
    const out = used === pixels.length ? pixels : pixels.slice(0, used);
    const outLabels = labels.slice(0, kept);
    reply({ type: 'progress', done: files.length, total: files.length });
    reply({ type: 'done', height, width, channels, pixels: out, labels: outLabels, skipped }, [out.buffer, outLabels.buffer]);
  } catch (error) {
    reply({ type: 'error', message: `decoding the image folder failed: ${why(error)}` });
  } finally {
    port.close();
  }
}
