/**
 * One of the peer bench's designs ready to train on wasm, outside the engine's session: the trainer
 * and a fixed batch, for the step-level tools (profileStep.ts, kernelThreadsSpin.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { compileDesign } from '../../src/compile/toTfjs';
import { buildPlan } from '../../src/engine/plan/plan';
import { seedKernels } from '../../src/engine/initialize';
import { Trainer } from '../../src/engine/trainer';
import { loadDataset } from '../../src/engine/datasets';
import { TrainSettings } from '../../src/schema/settings';
import { PEER_CASES, type PeerCase } from './peer';

export interface StepHarness {
  peer: PeerCase;
  trainer: Trainer;
  /** One training step on the fixed batch; `instrument` records the statistics as a stats frame does. */
  step(instrument?: boolean): void;
  dispose(): void;
}

/** The design `key` (resnet20, mlp1002, mlp56) on the backend already active, seeded as the bench seeds it. */
export async function stepHarness(key: string): Promise<StepHarness> {
  const peer = PEER_CASES.find((p) => p.key === key);
  if (!peer) throw new Error(`unknown design "${key}" (${PEER_CASES.map((p) => p.key).join(', ')})`);
  const dataset = await loadDataset(peer.dataset);
  const compiled = compileDesign(peer.design(), tf);
  const plan = buildPlan(compiled);
  seedKernels(tf, plan, compiled.graph, 1);
  const settings = TrainSettings.parse({
    dataset: peer.dataset,
    epochs: 1,
    batchSize: peer.batchSize,
    optimizer: { name: 'adam', learningRate: peer.learningRate },
  });
  const trainer = new Trainer(tf, plan, dataset, settings, 'profile');
  const n = peer.batchSize;
  const [x, targets, labels] = tf.tidy(() => {
    const idx = tf.range(0, n, 1, 'int32');
    const inputs = tf.tensor(dataset.train.x.slice(0, n * dataset.sampleShape.reduce((a, b) => a * b, 1)), [n, ...dataset.sampleShape]);
    const classes = tf.gather(tf.tensor1d(dataset.train.y, 'int32'), idx);
    return [inputs, tf.oneHot(classes, plan.outputUnits).toFloat(), classes];
  });
  return {
    peer,
    trainer,
    step: (instrument = false) => trainer.trainStep(x, targets, labels, instrument),
    dispose: () => {
      tf.dispose([x, targets, labels]);
      trainer.dispose();
    },
  };
}
