/**
 * tf.js 4.22's wasm MaxPoolGrad sends no gradient from a window whose values are all negative; the
 * plan's MaxPool2D must give the CPU backend's (and TensorFlow's) gradient on wasm all the same.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { tf, startWasm } from './engineTestSupport';
import { compileDesign } from '../../../src/compile/toTfjs';
import { buildPlan, runPlan } from '../../../src/engine/plan/plan';
import { seedKernels } from '../../../src/engine/initialize';
import { batchLoss, targetsFor } from '../../../src/engine/loss';
import { DesignBuilder } from '../../../src/graph/builder';

afterAll(startWasm);

function convNet() {
  const b = new DesignBuilder('max pool after a linear conv');
  const conv = b.add(
    'Conv2D',
    { filters: 4, kernelSize: 3, strides: 1, padding: 'same', activation: 'linear' },
    { from: b.add('Input', { shape: [8, 8, 3] }) },
  );
  const pool = b.add('MaxPool2D', { poolSize: 3, strides: 2, padding: 'same' }, { from: conv });
  b.add('Output', { units: 5 }, { from: b.add('Flatten', {}, { from: pool }) });
  return b.build();
}

async function gradientNorms(backend: 'cpu' | 'wasm'): Promise<Record<string, number>> {
  if (backend === 'wasm') await startWasm();
  else await tf.setBackend('cpu');
  const compiled = compileDesign(convNet(), tf);
  const plan = buildPlan(compiled);
  seedKernels(tf, plan, compiled.graph, 1);
  const norms = tf.tidy(() => {
    // Inputs centred below zero, so many pooling windows hold only negative values.
    const x = tf.sub(tf.randomUniform([6, 8, 8, 3], 0, 1, 'float32', 1), 0.8);
    const targets = targetsFor(
      tf,
      Int32Array.from({ length: 6 }, (_, i) => i % 5),
      5,
    );
    const { grads } = tf.variableGrads(
      () => batchLoss(tf, plan.loss, runPlan(tf, plan, x, { training: true, seed: 1 }), plan.outputActivation, targets) as tf.Scalar,
      plan.trainable,
    );
    return Object.fromEntries(plan.weights.filter((w) => grads[w.variable.name]).map((w) => [w.id, tf.norm(grads[w.variable.name]).dataSync()[0]]));
  });
  compiled.dispose();
  return norms;
}

describe('MaxPool2D gradient on wasm', () => {
  it('equals the CPU backend’s, windows of negative values included', async () => {
    const cpu = await gradientNorms('cpu');
    const wasm = await gradientNorms('wasm');
    expect(Object.keys(wasm)).toEqual(Object.keys(cpu));
    for (const id of Object.keys(cpu)) expect(wasm[id], id).toBeCloseTo(cpu[id], 4);
    expect(cpu['conv2d_1/kernel']).toBeGreaterThan(0);
  });
});
