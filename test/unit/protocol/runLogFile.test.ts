import { describe, expect, it } from 'vitest';
import { endLine, epochLine, runHeaderLine, statsLine } from '../../../src/protocol/runLog';
import { parseRunLogText } from '../../../src/protocol/runLogFile';
import { statsFrameToJson, type StatsFrame } from '../../../src/schema/stats';
import { nodeStatsFrame } from '../../support/statsFrames';

const IDS = ['input', 'dense_1', 'dense_1__1', 'out'];

function frame(step: number, runId = 'run-1'): StatsFrame {
  return nodeStatsFrame({
    runId,
    ids: IDS,
    step,
    elapsedMs: step * 10,
    loss: 1 / (step + 1),
    activation: (i) => i + step,
    gradient: (i) => (i === 0 ? NaN : i / (step + 1)),
  });
}

const header = runHeaderLine({
  format: 'rescanvas.runlog',
  version: 1,
  source: 'pytorch',
  runId: 'run-1',
  designName: 'tiny',
  nodeIds: IDS,
  worldSize: 2,
  startedAt: '2026-11-27T20:00:00Z',
});
const epoch = (n: number) =>
  epochLine({ epoch: n, step: n * 10, loss: 1 / n, accuracy: 0.5, validationLoss: null, validationAccuracy: null, learningRate: 0.01, elapsedMs: n * 100 });
const end = endLine({ reason: 'completed', step: 20, epoch: 2, elapsedMs: 200 });
const text = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('parseRunLogText', () => {
  it('reads a complete log: header, frames, epochs and end, with NaN kept as NaN', () => {
    const parsed = parseRunLogText(text(header, statsLine(frame(0)), epoch(1), statsLine(frame(10)), epoch(2), end), 'run.jsonl');
    if (!parsed.ok) throw new Error(parsed.error);
    const { log } = parsed;
    expect(log.header).toMatchObject({ source: 'pytorch', runId: 'run-1', designName: 'tiny', worldSize: 2 });
    expect(log.frames.map((f) => f.step)).toEqual([0, 10]);
    expect(log.frames[1].nodes.activation[0]).toBe(10);
    expect(Number.isNaN(log.frames[0].nodes.gradient[0])).toBe(true);
    expect(log.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(log.end).toMatchObject({ reason: 'completed' });
    expect(log.warnings).toEqual([]);
  });

  it('reads an old log of kind-less stats frames, with CRLF line ends, warning that it has no header', () => {
    const parsed = parseRunLogText(`${statsFrameToJson(frame(0))}\r\n${statsFrameToJson(frame(1))}\r\n`);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.log.header).toBeNull();
    expect(parsed.log.frames).toHaveLength(2);
    expect(parsed.log.warnings.join(' ')).toMatch(/no run header/);
    expect(parsed.log.warnings.join(' ')).toMatch(/no end record/);
  });

  it('names the line of bad JSON', () => {
    const parsed = parseRunLogText(text(header, statsLine(frame(0)), '{"kind":"stats", nope', statsLine(frame(1))), 'run.jsonl');
    expect(parsed).toEqual({ ok: false, error: expect.stringMatching(/^run\.jsonl: line 3: not JSON/) });
  });

  it('names the line and the array of a stats frame with the wrong number of values', () => {
    const bad = JSON.parse(statsLine(frame(1))) as { nodes: { activation: number[] } };
    bad.nodes.activation.pop();
    const parsed = parseRunLogText(text(header, statsLine(frame(0)), JSON.stringify(bad)));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/line 3: stats frame: .*nodes\.activation holds 19 values, expected 4×5/);
  });

  it('names an unknown record kind and its line', () => {
    const parsed = parseRunLogText(text(header, '{"kind":"checkpoint","step":3}'));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/line 2: unknown record kind "checkpoint"/);
  });

  it('treats an unfinished last line (job killed mid-write) as a warning and replays the rest', () => {
    const whole = statsLine(frame(2));
    const parsed = parseRunLogText(`${text(header, statsLine(frame(0)), statsLine(frame(1)))}${whole.slice(0, whole.length / 2)}`);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.log.frames).toHaveLength(2);
    expect(parsed.log.warnings[0]).toMatch(/^line 4 is incomplete and was ignored/);
  });

  it('still fails on a bad last line that ends with a newline (written whole, so wrong)', () => {
    const parsed = parseRunLogText(text(header, statsLine(frame(0)), '{"kind":"stats"'));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/line 3: not JSON/);
  });

  it.each([
    ['an empty file', '', /empty/],
    ['a file of blank lines', '\n\n  \n', /empty/],
    ['a header without frames', text(header, end), /holds no stats frames/],
    ['a second header', text(header, statsLine(frame(0)), header), /line 3: a run header may only be the first line/],
    [
      'a frame of another run',
      text(header, statsLine(frame(0)), statsLine(frame(1, 'other'))),
      /line 3: stats frame of run "other", but this log is of run "run-1"/,
    ],
    ['a JSON array line', text(header, '[1,2]'), /line 2: not a JSON object/],
  ])('refuses %s with a clear error', (_what, content, pattern) => {
    const parsed = parseRunLogText(content, 'run.jsonl');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(pattern);
  });

  it('refuses an oversized log before reading its lines', () => {
    const log = text(header, statsLine(frame(0)), 'not even JSON');
    expect(parseRunLogText(log, 'big.jsonl', log.length - 1)).toEqual({
      ok: false,
      error: expect.stringMatching(/^big\.jsonl is larger than \d+ bytes, the most a run log may hold$/),
    });
    expect(parseRunLogText(log, 'big.jsonl', log.length)).toMatchObject({ ok: false, error: expect.stringMatching(/line 3: not JSON/) });
  });
});
