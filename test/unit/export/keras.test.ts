import { beforeAll, describe, expect, it } from 'vitest';
import { importModel } from '../../../src/import';
import { exportKeras, exportTfjsModel, KERAS_MANIFEST_FILE, KERAS_MODEL_FILE, TFJS_WEIGHTS_FILE } from '../../../src/export';
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
    const topology = JSON.parse(fileText(bundle.files, KERAS_MODEL_FILE)) as { class_name: string; config: { layers: Record<string, unknown>[]; input_layers: unknown; output_layers: unknown }; module?: string };
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
    expect(conv.config.kernel_initializer).toEqual({ class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal', seed: null } });
    expect(conv.inbound_nodes).toEqual([[['input_1', 0, 0, {}]]]);
    const manifest = JSON.parse(fileText(bundle.files, KERAS_MANIFEST_FILE)) as { paths: string[]; weights: { name: string }[] }[];
    expect(manifest[0].paths).toEqual(['weights.bin']);
    expect(manifest[0].weights[0].name).toBe('conv2d_1/kernel');
  });

  it('with keras3 adds module/registered_name and Keras-3 argument names', async () => {
    const design = exampleDesigns()['projection-shortcut.rescanvas.json'];
    const bundle = await exportKeras(design, tf, undefined, { keras3: true });
    const topology = JSON.parse(fileText(bundle.files, KERAS_MODEL_FILE)) as { module: string; class_name: string; registered_name: string; config: { layers: Record<string, unknown>[] } };
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
      const imported = await importModel({ text: fileText(bundle.files, KERAS_MODEL_FILE), fileName: 'keras_model.json', weightsManifestText: fileText(bundle.files, KERAS_MANIFEST_FILE), readFile: () => bin });
      expect(imported.kind).toBe('keras');
      expect(imported.design.nodes.map((n) => [n.id, n.type, n.params])).toEqual(design.nodes.map((n) => [n.id, n.type, n.params]));
      const again = await exportTfjsModel(imported.design, tf, imported.weights ?? undefined);
      expect(Buffer.from(fileBytes(again.files, TFJS_WEIGHTS_FILE)).equals(Buffer.from(bin))).toBe(true);
    }
  });
});
