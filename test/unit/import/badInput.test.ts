import { beforeAll, describe, expect, it } from 'vitest';
import { ImportError, importModel, MAX_MODEL_JSON_BYTES } from '../../../src/import';
import { exportTfjsModel, packWeights, WeightsError, type WeightArray } from '../../../src/export';
import { exampleDesigns } from '../../../src/graph/examples';
import { functionalTfjsModel, saveWithTfjs, tf, type SavedModel } from './support';

let saved: SavedModel;
beforeAll(async () => {
  await tf.setBackend('cpu');
  const model = functionalTfjsModel();
  saved = await saveWithTfjs(model);
  model.dispose();
});

/** Runs an import expected to fail and returns its message; anything but an ImportError fails the test. */
async function failure(text: string, readFile: (p: string) => Uint8Array | null = () => saved.bin, weightsManifestText?: string): Promise<string> {
  try {
    await importModel({ text, fileName: 'model.json', readFile, weightsManifestText });
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    return (error as Error).message;
  }
  throw new Error('the import succeeded');
}

type Json = {
  modelTopology: { config: { layers: { class_name: string; name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }[] } };
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
  format?: string;
};
const edit = (f: (json: Json) => void): string => {
  const json = JSON.parse(saved.modelJson) as Json;
  f(json);
  return JSON.stringify(json);
};

