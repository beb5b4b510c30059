import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmChannelKernels } from '../../../src/engine/backends/wasmChannelKernels';
import { randomSource, randomValues, relativeError, startWasm, tf, valuesOn } from './wasmTestSupport';

beforeAll(startWasm);

const TOLERANCE = 1e-5;

/** The same op on wasm (our routes) and on the CPU backend (tf.js' reference kernels). */
async function compare(compute: () => tf.Tensor): Promise<{ error: number; shape: number[]; cpuShape: number[] }> {
  const onWasm = await valuesOn('wasm', compute);
  const shape = await shapeOn('wasm', compute);
  const onCpu = await valuesOn('cpu', compute);
  const cpuShape = await shapeOn('cpu', compute);
  await tf.setBackend('wasm');
  return { error: relativeError(onWasm, onCpu), shape, cpuShape };
}

async function shapeOn(backend: 'wasm' | 'cpu', compute: () => tf.Tensor): Promise<number[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => compute().shape);
}

describe('registerWasmChannelKernels', () => {
  it('has replaced FusedBatchNorm, Sum and Mean once the backend started, keeping their setup, and is idempotent', () => {
    for (const name of ['FusedBatchNorm', 'Sum', 'Mean']) {
      expect(tf.getKernel(name, 'wasm')?.setupFunc, `${name} keeps the native setupFunc its fallback needs`).toBeTypeOf('function');
    }
    expect(registerWasmChannelKernels(tf)).toEqual([]);
  });
});

describe('the XNNPACK routes match the CPU kernels', () => {
  const next = randomSource(7);
  const x = randomValues(next, [4, 5, 6, 3]);
  const channel = () => randomValues(next, [3]);
  const [mean, variance, offset, scale] = [channel(), channel().map((v) => Math.abs(v) + 0.1), channel(), channel()];

  it.each([
    ['scale and offset', true, true],
    ['no scale', false, true],
    ['no offset', true, false],
    ['neither', false, false],
  ])('batchNorm with %s', async (_, withScale, withOffset) => {
    const result = await compare(() =>
      tf.batchNorm(
        tf.tensor4d(x, [4, 5, 6, 3]),
        tf.tensor1d(mean),
        tf.tensor1d(variance),
        withOffset ? tf.tensor1d(offset) : undefined,
        withScale ? tf.tensor1d(scale) : undefined,
        1e-3,
      ),
    );
    expect(result.error).toBeLessThan(TOLERANCE);
  });

  it('batchNorm with rank-4 statistics, as tf.moments(…, keepDims) makes them', async () => {
    const result = await compare(() => tf.batchNorm(tf.tensor4d(x, [4, 5, 6, 3]), tf.tensor4d(mean, [1, 1, 1, 3]), tf.tensor4d(variance, [1, 1, 1, 3]), undefined, undefined, 1e-3));
    expect(result.error).toBeLessThan(TOLERANCE);
  });

  it.each([
    ['leading axes', [0, 1, 2], false],
    ['leading axes, kept', [0, 1, 2], true],
    ['leading axes, negative and unordered', [1, -4], false],
    ['the first axis only', 0, false],
    ['trailing axes (native)', [2, 3], false],
    ['scattered axes (native)', [0, 2], true],
    ['every axis (native)', [0, 1, 2, 3], false],
  ] as const)('sum and mean over %s', async (_, axis, keepDims) => {
    for (const op of [tf.sum, tf.mean]) {
      const result = await compare(() => op(tf.tensor4d(x, [4, 5, 6, 3]), axis as number | number[], keepDims));
      expect(result.shape).toEqual(result.cpuShape);
      expect(result.error, op.name).toBeLessThan(TOLERANCE);
    }
  });

  it('integer sums stay on the native kernel and exact', async () => {
    const ints = tf.tidy(() => tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0));
    expect(ints.dtype).toBe('int32');
    expect(Array.from(await ints.data())).toEqual([9, 12]);
    ints.dispose();
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const input = tf.tensor4d(x, [4, 5, 6, 3]);
    tf.dispose(tf.tidy(() => [tf.sum(input, [0, 1, 2]), tf.mean(input, [0, 1]), tf.batchNorm(input, tf.tensor1d(mean), tf.tensor1d(variance), tf.tensor1d(offset), tf.tensor1d(scale))]));
    input.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gradients through batchNorm and mean still flow', async () => {
    const input = tf.tensor4d(x, [4, 5, 6, 3]);
    // Weighted so the gradient is not the same for every element.
    const weights = tf.tensor4d(randomValues(next, [4, 5, 6, 3]), [4, 5, 6, 3]);
    const loss = (t: tf.Tensor) => tf.mean(tf.mul(weights, tf.batchNorm(t, tf.mean(t, [0, 1, 2]), tf.tensor1d(variance), tf.tensor1d(offset), tf.tensor1d(scale))));
    const onWasm = Float32Array.from(await tf.grad(loss)(input).data());
    const weightValues = await weights.data();
    await tf.setBackend('cpu');
    const weightsCpu = tf.tensor4d(weightValues, [4, 5, 6, 3]);
    const lossCpu = (t: tf.Tensor) => tf.mean(tf.mul(weightsCpu, tf.batchNorm(t, tf.mean(t, [0, 1, 2]), tf.tensor1d(variance), tf.tensor1d(offset), tf.tensor1d(scale))));
    const onCpu = Float32Array.from(await tf.grad(lossCpu)(tf.tensor4d(x, [4, 5, 6, 3])).data());
    await tf.setBackend('wasm');
    expect(relativeError(onWasm, onCpu)).toBeLessThan(TOLERANCE);
    input.dispose();
  });
});
