/**
 * Where a design's training step peaks: live tensor bytes above what existed before, for a plain
 * step, an instrumented step, and (as part of the latter) the statistics summary alone, on the wasm
 * engine. `npx tsx test/bench/memoryStep.ts FILE BATCH`; prints one JSON line. Used to calibrate
 * the per-layer terms of src/compile/resourceTable.ts.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { compileDesign } from '../../src/compile/toTfjs';
import { buildPlan } from '../../src/engine/plan/plan';
import { useWasmBackend } from '../../src/engine/backends/wasm';
import { Trainer } from '../../src/engine/trainer';
import type { Dataset } from '../../src/engine/datasets/types';
import { parseDesignText } from '../../src/graph/parse';
import { validateDesign } from '../../src/graph/validate';
import { TrainSettings } from '../../src/schema/settings';
import { trackTensorPeak } from './tensorPeak';

const [file, batchText] = process.argv.slice(2);
const parsed = parseDesignText(readFileSync(file, 'utf8'));
if (!parsed.ok) throw new Error(`${file}: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
const design = parsed.design;
const batch = Number(batchText);
const input = design.nodes.find((n) => n.type === 'Input');
const shape = validateDesign(design).nodeShapes.get(input?.id ?? '') as number[];
const output = design.nodes.find((n) => n.type === 'Output');
const classes = output?.type === 'Output' ? output.params.units : 2;

await useWasmBackend(tf);
const peak = trackTensorPeak(tf);
const per = shape.reduce((a, b) => a * b, 1);
const split = (count: number) => ({
  x: Float32Array.from({ length: count * per }, (_, i) => Math.sin(i * 12.9898) * 0.5),
  y: Int32Array.from({ length: count }, (_, i) => i % classes),
  count,
});
const data = {
  id: 'probe',
  name: 'probe',
  kind: shape.length > 1 ? 'image' : 'vector',
  sampleShape: shape,
  classes,
  train: split(batch),
  validation: split(0),
} as Dataset;
const compiled = compileDesign(design, tf);
const plan = buildPlan(compiled);
const settings = TrainSettings.parse({ dataset: { kind: 'spirals' }, batchSize: batch, epochs: 1, instrumentation: { cadence: 'everyStep' } });
const trainer = new Trainer(tf, plan, data, settings, 'probe', { frame: () => {} });
const x = tf.tensor(data.train.x, [batch, ...shape]);
const targets = tf.oneHot(tf.tensor1d(data.train.y, 'int32'), classes).toFloat();
const labels = tf.tensor1d(data.train.y, 'int32');
trainer.trainStep(x, targets, labels, false);
const measure = (instrument: boolean) => {
  const before = peak.reset();
  trainer.trainStep(x, targets, labels, instrument);
  return peak.value() - before;
};
const plain = measure(false);
const instrumented = measure(true);
console.log(
  JSON.stringify({ design: design.metadata.name, batch, plainStepBytes: plain, instrumentedStepBytes: instrumented, tensors: tf.memory().numTensors }),
);
