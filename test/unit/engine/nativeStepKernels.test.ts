import { beforeAll, describe, expect, it } from 'vitest';
import { tf, startWasm } from './engineTestSupport';
import { trainingBatchNormKernels } from '../../../src/engine/backends/wasmKernels';
import { RELU_GRADIENT } from '../../../src/engine/backends/wasmKernels/reluGradient';
import { HEAP_KERNEL_MAX_SIZE } from '../../../src/engine/backends/wasmNormKernels';
import { nodeOp } from '../../../src/engine/plan/ops';
import type { DesignNode } from '../../../src/graph/design';
import { elementwiseBothWays, randomSource, randomValues, reluGradientBothWays } from './wasmTestSupport';

beforeAll(startWasm);

/** Values that reach every branch of dy·step(x): NaN, ±0, negatives under a negative dy (−0 out). */
function reluCase(size: number, seed: number): { x: Float32Array; dy: Float32Array } {
  const x = randomValues(randomSource(seed), [size]);
  const dy = randomValues(randomSource(seed + 1), [size]);
  x[0] = Number.NaN;
  x[1] = 0;
  x[2] = -0;
  x[size - 1] = Number.NaN;
  return { x, dy };
}

describe("the engine's own kernels for a training step's elementwise parts (single thread)", () => {
  it.each([7, 4099, 16384 * 3 + 5])("ReLU's gradient over %i values is bit for bit Step then Multiply", (size) => {
    const { x, dy } = reluCase(size, size);
    const [ours, theirs] = reluGradientBothWays(x, dy);
    expect(ours).toEqual(theirs);
  });

  it.each([7, 4099, 16384 * 3 + 5])("ReLU and Add over %i values are bit for bit tf.js' Relu and Add, NaN, ±0, ±∞ and subnormals included", (size) => {
    const { x, dy: b } = reluCase(size, size + 7);
    const edges = [Number.NaN, -0, 0, Infinity, -Infinity, 1e-45, -1e-45, -1, 3.5];
    edges.forEach((v, i) => {
      x[3 + i] = v;
      // Every pairing of edges with each other in the sum: ∞ + −∞, −0 + −0, NaN + ∞.
      b[3 + i] = edges[(i * 5) % edges.length] ?? 0;
    });
    const { relu, add } = elementwiseBothWays(x, b);
    expect(relu[0]).toEqual(relu[1]);
    expect(add[0]).toEqual(add[1]);
  });

  it('a ReLU node above the heap kernels takes the native gradient, with the same input gradient as tf.relu and no tensors left', async () => {
    const shape = [5, 32, 32, 16];
    expect(shape.reduce((a, b) => a * b, 1)).toBeGreaterThan(HEAP_KERNEL_MAX_SIZE);
    const { x, dy } = reluCase(5 * 32 * 32 * 16, 41);
    const op = nodeOp({ type: 'Activation', params: { activation: 'relu' } } as DesignNode, {}, 'relu');
    const input = tf.tensor(x, shape);
    const upstream = tf.tensor(dy, shape);
    const before = tf.memory().numTensors;
    // What a training step holds for its gradients, released when the step ends.
    const held: tf.Tensor[] = [];
    const hold = (tensors: tf.Tensor[]) => tensors.forEach((t) => t !== input && !t.kept && held.push(tf.keep(t)));
    const profile = await tf.profile(() =>
      tf.tidy(() => {
        const ours = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(op([v], { tf, training: true, dropoutSeed: 0, hold }), upstream)))(input);
        const theirs = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), upstream)))(input);
        expect(ours.dataSync()).toEqual(theirs.dataSync());
      }),
    );
    tf.dispose(held);
    expect(tf.memory().numTensors).toBe(before);
    expect(profile.kernels.map((k) => k.name)).toContain(RELU_GRADIENT);
    input.dispose();
    upstream.dispose();
  });

  it("BatchNorm's forward kernel takes the running averages' step with the numbers of tf.js' three ops", () => {
    const shape = [16, 8, 8, 21];
    const decay = 1 - 0.9;
    const kernels = trainingBatchNormKernels(tf, tf.zeros(shape));
    if (kernels === null) throw new Error('the native BatchNorm kernels are not running');
    const [ours, theirs] = tf.tidy(() => {
      const input = tf.tensor(
        randomValues(randomSource(51), shape).map((v) => 2 * v - 0.7),
        shape,
      );
      const movingMean = tf.tensor(randomValues(randomSource(52), [21]));
      const movingVariance = tf.tensor(randomValues(randomSource(53), [21]).map((v) => 1 + Math.abs(v)));
      const [, mean, variance, nextMean, nextVariance] = kernels.forward(input, tf.ones([21]), tf.zeros([21]), movingMean, movingVariance, 1e-3, decay);
      const step = (moving: tf.Tensor, batch: tf.Tensor) => tf.sub(moving, tf.mul(tf.sub(moving, batch), decay));
      return [
        [nextMean, nextVariance].map((t) => t.dataSync().slice()),
        [step(movingMean, mean), step(movingVariance, variance)].map((t) => t.dataSync().slice()),
      ];
    });
    expect(ours).toEqual(theirs);
  });
});
