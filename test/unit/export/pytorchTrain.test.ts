import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileDesign } from '../../../src/compile/toTfjs';
import { loadDataset } from '../../../src/engine/datasets/load';
import { datasetForExport, exportPytorchPackage, weightsFromLayers } from '../../../src/export/pytorch';
import { residualMlp } from '../../../src/graph/examples';
import { PYTHON, tf, torchStatus, writeFiles } from './pytorchSupport';

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

interface StatsRecord {
  kind: 'stats';
  step: number;
  nodes: Record<string, { forward: { rms: number } | null; backward: { rms: number } | null; weights: { gradNorm: number | null } | null }>;
}

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

  it('rank 0 writes a run log with forward and backward statistics for every design node', () => {
    const records = readFileSync(join(dir, 'straight.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
    const run = records[0] as { kind: string; nodes: string[]; worldSize: number };
    expect(run.kind).toBe('run');
    expect(run.worldSize).toBe(2);
    const modelNodes = design.nodes.filter((n) => n.type !== 'Input').map((n) => n.id);
    expect([...run.nodes].sort()).toEqual([...modelNodes].sort());
    const stats = records.filter((r): r is StatsRecord => r.kind === 'stats');
    // 480 training samples / batch 32 = 15 steps per epoch, 120 in all, stats every 10 steps.
    expect(stats.map((s) => s.step)).toEqual(Array.from({ length: 12 }, (_, i) => i * 10));
    for (const s of stats) {
      for (const id of modelNodes) {
        expect(s.nodes[id]?.forward?.rms, `${id} at step ${s.step}`).toBeGreaterThan(0);
        expect(s.nodes[id]?.backward?.rms, `${id} at step ${s.step}`).toBeGreaterThan(0);
      }
    }
    expect(stats[0].nodes.dense_1.weights?.gradNorm).toBeGreaterThan(0);
    expect(records.filter((r) => r.kind === 'epoch')).toHaveLength(8);
    expect(records.at(-1)?.kind).toBe('end');
  });
});
