import { beforeAll, describe, expect, it } from 'vitest';
import { tf, startWasm, planFor, pointBatch } from './engineTestSupport';
import { DesignBuilder } from '../../../src/graph/builder';
import { cifarResNet } from '../../../src/graph/examples';
import { loadDataset } from '../../../src/engine/datasets';
import { Trainer } from '../../../src/engine/trainer';
import { targetsFor } from '../../../src/engine/loss';
import { TrainSettings } from '../../../src/schema/settings';
import { EDGE_FIELDS, GRADIENT_FIELDS, HISTOGRAM_BINS, statValue } from '../../../src/schema/stats';

beforeAll(startWasm);

/** The Input read twice (an identity shortcut around a Dense), so edges leaving it are measured too. */
function shortcutFromInput() {
  const b = new DesignBuilder('shortcut from the input');
  const input = b.add('Input', { shape: [2] });
  const branch = b.add('Dense', { units: 2, activation: 'tanh' }, { from: input });
  const sum = b.add('Add', {}, { from: [input, branch] });
  b.add('Output', { units: 2 }, { from: b.add('Dense', { units: 8, activation: 'relu' }, { from: sum }) });
  return { design: b.build(), input };
}

describe('the gradient w.r.t. the Input in a stats frame', () => {
  it('is finite and equals tf.grad of the loss w.r.t. the batch, computed on the LayersModel', async () => {
    const { design, input } = shortcutFromInput();
    const { plan, model, dispose } = planFor(design, 2);
    const dataset = await loadDataset({ kind: 'twoMoons', size: 64 });
    const trainer = new Trainer(
      tf,
      plan,
      dataset,
      TrainSettings.parse({ dataset: { kind: 'twoMoons', size: 64 }, instrumentation: { cadence: 'everyStep' } }),
      'in',
      {},
    );
    const batch = pointBatch(48);
    const x = tf.tensor2d(batch.x, [48, 2]);
    const targets = targetsFor(tf, batch.y, 2);
    const labels = tf.tensor1d(batch.y, 'int32');

    trainer.trainStep(x, targets, labels, true); // creates the optimizer's slots, so the count below is flat

    // Independently: the LayersModel (its softmax output and a hand-written cross-entropy), before the step updates the weights.
    const expected = tf.tidy(() =>
      tf
        .grad((xs: tf.Tensor) => {
          const p = model.apply(xs, { training: true }) as tf.Tensor;
          return tf.mean(tf.neg(tf.sum(tf.mul(targets, tf.log(p)), -1)));
        })(x)
        .dataSync(),
    );
    const before = tf.memory().numTensors;
    const { frame } = trainer.trainStep(x, targets, labels, true);
    expect(tf.memory().numTensors).toBe(before);
    if (!frame) throw new Error('an instrumented step returned no frame');

    const row = frame.nodes.ids.indexOf(input);
    expect(row).toBeGreaterThanOrEqual(0);
    const got = (field: (typeof GRADIENT_FIELDS)[number]) => statValue(frame.nodes.gradient, GRADIENT_FIELDS, row, field);
    const values = Array.from(expected);
    const sumSquares = values.reduce((s, v) => s + v * v, 0);
    const maxAbs = Math.max(...values.map(Math.abs));
    expect(maxAbs).toBeGreaterThan(0);
    for (const field of GRADIENT_FIELDS) expect(Number.isFinite(got(field))).toBe(true);
    const relative = (actual: number, wanted: number) => Math.abs(actual - wanted) / wanted;
    expect(relative(got('l2Norm'), Math.sqrt(sumSquares))).toBeLessThan(1e-4);
    expect(relative(got('rms'), Math.sqrt(sumSquares / values.length))).toBeLessThan(1e-4);
    expect(relative(got('maxAbs'), maxAbs)).toBeLessThan(1e-4);

    const histogram = frame.nodes.gradientHistogram.subarray(row * HISTOGRAM_BINS, (row + 1) * HISTOGRAM_BINS);
    const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
    for (const v of values) counts[Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor(((v + maxAbs) / (2 * maxAbs)) * HISTOGRAM_BINS)))] += 1 / values.length;
    // A value on a bin edge may land either side in float32: allow one value's worth per bin.
    histogram.forEach((fraction, bin) => expect(Math.abs(fraction - counts[bin])).toBeLessThanOrEqual(1 / values.length + 1e-6));

    // Both edges leaving the Input now carry a gradient, and they add up to the Input's.
    const leaving = plan.edges.filter((e) => e.source === input).map((e) => frame.edges.ids.indexOf(e.id));
    expect(leaving).toHaveLength(2);
    for (const r of leaving) expect(statValue(frame.edges.gradient, EDGE_FIELDS, r, 'l2Norm')).toBeGreaterThan(0);

    trainer.dispose();
    for (const t of [x, targets, labels]) t.dispose();
    dispose();
  });

  it('is NaN only when the trainer is told not to measure it', async () => {
    const { design, input } = shortcutFromInput();
    const { plan, dispose } = planFor(design, 2);
    const dataset = await loadDataset({ kind: 'twoMoons', size: 64 });
    const trainer = new Trainer(tf, plan, dataset, TrainSettings.parse({ dataset: { kind: 'twoMoons', size: 64 } }), 'off', {}, undefined, {
      inputGradient: false,
    });
    const batch = pointBatch(16);
    const x = tf.tensor2d(batch.x, [16, 2]);
    const targets = targetsFor(tf, batch.y, 2);
    const labels = tf.tensor1d(batch.y, 'int32');
    const { frame } = trainer.trainStep(x, targets, labels, true);
    if (!frame) throw new Error('an instrumented step returned no frame');
    expect(statValue(frame.nodes.gradient, GRADIENT_FIELDS, frame.nodes.ids.indexOf(input), 'rms')).toBeNaN();
    trainer.dispose();
    for (const t of [x, targets, labels]) t.dispose();
    dispose();
  });

  it('is measured through a first convolution on the wasm backend (ResNet-8 on 16×16 images)', async () => {
    const design = cifarResNet(1, { classes: 3, inputShape: [16, 16, 3] });
    const { plan, dispose } = planFor(design, 3);
    const dataset = await loadDataset({ kind: 'twoMoons', size: 16 });
    const trainer = new Trainer(tf, plan, dataset, TrainSettings.parse({ dataset: { kind: 'twoMoons', size: 16 } }), 'conv', {});
    const x = tf.randomNormal([4, 16, 16, 3], 0, 1, 'float32', 5);
    const labelValues = Int32Array.from([0, 1, 2, 1]);
    const targets = targetsFor(tf, labelValues, 3);
    const labels = tf.tensor1d(labelValues, 'int32');
    const { frame } = trainer.trainStep(x, targets, labels, true);
    if (!frame) throw new Error('an instrumented step returned no frame');
    const row = frame.nodes.ids.indexOf(plan.inputNodeId);
    for (const field of GRADIENT_FIELDS) expect(statValue(frame.nodes.gradient, GRADIENT_FIELDS, row, field)).toBeGreaterThan(0);
    trainer.dispose();
    for (const t of [x, targets, labels]) t.dispose();
    dispose();
  });
});
