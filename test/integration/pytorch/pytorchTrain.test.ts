import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileDesign } from '../../../src/compile/toTfjs';
import { loadDataset } from '../../../src/engine/datasets/load';
import { datasetForExport, exportPytorchPackage, weightsFromLayers } from '../../../src/export/pytorch';
import { deepResidualMlp, residualMlp } from '../../../src/graph/examples';
import { unroll } from '../../../src/graph/unroll';
import type { EpochRecord, RunLogRecord } from '../../../src/protocol/runLog';
import { readRunLogRecords as readRunLog } from '../../unit/support/runLogRecords';
import { ACTIVATION_FIELDS, GRADIENT_FIELDS, statValue, WEIGHT_FIELDS, type StatsFrame } from '../../../src/schema/stats';
import { PYTHON, runPython, tf, torchStatus, writeFiles } from './pytorchSupport';

/** Debian ships /usr/bin/torchrun; `python3 -m torch.distributed.run` is the same launcher. */
const TORCHRUN = existsSync('/usr/bin/torchrun') ? ['/usr/bin/torchrun'] : [PYTHON, '-m', 'torch.distributed.run'];

interface Run {
  status: number | null;
  out: string;
  epochLosses: number[];
  digests: Map<number, string>;
}

function torchrun(dir: string, args: string[]): Run {
  const [command, ...prefix] = TORCHRUN;
  // --redirects 1 --tee 1: torch 1.13's launcher on Python 3.11 cannot parse its own default "0" for these
  // (Std.from_str iterates an IntFlag, which skips 0); printing stdout through tee sidesteps it.
  const r = spawnSync(command, [...prefix, '--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1', 'train.py', ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 150_000,
    env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONUNBUFFERED: '1' },
  });
  const out = `${r.stdout}\n${r.stderr}`;
  return {
    status: r.status,
    out,
    epochLosses: [...out.matchAll(/epoch \d+\/\d+ +loss ([0-9.]+)/g)].map((m) => Number(m[1])),
    digests: new Map([...out.matchAll(/rank (\d) parameters sha256 ([0-9a-f]{64})/g)].map((m) => [Number(m[1]), m[2]])),
  };
}

const frames = (records: RunLogRecord[]): StatsFrame[] => records.flatMap((r) => (r.kind === 'stats' ? [r.frame] : []));
const epochs = (records: RunLogRecord[]): EpochRecord[] => records.flatMap((r) => (r.kind === 'epoch' ? [r.epoch] : []));

