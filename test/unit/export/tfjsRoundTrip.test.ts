import { readFile, mkdtemp, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileDesign } from '../../../src/compile/toTfjs';
import { exampleDesigns } from '../../../src/graph/examples';
import { exportTfjsModel, initialWeights, TFJS_MODEL_FILE, TFJS_WEIGHTS_FILE, type WeightArray } from '../../../src/export';
import { arrayBuffer, bytes, file, inputs, maxAbsDiff, startBackend, text, tf } from './support';

beforeAll(async () => {
  await startBackend();
});

/** What tf.io.http / file loaders do, minus the network: read model.json, then the files it names. */
function filesHandler(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const modelJson = JSON.parse(await readFile(join(dir, TFJS_MODEL_FILE), 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const parts = await Promise.all(manifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))));
        return [specs, arrayBuffer(Buffer.concat(parts))];
      });
    },
  };
}

const designs = Object.entries(exampleDesigns());

describe('design → tf.js model.json + weights.bin → tf.loadLayersModel', () => {
  it.each(designs)(
    '%s predicts exactly as the compiled model',
    async (_name, design) => {
      const compiled = compileDesign(design, tf);
      // Export the compiled model's own weights, so both sides must agree to the last bit.
      const weights = new Map<string, WeightArray>();
      for (const w of compiled.model.weights)
        weights.set(w.originalName, { shape: [...w.shape] as number[], dtype: 'float32', data: w.read().dataSync() as Float32Array });
      const bundle = await exportTfjsModel(design, tf, weights);
      const modelJson = JSON.parse(text(file(bundle, TFJS_MODEL_FILE))) as tf.io.ModelJSON & { userDefinedMetadata: { rescanvas: { weights: string } } };
      expect(modelJson.format).toBe('layers-model');
      expect(modelJson.userDefinedMetadata.rescanvas.weights).toBe('trained');
      const loaded = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: modelJson.modelTopology,
          weightSpecs: modelJson.weightsManifest[0].weights,
          weightData: arrayBuffer(bytes(file(bundle, TFJS_WEIGHTS_FILE))),
        }),
      );
      const shape = [3, ...(compiled.model.inputs[0].shape.slice(1) as number[])];
      const x = inputs(shape, 7);
      const expected = compiled.model.predict(x) as tf.Tensor;
      const actual = loaded.predict(x) as tf.Tensor;
      expect(maxAbsDiff(await expected.data(), await actual.data())).toBeLessThanOrEqual(1e-6);
      // Every class in the file is stock tf.js: no probes, no app-only layers.
      const classes = new Set((modelJson.modelTopology as { config: { layers: { class_name: string }[] } }).config.layers.map((l) => l.class_name));
      for (const c of classes)
        expect([
          'InputLayer',
          'Dense',
          'Conv2D',
          'BatchNormalization',
          'LayerNormalization',
          'Activation',
          'Add',
          'GlobalAveragePooling2D',
          'LeakyReLU',
          'Dropout',
          'Concatenate',
          'Flatten',
          'MaxPooling2D',
          'AveragePooling2D',
        ]).toContain(c);
      tf.dispose([x, expected, actual]);
      compiled.model.dispose();
      loaded.dispose();
    },
    240_000,
  );
});

describe('written files load through a file-reading IOHandler', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rescanvas-tfjs-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('without weights: fresh initial weights, said so in the metadata, and the loaded model equals them', async () => {
    const design = exampleDesigns()['projection-shortcut.rescanvas.json'];
    const bundle = await exportTfjsModel(design, tf);
    for (const f of bundle.files) await writeFile(join(dir, f.name), f.data);
    const json = JSON.parse(await readFile(join(dir, TFJS_MODEL_FILE), 'utf8')) as { userDefinedMetadata: { rescanvas: { weights: string; note: string } } };
    expect(json.userDefinedMetadata.rescanvas.weights).toBe('initial');
    expect(json.userDefinedMetadata.rescanvas.note).toMatch(/freshly initialized/);
    const loaded = await tf.loadLayersModel(filesHandler(dir));
    const stored = await readFile(join(dir, TFJS_WEIGHTS_FILE));
    let offset = 0;
    for (const w of loaded.weights) {
      const values = w.read().dataSync() as Float32Array;
      const fromFile = new Float32Array(arrayBuffer(stored.subarray(offset, offset + values.byteLength)));
      expect(maxAbsDiff(values, fromFile)).toBe(0);
      offset += values.byteLength;
    }
    expect(offset).toBe(stored.byteLength);
    expect(loaded.getLayer('dense_4').getClassName()).toBe('Dense');
    loaded.dispose();
  });

  it('initialWeights names every weight the way the LayersModel does', async () => {
    const design = exampleDesigns()['resnet-20-cifar.rescanvas.json'];
    const weights = await initialWeights(design, tf);
    const compiled = compileDesign(design, tf);
    expect([...weights.keys()]).toEqual(compiled.model.weights.map((w) => w.originalName));
    compiled.model.dispose();
  });
});
