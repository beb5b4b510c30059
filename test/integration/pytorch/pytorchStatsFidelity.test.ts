import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileDesign } from '../../../src/compile/toTfjs';
import { loadDataset } from '../../../src/engine/datasets';
import { targetsFor } from '../../../src/engine/loss';
import { buildPlan } from '../../../src/engine/plan/plan';
import { seedKernels } from '../../../src/engine/initialize';
import { Trainer } from '../../../src/engine/trainer';
import { exportPytorchPackage, weightsFromLayers } from '../../../src/export/pytorch';
import { DesignBuilder } from '../../../src/graph/builder';
import { TrainSettings } from '../../../src/schema/settings';
import { ACTIVATION_FIELDS, EDGE_FIELDS, GROUP_FIELDS, HISTOGRAM_BINS, statsFrameFromRecord, WEIGHT_FIELDS, type StatsFrame } from '../../../src/schema/stats';
import { perturbWeights, randomSource, runPython, tf, torchStatus, writeFiles } from './pytorchSupport';

/**
 * One training step of the same design, weights and batch in the app's engine and in the exported
 * package: the run log's numbers must mean the same thing whichever wrote them.
 */

/** Input read twice (fan-out edges from the Input), a BatchNorm, a repeat group with a shortcut inside. */
function design() {
  const b = new DesignBuilder('stats fidelity');
  const input = b.add('Input', { shape: [2] });
  const a = b.add('Dense', { units: 8, activation: 'relu' }, { from: input });
  const c = b.add('Dense', { units: 8, activation: 'linear' }, { from: input });
  const sum = b.add('BatchNorm', {}, { from: b.add('Add', {}, { from: [a, c] }) });
  const last = b.repeat(
    2,
    () => {
      const h = b.add('Dense', { units: 8, activation: 'tanh' }, { from: sum });
      return b.add('Add', {}, { from: [h, sum] });
    },
    { id: 'block' },
  );
  b.add('Output', { units: 2 }, { from: last });
  return b.build();
}

const STEP_PY = String.raw`
import json, sys
import torch
import model, runlog, train

x = torch.tensor(json.load(open('batch.json'))['x'], dtype=torch.float32)
y = torch.tensor(json.load(open('batch.json'))['y'], dtype=torch.long)
net = model.build_model().train()
recorder = runlog.StatsRecorder(net, runlog.read_layout('stats_layout.json'))
optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
recorder.arm(True)
loss, _ = train.loss_and_correct(net(x), y)
optimizer.zero_grad()
loss.backward()
recorder.before_update()
optimizer.step()
json.dump(runlog._finite(recorder.frame('fidelity', 0, 0, 0.0, loss.item())), open('frame.json', 'w'))
`;

/** |got − want| ≤ relative·|want| + absolute: a mean near 0 (after a BatchNorm) is float noise in both. */
function expectClose(label: string, got: Float32Array, want: Float32Array, relative: number, absolute = 1e-7): void {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i])) {
      expect(got[i], `${label}[${i}]`).toBeNaN();
      continue;
    }
    expect(Math.abs(got[i] - want[i]), `${label}[${i}]: PyTorch ${got[i]}, engine ${want[i]}`).toBeLessThanOrEqual(relative * Math.abs(want[i]) + absolute);
  }
}