describe.skipIf(!torchStatus.ok)('train.py under torchrun (2 processes, DDP over gloo, CPU) on spirals', () => {
  const root = mkdtempSync(join(tmpdir(), 'rescanvas-pt-train-'));
  const dir = join(root, 'package');
  const design = residualMlp(6, { width: 32 });
  let straight: Run;
  let resumed: Run;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    const dataset = await loadDataset({ kind: 'spirals', size: 600, seed: 3 });
    const compiled = compileDesign(design, tf);
    const config = { optimizer: 'adam' as const, learningRate: 0.01, batchSize: 32, epochs: 8, statsEvery: 10 };
    writeFiles(dir, exportPytorchPackage(design, weightsFromLayers(compiled.nodeLayers), { config, dataset: datasetForExport(dataset) }).files);
    compiled.model.dispose();
    // Two launches, not three: the straight run keeps its epoch-4 checkpoint, and the resumed run starts there.
    straight = torchrun(dir, ['--checkpoint-dir', 'ck', '--keep-every', '4', '--log', 'straight.jsonl']);
    // The resumed run continues a copy of the straight run's log, as a job restarted on a cluster would.
    if (existsSync(join(dir, 'straight.jsonl'))) copyFileSync(join(dir, 'straight.jsonl'), join(dir, 'resumed.jsonl'));
    resumed = torchrun(dir, ['--checkpoint-dir', 'ck-resumed', '--log', 'resumed.jsonl', '--resume', join('ck', 'epoch-4.pt')]);
  }, 300_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('trains: every run exits 0 and the loss falls from the first epoch to the last', () => {
    for (const run of [straight, resumed]) expect(run.status, run.out.slice(-3000)).toBe(0);
    console.log(`epoch losses (2 processes): ${straight.epochLosses.join(', ')}`);
    expect(straight.epochLosses).toHaveLength(8);
    // Spirals are slow to learn; the best of the last two epochs damps batch noise.
    expect(Math.min(straight.epochLosses[6], straight.epochLosses[7])).toBeLessThan(straight.epochLosses[0] * 0.9);
  });

  it('both ranks end with identical parameters', () => {
    expect(straight.digests.size).toBe(2);
    expect(straight.digests.get(0)).toBe(straight.digests.get(1));
    expect(resumed.digests.get(0)).toBe(resumed.digests.get(1));
  });

  it('a checkpoint resumes: resuming from the epoch-4 checkpoint ends bit-identical to 8 epochs straight', () => {
    expect(resumed.out).toContain(`resumed from ${join('ck', 'epoch-4.pt')} at epoch 4`);
    expect(resumed.epochLosses).toHaveLength(4);
    expect(resumed.digests.get(0)).toBe(straight.digests.get(0));
  });

  it("rank 0's run log is the app's format: header, a stats frame for every unrolled node every 10 steps, epochs, end", () => {
    const records = readRunLog(join(dir, 'straight.jsonl'));
    const header = records[0].kind === 'run' ? records[0].header : null;
    expect(header).not.toBeNull();
    if (!header) return;
    expect(header.source).toBe('pytorch');
    expect(header.worldSize).toBe(2);
    expect(header.designName).toBe(design.metadata.name);
    expect(header.design?.nodes.map((n) => n.id)).toEqual(design.nodes.map((n) => n.id));
    expect(header.settings).toMatchObject({ optimizer: 'adam', learningRate: 0.01, batchSize: 32, epochs: 8, statsEvery: 10 });
    const unrolled = unroll(design).nodes.map((n) => n.id);
    expect([...header.nodeIds].sort()).toEqual([...unrolled].sort());
    expect(records.filter((r) => r.kind === 'run')).toHaveLength(1);

    const stats = frames(records);
    // 480 training samples / batch 32 = 15 steps per epoch, 120 in all, stats every 10 steps.
    expect(stats.map((f) => f.step)).toEqual(Array.from({ length: 12 }, (_, i) => i * 10));
    expect(stats.map((f) => f.epoch)).toEqual(stats.map((f) => Math.floor(f.step / 15)));
    for (const f of stats) {
      expect(f.runId).toBe(header.runId);
      expect(f.nodes.ids).toEqual(header.nodeIds);
      f.nodes.ids.forEach((id, row) => {
        expect(statValue(f.nodes.activation, ACTIVATION_FIELDS, row, 'std'), `${id} activation std at step ${f.step}`).toBeGreaterThan(0);
        const histogram = f.nodes.activationHistogram.subarray(row * 32, (row + 1) * 32);
        expect(
          histogram.reduce((a, b) => a + b, 0),
          `${id} histogram at step ${f.step}`,
        ).toBeCloseTo(1, 4);
        // The Input too: as in the app's engine, recorded steps measure the loss gradient w.r.t. the batch.
        expect(statValue(f.nodes.gradient, GRADIENT_FIELDS, row, 'rms'), `${id} gradient rms at step ${f.step}`).toBeGreaterThan(0);
      });
      // Every block input is read by its branch and by its Add; the input itself feeds only the stem.
      expect(f.edges.ids.length).toBeGreaterThan(0);
      expect([...f.edges.gradient].every((v) => Number.isFinite(v) && v > 0)).toBe(true);
      const kernel = f.weights.ids.indexOf('dense_1/kernel');
      expect(f.weights.nodeIds[kernel]).toBe('dense_1');
      expect(statValue(f.weights.values, WEIGHT_FIELDS, kernel, 'gradNorm')).toBeGreaterThan(0);
      expect(statValue(f.weights.values, WEIGHT_FIELDS, kernel, 'updateRatio')).toBeGreaterThan(0);
      expect(statValue(f.weights.values, WEIGHT_FIELDS, kernel, 'updateRatio')).toBeLessThan(0.5);
    }
    const perEpoch = epochs(records);
    expect(perEpoch.map((e) => [e.epoch, e.step])).toEqual(Array.from({ length: 8 }, (_, i) => [i + 1, 15 * (i + 1)]));
    const losses = perEpoch.map((e) => e.loss as number);
    expect(Math.min(losses[6], losses[7])).toBeLessThan(losses[0] * 0.9);
    expect(records.at(-1)).toMatchObject({ kind: 'end', end: { reason: 'completed', step: 120, epoch: 8 } });
  });

  it('a resumed run continues the same log: records after the checkpoint are replaced by the same values, one header, one end', () => {
    const straightLog = readRunLog(join(dir, 'straight.jsonl'));
    const resumedLog = readRunLog(join(dir, 'resumed.jsonl'));
    expect(resumedLog.map((r) => r.kind)).toEqual(straightLog.map((r) => r.kind));
    expect(resumedLog[0]).toEqual(straightLog[0]);
    const a = frames(straightLog);
    const b = frames(resumedLog);
    expect(b.map((f) => f.step)).toEqual(a.map((f) => f.step));
    expect(new Set(b.map((f) => f.runId)).size).toBe(1);
    // Bit-identical training after the resume gives bit-identical statistics (time aside).
    for (let i = 0; i < a.length; i++) {
      expect(b[i].nodes.activation, `step ${a[i].step}`).toEqual(a[i].nodes.activation);
      expect(b[i].nodes.gradient, `step ${a[i].step}`).toEqual(a[i].nodes.gradient);
      expect(b[i].weights.values, `step ${a[i].step}`).toEqual(a[i].weights.values);
    }
    expect(b.filter((f) => f.step >= 60).every((f, i, all) => i === 0 || f.elapsedMs >= all[i - 1].elapsedMs)).toBe(true);
    expect(epochs(resumedLog).map((e) => e.loss)).toEqual(epochs(straightLog).map((e) => e.loss));
  });
});