describe('bad model files get one clear error and no design', () => {
  it('truncated JSON', async () => {
    expect(await failure(saved.modelJson.slice(0, saved.modelJson.length / 2))).toMatch(/not valid JSON \(the file looks truncated\)/);
  });

  it('weights.bin shorter or longer than the manifest', async () => {
    expect(await failure(saved.modelJson, () => saved.bin.subarray(0, saved.bin.length - 4))).toMatch(
      /weights\.bin: \d+ bytes, but the manifest describes \d+ bytes \(the file is too short/,
    );
    const longer = new Uint8Array(saved.bin.length + 8);
    longer.set(saved.bin);
    expect(await failure(saved.modelJson, () => longer)).toMatch(/too long/);
    expect(await failure(saved.modelJson, () => null)).toMatch(/weights file "weights\.bin" named in the manifest was not found/);
  });

  it('weight shape and dtype mismatches', async () => {
    // Same byte count, wrong shape: swap the kernel's dims so only the shape check can catch it.
    const shape = edit((j) => {
      const spec = j.weightsManifest[0].weights.find((w) => w.name === 'probs/kernel');
      if (spec) spec.shape = [...spec.shape].reverse();
    });
    expect(await failure(shape)).toMatch(/layer "probs" \(Dense\): weight "probs\/kernel" has shape \[3, 6\]; the layer needs \[6, 3\]/);
    const dtype = edit((j) => {
      j.weightsManifest[0].weights[0].dtype = 'int32';
    });
    expect(await failure(dtype)).toMatch(/weight "conv_a\/kernel" has dtype int32; only float32/);
    const renamed = edit((j) => {
      j.weightsManifest[0].weights[0].name = 'someone_else/kernel';
    });
    const message = await failure(renamed);
    expect(message).toMatch(/weight "conv_a\/kernel" is missing/);
    expect(message).toMatch(/weight "someone_else\/kernel" in the manifest belongs to no imported layer/);
  });

  it('graph models', async () => {
    const graph = JSON.stringify({
      format: 'graph-model',
      generatedBy: '2.15.0',
      convertedBy: 'TensorFlow.js Converter v4.22.0',
      modelTopology: { node: [{ name: 'x', op: 'Placeholder' }], library: {}, versions: {} },
      weightsManifest: [],
    });
    expect(await failure(graph)).toMatch(/tf\.js graph model/);
    const legacyGraph = JSON.stringify({ modelTopology: { node: [], versions: {} }, weightsManifest: [] });
    expect(await failure(legacyGraph)).toMatch(/graph model/);
  });

  it('unknown and custom classes: every one listed with its layer name', async () => {
    const text = edit((j) => {
      const layers = j.modelTopology.config.layers;
      layers[1].class_name = 'SeparableConv2D';
      layers[3].class_name = 'MyCustomBlock';
      layers[3].config.module = 'my_project.layers';
    });
    const message = await failure(text);
    expect(message).toMatch(/layer "conv_a" \(SeparableConv2D\): layer class "SeparableConv2D" is not supported/);
    expect(message).toMatch(/layer "relu_a" \(MyCustomBlock\): custom classes are not supported/);
  });

  it('unsupported settings of supported layers, all at once', async () => {
    const text = edit((j) => {
      const layers = j.modelTopology.config.layers;
      layers[1].config.kernel_size = [3, 1];
      layers[2].config.center = false;
      layers[4].config.dilation_rate = [2, 2];
    });
    const message = await failure(text);
    expect(message).toMatch(/3 problems/);
    expect(message).toMatch(/layer "conv_a" \(Conv2D\): non-square kernel/);
    expect(message).toMatch(/layer "bn_a" \(BatchNormalization\): BatchNormalization without center or scale/);
    expect(message).toMatch(/layer "conv_b" \(Conv2D\): dilation_rate \[2,2\]/);
  });

  it('topologies over the size limit are refused before parsing', async () => {
    const big = `{"modelTopology":{"pad":"${'x'.repeat(50 * 1024 * 1024)}"}}`;
    expect(big.length).toBeGreaterThan(MAX_MODEL_JSON_BYTES);
    expect(await failure(big)).toMatch(/the file is 50\.0 MB; model files are read up to 32 MB/);
  });

  it('__proto__ keys anywhere', async () => {
    const text = saved.modelJson.replace('"config":{"filters"', '"config":{"__proto__":{"polluted":true},"filters"');
    expect(await failure(text)).toMatch(/modelTopology\.config\.layers\[1\]\.config\.__proto__: the key "__proto__" is not allowed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('weights paths that leave the model folder', async () => {
    const text = edit((j) => {
      j.weightsManifest[0].paths = ['../../etc/passwd'];
    });
    expect(await failure(text)).toMatch(/weights path "\.\.\/\.\.\/etc\/passwd" leaves the model folder/);
  });

  it('deeply nested JSON, non-objects, designs and unrelated JSON', async () => {
    expect(await failure(`{"modelTopology":${'['.repeat(5000)}${']'.repeat(5000)}}`)).toMatch(/nested more than 200 levels/);
    expect(await failure('[1, 2]')).toMatch(/holds no JSON object/);
    expect(await failure('{"format":"rescanvas.design","version":1}')).toMatch(/open it with Open/);
    expect(await failure('{"hello":"world"}')).toMatch(/not a tf\.js model\.json/);
  });

  it('models that are not a single-input, single-output design', async () => {
    const text = edit((j) => {
      j.modelTopology.config.layers.at(-1)!.config.activation = 'relu';
    });
    expect(await failure(text)).toMatch(/layer "probs" \(Dense\): the model must end in a Dense layer/);
    const a = tf.input({ shape: [2], name: 'a' });
    const b = tf.input({ shape: [2], name: 'b' });
    const out = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'o' }).apply(tf.layers.add().apply([a, b]) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const twoInputs = await saveWithTfjs(tf.model({ inputs: [a, b], outputs: out }));
    expect(await failure(twoInputs.modelJson, () => twoInputs.bin)).toMatch(/the model has 2 inputs/);
  });
});

describe('export refuses weights that do not fit', () => {
  it('names missing, extra, mis-shaped and mis-typed weights', async () => {
    const design = exampleDesigns()['projection-shortcut.rescanvas.json'];
    const good = new Map<string, WeightArray>([['dense_1/kernel', { shape: [2, 32], dtype: 'float32', data: new Float32Array(64) }]]);
    good.set('stray/kernel', { shape: [1], dtype: 'float32', data: new Float32Array(1) });
    good.set('dense_1/bias', { shape: [31], dtype: 'float32', data: new Float32Array(31) });
    const error = await exportTfjsModel(design, tf, good).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeightsError);
    const message = (error as Error).message;
    expect(message).toMatch(/"dense_2\/kernel" is missing \(expected shape \[32, 64\]\)/);
    expect(message).toMatch(/"dense_1\/bias" has shape \[31\]; the model expects \[32\]/);
    expect(message).toMatch(/"stray\/kernel" is not a weight of this model/);
    expect(() =>
      packWeights([{ name: 'a', shape: [2], dtype: 'float32' }], new Map([['a', { shape: [2], dtype: 'int32' as 'float32', data: new Float32Array(2) }]])),
    ).toThrow(/dtype int32/);
  });
});
