import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const design = join(root, 'assets', 'examples', 'residual-mlp-20.rescanvas.json');

/** One epoch of Residual MLP-20 through the CLI with the given RESCANVAS_WASM_THREADS (unset: default). */
function train(threads?: string) {
  const env = { ...process.env };
  delete env.RESCANVAS_WASM_THREADS;
  if (threads !== undefined) env.RESCANVAS_WASM_THREADS = threads;
  // A timeout here means the command trained but did not exit: a thread kept Node alive.
  const r = spawnSync(process.execPath, [join(root, 'bin', 'rescanvas.mjs'), 'train', design, '--epochs', '1', '--size', '300'], {
    cwd: root,
    encoding: 'utf8',
    env,
    timeout: 240_000,
  });
  const backend = /^backend: (.*)$/m.exec(r.stdout)?.[1] ?? '';
  const epoch = /^epoch 1: loss ([\d.]+), accuracy [\d.]+, validation loss ([\d.]+)/m.exec(r.stdout);
  return { r, backend, loss: Number(epoch?.[1]), validationLoss: Number(epoch?.[2]) };
}

describe('threaded wasm in Node', () => {
  it.runIf(availableParallelism() > 1)('trains on the threads asked for, exits by itself, and matches the single-threaded run', () => {
    const threaded = train(String(Math.min(8, availableParallelism())));
    expect(threaded.r.error).toBeUndefined();
    expect(threaded.r.status, threaded.r.stderr).toBe(0);
    expect(threaded.backend).toMatch(new RegExp(`^wasm \\(SIMD on, ${Math.min(8, availableParallelism())} threads`));

    // Without a convolution in the design the CLI keeps to one thread unless told otherwise.
    const single = train();
    expect(single.r.status, single.r.stderr).toBe(0);
    expect(single.backend).toMatch(/^wasm \(SIMD on, threads off\).*without convolutions the thread pool costs more than it saves/);

    // Threads split XNNPACK's work but not its sums' order per output, so the runs agree to float noise.
    expect(threaded.loss).toBeGreaterThan(0);
    expect(Math.abs(threaded.loss - single.loss)).toBeLessThanOrEqual(1e-3 * single.loss);
    expect(Math.abs(threaded.validationLoss - single.validationLoss)).toBeLessThanOrEqual(1e-3 * single.validationLoss);
  });

  it('refuses a malformed thread count by name and trains single-threaded', () => {
    const bad = train('lots');
    expect(bad.r.status, bad.r.stderr).toBe(0);
    expect(bad.backend).toMatch(/RESCANVAS_WASM_THREADS must be a whole number from 1 to 64, not "lots"/);
    expect(bad.backend).toMatch(/^wasm \(SIMD on, threads off\)/);
  });
});
