/**
 * What the data worker does with each message, apart from the worker itself so tests can run it in
 * Node through a stand-in port. Parsing reuses the loaders the engine and CLI use (src/engine/datasets,
 * src/protocol/runLogFile): one CSV parser, one run-log reader, whatever thread runs them.
 */
import { checkCsvSize } from '../../src/engine/datasets/csv';
import { loadDataset } from '../../src/engine/datasets/load';
import { previewDataset, type DatasetPreview } from '../../src/engine/datasets/preview';
import { DatasetError, type Dataset } from '../../src/engine/datasets/types';
import type { DatasetSpec } from '../../src/schema/datasetSpec';
import { formatBytes, parseRunLogText, type RunLog } from '../../src/protocol/runLogFile';
import { decodeTextFile } from '../../src/protocol/textFile';
import type { StatsFrame } from '../../src/schema/stats';
import { DataWorkerRequest, type DataErrorCode, type DataStage, type DataWorkerReply } from './dataWorkerProtocol';

export type Post = (message: DataWorkerReply, transfer?: Transferable[]) => void;

/** An error the page is told about with its code; anything else thrown is reported as `failed`. */
class Refusal extends Error {
  constructor(
    readonly code: DataErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Run-log frames per message to the page: about 10 ms of unpacking each. */
export const FRAMES_PER_MESSAGE = 1000;

/** Progress is posted when it has moved this much (a fraction of the stage), so a 100 MB file sends about a hundred messages. */
const PROGRESS_STEP = 0.01;

/** Lets queued messages (a `cancel`) arrive between stages. */
const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Starts answering requests; returns the function to call with each incoming message's data. */
export function dataWorkerHandler(post: Post): (data: unknown) => Promise<void> {
  const cancelled = new Set<string>();
  /** The last CSV text read, by its request: previews and loads of it name it instead of sending it back. */
  let heldCsv: { requestId: string; text: string } | null = null;

  const withHeldCsv = (spec: DatasetSpec, csvFrom: string | undefined): DatasetSpec => {
    if (csvFrom === undefined || spec.kind !== 'csv') return spec;
    if (heldCsv?.requestId !== csvFrom) throw new Refusal('failed', `${spec.name}: the CSV text is no longer held by the data worker; pick the file again`);
    return { ...spec, text: heldCsv.text };
  };

  async function run(request: Exclude<DataWorkerRequest, { type: 'cancel' }>): Promise<void> {
    const { requestId } = request;
    let last = { stage: '', fraction: -1 };
    const progress = (stage: DataStage, done: number, total: number): void => {
      const fraction = total > 0 ? done / total : 0;
      if (stage === last.stage && fraction - last.fraction < PROGRESS_STEP && done < total) return;
      last = { stage, fraction };
      post({ type: 'progress', requestId, stage, done, total });
    };
    const checkpoint = async (): Promise<void> => {
      await pause();
      if (cancelled.has(requestId)) throw new Refusal('cancelled', 'cancelled');
    };
    switch (request.type) {
      case 'readCsv': {
        checkCsvSize(request.file.size, request.name);
        const text = await readText(request.file, request.name, 'a CSV file', progress, checkpoint);
        progress('Sending', 0, 1);
        heldCsv = { requestId, text };
        return post({ type: 'csvText', requestId, name: request.name, text });
      }
      case 'previewDataset': {
        const dataset = await loadDataset(withHeldCsv(request.spec, request.csvFrom), { progress: (done, total) => progress('Parsing rows', done, total) });
        await checkpoint();
        progress('Summarising', 0, 1);
        const preview = previewDataset(dataset, request.limit);
        return post({ type: 'preview', requestId, preview }, previewBuffers(preview));
      }
      case 'loadDataset': {
        const dataset = await loadDataset(withHeldCsv(request.spec, request.csvFrom), { progress: (done, total) => progress('Parsing rows', done, total) });
        await checkpoint();
        return post({ type: 'dataset', requestId, dataset }, datasetBuffers(dataset));
      }
      case 'readRunLog': {
        const { name, source, maxBytes } = request;
        if (typeof source !== 'string' && source.size > maxBytes)
          throw new Refusal('unreadable', `${name}: ${formatBytes(source.size)} is larger than a run log may be (at most ${formatBytes(maxBytes)})`);
        const text = typeof source === 'string' ? source : await readText(source, name, 'a run log', progress, checkpoint);
        const parsed = parseRunLogText(text, name, maxBytes, (line, lines) => progress('Parsing lines', line, lines));
        if (!parsed.ok) throw new Refusal('refused', parsed.error);
        await checkpoint();
        shareIds(parsed.log);
        // In slices: the page unpacks each message in one task, and 45,000 frames in one message held it for half a second.
        const { frames } = parsed.log;
        for (let start = 0; start < frames.length; start += FRAMES_PER_MESSAGE) {
          progress('Sending', start, frames.length);
          const slice = frames.slice(start, start + FRAMES_PER_MESSAGE);
          post({ type: 'runLogFrames', requestId, frames: slice }, frameBuffers(slice));
          await checkpoint();
        }
        return post({ type: 'runLog', requestId, log: { ...parsed.log, frames: [] } });
      }
    }
  }

  return async (data: unknown): Promise<void> => {
    const parsed = DataWorkerRequest.safeParse(data);
    if (!parsed.success) {
      const id = (data as { requestId?: unknown } | null)?.requestId;
      const issue = parsed.error.issues[0];
      const message = `the data worker received a malformed request: ${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'unknown'}`;
      post({ type: 'error', requestId: typeof id === 'string' && id ? id.slice(0, 200) : 'unknown', code: 'failed', message });
      return;
    }
    const request = parsed.data;
    if (request.type === 'cancel') {
      cancelled.add(request.requestId);
      return;
    }
    try {
      await run(request);
    } catch (error) {
      const code: DataErrorCode = error instanceof Refusal ? error.code : error instanceof DatasetError ? 'refused' : 'failed';
      post({ type: 'error', requestId: request.requestId, code, message: error instanceof Error ? error.message : String(error) });
    } finally {
      cancelled.delete(request.requestId);
    }
  };
}

/** A file's bytes read in chunks (so the bar moves while a large file is read), then decoded as the one text reader does. */
async function readText(
  file: Blob,
  name: string,
  what: string,
  progress: (stage: DataStage, done: number, total: number) => void,
  checkpoint: () => Promise<void>,
): Promise<string> {
  const bytes = new Uint8Array(file.size);
  const reader = file.stream().getReader();
  let at = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    // A file that grew after it was picked: read only what its size said.
    const take = Math.min(value.length, bytes.length - at);
    bytes.set(value.subarray(0, take), at);
    at += take;
    progress('Reading the file', at, bytes.length);
    if (take < value.length) break;
  }
  await checkpoint();
  progress('Checking the text', 0, 1);
  const decoded = decodeTextFile(bytes.subarray(0, at), name, what);
  if (!decoded.ok) throw new Refusal('unreadable', decoded.message);
  return decoded.text;
}

const buffersOf = (arrays: readonly ArrayBufferView[]): ArrayBuffer[] => [
  ...new Set(arrays.map((a) => a.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer)),
];

function datasetBuffers(d: Dataset): ArrayBuffer[] {
  const scaling = d.scaling ? [d.scaling.offset, d.scaling.scale] : [];
  return buffersOf([d.train.x, d.train.y, d.validation.x, d.validation.y, ...scaling]);
}

function previewBuffers(p: DatasetPreview): ArrayBuffer[] {
  if (p.kind === 'points') return buffersOf([p.points, p.labels, p.classCounts]);
  if (p.kind === 'images') return buffersOf([p.rgba, p.labels, p.classCounts]);
  return buffersOf([p.classCounts]);
}

function frameBuffers(frames: readonly StatsFrame[]): ArrayBuffer[] {
  return buffersOf(
    frames.flatMap((f) => [
      f.nodes.activation,
      f.nodes.activationHistogram,
      f.nodes.gradient,
      f.nodes.gradientHistogram,
      f.edges.gradient,
      f.weights.values,
      f.groups.values,
    ]),
  );
}

/**
 * Frames of one run name the same nodes; giving them one id list each (in place) lets the message
 * carry each list once, since structured cloning keeps shared references shared, so the page
 * rebuilds thousands of strings instead of millions.
 */
export function shareIds(log: RunLog): void {
  const seen = new Map<string, string[]>();
  const same = (list: string[]): string[] => {
    const key = list.join('\u0000');
    const held = seen.get(key);
    if (held) return held;
    seen.set(key, list);
    return list;
  };
  for (const f of log.frames) {
    f.nodes.ids = same(f.nodes.ids);
    f.edges.ids = same(f.edges.ids);
    f.weights.ids = same(f.weights.ids);
    f.weights.nodeIds = same(f.weights.nodeIds);
    f.groups.ids = same(f.groups.ids);
  }
}
