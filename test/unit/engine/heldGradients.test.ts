import { beforeAll, describe, expect, it } from 'vitest';
import { tf, startWasm, planFor, pointBatch } from './engineTestSupport';
import { runPlan } from '../../../src/engine/plan/plan';
import { batchLoss, targetsFor } from '../../../src/engine/loss';
import { deepResidualMlp, residualMlp } from '../../../src/graph/examples';
import type { Design } from '../../../src/graph/design';

beforeAll(startWasm);

/**
 * A training step's ops hold what their gradients read (OpContext.hold) instead of saving it on the
 * tape; the plain ops, differentiated by tf.js, are what they must reproduce exactly.
 */
describe('a training step with held tensors', () => {
  const designs: [string, () => Design][] = [
    ['pre-norm residual MLP (LayerNorm, Dense + ReLU, Add)', () => deepResidualMlp(3, 8)],
    ['residual MLP with BatchNorm and ReLU activations', () => residualMlp(6, { norm: 'batch' })],
  ];
  it.each(designs)('%s: the same loss and gradients, bit for bit, and nothing left behind', (_name, design) => {
    const { plan, dispose } = planFor(design());
    const batch = pointBatch(16);
    const x = tf.tensor2d(batch.x, [16, 2]);
    const targets = targetsFor(tf, batch.y, plan.outputUnits);
    const step = (held: tf.Tensor[] | undefined) =>
      tf.variableGrads(() => {
        const out = runPlan(tf, plan, x, { training: true, seed: 5, held });
        return batchLoss(tf, plan.loss, out, plan.outputActivation, targets) as tf.Scalar;
      }, plan.trainable);

    const plain = step(undefined);
    const before = tf.memory().numTensors;
    const held: tf.Tensor[] = [];
    const fast = step(held);
    expect(held.length).toBeGreaterThan(0);
    expect(held).not.toContain(x);
    held.forEach((t) => t.dispose());

    expect(fast.value.dataSync()[0]).toBe(plain.value.dataSync()[0]);
    for (const v of plan.trainable) {
      expect(Array.from(fast.grads[v.name].dataSync()), v.name).toEqual(Array.from(plain.grads[v.name].dataSync()));
    }
    const produced = 1 + Object.keys(fast.grads).length;
    expect(tf.memory().numTensors - before).toBe(produced);
    expect(x.isDisposed).toBe(false);
    for (const r of [plain, fast]) {
      r.value.dispose();
      Object.values(r.grads).forEach((g) => g.dispose());
    }
    x.dispose();
    targets.dispose();
    dispose();
  });
});
