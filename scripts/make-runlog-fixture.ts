/**
 * Makes a real PyTorch run log: exports assets/examples/residual-mlp-20 as a PyTorch package, trains it
 * with `torchrun --standalone --nproc_per_node=2` on spirals for 2 epochs (stats every 5 steps) and copies
 * rank 0's run.jsonl to the given path.
 *
 *   npx tsx scripts/make-runlog-fixture.ts OUT.jsonl [--design FILE] [--epochs N] [--stats-every K]
 *
 * Prints the written path on the last line of stdout. Exit 3 when Debian's PyTorch (/usr/bin/python3 with
 * torch) is not installed, so callers can skip; 2 for bad arguments; 1 when training fails.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/engine/datasets/load';
import { datasetForExport, exportPytorchPackage } from '../src/export/pytorch';
import { parseDesignText } from '../src/graph/parse';

const PYTHON = '/usr/bin/python3';

function fail(code: number, message: string): never {
  console.error(`make-runlog-fixture: ${message}`);
  process.exit(code);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    design: { type: 'string', default: join(import.meta.dirname, '..', 'assets', 'examples', 'residual-mlp-20.rescanvas.json') },
    epochs: { type: 'string', default: '2' },
    'stats-every': { type: 'string', default: '5' },
  },
});
if (positionals.length !== 1) fail(2, 'usage: make-runlog-fixture.ts OUT.jsonl [--design FILE] [--epochs N] [--stats-every K]');
const out = resolve(positionals[0]);
const epochs = Number(values.epochs);
const statsEvery = Number(values['stats-every']);
if (!Number.isInteger(epochs) || epochs < 1 || !Number.isInteger(statsEvery) || statsEvery < 1) fail(2, '--epochs and --stats-every must be positive integers');

const probe = existsSync(PYTHON) ? spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8', timeout: 60_000 }) : null;
if (!probe || probe.status !== 0) fail(3, `PyTorch is not available (${PYTHON} -c 'import torch, numpy' failed); install Debian's python3-torch`);

const parsed = parseDesignText(readFileSync(values.design, 'utf8'));
if (!parsed.ok) fail(2, `${values.design}: not a valid design`);
const dataset = await loadDataset({ kind: 'spirals', size: 600, seed: 3 });
const dir = mkdtempSync(join(tmpdir(), 'rescanvas-runlog-fixture-'));
try {
  // No weights: train.py starts from PyTorch's own initialization, which keeps tf.js out of this script.
  const { files } = exportPytorchPackage(parsed.design, undefined, {
    config: { optimizer: 'adam', learningRate: 0.01, batchSize: 32, epochs, statsEvery },
    dataset: datasetForExport(dataset),
  });
  for (const f of files) writeFileSync(join(dir, f.name), f.data);
  const torchrun = existsSync('/usr/bin/torchrun') ? ['/usr/bin/torchrun'] : [PYTHON, '-m', 'torch.distributed.run'];
  // --redirects 1 --tee 1: Debian's torch 1.13 launcher on Python 3.11 cannot parse its own defaults.
  const r = spawnSync(
    torchrun[0],
    [...torchrun.slice(1), '--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1', 'train.py', '--log', 'run.jsonl'],
    {
      cwd: dir,
      encoding: 'utf8',
      timeout: 600_000,
      env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONUNBUFFERED: '1' },
    },
  );
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    fail(1, `torchrun exited with ${r.status ?? r.signal}:\n${`${r.stdout}\n${r.stderr}`.slice(-3000)}`);
  }
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(join(dir, 'run.jsonl'), out);
  console.log(out);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
