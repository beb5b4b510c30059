/**
 * The page's side of the data worker: one worker started on first use, requests matched to their
 * answers by the shared awaitReply (src/protocol/awaitReply.ts), progress passed to the caller, and an
 * AbortSignal that releases the caller at once and tells the worker to stop. Where there is no Worker
 * (tests in Node) the same handler runs in this thread behind the same port.
 */
import { awaitReply, nextRequestId } from '../../src/protocol/awaitReply';
import type { DatasetSpecInput } from '../../src/schema/datasetSpec';
import type { Dataset } from '../../src/engine/datasets/types';
import type { DatasetPreview } from '../../src/engine/datasets/preview';
import type { RunLog } from '../../src/protocol/runLogFile';
import type { StatsFrame } from '../../src/schema/stats';
import {
  DATA_REPLY,
  DataWorkerReply,
  type DataErrorCode,
  type DataProgress,
  type DataReplyOf,
  type DataRequestType,
  type DataWorkerRequestInput,
} from './dataWorkerProtocol';
import { dataWorkerHandler } from './dataWorkerHandler';

/** What the client needs of a worker; `inProcessPort` gives the same in this thread. */
export interface DataPort {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
  terminate(): void;
}

/** A request the worker refused or could not finish; `message` names the file and where in it. */
export class DataWorkerError extends Error {
  constructor(
    readonly code: DataErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DataWorkerError';
  }
}

/** Addressed to every pending request: the worker that would have answered is gone. */
const EVERYONE = '*';

export function inProcessPort(): DataPort {
  const port: DataPort = {
    onmessage: null,
    onerror: null,
    postMessage: (message) => void handle(message),
    terminate: () => undefined,
  };
  const handle = dataWorkerHandler((message) => port.onmessage?.({ data: message }));
  return port;
}

const defaultPort = (): DataPort =>
  typeof Worker === 'undefined' ? inProcessPort() : (new Worker(new URL('./dataWorker.ts', import.meta.url), { type: 'module', name: 'data' }) as DataPort);

export interface DataCallOptions {
  onProgress?: (progress: DataProgress) => void;
  signal?: AbortSignal;
  /** Each slice of a run log's frames as it arrives (readRunLog gathers them). */
  onFrames?: (frames: StatsFrame[]) => void;
}

type Outgoing<T extends DataRequestType> = Omit<Extract<DataWorkerRequestInput, { type: T }>, 'requestId'>;

export class DataWorkerClient {
  private port: DataPort | null = null;
  private readonly listeners = new Set<(message: DataWorkerReply) => void>();

  constructor(private readonly factory: () => DataPort = defaultPort) {}

  private start(): DataPort {
    if (this.port) return this.port;
    const port = this.factory();
    port.onmessage = (event) => {
      const parsed = DataWorkerReply.safeParse(event.data);
      if (parsed.success) this.emit(parsed.data);
      else this.fail(`the data worker sent a malformed message: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    };
    port.onerror = (event) => this.fail(`the data worker stopped: ${event.message || 'unknown error'}`);
    this.port = port;
    return port;
  }

  private emit(message: DataWorkerReply): void {
    for (const listener of [...this.listeners]) listener(message);
  }

  /** The CSV text the worker holds (the string it sent, so a spec carrying it is recognised by identity, not by comparing 100 MB). */
  private heldCsv: { requestId: string; text: string } | null = null;

  /** The spec without the CSV text the worker already holds, and the request that holds it. */
  private lighten(spec: DatasetSpecInput): { spec: DatasetSpecInput; csvFrom?: string } {
    const held = this.heldCsv;
    if (spec.kind !== 'csv' || !held || spec.text !== held.text) return { spec };
    return { spec: { ...spec, text: '' }, csvFrom: held.requestId };
  }

  /** Ends the worker and every request waiting on it; the next request starts a fresh one. */
  private fail(message: string): void {
    this.port?.terminate();
    this.port = null;
    this.heldCsv = null;
    this.emit({ type: 'error', requestId: EVERYONE, code: 'failed', message });
  }

  subscribe(listener: (message: DataWorkerReply) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends one request (transferring `transfer`) and resolves with its answer. */
  request<T extends DataRequestType>(
    message: Outgoing<T> & { type: T },
    transfer: Transferable[] = [],
    options: DataCallOptions = {},
  ): Promise<DataReplyOf<T>> {
    const requestId = nextRequestId(message.type);
    const answer = DATA_REPLY[message.type];
    return awaitReply<DataWorkerReply, DataReplyOf<T>>(
      this,
      () => this.start().postMessage({ ...message, requestId }, transfer),
      (reply) => {
        if (reply.requestId !== requestId && reply.requestId !== EVERYONE) return null;
        if (reply.type === 'progress') {
          options.onProgress?.(reply);
          return null;
        }
        if (reply.type === 'runLogFrames') {
          options.onFrames?.(reply.frames);
          return null;
        }
        if (reply.type === 'error') return { error: new DataWorkerError(reply.code, reply.message) };
        return reply.type === answer ? { value: reply as DataReplyOf<T> } : null;
      },
      {
        signal: options.signal,
        cancelError: () => new DataWorkerError('cancelled', 'cancelled'),
        onCancel: () => this.port?.postMessage({ type: 'cancel', requestId }, []),
      },
    );
  }

  /** A CSV file's text, read and checked in the worker (the file is passed by reference, not copied). */
  async readCsv(file: Blob, name: string, options?: DataCallOptions): Promise<string> {
    const reply = await this.request({ type: 'readCsv', name, file }, [], options);
    this.heldCsv = { requestId: reply.requestId, text: reply.text };
    return reply.text;
  }

  async preview(spec: DatasetSpecInput, limit: number, options?: DataCallOptions): Promise<DatasetPreview> {
    return (await this.request({ type: 'previewDataset', ...this.lighten(spec), limit }, [], options)).preview;
  }

  async loadDataset(spec: DatasetSpecInput, options?: DataCallOptions): Promise<Dataset> {
    return (await this.request({ type: 'loadDataset', ...this.lighten(spec) }, [], options)).dataset;
  }

  async readRunLog(source: string | Blob, name: string, maxBytes: number, options?: DataCallOptions): Promise<RunLog> {
    const frames: StatsFrame[] = [];
    const { log } = await this.request({ type: 'readRunLog', name, source, maxBytes }, [], {
      ...options,
      onFrames: (slice) => {
        for (const frame of slice) frames.push(frame);
      },
    });
    return { ...log, frames: [...frames, ...log.frames] };
  }
}

/** One worker for the page, started on first use. */
export const dataWorker = new DataWorkerClient();

/** "Parsing rows 42%": a progress message as the page shows it. */
export function progressText(p: DataProgress): string {
  return p.total > 0 && p.done < p.total ? `${p.stage} ${Math.floor((100 * p.done) / p.total)}%` : p.stage;
}
