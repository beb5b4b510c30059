import { beforeAll, describe, expect, it } from 'vitest';
import { tf, startWasm } from './engineTestSupport';
import { nodeOp, type NodeWeights } from '../../../src/engine/plan/ops';
import type { DesignNode } from '../../../src/graph/design';
import { BATCH_NORM, BATCH_NORM_GRAD, HEAP_KERNEL_MAX_SIZE, LAYER_NORM, LAYER_NORM_GRAD } from '../../../src/engine/backends/wasmNormKernels';

beforeAll(startWasm);

/** The textbook forms, differentiated op by op by tf.js: what the closed-form gradients must equal. */
const reference = {
  batchNorm: (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number) => {
    const { mean, variance } = tf.moments(
      x,
      x.shape.slice(0, -1).map((_, i) => i),
    );
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
  },
  layerNorm: (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
  },
};

function maxRelative(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.div(tf.max(tf.abs(tf.sub(a, b))), tf.add(tf.max(tf.abs(b)), 1e-12)).dataSync()[0]);
}

describe('BatchNorm and LayerNorm in training mode, with their closed-form gradients', () => {
  const cases: { kind: 'BatchNorm' | 'LayerNorm'; shape: number[] }[] = [
    { kind: 'BatchNorm', shape: [16, 6] },
    { kind: 'BatchNorm', shape: [4, 5, 3, 7] },
    // Channel counts that reach the wasm kernel's vector path, its scalar tail, and both.
    { kind: 'BatchNorm', shape: [8, 4, 4, 32] },
    { kind: 'BatchNorm', shape: [3, 3, 2, 37] },
    { kind: 'BatchNorm', shape: [5, 3] },
    { kind: 'LayerNorm', shape: [16, 6] },
    { kind: 'LayerNorm', shape: [3, 4, 5] },
    // Above HEAP_KERNEL_MAX_SIZE values the ops run one by one instead of as wasm heap kernels.
    { kind: 'BatchNorm', shape: [128, 32, 17] },
    { kind: 'LayerNorm', shape: [256, 300] },
  ];
  it.each(cases)('$kind on $shape: the same values, input and parameter gradients and running averages as autodiff', ({ kind, shape }) => {
    const channels = shape[shape.length - 1];
    const seed = shape.length * 10 + channels;
    const x = tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), 3), 1.5);
    const upstream = tf.randomNormal(shape, 0, 1, 'float32', seed + 1);
    const weights: NodeWeights = {
      gamma: tf.variable(tf.randomUniform([channels], 0.5, 1.5, 'float32', seed + 2)),
      beta: tf.variable(tf.randomNormal([channels], 0, 1, 'float32', seed + 3)),
      movingMean: tf.variable(tf.zeros([channels]), false),
      movingVariance: tf.variable(tf.ones([channels]), false),
    };
    const gamma = weights.gamma as tf.Variable;
    const beta = weights.beta as tf.Variable;
    const epsilon = 1e-3;
    const node = (kind === 'BatchNorm' ? { type: 'BatchNorm', params: { momentum: 0.99, epsilon } } : { type: 'LayerNorm', params: { epsilon } }) as DesignNode;
    const op = nodeOp(node, weights, 'norm');
    const run = (f: (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
      tf.grads((xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(xs, g, b), upstream)))([x, gamma, beta]);
    const before = tf.memory().numTensors;
    const differences = tf.tidy(() => {
      const ours = run((xs) => op([xs], { tf, training: true, dropoutSeed: 0 }));
      const theirs = run((xs, g, b) => reference[kind === 'BatchNorm' ? 'batchNorm' : 'layerNorm'](xs, g, b, epsilon));
      const value = maxRelative(
        op([x], { tf, training: true, dropoutSeed: 0 }),
        reference[kind === 'BatchNorm' ? 'batchNorm' : 'layerNorm'](x, gamma, beta, epsilon),
      );
      const gradients = ours.map((g, i) => maxRelative(g, theirs[i]));
      if (kind !== 'BatchNorm') return { value, gradients, running: [0, 0] };
      // Two training passes above moved the running averages by 1 − momentum each time towards the batch's moments.
      const { mean, variance } = tf.moments(
        x,
        shape.slice(0, -1).map((_, i) => i),
      );
      const running = [
        maxRelative(weights.movingMean as tf.Tensor, tf.mul(mean, 1 - 0.99 ** 2)),
        maxRelative(weights.movingVariance as tf.Tensor, tf.add(tf.mul(variance, 1 - 0.99 ** 2), 0.99 ** 2)),
      ];
      return { value, gradients, running };
    });
    expect(tf.memory().numTensors - before).toBe(0);
    expect(differences.value).toBeLessThan(1e-5);
    ['x', 'gamma', 'beta'].forEach((name, i) => expect(differences.gradients[i], `gradient w.r.t. ${name}`).toBeLessThan(1e-4));
    differences.running.forEach((d) => expect(d).toBeLessThan(1e-5));
    [x, upstream, gamma, beta, weights.movingMean, weights.movingVariance].forEach((t) => t?.dispose());
  });
});

describe('which route a training-mode norm takes on wasm', () => {
  it.each([
    ['BatchNorm', [BATCH_NORM, BATCH_NORM_GRAD]],
    ['LayerNorm', [LAYER_NORM, LAYER_NORM_GRAD]],
  ] as const)('%s: its two heap kernels up to HEAP_KERNEL_MAX_SIZE values, the ops above it', async (kind, heapKernels) => {
    const channels = 8;
    const weights: NodeWeights = {
      gamma: tf.variable(tf.ones([channels])),
      beta: tf.variable(tf.zeros([channels])),
      movingMean: tf.variable(tf.zeros([channels]), false),
      movingVariance: tf.variable(tf.ones([channels]), false),
    };
    const node = (
      kind === 'BatchNorm' ? { type: 'BatchNorm', params: { momentum: 0.99, epsilon: 1e-3 } } : { type: 'LayerNorm', params: { epsilon: 1e-3 } }
    ) as DesignNode;
    const op = nodeOp(node, weights, 'norm');
    const kernelsFor = async (rows: number) => {
      const x = tf.randomNormal([rows, channels], 0, 1, 'float32', rows);
      const profile = await tf.profile(() => tf.tidy(() => tf.grad((xs: tf.Tensor) => tf.sum(op([xs], { tf, training: true, dropoutSeed: 0 })))(x)));
      x.dispose();
      return new Set(profile.kernels.map((k) => k.name));
    };
    const small = await kernelsFor(16);
    const large = await kernelsFor(HEAP_KERNEL_MAX_SIZE / channels + 1);
    for (const name of heapKernels) {
      expect(small.has(name), name).toBe(true);
      expect(large.has(name), name).toBe(false);
    }
    Object.values(weights).forEach((t) => t?.dispose());
  });
});
