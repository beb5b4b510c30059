import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { Design } from '../../../src/graph/design';
import { compileDesign } from '../../../src/compile/toTfjs';
import { exportPytorchPackage, weightsFromLayers, type ExportedFile } from '../../../src/export/pytorch';
import { buildPlan } from '../../../src/engine/plan/plan';
import { seedKernels } from '../../../src/engine/initialize';

export { tf };

/** Debian's python3-torch installs for the system Python; a pyenv `python3` on PATH may lack it. */
export const PYTHON = '/usr/bin/python3';

function probeTorch(): { ok: true } | { ok: false; reason: string } {
  if (!existsSync(PYTHON)) return { ok: false, reason: `${PYTHON} does not exist` };
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0
    ? { ok: true }
    : { ok: false, reason: `${PYTHON} -c 'import torch, numpy' failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}` };
}

export const torchStatus = probeTorch();
// CI installs python3-torch (.ci/run), so there a missing PyTorch is a broken set-up, not a reason to skip.
if (!torchStatus.ok && process.env.CI) throw new Error(`PyTorch is required in CI (CI=${process.env.CI}): ${torchStatus.reason}`);
if (!torchStatus.ok) console.warn(`skipping PyTorch tests: ${torchStatus.reason}`);

export function writeFiles(dir: string, files: readonly ExportedFile[]): void {
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f.name), f.data);
}

export function runPython(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(PYTHON, args, {
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr + (r.error ? `\n${r.error.message}` : '') };
}

/** Deterministic uniform numbers, replayable from their seed: the engine's own generator. */
import { seededRandom as randomSource } from '../../../src/engine/random';

export { randomSource };

/**
 * Fresh tf.js weights leave biases, betas and moving means at 0 and variances at 1, where a swapped or
 * dropped weight would go unnoticed; give every weight a distinct nonzero value (variances stay positive).
 */
export function perturbWeights(model: tf.LayersModel, seed: number): void {
  const next = randomSource(seed);
  for (const layer of model.layers) {
    for (const v of layer.weights) {
      const name = v.originalName;
      const current = v.read().dataSync();
      const values = Float32Array.from(current, (x) =>
        /moving_variance|gamma/.test(name) ? 0.6 + 0.8 * next() : /moving_mean|beta|bias/.test(name) ? 0.4 * (next() - 0.5) : x,
      );
      v.write(tf.tensor(values, v.shape as number[]));
    }
  }
}

export interface EquivalenceCase {
  name: string;
  design: Design;
  batch: number;
  seed?: number;
}

export interface Prepared {
  dir: string;
  expected: Float32Array;
}

/** Compiles in tf.js (CPU backend), perturbs weights, predicts on fixed inputs, writes the PyTorch package + input. */
export function prepareCase(root: string, c: EquivalenceCase): Prepared {
  const compiled = compileDesign(c.design, tf);
  // tf.js' initialisers draw from an unseeded generator: the engine's seeded ones make every run alike.
  seedKernels(tf, buildPlan(compiled), compiled.graph, c.seed ?? 7);
  perturbWeights(compiled.model, c.seed ?? 7);
  const inputShape = [c.batch, ...(compiled.model.inputs[0].shape.slice(1) as number[])];
  const next = randomSource((c.seed ?? 7) + 1000);
  const x = Float32Array.from({ length: inputShape.reduce((a, b) => a * b, 1) }, () => 2 * next() - 1);
  const expected = tf.tidy(() => (compiled.model.predict(tf.tensor(x, inputShape)) as tf.Tensor).dataSync() as Float32Array);
  const dir = resolve(root, c.name);
  writeFiles(dir, exportPytorchPackage(c.design, weightsFromLayers(compiled.nodeLayers)).files);
  writeFileSync(join(dir, 'input.bin'), new Uint8Array(x.buffer));
  writeFileSync(join(dir, 'input.json'), JSON.stringify({ shape: inputShape }));
  compiled.model.dispose();
  return { dir, expected: Float32Array.from(expected) };
}

/** Runs every prepared case through PyTorch in one Python process; returns max |tf.js − PyTorch| per case. */
export function runTorch(prepared: readonly Prepared[]): number[] {
  const script = fileURLToPath(new URL('../../fixtures/pytorch/predict.py', import.meta.url));
  const r = runPython([script, ...prepared.map((p) => p.dir)], { timeoutMs: 170_000 });
  if (r.status !== 0) throw new Error(`predict.py failed (${r.status}):\n${r.stderr.slice(-3000)}`);
  return prepared.map((p) => {
    const bytes = readFileSync(join(p.dir, 'output.bin'));
    const got = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    if (got.length !== p.expected.length) throw new Error(`${p.dir}: PyTorch gave ${got.length} values, tf.js ${p.expected.length}`);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - p.expected[i]));
    return Number.isFinite(worst) ? worst : Infinity;
  });
}
