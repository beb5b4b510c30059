import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tf, startWasm } from './engineTestSupport';
import { createOptimizer } from '../../../src/engine/optimizers';
import { PACK_FLAT, UNPACK_FLAT } from '../../../src/engine/backends/wasmKernels';
import { OptimizerSettings, type OptimizerName } from '../../../src/schema/settings';

beforeAll(startWasm);

const SHAPES = [[3, 4], [4], [2, 3, 3, 2], [1]];

/** Variables of several shapes with fixed values, and a gradient for each step from a fixed seed. */
function variables(): tf.Variable[] {
  return SHAPES.map((shape, i) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 10 + i), true, `opt_test_${i}_${Math.random()}`));
}
const gradient = (shape: number[], step: number, i: number) => tf.randomNormal(shape, 0, 1, 'float32', 100 * step + i);

const maxDifference = (a: tf.Variable[], b: tf.Variable[]) =>
  Math.max(...a.map((v, i) => Math.max(...Array.from(tf.tidy(() => tf.abs(tf.sub(v, b[i])).dataSync())))));

let live: tf.Variable[] = [];
afterEach(() => {
  live.forEach((v) => v.dispose());
  live = [];
});

describe('the optimizers, all variables updated in one pass', () => {
  const reference: Record<Exclude<OptimizerName, 'adamw' | 'nesterov'>, () => tf.Optimizer> = {
    sgd: () => tf.train.sgd(0.05),
    momentum: () => tf.train.momentum(0.05, 0.9),
    adam: () => tf.train.adam(0.05, 0.9, 0.999, 1e-7),
    rmsprop: () => tf.train.rmsprop(0.05, 0.9, 0, 1e-7),
  };
  for (const [name, make] of Object.entries(reference) as [keyof typeof reference, () => tf.Optimizer][]) {
    it(`${name} follows tf.train.${name} over 5 steps`, () => {
      const ours = variables();
      const theirs = variables();
      live.push(...ours, ...theirs);
      const optimizer = createOptimizer(tf, OptimizerSettings.parse({ name, learningRate: 0.05 }));
      const tfOptimizer = make();
      for (let step = 0; step < 5; step++) {
        tf.tidy(() => {
          const grads = SHAPES.map((shape, i) => gradient(shape, step, i));
          optimizer.apply(
            ours,
            grads,
            0.05,
            ours.map(() => true),
          );
          tfOptimizer.applyGradients(theirs.map((v, i) => ({ name: v.name, tensor: grads[i] })));
        });
      }
      expect(maxDifference(ours, theirs)).toBeLessThan(1e-5);
      optimizer.dispose();
      tfOptimizer.dispose();
    });
  }

  it('adamw decays only the variables marked, by 1 − lr·λ before the Adam step', () => {
    const ours = variables();
    const plain = variables();
    live.push(...ours, ...plain);
    const adamw = createOptimizer(tf, OptimizerSettings.parse({ name: 'adamw', learningRate: 0.05, weightDecay: 0.1 }));
    const adam = createOptimizer(tf, OptimizerSettings.parse({ name: 'adam', learningRate: 0.05 }));
    const decayed = [true, false, true, false];
    tf.tidy(() => {
      const grads = SHAPES.map((shape, i) => gradient(shape, 0, i));
      // Adam on pre-decayed weights is what AdamW must give.
      plain.forEach((v, i) => decayed[i] && v.assign(tf.mul(v, 1 - 0.05 * 0.1)));
      adam.apply(plain, grads, 0.05, decayed);
      adamw.apply(ours, grads, 0.05, decayed);
    });
    expect(maxDifference(ours, plain)).toBe(0);
    adamw.dispose();
    adam.dispose();
  });

  it("keeps each variable's state when a step updates only some of them, and leaves the others alone", () => {
    const ours = variables();
    const theirs = variables();
    live.push(...ours, ...theirs);
    const optimizer = createOptimizer(tf, OptimizerSettings.parse({ name: 'adam', learningRate: 0.05 }));
    // Adam written out per variable, each with its own moments, one step count for all (as tf.train.adam keeps).
    const moments = new Map<tf.Variable, [tf.Tensor, tf.Tensor]>();
    const referenceStep = (v: tf.Variable, g: tf.Tensor, t: number) => {
      const [m0, u0] = moments.get(v) ?? [tf.zerosLike(v), tf.zerosLike(v)];
      const m = tf.keep(tf.add(tf.mul(m0, 0.9), tf.mul(g, 0.1)));
      const u = tf.keep(tf.add(tf.mul(u0, 0.999), tf.mul(tf.square(g), 0.001)));
      moments.set(v, [m, u]);
      v.assign(tf.sub(v, tf.mul(tf.div(tf.div(m, 1 - 0.9 ** t), tf.add(tf.sqrt(tf.div(u, 1 - 0.999 ** t)), 1e-7)), 0.05)));
    };
    const subsets = [
      [0, 1, 2, 3],
      [0, 2],
      [1, 2, 3],
      [0, 1, 2, 3],
    ];
    subsets.forEach((subset, step) => {
      tf.tidy(() => {
        const grads = subset.map((i) => gradient(SHAPES[i], step, i));
        optimizer.apply(
          subset.map((i) => ours[i]),
          grads,
          0.05,
          subset.map(() => true),
        );
        subset.forEach((i, k) => referenceStep(theirs[i], grads[k], step + 1));
      });
    });
    expect(maxDifference(ours, theirs)).toBeLessThan(1e-6);
    optimizer.dispose();
    for (const pair of moments.values()) pair.forEach((t) => t.dispose());
  });

  it('leaves no tensors behind', () => {
    const ours = variables();
    live.push(...ours);
    const before = tf.memory().numTensors;
    const optimizer = createOptimizer(tf, OptimizerSettings.parse({ name: 'adam' }));
    for (let step = 0; step < 20; step++)
      tf.tidy(() =>
        optimizer.apply(
          ours,
          SHAPES.map((shape, i) => gradient(shape, step, i)),
          1e-3,
          ours.map(() => true),
        ),
      );
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("the flat layout's copy kernels on wasm", () => {
  it('pack and unpack give exactly what reshape + concat and split + reshape give', () => {
    const parts = SHAPES.map((shape, i) => gradient(shape, 7, i));
    const packed = tf.engine().runKernel(PACK_FLAT, Object.fromEntries(parts.map((t, i) => [String(i), t]))) as tf.Tensor;
    const concatenated = tf.concat(parts.map((t) => tf.reshape(t, [-1])));
    expect(packed.shape).toEqual(concatenated.shape);
    expect(Array.from(packed.dataSync())).toEqual(Array.from(concatenated.dataSync()));
    const unpacked = tf.engine().runKernel(UNPACK_FLAT, { x: packed }, { shapes: SHAPES } as unknown as tf.NamedAttrMap) as tf.Tensor[];
    unpacked.forEach((t, i) => {
      expect(t.shape).toEqual(SHAPES[i]);
      expect(Array.from(t.dataSync())).toEqual(Array.from(parts[i].dataSync()));
    });
    expect(() => tf.engine().runKernel(UNPACK_FLAT, { x: packed }, { shapes: [[2]] } as unknown as tf.NamedAttrMap)).toThrow(
      /shapes hold 2 values, the input 53/,
    );
    [...parts, packed, concatenated, ...unpacked].forEach((t) => t.dispose());
  });

  it('an update dispatches no per-variable Reshape, Concat or SplitV', async () => {
    const ours = variables();
    live.push(...ours);
    const optimizer = createOptimizer(tf, OptimizerSettings.parse({ name: 'adam' }));
    const grads = SHAPES.map((shape, i) => gradient(shape, 0, i));
    tf.tidy(() =>
      optimizer.apply(
        ours,
        grads,
        1e-3,
        ours.map(() => true),
      ),
    );
    const profile = await tf.profile(() =>
      tf.tidy(() =>
        optimizer.apply(
          ours,
          grads,
          1e-3,
          ours.map(() => true),
        ),
      ),
    );
    const names = profile.kernels.map((k) => k.name);
    expect(names.filter((n) => n === PACK_FLAT)).toHaveLength(2);
    expect(names.filter((n) => n === UNPACK_FLAT)).toHaveLength(1);
    expect(names.filter((n) => n === 'Reshape' || n === 'Concat' || n === 'SplitV')).toEqual([]);
    grads.forEach((g) => g.dispose());
    optimizer.dispose();
  });
});
