import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../../src/engine/backends/wasm';
import { randomSource, randomValues, relativeError, tf, valuesOn } from './wasmTestSupport';

// Its own file: the engine's kernels start once per wasm backend, and here they must never start.
beforeAll(async () => {
  const status = await useWasmBackend(tf, undefined, { nativeKernels: false });
  expect(status.nativeKernels).toEqual({ active: false, reason: 'turned off by the caller' });
});

describe('Conv2D on wasm without the engine’s own kernels', () => {
  it("runs through our registered kernel to tf.js' own, and matches the CPU kernel", async () => {
    expect(tf.getKernel('Conv2D', 'wasm')[Symbol.for('rescanvas.wasmTrainingKernel') as never]).toBe(true);
    const x = randomValues(randomSource(5), [2, 7, 6, 3]);
    const filter = randomValues(randomSource(6), [3, 3, 3, 8]);
    const compute = () => tf.conv2d(tf.tensor4d(x, [2, 7, 6, 3]), tf.tensor4d(filter, [3, 3, 3, 8]), [2, 1], 'same');
    expect(relativeError(await valuesOn('wasm', compute), await valuesOn('cpu', compute))).toBeLessThan(1e-5);
  });
});
