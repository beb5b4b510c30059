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

describe('the XNNPACK route matches the CPU kernel', () => {
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
    const result = await compare(() =>
      tf.batchNorm(tf.tensor4d(x, [4, 5, 6, 3]), tf.tensor4d(mean, [1, 1, 1, 3]), tf.tensor4d(variance, [1, 1, 1, 3]), undefined, undefined, 1e-3),
    );
    expect(result.error).toBeLessThan(TOLERANCE);
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const input = tf.tensor4d(x, [4, 5, 6, 3]);
    tf.dispose(tf.tidy(() => [tf.batchNorm(input, tf.tensor1d(mean), tf.tensor1d(variance), tf.tensor1d(offset), tf.tensor1d(scale))]));
    input.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gradients through batchNorm and mean still flow', async () => {
    const input = tf.tensor4d(x, [4, 5, 6, 3]);
    // Weighted so the gradient is not the same for every element.
    const weights = tf.tensor4d(randomValues(next, [4, 5, 6, 3]), [4, 5, 6, 3]);
    const loss = (t: tf.Tensor) =>
      tf.mean(tf.mul(weights, tf.batchNorm(t, tf.mean(t, [0, 1, 2]), tf.tensor1d(variance), tf.tensor1d(offset), tf.tensor1d(scale))));
    const onWasm = Float32Array.from(await tf.grad(loss)(input).data());
    const weightValues = await weights.data();
    await tf.setBackend('cpu');
    const weightsCpu = tf.tensor4d(weightValues, [4, 5, 6, 3]);
    const lossCpu = (t: tf.Tensor) =>
      tf.mean(tf.mul(weightsCpu, tf.batchNorm(t, tf.mean(t, [0, 1, 2]), tf.tensor1d(variance), tf.tensor1d(offset), tf.tensor1d(scale))));
    const onCpu = Float32Array.from(
      await tf
        .grad(lossCpu)(tf.tensor4d(x, [4, 5, 6, 3]))
        .data(),
    );
    await tf.setBackend('wasm');
    expect(relativeError(onWasm, onCpu)).toBeLessThan(TOLERANCE);
    input.dispose();
  });
});
