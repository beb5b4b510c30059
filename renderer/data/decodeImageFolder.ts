/**
 * The page's side of image-folder decoding: plans the folder (classes, counts, limits) before any
 * file is read, then hands the files to a worker — the engine's own Web Worker when the engine runs
 * in the page, else a worker that only decodes — and waits for the pixels on a private port.
 */
import { planImageFolder } from '../../src/engine/datasets/images';
import type { SpecOf } from '../../src/schema/datasetSpec';
import type { EngineConnection } from '../engine/connection';
import { WorkerEngineConnection } from '../engine/workerConnection';
import { IMAGE_DECODE_TYPE, ImageDecodeReply, type ImageDecodeRequest } from './imageDecodeProtocol';
import type { PickedImageFolder } from './pickedFolder';

export interface DecodedImageFolder {
  name: string;
  classNames: string[];
  /** Images kept per class, in classNames order. */
  counts: number[];
  height: number;
  width: number;
  channels: 1 | 3;
  pixels: Uint8Array<ArrayBuffer>;
  labels: Int32Array<ArrayBuffer>;
  /** "path: why", for files that could not be decoded. */
  skipped: string[];
  /** Files left out before decoding (not images, not in a class folder, refused by the host). */
  ignored: string[];
  /** The size asked for; null when the images set it (fitting the design to the data). */
  target: [number, number, 1 | 3] | null;
}

export type DecodeOutcome = { ok: true; folder: DecodedImageFolder } | { ok: false; error: string };

/** Where decoding runs: posts the request (with its port and files) to a worker; returns how to let that worker go. */
export type DecodeWorker = (request: ImageDecodeRequest, transfer: Transferable[]) => () => void;

/** The engine's worker when the engine runs in the page; a decode-only worker, ended after its reply, otherwise. */
export function workerFor(engine: EngineConnection | null): DecodeWorker {
  return (request, transfer) => {
    if (engine instanceof WorkerEngineConnection && engine.postSideRequest(request, transfer)) return () => undefined;
    const worker = new Worker(new URL('./imageDecodeWorker.ts', import.meta.url), { type: 'module', name: 'rescanvas-image-decoder' });
    worker.postMessage(request, transfer);
    return () => worker.terminate();
  };
}

export async function decodeImageFolder(
  picked: PickedImageFolder,
  target: [number, number, 1 | 3] | null,
  post: DecodeWorker,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<DecodeOutcome> {
  const planned = planImageFolder(picked.name, picked.files);
  if (!planned.ok) return planned;
  const { plan } = planned;
  onProgress(0, plan.files.length);
  const channel = new MessageChannel();
  const request: ImageDecodeRequest = {
    type: IMAGE_DECODE_TYPE,
    files: plan.files.map(({ file, label }) => ({ path: `${picked.name}/${file.path}`, label, blob: file.blob })),
    target,
    port: channel.port2,
  };
  const reply = new Promise<DecodeOutcome>((resolve) => {
    channel.port1.onmessage = (event: MessageEvent<unknown>) => {
      const parsed = ImageDecodeReply.safeParse(event.data);
      if (!parsed.success) {
        resolve({ ok: false, error: 'the image decoder sent an unreadable reply' });
        return;
      }
      const m = parsed.data;
      if (m.type === 'progress') onProgress(m.done, m.total);
      else if (m.type === 'error') resolve({ ok: false, error: m.message });
      else {
        const counts = plan.classNames.map(() => 0);
        for (const l of m.labels) counts[l]++;
        const emptied = plan.classNames.filter((_, k) => counts[k] === 0);
        if (emptied.length) {
          resolve({ ok: false, error: `no decodable image left in class folder${emptied.length > 1 ? 's' : ''} ${emptied.map((c) => `"${c}"`).join(', ')}` });
          return;
        }
        resolve({
          ok: true,
          folder: {
            name: picked.name,
            classNames: plan.classNames,
            counts,
            height: m.height,
            width: m.width,
            channels: m.channels,
            // Transferred, never shared: the worker posts buffers it allocated.
            pixels: m.pixels as Uint8Array<ArrayBuffer>,
            labels: m.labels as Int32Array<ArrayBuffer>,
            skipped: m.skipped.map((s) => `${s.path}: ${s.reason}`),
            ignored: [...picked.refused, ...plan.ignored],
            target,
          },
        });
      }
    };
  });
  const release = post(request, [channel.port2]);
  try {
    return await reply;
  } finally {
    channel.port1.close();
    release();
  }
}

/** The decoded folder as the engine's dataset spec. */
export function imagesSpec(folder: DecodedImageFolder, seed: number): SpecOf<'images'> {
  return {
    kind: 'images',
    name: folder.name.slice(0, 200),
    classNames: folder.classNames,
    height: folder.height,
    width: folder.width,
    channels: folder.channels,
    pixels: folder.pixels,
    labels: folder.labels,
    scale: 'unit',
    seed,
    validationFraction: 0.2,
  };
}

/**
 * The size a design's Input asks for: [h, w, c] when it takes images, else null (then the images
 * set the size and training fits the design to them).
 */
export function designImageTarget(shape: unknown): [number, number, 1 | 3] | null {
  if (!Array.isArray(shape) || shape.length !== 3) return null;
  const [h, w, c] = shape as unknown[];
  if (typeof h !== 'number' || typeof w !== 'number' || (c !== 1 && c !== 3)) return null;
  if (h < 1 || w < 1 || h > 256 || w > 256) return null;
  return [h, w, c];
}
