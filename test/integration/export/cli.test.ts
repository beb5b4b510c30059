import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'rescanvas.mjs'), ...args], { cwd: root, encoding: 'utf8' });
const example = (name: string) => join(root, 'assets', 'examples', name);
const dir = mkdtempSync(join(tmpdir(), 'rescanvas-export-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rescanvas export / import', () => {
  it('exports tf.js, imports it back with weights, and re-exports the same weights bytes', () => {
    const out = join(dir, 'tfjs');
    const r = run('export', example('projection-shortcut.rescanvas.json'), '--format', 'tfjs', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/freshly initialized weights/);
    expect(readdirSync(out).sort()).toEqual(['model.json', 'weights.bin']);

    const imported = run('import', join(out, 'model.json'), '--out', join(dir, 'back.rescanvas.json'));
    expect(imported.status).toBe(0);
    expect(
      readdirSync(dir)
        .filter((f) => f.startsWith('back'))
        .sort(),
    ).toEqual(['back.rescanvas.json', 'back.weights.bin', 'back.weights.json']);
    expect(run('validate', join(dir, 'back.rescanvas.json')).status).toBe(0);

    const again = run('export', join(dir, 'back.rescanvas.json'), '--format', 'tfjs', '--out', join(dir, 'again'), '--weights', join(dir, 'back.weights.json'));
    expect(again.status).toBe(0);
    expect(again.stdout).not.toMatch(/freshly initialized/);
    expect(readFileSync(join(dir, 'again', 'weights.bin')).equals(readFileSync(join(out, 'weights.bin')))).toBe(true);
  });

  it('refuses to overwrite without --force, replaces with it, and writes Keras and design formats', () => {
    const out = join(dir, 'keras');
    expect(run('export', example('projection-shortcut.rescanvas.json'), '--format', 'keras', '--keras3', '--out', out).status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['export_info.json', 'keras_model.json', 'weights.bin', 'weights_manifest.json']);
    const before = readFileSync(join(out, 'weights.bin'));
    const refused = run('export', example('projection-shortcut.rescanvas.json'), '--format', 'keras', '--out', out);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/already exists and is not empty; pass --force/);
    expect(readFileSync(join(out, 'weights.bin')).equals(before)).toBe(true);
    expect(run('export', example('projection-shortcut.rescanvas.json'), '--format', 'design', '--out', out, '--force').status).toBe(0);
    expect(readdirSync(out)).toEqual(['Projection-shortcut.rescanvas.json']);
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('bad input: clear error, exit 2, nothing written', () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    const truncated = join(bad, 'model.json');
    writeFileSync(truncated, '{"format":"layers-model","modelTopology":{"class_name":"Mod');
    const r1 = run('import', truncated, '--out', join(bad, 'x.rescanvas.json'));
    expect(r1.status).toBe(2);
    expect(r1.stderr).toMatch(/cannot import model\.json: not valid JSON \(the file looks truncated\)/);

    const graph = join(bad, 'graph.json');
    writeFileSync(graph, JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }));
    const r2 = run('import', graph, '--out', join(bad, 'x.rescanvas.json'));
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/graph model/);

    const r3 = run('export', example('projection-shortcut.rescanvas.json'), '--format', 'caffe', '--out', join(bad, 'o'));
    expect(r3.stderr).toMatch(/--format must be one of tfjs, keras, onnx, design, pytorch, not "caffe"/);

    const wrongWeights = join(bad, 'w.weights.json');
    writeFileSync(
      wrongWeights,
      JSON.stringify({
        format: 'rescanvas.weights',
        version: 1,
        weightsManifest: [{ paths: ['w.weights.bin'], weights: [{ name: 'dense_1/kernel', shape: [2, 2], dtype: 'float32' }] }],
      }),
    );
    writeFileSync(join(bad, 'w.weights.bin'), new Uint8Array(16));
    const r4 = run('export', example('projection-shortcut.rescanvas.json'), '--format', 'tfjs', '--out', join(bad, 'o'), '--weights', wrongWeights);
    expect(r4.status).toBe(2);
    expect(r4.stderr).toMatch(/"dense_1\/kernel" has shape \[2, 2\]; the model expects \[2, 32\]/);

    expect(readdirSync(bad).sort()).toEqual(['graph.json', 'model.json', 'w.weights.bin', 'w.weights.json']);
    expect(existsSync(join(bad, 'o'))).toBe(false);
  });
});

