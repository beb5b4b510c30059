/**
 * Messages between the page and the data worker (dataWorker.ts): reading a CSV file, building a
 * dataset or its preview, and reading a run log, each off the page's thread. Every request carries
 * an id that its progress, its answer and its error echo; `cancel` asks the worker to drop one.
 * Files cross as Blobs (passed by reference) and answers as typed arrays whose buffers are
 * transferred. Answers are checked in full in the worker; the page checks their envelope only, as
 * re-checking a run log's frames here is the very work the worker exists to take off the page.
 */
import { z } from 'zod';
import { DatasetSpec } from '../../src/schema/datasetSpec';
import type { Dataset } from '../../src/engine/datasets/types';
import type { DatasetPreview } from '../../src/engine/datasets/preview';
import type { RunLog } from '../../src/protocol/runLogFile';
import type { StatsFrame } from '../../src/schema/stats';

const RequestId = z.string().min(1).max(200);

export const DataWorkerRequest = z.discriminatedUnion('type', [
  /** A CSV file's bytes as text: size checked before reading, UTF-8 refused when invalid, a BOM dropped. */
  z.strictObject({ type: z.literal('readCsv'), requestId: RequestId, name: z.string().max(1000), file: z.instanceof(Blob) }),
  /**
   * The dataset a spec describes, reduced to the few hundred samples the picker draws. `csvFrom`
   * names the readCsv request whose text the worker still holds: the spec's text is then left
   * empty, so a 100 MB string is not copied back to where it came from.
   */
  z.strictObject({
    type: z.literal('previewDataset'),
    requestId: RequestId,
    spec: DatasetSpec,
    limit: z.number().int().min(1).max(10_000),
    csvFrom: RequestId.optional(),
  }),
  /** The whole dataset a spec describes (a run's, for an export); `csvFrom` as for a preview. */
  z.strictObject({ type: z.literal('loadDataset'), requestId: RequestId, spec: DatasetSpec, csvFrom: RequestId.optional() }),
  /** A run log: its text when a host already read it, else the file. */
  z.strictObject({
    type: z.literal('readRunLog'),
    requestId: RequestId,
    name: z.string().max(1000),
    source: z.union([z.string(), z.instanceof(Blob)]),
    maxBytes: z.number().int().min(1),
  }),
  z.strictObject({ type: z.literal('cancel'), requestId: RequestId }),
]);
export type DataWorkerRequest = z.infer<typeof DataWorkerRequest>;
/** As the page writes a request (dataset specs before their defaults are filled in). */
export type DataWorkerRequestInput = z.input<typeof DataWorkerRequest>;
export type DataRequestType = Exclude<DataWorkerRequest['type'], 'cancel'>;

export const DATA_STAGES = ['Reading the file', 'Checking the text', 'Parsing rows', 'Parsing lines', 'Summarising', 'Sending'] as const;
export type DataStage = (typeof DATA_STAGES)[number];

/**
 * Why a request failed: `refused`, the input is at fault and the message says where (file, row,
 * column, line); `unreadable`, the file is not text; `cancelled`, the page asked to stop; `failed`,
 * anything else.
 */
export const DataErrorCode = z.enum(['refused', 'unreadable', 'cancelled', 'failed']);
export type DataErrorCode = z.infer<typeof DataErrorCode>;

const instance = <T>(check: (value: unknown) => boolean, what: string) => z.custom<T>(check, { message: `not ${what}` });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isSplit = (v: unknown): boolean => isObject(v) && v.x instanceof Float32Array && v.y instanceof Int32Array && typeof v.count === 'number';
const isDataset = (v: unknown): boolean =>
  isObject(v) && typeof v.id === 'string' && typeof v.name === 'string' && Array.isArray(v.sampleShape) && isSplit(v.train) && isSplit(v.validation);
const isPreview = (v: unknown): boolean =>
  isObject(v) && (v.kind === 'points' || v.kind === 'images' || v.kind === 'columns') && v.classCounts instanceof Int32Array;
const isFrame = (v: unknown): boolean => isObject(v) && typeof v.runId === 'string' && isObject(v.nodes) && v.nodes.activation instanceof Float32Array;
const isRunLog = (v: unknown): boolean =>
  isObject(v) && Array.isArray(v.frames) && v.frames.every(isFrame) && Array.isArray(v.epochs) && Array.isArray(v.warnings);

export const DataWorkerReply = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('progress'),
    requestId: RequestId,
    stage: z.enum(DATA_STAGES),
    done: z.number().min(0),
    total: z.number().min(0),
  }),
  z.strictObject({ type: z.literal('error'), requestId: RequestId, code: DataErrorCode, message: z.string() }),
  z.strictObject({ type: z.literal('csvText'), requestId: RequestId, name: z.string(), text: z.string() }),
  z.strictObject({ type: z.literal('preview'), requestId: RequestId, preview: instance<DatasetPreview>(isPreview, 'a dataset preview') }),
  z.strictObject({ type: z.literal('dataset'), requestId: RequestId, dataset: instance<Dataset>(isDataset, 'a dataset') }),
  /** A slice of a run log's frames, in order, before the `runLog` that ends the answer (which then has no frames). */
  z.strictObject({
    type: z.literal('runLogFrames'),
    requestId: RequestId,
    frames: instance<StatsFrame[]>((v) => Array.isArray(v) && v.every(isFrame), 'run-log frames'),
  }),
  z.strictObject({ type: z.literal('runLog'), requestId: RequestId, log: instance<RunLog>(isRunLog, 'a run log') }),
]);
export type DataWorkerReply = z.infer<typeof DataWorkerReply>;
export type DataProgress = Extract<DataWorkerReply, { type: 'progress' }>;

/** Each request type and the type of the message that answers it. */
export const DATA_REPLY = { readCsv: 'csvText', previewDataset: 'preview', loadDataset: 'dataset', readRunLog: 'runLog' } as const;
export type DataReplyOf<T extends DataRequestType> = Extract<DataWorkerReply, { type: (typeof DATA_REPLY)[T] }>;
