import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerExport } from '../../../cli/commands/export';
import { registerImport } from '../../../cli/commands/import';
import { compileDesign } from '../../../src/compile/toTfjs';
import { exampleDesigns } from '../../../src/graph/examples';
import { functionalTfjsModel, saveWithTfjs, tf } from '../../unit/import/support';
import { perturbWeights } from '../pytorch/pytorchSupport';

const root = join(import.meta.dirname, '..', '..', '..');
/**
 * The import and export commands run in this process (the same command code `rescanvas` registers), so
 * ten models need no twenty tf.js start-ups; one spawned run below checks the exit code path.
 */
async function cli(...args: string[]): Promise<{ stdout: string; error: Error | null }> {
  const program = new Command().exitOverride();
  registerImport(program);
  registerExport(program);
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void lines.push(parts.join(' ')));
  try {
    await program.parseAsync(args, { from: 'user' });
    return { stdout: lines.join('\n'), error: null };
  } catch (error) {
    return { stdout: lines.join('\n'), error: error as Error };
  } finally {
    log.mockRestore();
  }
}

const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'rescanvas.mjs'), ...args], { cwd: root, encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'rescanvas-weights-trip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `model` as tf.js' serializer does (model.json + weights.bin) and returns its folder. */
async function writeOriginal(name: string, model: tf.LayersModel): Promise<string> {
  const folder = join(dir, name, 'original');
  mkdirSync(folder, { recursive: true });
  const saved = await saveWithTfjs(model);
  writeFileSync(join(folder, 'model.json'), saved.modelJson);
  writeFileSync(join(folder, 'weights.bin'), saved.bin);
  return folder;
}

async function loadFrom(folder: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const bin = readFileSync(join(folder, 'weights.bin'));
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: new Uint8Array(bin).buffer }),
  );
}

function deterministic(shape: number[]): tf.Tensor {
  let s = 7;
  const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 2 - 1;
  });
  return tf.tensor(values, shape);
}

const MODELS: [string, () => tf.LayersModel][] = [
  ...Object.entries(exampleDesigns()).map(([file, design]): [string, () => tf.LayersModel] => [
    file.replace('.rescanvas.json', ''),
    () => {
      const { model } = compileDesign(design, tf);
      // Distinct nonzero biases, betas and moving statistics: a dropped weight would show.
      perturbWeights(model, 11);
      return model;
    },
  ]),
  ['tfjs-functional', functionalTfjsModel],
  [
    'tfjs-sequential',
    () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ units: 6, inputShape: [3], activation: 'elu' }),
          tf.layers.batchNormalization(),
          tf.layers.dense({ units: 2, activation: 'softmax' }),
        ],
      }),
  ],
];

describe('import → export with no flags keeps the weights (the sidecar beside the design)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const [name, make] of MODELS) {
    it(`${name}: tf.loadLayersModel on the re-export predicts exactly what the original predicted`, async () => {
      const model = make();
      if (name === 'tfjs-sequential') perturbWeights(model, 5);
      const original = await writeOriginal(name, model);
      const design = join(dir, name, 'net.rescanvas.json');
      const imported = await cli('import', join(original, 'model.json'), '--out', design);
      expect(imported.error).toBeNull();
      expect(existsSync(join(dir, name, 'net.weights.json'))).toBe(true);

      const out = join(dir, name, 'export');
      const exported = await cli('export', design, '--format', 'tfjs', '--out', out);
      expect(exported.error).toBeNull();
      expect(exported.stdout).toContain(`using the weights beside the design: ${join(dir, name, 'net.weights.json')}`);
      expect(exported.stdout).not.toMatch(/freshly initialized weights/);

      const reloaded = await loadFrom(out);
      const x = deterministic([3, ...(model.inputs[0].shape.slice(1) as number[])]);
      const before = (model.predict(x) as tf.Tensor).dataSync();
      const after = (reloaded.predict(x) as tf.Tensor).dataSync();
      expect(Array.from(after)).toEqual(Array.from(before));
      model.dispose();
      reloaded.dispose();
      x.dispose();
    }, 120_000);
  }

  it('--fresh-weights opts out and says so; weights that no longer fit name the file and offer --fresh-weights', async () => {
    const folder = join(dir, 'tfjs-sequential');
    const fresh = await cli('export', join(folder, 'net.rescanvas.json'), '--format', 'tfjs', '--out', join(folder, 'fresh'), '--fresh-weights');
    expect(fresh.error).toBeNull();
    expect(fresh.stdout).toMatch(/freshly initialized weights: --fresh-weights/);
    expect(readFileSync(join(folder, 'fresh', 'weights.bin')).equals(readFileSync(join(folder, 'export', 'weights.bin')))).toBe(false);

    // The design edited after the weights were saved: a wider first layer.
    const edited = JSON.parse(readFileSync(join(folder, 'net.rescanvas.json'), 'utf8')) as { nodes: { type: string; params: { units?: number } }[] };
    const dense = edited.nodes.find((n) => n.type === 'Dense');
    if (dense) dense.params.units = 9;
    writeFileSync(join(folder, 'net.rescanvas.json'), JSON.stringify(edited));
    const unfit = run('export', join(folder, 'net.rescanvas.json'), '--format', 'onnx', '--out', join(folder, 'unfit'));
    expect(unfit.status).toBe(2);
    expect(unfit.stderr).toContain(join(folder, 'net.weights.json'));
    expect(unfit.stderr).toMatch(/pass --fresh-weights/);
    expect(existsSync(join(folder, 'unfit'))).toBe(false);
    expect(
      (await cli('export', join(folder, 'net.rescanvas.json'), '--format', 'tfjs', '--out', join(folder, 'w'), '--weights', 'x', '--fresh-weights')).error
        ?.message,
    ).toMatch(/contradict/);
  }, 120_000);
});
