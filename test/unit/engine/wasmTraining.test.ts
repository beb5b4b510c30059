import { beforeAll, describe, expect, it } from 'vitest';
import { randomSource, randomValues, relativeError, startWasm, tf, valuesOn } from './wasmTestSupport';

const TOLERANCE = 1e-5;

beforeAll(startWasm);

describe('gradients through the wasm kernels equal the CPU ones', () => {
  it.each([
    { strides: 1, pad: 'same', k: 3 },
    { strides: 2, pad: 'same', k: 3 },
    { strides: 2, pad: 'valid', k: 5 },
    { strides: 2, pad: 'same', k: 1 },
  ] as const)('conv2d w.r.t. its filter and input: %o', async ({ strides, pad, k }) => {
    const next = randomSource(strides * 100 + k);
    const x = randomValues(next, [2, 9, 8, 3]);
    const w = randomValues(next, [k, k, 3, 4]);
    const gradients = () => {
      const [dx, dw] = tf.grads((input: tf.Tensor, filter: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(input as tf.Tensor4D, filter as tf.Tensor4D, strides, pad))),
      )([tf.tensor4d(x, [2, 9, 8, 3]), tf.tensor4d(w, [k, k, 3, 4])]);
      return tf.concat([tf.reshape(dx!, [-1]), tf.reshape(dw!, [-1])]);
    };
    expect(relativeError(await valuesOn('wasm', gradients), await valuesOn('cpu', gradients))).toBeLessThan(TOLERANCE);
  });

  it.each([1, 2])('depthwiseConv2d (multiplier 2) w.r.t. filter and input, stride %i', async (strides) => {
    const next = randomSource(strides);
    const x = randomValues(next, [2, 7, 8, 3]);
    const w = randomValues(next, [3, 3, 3, 2]);
    const gradients = () => {
      const [dx, dw] = tf.grads((input: tf.Tensor, filter: tf.Tensor) =>
        tf.sum(tf.square(tf.depthwiseConv2d(input as tf.Tensor4D, filter as tf.Tensor4D, strides, 'same'))),
      )([tf.tensor4d(x, [2, 7, 8, 3]), tf.tensor4d(w, [3, 3, 3, 2])]);
      return tf.concat([tf.reshape(dx!, [-1]), tf.reshape(dw!, [-1])]);
    };
    expect(relativeError(await valuesOn('wasm', gradients), await valuesOn('cpu', gradients))).toBeLessThan(TOLERANCE);
  });

  it('gather (an embedding lookup) w.r.t. its table, with repeated rows', async () => {
    const table = randomValues(randomSource(5), [6, 4]);
    const gradient = () =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor1d([0, 3, 3, 5, 0, 0], 'int32')), tf.range(1, 25).reshape([6, 4]))))(
        tf.tensor2d(table, [6, 4]),
      );
    expect(relativeError(await valuesOn('wasm', gradient), await valuesOn('cpu', gradient))).toBeLessThan(TOLERANCE);
  });
});

describe('memory', () => {
  it('leaves tensor and backend buffer counts flat across 100 gradient steps', async () => {
    await tf.setBackend('wasm');
    const next = randomSource(9);
    const x = tf.tensor4d(randomValues(next, [2, 8, 8, 3]), [2, 8, 8, 3]);
    const filter = tf.variable(tf.tensor4d(randomValues(next, [3, 3, 3, 4]), [3, 3, 3, 4]));
    const depthwiseFilter = tf.variable(tf.tensor4d(randomValues(next, [3, 3, 3, 1]), [3, 3, 3, 1]));
    const table = tf.variable(tf.tensor2d(randomValues(next, [5, 3]), [5, 3]));
    const ids = tf.tensor1d([4, 0, 0, 2], 'int32');
    const rowIds = tf.tensor1d([0, 1, 1, 2, 7], 'int32');
    const optimizer = tf.train.sgd(1e-3);
    const step = () =>
      optimizer.minimize(
        () => {
          const convolved = tf.conv2d(x, filter, 2, 'same');
          const depthwise = tf.depthwiseConv2d(x, depthwiseFilter, 2, 'same');
          const embedded = tf.gather(table, ids);
          return tf.add(tf.add(tf.mean(tf.square(convolved)), tf.mean(tf.square(depthwise))), tf.mean(embedded));
        },
        false,
        [filter, depthwiseFilter, table],
      );
    step();
    const tensorsBefore = tf.memory().numTensors;
    const buffersBefore = tf.engine().backend.numDataIds();
    for (let i = 0; i < 100; i++) {
      step();
      // Also outside any tidy scope, where nothing would clean up after a kernel that leaked.
      tf.dispose(tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: x }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 3] }));
      tf.unsortedSegmentSum(table, rowIds, 3).dispose();
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
    tf.dispose([x, filter, depthwiseFilter, table, ids, rowIds]);
    optimizer.dispose();
  });
});

describe('end to end on wasm', () => {
  it('trains a small conv net with Adam: the loss falls and no tensor leaks', async () => {
    await tf.setBackend('wasm');
    const next = randomSource(42);
    // Task: is the bright blob in the left or right half of a noisy 12x12 image?
    const batch = 32;
    const images = new Float32Array(batch * 12 * 12 * 1);
    const labels = new Float32Array(batch * 2);
    for (let n = 0; n < batch; n++) {
      const right = n % 2;
      labels[n * 2 + right] = 1;
      const column = right ? 8 : 3;
      for (let i = 0; i < 144; i++) images[n * 144 + i] = (next() - 0.5) * 0.2;
      for (let r = 4; r < 8; r++) for (let c = column - 1; c <= column + 1; c++) images[n * 144 + r * 12 + c] = 1;
    }
    const x = tf.tensor4d(images, [batch, 12, 12, 1]);
    const y = tf.tensor2d(labels, [batch, 2]);
    // Uniform He-style scale so the ReLUs neither die nor blow up at the start.
    const scaled = (shape: number[], fanIn: number) => randomValues(next, shape).map((v) => v * Math.sqrt(6 / fanIn));
    const w1 = tf.variable(tf.tensor4d(scaled([3, 3, 1, 8], 9), [3, 3, 1, 8]));
    const w2 = tf.variable(tf.tensor4d(scaled([3, 3, 8, 16], 72), [3, 3, 8, 16]));
    const dense = tf.variable(tf.tensor2d(scaled([16, 2], 16), [16, 2]));
    const bias = tf.variable(tf.zeros([2]));
    const optimizer = tf.train.adam(1e-2);
    const loss = (): tf.Scalar => {
      const h1 = tf.relu(tf.conv2d(x, w1, 1, 'same'));
      const h2 = tf.relu(tf.conv2d(h1, w2, 2, 'same'));
      const pooled = tf.mean(h2, [1, 2]);
      return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(pooled, dense), bias));
    };
    const losses: number[] = [];
    const counts: number[] = [];
    for (let step = 0; step < 30; step++) {
      const value = optimizer.minimize(loss, true, [w1, w2, dense, bias]);
      losses.push((await value!.data())[0] ?? NaN);
      value!.dispose();
      counts.push(tf.memory().numTensors);
    }
    expect(losses[29]).toBeLessThan(losses[0]! * 0.25);
    // Adam creates its moment variables on the first step; from then on the count must not move.
    expect(new Set(counts.slice(1)).size).toBe(1);
    tf.dispose([x, y, w1, w2, dense, bias]);
    optimizer.dispose();
  });
});
