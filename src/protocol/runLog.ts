import { z } from 'zod';
import { Design } from '../graph/design';
import { StatsFrame, statsFrameFromRecord, statsFrameToJson } from '../schema/stats';

/**
 * A run log: JSON lines written by `rescanvas train --log` and by an exported PyTorch package's
 * train.py (rank 0), read back by File ▸ Open run log… to replay a run on the canvas overlay.
 *
 *   {"kind":"run", ...RunHeader}                       first line
 *   {"kind":"stats", ...StatsFrame as JSON}           every recorded step (src/schema/stats.ts)
 *   {"kind":"epoch", ...EpochRecord}                  after every epoch
 *   {"kind":"end", ...EndRecord}                      last line, absent if the job died
 *
 * A line without "kind" that is a stats frame is read as one (logs written before this header existed).
 */
export const RUN_LOG_FORMAT = 'rescanvas.runlog';
export const RUN_LOG_VERSION = 1;
/** Bigger logs are refused with a message rather than exhausting the renderer. */
export const MAX_RUN_LOG_BYTES = 512 * 1024 * 1024;

export const RunHeader = z.strictObject({
  format: z.literal(RUN_LOG_FORMAT),
  version: z.literal(RUN_LOG_VERSION),
  /** Who trained: this app's engine or an exported PyTorch package. */
  source: z.enum(['rescanvas', 'pytorch']),
  runId: z.string().min(1).max(200),
  /** The design's metadata.name. */
  designName: z.string().max(200),
  /** The design the run trained, when the writer had it: lets a reader check ids or open it. */
  design: Design.optional(),
  /** Unrolled node ids the stats frames refer to. */
  nodeIds: z.array(z.string().max(200)).max(200_000),
  /** Processes in the job (torchrun world size); 1 for a single process. */
  worldSize: z.number().int().min(1).max(1_000_000).default(1),
  /** Training settings as the writer knows them (TrainSettings for rescanvas, config.json for pytorch). */
  settings: z.record(z.string(), z.unknown()).default({}),
  startedAt: z.string().max(100),
});
export type RunHeader = z.infer<typeof RunHeader>;

const Metric = z.number().nullable();
export const EpochRecord = z.strictObject({
  /** 1-based, as the engine's metrics messages count. */
  epoch: z.number().int().min(1),
  step: z.number().int().min(0),
  loss: Metric,
  accuracy: Metric,
  validationLoss: Metric,
  validationAccuracy: Metric,
  learningRate: Metric,
  /** Since the run started. */
  elapsedMs: z.number().min(0),
});
export type EpochRecord = z.infer<typeof EpochRecord>;

export const EndRecord = z.strictObject({
  reason: z.enum(['completed', 'stopped', 'diverged', 'failed']),
  step: z.number().int().min(0),
  epoch: z.number().int().min(0),
  elapsedMs: z.number().min(0),
});
export type EndRecord = z.infer<typeof EndRecord>;

export type RunLogRecord =
  { kind: 'run'; header: RunHeader } | { kind: 'stats'; frame: StatsFrame } | { kind: 'epoch'; epoch: EpochRecord } | { kind: 'end'; end: EndRecord };

const line = (kind: string, body: object) => JSON.stringify({ kind, ...body });
export const runHeaderLine = (header: z.input<typeof RunHeader>): string => line('run', RunHeader.parse(header));
export const epochLine = (epoch: EpochRecord): string => line('epoch', EpochRecord.parse(epoch));
export const endLine = (end: EndRecord): string => line('end', EndRecord.parse(end));
export const statsLine = (frame: StatsFrame): string => `{"kind":"stats",${statsFrameToJson(frame).slice(1)}`;

/** One parsed line; throws an Error whose message names what is wrong (the caller adds the line number). */
export function parseRunLogLine(text: string): RunLogRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not a JSON object');
  const { kind, ...body } = raw as Record<string, unknown>;
  const fail = (what: string, error: z.ZodError): never => {
    throw new Error(
      `${what}: ${error.issues
        .slice(0, 3)
        .map((i) => `${i.path.length ? i.path.join('.') : what}: ${i.message}`)
        .join('; ')}`,
    );
  };
  switch (kind) {
    case 'run': {
      const parsed = RunHeader.safeParse(body);
      return parsed.success ? { kind: 'run', header: parsed.data } : fail('run header', parsed.error);
    }
    case 'epoch': {
      const parsed = EpochRecord.safeParse(body);
      return parsed.success ? { kind: 'epoch', epoch: parsed.data } : fail('epoch record', parsed.error);
    }
    case 'end': {
      const parsed = EndRecord.safeParse(body);
      return parsed.success ? { kind: 'end', end: parsed.data } : fail('end record', parsed.error);
    }
    case 'stats':
    case undefined:
      return { kind: 'stats', frame: statsFrameFromRecord(body) };
    default:
      throw new Error(`unknown record kind ${JSON.stringify(kind).slice(0, 60)} (expected run, stats, epoch or end)`);
  }
}
