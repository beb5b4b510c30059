import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, startWasm, planFor, pointBatch } from './engineTestSupport';
import { DesignBuilder } from '../../../src/graph/builder';
import { evaluatePlan, type LabelledData } from '../../../src/engine/evaluate';
import { targetsFor } from '../../../src/engine/loss';
import { filterNormalized, lossLandscape, LandscapeStopped, roughness } from '../../../src/engine/landscape';

beforeAll(startWasm);

function mlp() {
  const b = new DesignBuilder('landscape mlp');
  let x = b.add('Dense', { units: 16, activation: 'relu' }, { from: b.add('Input', { shape: [2] }) });
  x = b.add('Add', {}, { from: [x, b.add('Dense', { units: 16, activation: 'relu' }, { from: x })] });
  b.add('Output', { units: 2 }, { from: x });
  return planFor(b.build());
}

function data(count: number): LabelledData {
  const { x, y } = pointBatch(count);
  return { x: tf.tensor2d(x, [count, 2]), targets: targetsFor(tf, y, 2), labels: tf.tensor1d(y, 'int32'), count };
}

describe('loss landscape', () => {
  let net: ReturnType<typeof mlp>;
  let points: LabelledData;
  beforeAll(() => {
    net = mlp();
    points = data(64);
  });
  afterAll(() => {
    net.dispose();
    tf.dispose([points.x, points.targets, points.labels]);
  });

  it('puts the trained weights at the centre and restores every weight exactly', async () => {
    const before = net.plan.weights.map((w) => Array.from(w.variable.dataSync()));
    const expected = evaluatePlan(tf, net.plan, points, 32).loss;
    const tensors = tf.memory().numTensors;
    const progress: number[] = [];
    const result = await lossLandscape(tf, net.plan, points, 32, { resolution: 5, span: 1, seed: 3 }, { onProgress: (p) => progress.push(p) });
    expect(result.coords).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(result.loss).toHaveLength(25);
    expect(result.centerLoss).toBeCloseTo(expected, 5);
    // Moving away from trained-at-init weights changes the loss somewhere on the grid.
    expect(new Set(result.loss.map((v) => v?.toFixed(4))).size).toBeGreaterThan(5);
    expect(progress).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(net.plan.weights.map((w) => Array.from(w.variable.dataSync()))).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('is the same slice for the same seed, and another for another seed', async () => {
    const settings = { resolution: 3, span: 0.5, seed: 7 };
    const a = await lossLandscape(tf, net.plan, points, 64, settings);
    const b = await lossLandscape(tf, net.plan, points, 64, settings);
    const c = await lossLandscape(tf, net.plan, points, 64, { ...settings, seed: 8 });
    expect(b.loss).toEqual(a.loss);
    expect(c.loss).not.toEqual(a.loss);
  });

  it('stops when asked, with the weights put back', async () => {
    const before = net.plan.weights.map((w) => Array.from(w.variable.dataSync()));
    let checks = 0;
    await expect(lossLandscape(tf, net.plan, points, 64, { resolution: 5, span: 1, seed: 1 }, { shouldStop: () => ++checks > 7 })).rejects.toBeInstanceOf(
      LandscapeStopped,
    );
    expect(net.plan.weights.map((w) => Array.from(w.variable.dataSync()))).toEqual(before);
  });

  it('refuses a grid without a centre point or out of range', async () => {
    await expect(lossLandscape(tf, net.plan, points, 64, { resolution: 4, span: 1, seed: 1 })).rejects.toThrow(/odd whole number/);
    await expect(lossLandscape(tf, net.plan, points, 64, { resolution: 5, span: 0, seed: 1 })).rejects.toThrow(/span/);
  });

  it('normalizes each filter of a direction to the norm of the same filter of the weights', () => {
    const kernel = tf.tensor4d(
      Array.from({ length: 3 * 3 * 2 * 4 }, (_, i) => Math.sin(i) * (1 + (i % 4))),
      [3, 3, 2, 4],
    );
    const d = filterNormalized(tf, kernel, 11);
    const norms = (t: tf.Tensor) => Array.from(tf.tidy(() => tf.sqrt(tf.sum(tf.square(t), [0, 1, 2]))).dataSync());
    const want = norms(kernel);
    norms(d).forEach((n, i) => expect(n).toBeCloseTo(want[i], 4));
    tf.dispose([kernel, d]);
  });
});

describe('roughness', () => {
  const grid = (f: (a: number, b: number) => number, n = 11) => {
    const out: number[] = [];
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) out.push(f(-1 + (2 * c) / (n - 1), -1 + (2 * r) / (n - 1)));
    return out;
  };

  it('is 0 for a bowl and high for a surface that bends both ways everywhere', () => {
    expect(
      roughness(
        grid((a, b) => 0.1 + a * a + b * b),
        11,
      ),
    ).toBe(0);
    const chaotic = roughness(
      grid((a, b) => 1 + 0.5 * Math.sin(17 * a) * Math.cos(13 * b)),
      11,
    );
    expect(chaotic).toBeGreaterThan(0.3);
  });

  it('counts a non-finite loss as the worst finite one rather than failing', () => {
    const values: (number | null)[] = grid((a, b) => 0.1 + a * a + b * b, 5);
    values[0] = null;
    expect(Number.isFinite(roughness(values, 5))).toBe(true);
  });
});
