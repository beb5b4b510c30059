import { beforeAll, describe, expect, it } from 'vitest';
import { importModel } from '../../../src/import';
import { exportTfjsModel, TFJS_MODEL_FILE, TFJS_WEIGHTS_FILE } from '../../../src/export';
import { exampleDesigns } from '../../../src/graph/examples';
import { functionalTfjsModel, saveWithTfjs, tf } from './support';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Topology = { class_name: string; config: { name: string; layers: unknown[]; input_layers: unknown; output_layers: unknown } };
const fileText = (files: { name: string; data: Uint8Array | string }[], name: string) => files.find((f) => f.name === name)?.data as string;
const fileBytes = (files: { name: string; data: Uint8Array | string }[], name: string) => files.find((f) => f.name === name)?.data as Uint8Array;

describe('tf.js-saved functional model → import → export', () => {
  it('gives the same topology and byte-identical weights (Add, Concatenate, BatchNorm, Conv2D, Dropout, LayerNorm, pooling)', async () => {
    const model = functionalTfjsModel();
    const saved = await saveWithTfjs(model);
    const imported = await importModel({ text: saved.modelJson, fileName: 'model.json', readFile: (p) => (p === 'weights.bin' ? saved.bin : null) });
    expect(imported.kind).toBe('tfjs-layers');
    expect(imported.design.nodes.map((n) => n.type)).toEqual([
      'Input',
      'Conv2D',
      'BatchNorm',
      'Activation',
      'Conv2D',
      'Add',
      'Conv2D',
      'Concatenate',
      'MaxPool2D',
      'GlobalAvgPool',
      'Dropout',
      'LayerNorm',
      'Output',
    ]);
    expect(imported.weights).not.toBeNull();

    const bundle = await exportTfjsModel(imported.design, tf, imported.weights ?? undefined);
    const original = JSON.parse(saved.modelJson) as { modelTopology: Topology; weightsManifest: { weights: unknown[] }[] };
    const exported = JSON.parse(fileText(bundle.files, TFJS_MODEL_FILE)) as { modelTopology: Topology; weightsManifest: { weights: unknown[] }[] };
    expect(exported.modelTopology.config.layers).toEqual(original.modelTopology.config.layers);
    expect(exported.modelTopology.config.input_layers).toEqual(original.modelTopology.config.input_layers);
    expect(exported.modelTopology.config.output_layers).toEqual(original.modelTopology.config.output_layers);
    expect(exported.weightsManifest[0].weights).toEqual(original.weightsManifest[0].weights);
    expect(Buffer.from(fileBytes(bundle.files, TFJS_WEIGHTS_FILE)).equals(Buffer.from(saved.bin))).toBe(true);
    model.dispose();
  });

  it('imports a Sequential model (first layer carries batch_input_shape) and keeps predictions', async () => {
    const model = tf.sequential({
      name: 'seq',
      layers: [tf.layers.dense({ units: 5, inputShape: [4], activation: 'tanh' }), tf.layers.leakyReLU(), tf.layers.dense({ units: 2, activation: 'sigmoid' })],
    });
    const saved = await saveWithTfjs(model);
    const imported = await importModel({ text: saved.modelJson, fileName: 'seq.json', readFile: () => saved.bin });
    expect(imported.design.nodes.map((n) => n.type)).toEqual(['Input', 'Dense', 'Activation', 'Output']);
    const output = imported.design.nodes.at(-1);
    expect(output?.type === 'Output' && output.params).toMatchObject({ units: 2, activation: 'sigmoid', loss: 'binaryCrossentropy' });
    const bundle = await exportTfjsModel(imported.design, tf, imported.weights ?? undefined);
    const json = JSON.parse(fileText(bundle.files, TFJS_MODEL_FILE)) as tf.io.ModelJSON;
    const bin = fileBytes(bundle.files, TFJS_WEIGHTS_FILE);
    const loaded = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bin.slice().buffer }),
    );
    const x = tf.tensor2d([
      [0.1, -0.2, 0.3, 0.9],
      [1, 2, -3, 0],
    ]);
    const diff = tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor))).dataSync()[0];
    expect(diff).toBeLessThanOrEqual(1e-6);
    model.dispose();
    loaded.dispose();
  });

  it('flattens a nested model, keeping its weights', async () => {
    const innerIn = tf.input({ shape: [6], name: 'inner_in' });
    const innerOut = tf.layers.dense({ units: 6, activation: 'relu', name: 'inner_dense' }).apply(innerIn) as tf.SymbolicTensor;
    const inner = tf.model({ inputs: innerIn, outputs: innerOut, name: 'block' });
    const x = tf.input({ shape: [6], name: 'x' });
    const y = inner.apply(x) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: 'skip' }).apply([y, x]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'head' }).apply(sum) as tf.SymbolicTensor;
    const outer = tf.model({ inputs: x, outputs: out });
    const saved = await saveWithTfjs(outer);
    const imported = await importModel({ text: saved.modelJson, fileName: 'nested.json', readFile: () => saved.bin });
    expect(imported.design.nodes.map((n) => `${n.id}:${n.type}`)).toEqual(['x:Input', 'inner_dense:Dense', 'skip:Add', 'head:Output']);
    expect(imported.design.nodes[1].name).toBe('block › inner_dense');
    expect([...(imported.weights?.keys() ?? [])].sort()).toEqual(['head/bias', 'head/kernel', 'inner_dense/bias', 'inner_dense/kernel']);
    const innerKernel = inner.getLayer('inner_dense').getWeights()[0].dataSync();
    expect(Array.from(imported.weights?.get('inner_dense/kernel')?.data ?? [])).toEqual(Array.from(innerKernel));
    outer.dispose();
  });

  it('imports the ~1000-layer export (repeat group unrolled) with every weight, byte for byte', async () => {
    const design = exampleDesigns()['residual-mlp-1002-repeat.rescanvas.json'];
    const bundle = await exportTfjsModel(design, tf);
    const bin = fileBytes(bundle.files, TFJS_WEIGHTS_FILE);
    const imported = await importModel({ text: fileText(bundle.files, TFJS_MODEL_FILE), fileName: 'model.json', readFile: () => bin });
    expect(imported.design.nodes).toHaveLength(2004);
    expect(imported.design.groups).toEqual([]);
    const again = await exportTfjsModel(imported.design, tf, imported.weights ?? undefined);
    expect(Buffer.from(fileBytes(again.files, TFJS_WEIGHTS_FILE)).equals(Buffer.from(bin))).toBe(true);
  }, 120_000);
});
