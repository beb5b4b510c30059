import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkResources, estimateResources, memoryLimit, WASM_USABLE } from '../../../src/compile/resources';
import { DesignBuilder } from '../../../src/graph/builder';
import { exampleDesigns } from '../../../src/graph/examples';
import { serializeDesign } from '../../../src/graph/parse';
import { validateDesign } from '../../../src/graph/validate';

const root = join(import.meta.dirname, '..', '..', '..');
const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'rescanvas.mjs'), ...args], { cwd: root, encoding: 'utf8' });

/** Input[2] → Dense w → Dense w → Output: the oversized designs of the reliability probe. */
function wideMlp(width: number) {
  const b = new DesignBuilder(`wide ${width}`);
  const input = b.add('Input', { shape: [2] });
  const d1 = b.add('Dense', { units: width }, { from: input });
  const d2 = b.add('Dense', { units: width }, { from: d1 });
  b.add('Output', { units: 2 }, { from: d2 });
  return b.build();
}

function saved(design: ReturnType<typeof wideMlp>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rescanvas-mem-')), 'design.json');
  writeFileSync(file, serializeDesign(design));
  return file;
}

describe('estimateResources', () => {
  it('counts parameters, optimizer state by optimizer, and activations by batch', () => {
    const design = wideMlp(1000);
    const adam = estimateResources(design, { batchSize: 64, optimizer: 'adam' });
    expect(adam.parameters).toBe(2 * 1000 + 1000 + 1000 * 1000 + 1000 + 1000 * 2 + 2);
    expect(adam.optimizerBytes).toBe(adam.trainableParameters * 4 * 2);
    expect(estimateResources(design, { batchSize: 64, optimizer: 'momentum' }).optimizerBytes).toBe(adam.trainableParameters * 4);
    expect(estimateResources(design, { batchSize: 64, optimizer: 'sgd' }).optimizerBytes).toBe(0);
    // The update's intermediates, alive together in the step's tidy: 21 values per parameter with Adam in all.
    expect(adam.weightBytes + adam.gradientBytes + adam.optimizerBytes + adam.updateBytes).toBeCloseTo(adam.trainableParameters * 4 * 21, -3);
    expect(estimateResources(design, { batchSize: 64, optimizer: 'sgd' }).updateBytes).toBeLessThan(adam.updateBytes / 3);
    const at = (batchSize: number) => estimateResources(design, { batchSize, optimizer: 'adam', statistics: false }).activationBytes;
    expect(at(128)).toBe(at(64) * 2);
    // The statistics summary adds a chunk's worth, not a multiple of the batch.
    const bigger = estimateResources(design, { batchSize: 128, optimizer: 'adam' });
    expect(bigger.activationBytes - bigger.summaryValues * 4).toBe((adam.activationBytes - adam.summaryValues * 4) * 2);
  });

  it('counts BatchNorm moving statistics as weights without gradients', () => {
    const resnet = exampleDesigns()['resnet-20-cifar.rescanvas.json'];
    const e = estimateResources(resnet);
    expect(e.parameters).toBe(274_042);
    expect(e.trainableParameters).toBeLessThan(e.parameters);
    expect(e.gradientBytes).toBe(e.trainableParameters * 4);
  });

  it('lets every bundled example train on the wasm engine at its default batch', () => {
    for (const [name, design] of Object.entries(exampleDesigns())) {
      expect(checkResources(design, validateDesign(design).nodeShapes), name).toEqual([]);
    }
  });
});

