import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineSession } from '../../src/engine/session';
import { selectBackend } from '../../src/engine/backends/select';
import { portableCandidates } from '../../src/engine/backends/portable';
import { DesignBuilder } from '../../src/graph/builder';
import { compileDesign } from '../../src/compile/toTfjs';
import { exportDesign } from '../../src/export';
import { exportPytorchPackage, weightsFromLayers } from '../../src/export/pytorch';
import { PROTOCOL_VERSION, type BackendReport, type FromEngine } from '../../src/protocol/messages';
import type { Design } from '../../src/graph/design';

/**
 * The schema's deepest design: a repeat group of 10,000 small residual blocks (20,003 layers once
 * unrolled). tf.js' LayersModel construction recurses once per layer and overflowed the stack here;
 * training runs the plan and exports serialize iteratively, so both must work at this depth.
 */
function deepest(): Design {
  const b = new DesignBuilder('Deepest');
  const input = b.add('Input', { shape: [2] });
  const stem = b.add('Dense', { units: 4, activation: 'linear' }, { from: input });
  // Zero-initialized branches keep 10,000 residual additions finite at the first step.
  const exit = b.repeat(10_000, () => {
    const branch = b.add('Dense', { units: 4, activation: 'relu', kernelInitializer: 'zeros' }, { id: 'branch', from: stem });
    return b.add('Add', {}, { id: 'join', from: [branch, stem] });
  });
  b.add('Output', { units: 2 }, { from: exit });
  return b.build();
}

let backend: BackendReport;
beforeAll(async () => {
  backend = await selectBackend(portableCandidates(tf), 'wasm');
});

const design = deepest();

describe('a 10,000-block design', { timeout: 1_200_000 }, () => {
  it('trains a step on the engine', async () => {
    const messages: FromEngine[] = [];
    const session = new EngineSession(tf, { backend, statsMaxInFlight: Infinity, post: (m) => messages.push(m) });
    await session.handle({ v: PROTOCOL_VERSION, type: 'loadDesign', design });
    const loaded = messages.find((m) => m.type === 'designLoaded');
    expect(messages.filter((m) => m.type === 'error')).toEqual([]);
    expect(loaded?.type === 'designLoaded' && loaded.nodeCount).toBe(20_003);
    await session.handle({
      v: PROTOCOL_VERSION,
      type: 'start',
      runId: 'deep',
      settings: { dataset: { kind: 'spirals', size: 10, validationFraction: 0.2 }, epochs: 1, batchSize: 8, optimizer: { name: 'sgd', learningRate: 1e-3 } },
    });
    await session.idle();
    session.dispose();
    expect(messages.filter((m) => m.type === 'error')).toEqual([]);
    const done = messages.find((m) => m.type === 'done');
    expect(done?.type === 'done' && done.reason).toBe('completed');
    expect(done?.type === 'done' && done.steps).toBe(1);
    expect(done?.type === 'done' && Number.isFinite(done.loss)).toBe(true);
  });

  it('exports as tf.js, Keras and PyTorch', async () => {
    const tfjs = await exportDesign('tfjs', design, tf);
    const model = JSON.parse(tfjs.files.find((f) => f.name === 'model.json')?.data as string) as {
      modelTopology: { config: { layers: unknown[] } };
      weightsManifest: { weights: unknown[] }[];
    };
    expect(model.modelTopology.config.layers).toHaveLength(20_003);
    expect(model.weightsManifest[0].weights).toHaveLength(2 * 10_001 + 2);
    const keras = await exportDesign('keras', design, tf);
    expect(JSON.parse(keras.files.find((f) => f.name === 'keras_model.json')?.data as string).class_name).toBe('Functional');
    const compiled = compileDesign(design, tf);
    const files = exportPytorchPackage(design, weightsFromLayers(compiled.nodeLayers)).files;
    compiled.dispose();
    expect(files.map((f) => f.name)).toContain('model.py');
  });
});
