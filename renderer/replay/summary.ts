import type { RunLog } from '../../src/protocol/runLogFile';

const num = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toPrecision(4));

/** The status line after a replay opens: what the log holds, with its epoch curve in brief. */
export function replaySummary(log: RunLog, name: string, keptFrames: number): string {
  const last = log.frames[log.frames.length - 1];
  const epochs = log.epochs.length ? log.epochs.length : last.epoch;
  const finalLoss = log.epochs.length ? log.epochs[log.epochs.length - 1].loss : last.loss;
  const curve = log.epochs.length > 1 ? ` (loss by epoch ${log.epochs.map((e) => num(e.loss)).join(' → ')})` : '';
  const frames = keptFrames === log.frames.length ? `${log.frames.length} frames` : `${log.frames.length} frames (${keptFrames} kept to fit memory)`;
  const who = log.header ? ` · ${log.header.source}${log.header.worldSize > 1 ? `, ${log.header.worldSize} processes` : ''}` : '';
  const ended = log.end ? ` · ${log.end.reason}` : '';
  const notes = log.warnings.length ? ` — note: ${log.warnings.join('; ')}` : '';
  return `Replaying run log ${name}: ${frames}, epochs ${epochs}, final loss ${num(finalLoss)}${curve}${who}${ended}${notes}`;
}