describe.skipIf(!torchStatus.ok)('train.py in one process: repeat groups in the run log', () => {
  const root = mkdtempSync(join(tmpdir(), 'rescanvas-pt-groups-'));
  const design = deepResidualMlp(3, 16);
  let records: RunLogRecord[] = [];
  let out = '';

  beforeAll(async () => {
    const dataset = await loadDataset({ kind: 'spirals', size: 300, seed: 5 });
    writeFiles(
      root,
      exportPytorchPackage(design, undefined, { config: { batchSize: 32, epochs: 1, statsEvery: 3 }, dataset: datasetForExport(dataset) }).files,
    );
    const r = runPython(['train.py', '--log', 'run.jsonl'], { cwd: root, timeoutMs: 120_000 });
    out = `${r.stdout}\n${r.stderr}`;
    if (r.status === 0) records = readRunLog(join(root, 'run.jsonl'));
  }, 150_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('aggregates every repeated node over its copies as the app does', () => {
    expect(records.length, out.slice(-3000)).toBeGreaterThan(0);
    const header = records[0].kind === 'run' ? records[0].header : null;
    expect(header?.worldSize).toBe(1);
    expect(header?.nodeIds).toContain('dense_2__2');
    const stats = frames(records);
    // 240 training samples / 32 = 7 steps, stats every 3 steps.
    expect(stats.map((f) => f.step)).toEqual([0, 3, 6]);
    for (const f of stats) {
      expect(f.groups.ids).toEqual(['layernorm_1', 'dense_2', 'dense_3', 'add_1']);
      f.groups.ids.forEach((id, g) => {
        const rows = [0, 1, 2].map((copy) => f.nodes.ids.indexOf(copy ? `${id}__${copy}` : id));
        const stds = rows.map((r) => statValue(f.nodes.activation, ACTIVATION_FIELDS, r, 'std'));
        const rmss = rows.map((r) => statValue(f.nodes.gradient, GRADIENT_FIELDS, r, 'rms'));
        const expected = [
          stds.reduce((a, b) => a + b) / 3,
          Math.min(...stds),
          Math.max(...stds),
          rmss.reduce((a, b) => a + b) / 3,
          Math.min(...rmss),
          Math.max(...rmss),
        ];
        expected.forEach((v, k) => expect(f.groups.values[g * 6 + k], `${id} column ${k} at step ${f.step}`).toBeCloseTo(v, 5));
        expect(expected.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
      });
    }
    expect(records.at(-1)).toMatchObject({ kind: 'end', end: { reason: 'completed', step: 7, epoch: 1 } });
  });
});