describe('rescanvas export --format pytorch', () => {
  it('writes the package with the dataset and settings given, and the old export-pytorch name still works', () => {
    const out = join(dir, 'torch');
    const config = join(dir, 'train-config.json');
    writeFileSync(config, JSON.stringify({ epochs: 3, statsEvery: 4, batchSize: 16 }));
    const r = run('export', example('residual-mlp-20.rescanvas.json'), '--format', 'pytorch', '--out', out, '--dataset', 'spirals', '--config', config);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/freshly initialized weights/);
    const files = readdirSync(out).sort();
    expect(files).toEqual([
      'README.md',
      'config.json',
      'data.npz',
      'data.py',
      'design.rescanvas.json',
      'model.py',
      'runlog.py',
      'stats_layout.json',
      'train.py',
      'weights.bin',
      'weights.json',
    ]);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({ epochs: 3, statsEvery: 4, batchSize: 16 });
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('--format pytorch');
    const layout = JSON.parse(readFileSync(join(out, 'stats_layout.json'), 'utf8')) as { nodeIds: string[] };
    expect(layout.nodeIds).toHaveLength(68);

    const alias = run('export-pytorch', example('residual-mlp-20.rescanvas.json'), '--out', join(dir, 'torch-alias'));
    expect(alias.status).toBe(0);
    expect(readdirSync(join(dir, 'torch-alias')).sort()).toEqual(files.filter((f) => f !== 'data.npz'));
  });

  it('leaves the runs saved in a design file out of the package', () => {
    const withRuns = join(dir, 'with-runs.rescanvas.json');
    const doc = JSON.parse(readFileSync(example('projection-shortcut.rescanvas.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(withRuns, JSON.stringify({ ...doc, runs: [{ id: 'run-1', label: 'kept by the app' }] }));
    const out = join(dir, 'torch-no-runs');
    const r = run('export', withRuns, '--format', 'pytorch', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const packaged = JSON.parse(readFileSync(join(out, 'design.rescanvas.json'), 'utf8')) as Record<string, unknown>;
    expect(packaged).not.toHaveProperty('runs');
    expect(packaged.nodes).toEqual(doc.nodes);
  });

  it('carries trained weights from a tf.js export into the package', () => {
    const tfjs = join(dir, 'tfjs-for-torch');
    expect(run('export', example('projection-shortcut.rescanvas.json'), '--format', 'tfjs', '--out', tfjs).status).toBe(0);
    const out = join(dir, 'torch-weights');
    const r = run('export', example('projection-shortcut.rescanvas.json'), '--format', 'pytorch', '--out', out, '--weights', join(tfjs, 'model.json'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/freshly initialized/);
    // Transposing kernels into PyTorch layout reorders values without changing them: their total survives.
    const sum = (bytes: Buffer) => new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).reduce((s, v) => s + Math.abs(v), 0);
    const index = JSON.parse(readFileSync(join(out, 'weights.json'), 'utf8')) as { tensors: { from: string }[] };
    expect(index.tensors.map((t) => t.from)).toContain('dense_1/kernel');
    expect(sum(readFileSync(join(out, 'weights.bin')))).toBeCloseTo(sum(readFileSync(join(tfjs, 'weights.bin'))), 1);
  });

  it('bad input: options of another format, an unknown dataset, a bad config: exit 2, nothing written', () => {
    const out = join(dir, 'torch-bad');
    const keras = run('export', example('projection-shortcut.rescanvas.json'), '--format', 'keras', '--out', out, '--dataset', 'spirals');
    expect(keras.status).toBe(2);
    expect(keras.stderr).toMatch(/dataset options \(--dataset, --csv, --size, …\) and --config only apply to --format pytorch/);
    const dataset = run('export', example('projection-shortcut.rescanvas.json'), '--format', 'pytorch', '--out', out, '--dataset', 'imagenet');
    expect(dataset.status).toBe(2);
    expect(dataset.stderr).toMatch(/--dataset: "imagenet" is not a dataset \(spirals, twoMoons/);
    const config = join(dir, 'bad-config.json');
    writeFileSync(config, JSON.stringify({ epochs: 0 }));
    const bad = run('export', example('projection-shortcut.rescanvas.json'), '--format', 'pytorch', '--out', out, '--config', config);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`${config}: epochs`);
    expect(existsSync(out)).toBe(false);
  });
});