describe('designs that cannot fit are refused with the estimate and the limit', () => {
  it('6.7e7 parameters, ~1.1 GB before the update was counted, ran out of wasm memory at its first step: refused', () => {
    const design = wideMlp(8192);
    const [problem] = checkResources(design, validateDesign(design).nodeShapes);
    expect(problem.message).toMatch(/^training needs ~5\.7 GB .*update temporaries 4\.6 GB/);
  });

  it('2.7e8 parameters: training needs more than the wasm engine can use', () => {
    const design = wideMlp(16384);
    const [problem, ...rest] = checkResources(design, validateDesign(design).nodeShapes);
    expect(rest).toEqual([]);
    expect(problem.code).toBe('memory');
    expect(problem.message).toMatch(
      /^training needs ~23 GB \(weights 1\.1 GB, gradients and adam state 3\.2 GB, update temporaries 18 GB, activations at batch 64 \d+ MB\); the wasm engine can use ~3\.5 GB: make the design narrower or shallower, or the batch smaller$/,
    );
    // The same design fits a machine with room for it.
    expect(checkResources(design, validateDesign(design).nodeShapes, { backend: 'tensorflow', machineBytes: 64e9 })).toEqual([]);
  });

  it('a kernel of 4.3e9 values is refused before any typed array is allocated', () => {
    const design = wideMlp(65536);
    const problems = checkResources(design, validateDesign(design).nodeShapes, { purpose: 'export', backend: 'cpu', machineBytes: 8e9 });
    expect(problems.map((p) => p.message)).toEqual([
      'the weights of dense_2 would hold ~4.3e9 values; a single tensor can hold at most 2.1e9: make the layer narrower',
      "building the model needs ~17 GB (4.3e9 parameters); the cpu engine (80% of this machine's memory) can use ~6.4 GB: make the design narrower or shallower",
    ]);
  });

  it('an output too large for one tensor at the batch names the node and the batch', () => {
    const b = new DesignBuilder('wide output');
    const input = b.add('Input', { shape: [2000, 2000, 3] });
    const flat = b.add('Flatten', {}, { from: input });
    b.add('Output', { units: 2 }, { from: flat });
    const design = b.build();
    const messages = checkResources(design, validateDesign(design).nodeShapes).map((p) => p.message);
    expect(messages[0]).toBe(
      'the output of input_1 at batch 256 would hold ~3.1e9 values; a single tensor can hold at most 2.1e9: make the layer narrower or the batch smaller',
    );
  });

  it('wasm is limited by its heap, WebGL by a stated budget, native backends by the machine', () => {
    expect(memoryLimit('wasm').bytes).toBe(WASM_USABLE);
    expect(memoryLimit('webgl').engine).toContain('stated budget');
    expect(memoryLimit('tensorflow', 10e9).bytes).toBe(8e9);
  });
});

// Each case starts the CLI (tsx, tf.js); slow on a loaded machine.
describe('CLI: validate, summary, train and export refuse with exit 2', { timeout: 240_000 }, () => {
  const big = saved(wideMlp(16384));
  const expected = /training needs ~23 GB .*; the wasm engine can use ~3\.5 GB/;

  it('validate', () => {
    const r = run('validate', big);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`error \\[memory\\]: ${expected.source}`));
    // A smaller batch does not help: the weights and their update alone do not fit, even with SGD.
    const sgd = run('validate', big, '--optimizer', 'sgd');
    expect(sgd.status).toBe(2);
    expect(sgd.stdout).toMatch(/training needs ~8\.\d GB \(weights 1\.1 GB, gradients and sgd state 1\.1 GB, update temporaries 5\.\d GB/);
  });

  it('summary prints the estimate per backend and exits 2', () => {
    const r = run('summary', big);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('Memory estimate (training at batch 64, adam):');
    expect(r.stdout).toContain('wasm: does not fit (the wasm engine can use ~3.5 GB)');
    expect(r.stdout).toMatch(expected);
  });

  it('train refuses before compiling, with the same text', () => {
    const r = run('train', big, '--epochs', '1');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`rescanvas: ${expected.source}`));
  });

  it('export refuses a 4.3e9-parameter design and writes nothing', () => {
    const file = saved(wideMlp(65536));
    const out = join(mkdtempSync(join(tmpdir(), 'rescanvas-mem-out-')), 'model');
    const r = run('export', file, '--format', 'tfjs', '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('the weights of dense_2 would hold ~4.3e9 values; a single tensor can hold at most 2.1e9');
    expect(readdirSync(join(out, '..'))).toEqual([]);
  });
});
