import { beforeAll, describe, expect, it } from 'vitest';
import { tf, startWasm, planFor, pointBatch } from './engineTestSupport';
import { runPlan } from '../../../src/engine/plan/plan';
import { StepTape } from '../../../src/engine/plan/stepTape';
import { activate } from '../../../src/engine/plan/ops';
import { batchLoss, targetsFor } from '../../../src/engine/loss';
import { cifarResNet, deepResidualMlp, plainMlp, residualMlp } from '../../../src/graph/examples';
import type { Design } from '../../../src/graph/design';
import { DesignBuilder } from '../../../src/graph/builder';
import type { Plan } from '../../../src/engine/plan/plan';

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

/**
 * A step of a plan whose every op has a hand-written gradient records them on its own tape
 * (StepTape) instead of tf.js's; walked backwards it must give what tf.js's backprop gives.
 */
/** Two convolutions with a bias each, the first strided with its own activation, the second unpadded. */
function convolutionsWithBias(activation: 'relu' | 'tanh' = 'relu'): Design {
  const b = new DesignBuilder('Convolutions with a bias', '');
  const input = b.add('Input', { shape: [7, 7, 3] });
  const first = b.add('Conv2D', { filters: 5, kernelSize: 3, strides: 2, padding: 'same', activation, useBias: true }, { from: input });
  const second = b.add('Conv2D', { filters: 4, kernelSize: 2, strides: 1, padding: 'valid', activation: 'linear', useBias: true }, { from: first });
  const pooled = b.add('GlobalAvgPool', {}, { from: second });
  b.add('Output', { units: 3 }, { from: pooled });
  return b.build();
}

describe("a training step on the engine's own tape", () => {
  const points = (plan: Plan) => {
    const batch = pointBatch(16);
    return { x: tf.tensor2d(batch.x, [16, 2]), targets: targetsFor(tf, batch.y, plan.outputUnits) };
  };
  const images = (plan: Plan) => {
    const labels = Int32Array.from({ length: 6 }, (_, i) => i % plan.outputUnits);
    return { x: tf.randomNormal([6, ...plan.inputShape], 0, 1, 'float32', 11), targets: targetsFor(tf, labels, plan.outputUnits) };
  };
  const designs: [string, () => Design, (plan: Plan) => { x: tf.Tensor; targets: tf.Tensor }][] = [
    ['pre-norm residual MLP (LayerNorm, Dense + ReLU, Add)', () => deepResidualMlp(3, 8), points],
    ['residual MLP with BatchNorm and ReLU activations', () => residualMlp(6, { norm: 'batch' }), points],
    ['residual MLP without normalisation', () => residualMlp(4, { norm: 'none' }), points],
    ['ResNet-8 (convolutions, BatchNorm, projection shortcuts, global average pooling)', () => cifarResNet(1, { inputShape: [8, 8, 3], classes: 4 }), images],
    ['convolutions with a bias and a ReLU of their own, strided and unpadded', convolutionsWithBias, images],
  ];
  it.each(designs)('%s: the same loss and gradients as tf.js, bit for bit, and nothing left behind', (_name, design, batchFor) => {
    const { plan, dispose } = planFor(design());
    expect(plan.tapeable).toBe(true);
    const { x, targets } = batchFor(plan);
    const plain = tf.variableGrads(() => {
      const out = runPlan(tf, plan, x, { training: true, seed: 5 });
      return batchLoss(tf, plan.loss, out, plan.outputActivation, targets) as tf.Scalar;
    }, plan.trainable);

    const before = tf.memory().numTensors;
    const held: tf.Tensor[] = [];
    const taped = tf.tidy(() => {
      const tape = new StepTape(tf);
      const out = runPlan(tf, plan, x, { training: true, seed: 5, held, tape });
      const loss = (logits: tf.Tensor) =>
        batchLoss(tf, plan.loss, { logits, output: activate(tf, logits, plan.outputActivation) }, plan.outputActivation, targets);
      const { value, grad } = tf.valueAndGrad(loss)(out.logits);
      const grads = tape.gradients(out.logits, grad, plan.trainable);
      // The test checks every variable is reached; a null would fail it below.
      return { value, grads: grads.filter((g): g is tf.Tensor => g !== null) };
    });
    held.forEach((t) => t.dispose());

    expect(taped.value.dataSync()[0]).toBe(plain.value.dataSync()[0]);
    expect(taped.grads.length).toBe(plan.trainable.length);
    plan.trainable.forEach((v, i) => {
      expect(Array.from(taped.grads[i].dataSync()), v.name).toEqual(Array.from(plain.grads[v.name].dataSync()));
    });
    expect(tf.memory().numTensors - before).toBe(1 + plan.trainable.length);
    expect(x.isDisposed).toBe(false);
    [taped.value, ...taped.grads, plain.value, ...Object.values(plain.grads)].forEach((t) => t.dispose());
    x.dispose();
    targets.dispose();
    dispose();
  });

  it('is used only where every op has its own gradient', () => {
    const cases: [Design, boolean][] = [
      [plainMlp(4, { norm: 'batch' }), true],
      [cifarResNet(1), true],
      [convolutionsWithBias('tanh'), false],
    ];
    for (const [design, tapeable] of cases) {
      const { plan, dispose } = planFor(design);
      expect(plan.tapeable, design.metadata.name).toBe(tapeable);
      dispose();
    }
  });

  it('refuses a plan with an op that cannot record itself', () => {
    const { plan, dispose } = planFor(convolutionsWithBias('tanh'));
    const x = tf.zeros([2, ...plan.inputShape]);
    expect(() => tf.tidy(() => runPlan(tf, plan, x, { training: true, seed: 1, held: [], tape: new StepTape(tf) }).logits)).toThrow(/tapeable plan/);
    x.dispose();
    dispose();
  });
});
