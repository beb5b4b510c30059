import { beforeAll, describe, expect, it } from 'vitest';
import { tf, startWasm } from './engineTestSupport';
import { BIAS_GRAD, BIAS_RELU, type BiasGradAttrs } from '../../../src/engine/backends/wasmNormKernels';

beforeAll(startWasm);

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(t.dataSync().slice().buffer));
const run = (name: string, inputs: tf.NamedTensorMap, attrs: object = {}) => tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor[];

/** The Dense layer's heap kernels stand in for tf.js ops on the held-tensor path: they must give the ops' exact bits. */
describe("a Dense layer's wasm heap kernels", () => {
  // Signed zeros and NaN where they decide a ReLU or its mask; the rest random.
  const pre = () => {
    const values = Array.from(tf.randomNormal([12, 5], 0, 1, 'float32', 7).dataSync());
    values.splice(0, 4, -0, 0, NaN, -1e-30);
    return tf.tensor2d(values, [12, 5]);
  };

  it('bias + ReLU equals Add then Relu, bit for bit', () => {
    tf.tidy(() => {
      const x = pre();
      const bias = tf.tensor1d([0, -0, 0.5, -0.25, 1e-3]);
      expect(bits(run(BIAS_RELU, { x, bias })[0])).toEqual(bits(tf.relu(tf.add(x, bias))));
    });
  });

  it('the masked dy and the bias gradient equal Mul(dy, Step(pre)) and Sum(·, 0), bit for bit', () => {
    tf.tidy(() => {
      const p = pre();
      const dy = tf.randomNormal([12, 5], 0, 1, 'float32', 8);
      const attrs: BiasGradAttrs = { relu: true, bias: true };
      const [masked, summed] = run(BIAS_GRAD, { dy, pre: p }, attrs);
      const want = tf.mul(dy, tf.step(p));
      expect(bits(masked)).toEqual(bits(want));
      expect(bits(summed)).toEqual(bits(tf.sum(want, 0)));
      const [plain] = run(BIAS_GRAD, { dy }, { relu: false, bias: true } satisfies BiasGradAttrs);
      expect(bits(plain)).toEqual(bits(tf.sum(dy, 0)));
    });
  });

  it('names a bias that does not fit', () => {
    tf.tidy(() => {
      expect(() => run(BIAS_RELU, { x: tf.zeros([2, 3]), bias: tf.zeros([4]) })).toThrow(/RescanvasBiasRelu: bias of shape \[4\] for 3 channels/);
    });
  });
});
