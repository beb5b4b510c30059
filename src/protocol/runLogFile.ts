import { MAX_RUN_LOG_BYTES, parseRunLogLine, type EndRecord, type EpochRecord, type RunHeader } from './runLog';
import type { StatsFrame } from '../schema/stats';

/** Lines between progress calls. */
const PROGRESS_LINES = 256;

/** A whole run log, read for replay. */
export interface RunLog {
  /** Null for logs written before the header existed (stats frames only). */
  header: RunHeader | null;
  frames: StatsFrame[];
  epochs: EpochRecord[];
  /** Null when the job died before writing it. */
  end: EndRecord | null;
  /** Things a reader should know but that do not stop a replay. */
  warnings: string[];
}

export type RunLogParse = { ok: true; log: RunLog } | { ok: false; error: string };

/**
 * Reads a run log's text (runLog.ts format). Fails on the first bad line, naming the file, the
 * line number and what is wrong; the one exception is an unfinished last line, which is what a
 * job killed mid-write leaves behind, so it becomes a warning and the lines before it replay.
 */
export function parseRunLogText(text: string, name = 'run log', maxBytes = MAX_RUN_LOG_BYTES, progress?: (line: number, lines: number) => void): RunLogParse {
  // Characters never outnumber UTF-8 bytes, so this is a safe lower bound on the file's size.
  if (text.length > maxBytes) return { ok: false, error: `${name} is larger than ${formatBytes(maxBytes)}, the most a run log may hold` };
  const fail = (error: string): RunLogParse => ({ ok: false, error: `${name}: ${error}` });
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const lastContentLine = lastNonBlank(lines);
  if (lastContentLine < 0) return fail('the file is empty, so there is no run to replay');
  const unterminated = !text.endsWith('\n');
  const log: RunLog = { header: null, frames: [], epochs: [], end: null, warnings: [] };
  let firstContentLine = -1;
  for (let i = 0; i <= lastContentLine; i++) {
    if (progress && i % PROGRESS_LINES === 0) progress(i, lastContentLine + 1);
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (firstContentLine < 0) firstContentLine = i;
    const where = `line ${i + 1}`;
    let record;
    try {
      record = parseRunLogLine(line);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      if (i === lastContentLine && unterminated) {
        log.warnings.push(`${where} is incomplete and was ignored (the job stopped while writing it): ${why}`);
        break;
      }
      return fail(`${where}: ${why}`);
    }
    switch (record.kind) {
      case 'run':
        if (i !== firstContentLine) return fail(`${where}: a run header may only be the first line`);
        log.header = record.header;
        break;
      case 'stats': {
        const expected = log.header?.runId ?? log.frames[0]?.runId;
        if (expected !== undefined && record.frame.runId !== expected)
          return fail(`${where}: stats frame of run "${record.frame.runId.slice(0, 80)}", but this log is of run "${expected.slice(0, 80)}"`);
        log.frames.push(record.frame);
        break;
      }
      case 'epoch':
        log.epochs.push(record.epoch);
        break;
      case 'end':
        if (log.end) return fail(`${where}: a second end record`);
        log.end = record.end;
        break;
    }
  }
  if (log.frames.length === 0) return fail('holds no stats frames, so there is nothing to replay');
  if (!log.header) log.warnings.push('no run header (a log from before headers existed): node ids are checked against the open design only');
  if (!log.end) log.warnings.push('no end record: the job stopped before it finished');
  return { ok: true, log };
}

function lastNonBlank(lines: string[]): number {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].trim() !== '') return i;
  return -1;
}

export function formatBytes(bytes: number): string {
  return bytes >= 1048576 ? `${+(bytes / 1048576).toFixed(1)} MB` : `${bytes} bytes`;
}
