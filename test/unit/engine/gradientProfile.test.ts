import { beforeAll, describe, expect, it } from 'vitest';
import { tf, startWasm, planFor } from './engineTestSupport';
import { DesignBuilder } from '../../../src/graph/builder';
import { plainMlp } from '../../../src/graph/examples';
import { StepRecorder } from '../../../src/engine/instrument';
import { runPlan, type Plan } from '../../../src/engine/plan/plan';
import { batchLoss, targetsFor } from '../../../src/engine/loss';
import type { Design } from '../../../src/graph/design';

beforeAll(startWasm);

const WIDTH = 64;
const BLOCKS = 30;

function residual(preNorm: boolean): { design: Design; blocks: string[] } {
  const b = new DesignBuilder(preNorm ? 'pre-norm residual' : 'residual, no norm');
  let x = b.add('Dense', { units: WIDTH, activation: 'linear' }, { from: b.add('Input', { shape: [WIDTH] }) });
  const blocks: string[] = [];
  for (let i = 0; i < BLOCKS; i++) {
    const branch = preNorm
      ? b.add(
          'Dense',
          { units: WIDTH, activation: 'linear' },
          { from: b.add('Activation', { activation: 'relu' }, { from: b.add('LayerNorm', {}, { from: x }) }) },
        )
      : b.add('Dense', { units: WIDTH, activation: 'relu' }, { from: x });
    x = b.add('Add', {}, { from: [x, branch] });
    blocks.push(x);
  }
  b.add('Output', { units: 10 }, { from: x });
  return { design: b.build(), blocks };
}

/** Gradient RMS of the loss w.r.t. each listed node's output, at initialization, for one batch. */
function gradientRms(plan: Plan, nodeIds: string[]): number[] {
  const recorder = new StepRecorder(tf);
  const x = tf.randomNormal([64, WIDTH], 0, 1, 'float32', 7);
  const labels = Int32Array.from({ length: 64 }, (_, i) => i % 10);
  const targets = targetsFor(tf, labels, 10);
  tf.tidy(() => {
    tf.variableGrads(
      () => batchLoss(tf, plan.loss, runPlan(tf, plan, x, { training: true, seed: 1, probes: recorder }), plan.outputActivation, targets) as tf.Scalar,
      plan.trainable,
    );
  });
  const rms = nodeIds.map((id) => tf.tidy(() => tf.sqrt(tf.mean(tf.square(recorder.gradients.get(id) as tf.Tensor))).dataSync()[0]));
  recorder.dispose();
  x.dispose();
  targets.dispose();
  return rms;
}

describe('gradient profile at initialization, 30 blocks of width 64 (Glorot)', () => {
  it('plain ReLU MLP without normalization: the gradient vanishes toward the input', () => {
    const { plan, dispose } = planFor(plainMlp(BLOCKS + 2, { width: WIDTH, inputs: WIDTH, classes: 10, norm: 'none' }));
    const hidden = plan.nodes.filter((n) => n.type === 'Dense').map((n) => n.id);
    const [first, last] = gradientRms(plan, [hidden[0], hidden[hidden.length - 1]]);
    dispose();
    expect(first / last).toBeLessThan(1e-3);
  });

  it('residual x + relu(Wx) without normalization: the gradient explodes toward the input', () => {
    const { design, blocks } = residual(false);
    const { plan, dispose } = planFor(design);
    const [first, last] = gradientRms(plan, [blocks[0], blocks[blocks.length - 1]]);
    dispose();
    expect(first / last).toBeGreaterThan(1e3);
  });

  it('pre-norm residual x + W·relu(LN(x)): first and last block within 10x', () => {
    const { design, blocks } = residual(true);
    const { plan, dispose } = planFor(design);
    const [first, last] = gradientRms(plan, [blocks[0], blocks[blocks.length - 1]]);
    dispose();
    expect(first / last).toBeGreaterThan(0.1);
    expect(first / last).toBeLessThan(10);
  });
});
