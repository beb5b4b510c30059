import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepResidualMlp } from '../../../src/graph/examples';
import { serializeDesign } from '../../../src/graph/parse';
import { unroll } from '../../../src/graph/unroll';
import type { RunLogRecord } from '../../../src/protocol/runLog';
import { readRunLogRecords } from '../../unit/support/runLogRecords';
import { ACTIVATION_FIELDS, GRADIENT_FIELDS, statValue } from '../../../src/schema/stats';

const root = join(import.meta.dirname, '..', '..', '..');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin', 'rescanvas.mjs'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'rescanvas-train-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rescanvas train --log writes a run log', () => {
  // Three repeated pre-norm blocks: the log carries copies (`dense_2__2`) and group aggregates.
  const design = deepResidualMlp(3, 8);
  const designFile = join(dir, 'deep.rescanvas.json');
  const logFile = join(dir, 'run.jsonl');
  let result: ReturnType<typeof run>;
  let records: RunLogRecord[] = [];

  beforeAll(() => {
    writeFileSync(designFile, serializeDesign(design));
    result = run('train', designFile, '--dataset', 'spirals', '--epochs', '2', '--batch', '64', '--stats-interval-ms', '10', '--log', logFile);
    if (existsSync(logFile)) {
      records = readRunLogRecords(logFile);
    }
  }, 150_000);

  it('header first: source rescanvas, the design, its unrolled node ids, the settings', () => {
    expect(result.status, result.stderr).toBe(0);
    const first = records[0];
    expect(first.kind).toBe('run');
    if (first.kind !== 'run') return;
    expect(first.header.source).toBe('rescanvas');
    expect(first.header.worldSize).toBe(1);
    expect(first.header.design?.nodes.map((n) => n.id)).toEqual(design.nodes.map((n) => n.id));
    expect(first.header.nodeIds).toEqual(unroll(design).nodes.map((n) => n.id));
    expect(first.header.settings).toMatchObject({ epochs: 2, batchSize: 64, dataset: { kind: 'spirals' } });
    expect(records.filter((r) => r.kind === 'run')).toHaveLength(1);
  });

  it('stats frames name the header’s nodes, with finite activation std and gradient RMS on every one', () => {
    const header = records[0].kind === 'run' ? records[0].header : null;
    const frames = records.flatMap((r) => (r.kind === 'stats' ? [r.frame] : []));
    expect(frames.length).toBeGreaterThan(1);
    for (const f of frames) {
      expect(f.runId).toBe(header?.runId);
      expect(f.nodes.ids).toEqual(header?.nodeIds);
      f.nodes.ids.forEach((id, row) => {
        expect(Number.isFinite(statValue(f.nodes.activation, ACTIVATION_FIELDS, row, 'std')), `${id} std at step ${f.step}`).toBe(true);
        expect(Number.isFinite(statValue(f.nodes.gradient, GRADIENT_FIELDS, row, 'rms')), `${id} rms at step ${f.step}`).toBe(true);
      });
      expect(f.groups.ids).toEqual(['layernorm_1', 'dense_2', 'dense_3', 'add_1']);
    }
    const steps = frames.map((f) => f.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });

  it('one epoch record per epoch, then an end record with the step count', () => {
    const epochs = records.flatMap((r) => (r.kind === 'epoch' ? [r.epoch] : []));
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    // spirals: 600 samples, 480 for training, batches of 64: 8 steps per epoch.
    expect(epochs.map((e) => e.step)).toEqual([8, 16]);
    expect(epochs.every((e) => Number.isFinite(e.loss) && Number.isFinite(e.validationLoss))).toBe(true);
    expect(records.at(-1)).toMatchObject({ kind: 'end', end: { reason: 'completed', step: 16, epoch: 2 } });
    expect(records.filter((r) => r.kind === 'end')).toHaveLength(1);
  });

  it('an unwritable --log is refused before training, naming the path', () => {
    const r = run('train', designFile, '--epochs', '1', '--log', join(dir, 'no-such-folder', 'run.jsonl'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--log');
    expect(r.stderr).toContain('no-such-folder');
    expect(r.stdout).not.toContain('epoch 1');
  });
});
