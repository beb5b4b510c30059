import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importModel } from '../../../src/import';
import { exportKeras, exportTfjsModel, KERAS_MANIFEST_FILE, KERAS_MODEL_FILE, TFJS_WEIGHTS_FILE, unpackWeights } from '../../../src/export';
import { exampleDesigns } from '../../../src/graph/examples';
import { tf } from './support';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const fileText = (files: { name: string; data: Uint8Array | string }[], name: string) => files.find((f) => f.name === name)?.data as string;
const fileBytes = (files: { name: string; data: Uint8Array | string }[], name: string) => files.find((f) => f.name === name)?.data as Uint8Array;

describe('Keras JSON export', () => {
  const resnet = exampleDesigns()['resnet-20-cifar.rescanvas.json'];

  it('writes Keras-2 style JSON: Functional with class_name/config per layer and legacy inbound_nodes', async () => {
    const bundle = await exportKeras(resnet, tf);
    const topology = JSON.parse(fileText(bundle.files, KERAS_MODEL_FILE)) as {
      class_name: string;
      config: { layers: Record<string, unknown>[]; input_layers: unknown; output_layers: unknown };
      module?: string;
    };
    expect(topology.class_name).toBe('Functional');
    expect(topology.module).toBeUndefined();
    expect(topology.config.input_layers).toEqual([['input_1', 0, 0]]);
    for (const layer of topology.config.layers) {
      expect(Object.keys(layer).sort()).toEqual(['class_name', 'config', 'inbound_nodes', 'name']);
      expect((layer.config as { name: string }).name).toBe(layer.name);
    }
    const conv = topology.config.layers.find((l) => l.class_name === 'Conv2D') as { config: Record<string, unknown>; inbound_nodes: unknown };
    expect(conv.config).toMatchObject({ filters: 16, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last', use_bias: false });
    // tf.js writes 'normal' for a truncated normal; Keras 3 only accepts the real name.
    expect(conv.config.kernel_initializer).toEqual({
      class_name: 'VarianceScaling',
      config: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal', seed: null },
    });
    expect(conv.inbound_nodes).toEqual([[['input_1', 0, 0, {}]]]);
    expect(topology.config.layers.find((l) => l.class_name === 'BatchNormalization')?.config).toMatchObject({ momentum: 0.9 });
    const manifest = JSON.parse(fileText(bundle.files, KERAS_MANIFEST_FILE)) as { paths: string[]; weights: { name: string }[] }[];
    expect(manifest[0].paths).toEqual(['weights.bin']);
    expect(manifest[0].weights[0].name).toBe('conv2d_1/kernel');
  });

  it("keeps Keras' BatchNorm momentum 0.99 when a design asks for it", async () => {
    const design = { ...resnet, nodes: resnet.nodes.map((n) => (n.type === 'BatchNorm' ? { ...n, params: { ...n.params, momentum: 0.99 } } : n)) };
    const topology = JSON.parse(fileText((await exportKeras(design, tf)).files, KERAS_MODEL_FILE)) as {
      config: { layers: { class_name: string; config: Record<string, unknown> }[] };
    };
    const norms = topology.config.layers.filter((l) => l.class_name === 'BatchNormalization');
    expect(norms.length).toBeGreaterThan(0);
    for (const l of norms) expect(l.config.momentum).toBe(0.99);
  });

  it('with keras3 adds module/registered_name and Keras-3 argument names', async () => {
    const design = exampleDesigns()['projection-shortcut.rescanvas.json'];
    const bundle = await exportKeras(design, tf, undefined, { keras3: true });
    const topology = JSON.parse(fileText(bundle.files, KERAS_MODEL_FILE)) as {
      module: string;
      class_name: string;
      registered_name: string;
      config: { layers: Record<string, unknown>[] };
    };
    expect([topology.module, topology.class_name, topology.registered_name]).toEqual(['keras', 'Functional', 'Functional']);
    for (const layer of topology.config.layers) expect(layer).toMatchObject({ module: 'keras.layers', registered_name: null });
    const input = topology.config.layers[0] as { config: Record<string, unknown> };
    expect(input.config.batch_shape).toEqual([null, 2]);
    expect(input.config.batch_input_shape).toBeUndefined();
    const dense = topology.config.layers[1] as { config: { kernel_initializer: Record<string, unknown> } };
    expect(dense.config.kernel_initializer).toMatchObject({ module: 'keras.initializers', class_name: 'VarianceScaling', registered_name: null });
  });

  it('Keras JSON + weights manifest imports back to the same design and weights', async () => {
    for (const keras3 of [false, true]) {
      const design = exampleDesigns()['residual-mlp-20.rescanvas.json'];
      const bundle = await exportKeras(design, tf, undefined, { keras3 });
      const bin = fileBytes(bundle.files, TFJS_WEIGHTS_FILE);
      const imported = await importModel({
        text: fileText(bundle.files, KERAS_MODEL_FILE),
        fileName: 'keras_model.json',
        weightsManifestText: fileText(bundle.files, KERAS_MANIFEST_FILE),
        readFile: () => bin,
      });
      expect(imported.kind).toBe('keras');
      expect(imported.design.nodes.map((n) => [n.id, n.type, n.params])).toEqual(design.nodes.map((n) => [n.id, n.type, n.params]));
      const again = await exportTfjsModel(imported.design, tf, imported.weights ?? undefined);
      expect(Buffer.from(fileBytes(again.files, TFJS_WEIGHTS_FILE)).equals(Buffer.from(bin))).toBe(true);
    }
  });
});

/** The weight-reading half of the README's Python recipe (Keras itself is not installed here). */
const PYTHON_READER = `
import json, sys
import numpy as np
folder = sys.argv[1]
arrays = {}
for group in json.load(open(f"{folder}/weights_manifest.json")):
    blob = b"".join(open(f"{folder}/{p}", "rb").read() for p in group["paths"])
    offset = 0
    for spec in group["weights"]:
        n = int(np.prod(spec["shape"], dtype=np.int64))
        arrays[spec["name"]] = np.frombuffer(blob, "<f4", n, offset).reshape(spec["shape"])
        offset += 4 * n
print(json.dumps({k: [list(v.shape), float(v.astype(np.float64).sum())] for k, v in arrays.items()}))
`;
const hasNumpy = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
// CI installs python3-numpy (.ci/run): there its absence is a failure, not a skip.
if (!hasNumpy && process.env.CI) throw new Error('numpy is required in CI: /usr/bin/python3 -c "import numpy" failed');

describe('Python reads the Keras export weights', () => {
  it.skipIf(!hasNumpy)('numpy gets every array with its shape and values', async () => {
    const bundle = await exportKeras(exampleDesigns()['resnet-20-cifar.rescanvas.json'], tf);
    const dir = mkdtempSync(join(tmpdir(), 'rescanvas-keras-py-'));
    try {
      for (const f of bundle.files) writeFileSync(join(dir, f.name), f.data);
      const r = spawnSync('/usr/bin/python3', ['-c', PYTHON_READER, dir], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const fromPython = JSON.parse(r.stdout) as Record<string, [number[], number]>;
      const manifest = JSON.parse(fileText(bundle.files, KERAS_MANIFEST_FILE)) as { weights: { name: string; shape: number[]; dtype: 'float32' }[] }[];
      const fromJs = unpackWeights(manifest[0].weights, fileBytes(bundle.files, TFJS_WEIGHTS_FILE));
      expect(Object.keys(fromPython)).toEqual([...fromJs.keys()]);
      for (const [name, w] of fromJs) {
        const sum = w.data.reduce((a, b) => a + b, 0);
        expect(fromPython[name][0]).toEqual(w.shape);
        expect(Math.abs(fromPython[name][1] - sum)).toBeLessThan(1e-6 * Math.max(1, Math.abs(sum)) + 1e-6);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