describe.skipIf(!torchStatus.ok)('a PyTorch stats frame equals the engine’s for the same step', () => {
  const root = mkdtempSync(join(tmpdir(), 'rescanvas-pt-fidelity-'));
  const batch = 64;
  let engine: StatsFrame;
  let pytorch: StatsFrame;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    const d = design();
    const compiled = compileDesign(d, tf);
    // Fresh biases are 0, which makes their update ratio ‖Δb‖/‖b‖ meaningless; give every weight a value.
    const plan = buildPlan(compiled);
    seedKernels(tf, plan, compiled.graph, 1);
    perturbWeights(compiled.model, 5);
    writeFiles(root, exportPytorchPackage(d, weightsFromLayers(compiled.nodeLayers)).files);
    const next = randomSource(11);
    const x = Float32Array.from({ length: batch * 2 }, () => 2 * next() - 1);
    const y = Int32Array.from({ length: batch }, (_, i) => (x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0));
    writeFileSync(join(root, 'batch.json'), JSON.stringify({ x: Array.from({ length: batch }, (_, i) => [x[2 * i], x[2 * i + 1]]), y: Array.from(y) }));
    writeFileSync(join(root, 'step.py'), STEP_PY);

    const dataset = await loadDataset({ kind: 'twoMoons', size: 64 });
    const settings = TrainSettings.parse({
      dataset: { kind: 'twoMoons', size: 64 },
      optimizer: { name: 'sgd', learningRate: 0.1, weightDecay: 0 },
      instrumentation: { cadence: 'everyStep' },
    });
    const trainer = new Trainer(tf, plan, dataset, settings, 'fidelity', {});
    const xs = tf.tensor2d(x, [batch, 2]);
    const targets = targetsFor(tf, y, 2);
    const labels = tf.tensor1d(y, 'int32');
    const { frame } = trainer.trainStep(xs, targets, labels, true);
    if (!frame) throw new Error('the engine returned no frame');
    engine = frame;
    trainer.dispose();
    for (const t of [xs, targets, labels]) t.dispose();
    compiled.model.dispose();

    const r = runPython(['step.py'], { cwd: root });
    if (r.status !== 0) throw new Error(`step.py failed:\n${r.stderr.slice(-3000)}`);
    pytorch = statsFrameFromRecord(JSON.parse(readFileSync(join(root, 'frame.json'), 'utf8')));
  }, 120_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('has the same rows: nodes, fan-out edges (the Input’s too), weights, groups', () => {
    expect(pytorch.nodes.ids).toEqual(engine.nodes.ids);
    expect(pytorch.edges.ids).toEqual(engine.edges.ids);
    expect(pytorch.edges.ids.filter((id) => id.includes('input'))).toHaveLength(2);
    expect(pytorch.weights.ids).toEqual(engine.weights.ids.map((id) => id.replace(/_\d+$/, '')));
    expect(pytorch.weights.nodeIds).toEqual(engine.weights.nodeIds);
    expect(pytorch.groups.ids).toEqual(engine.groups.ids);
  });

  it('activations, gradients (the Input’s included), edge gradients, weights and group aggregates agree', () => {
    expect(pytorch.loss).toBeCloseTo(engine.loss as number, 5);
    expect(engine.nodes.activation.length).toBe(engine.nodes.ids.length * ACTIVATION_FIELDS.length);
    expectClose('activation', pytorch.nodes.activation, engine.nodes.activation, 1e-4, 1e-6);
    expectClose('gradient', pytorch.nodes.gradient, engine.nodes.gradient, 1e-3);
    expect(engine.edges.gradient.length).toBe(engine.edges.ids.length * EDGE_FIELDS.length);
    expectClose('edges', pytorch.edges.gradient, engine.edges.gradient, 1e-3);
    expect(engine.weights.values.length).toBe(engine.weights.ids.length * WEIGHT_FIELDS.length);
    // A bias just before a BatchNorm has an analytically zero gradient: both give float noise near 1e-7.
    expectClose('weights', pytorch.weights.values, engine.weights.values, 1e-3, 1e-6);
    expect(engine.groups.values.length).toBe(engine.groups.ids.length * GROUP_FIELDS.length);
    expectClose('groups', pytorch.groups.values, engine.groups.values, 1e-3);
    expect([...engine.nodes.gradient].every(Number.isFinite)).toBe(true);
  });

  it('histograms agree up to values on a bin edge', () => {
    // Values on a bin edge may round either way in float32; a couple of values per histogram at most.
    const slack = 2 / batch + 1e-6;
    for (const key of ['activationHistogram', 'gradientHistogram'] as const) {
      const a = pytorch.nodes[key];
      const b = engine.nodes[key];
      expect(a.length).toBe(engine.nodes.ids.length * HISTOGRAM_BINS);
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      expect(worst, key).toBeLessThanOrEqual(slack);
    }
  });
});
