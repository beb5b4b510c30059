/**
 * `npm run bench:memory -- --types` (or run directly): what one layer of each catalogue type keeps
 * alive at the peak of a training step on the wasm engine, in float32 values per output value per
 * sample. Each type is measured as the slope between a tower of `few` and `many` copies at the same
 * width and batch, so what a tower shares (input, output, loss, the last layer's transients) cancels.
 * Peaks are tf.profile's peakBytes (tensor bytes after each kernel), for a plain step and for an
 * instrumented one (statistics on). The figures behind LAYER_MEMORY in src/compile/resourceTable.ts.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { compileDesign } from '../../src/compile/toTfjs';
import { buildPlan } from '../../src/engine/plan/plan';
import { useWasmBackend } from '../../src/engine/backends/wasm';
import { Trainer } from '../../src/engine/trainer';
import type { Dataset } from '../../src/engine/datasets/types';
import { DesignBuilder } from '../../src/graph/builder';
import type { Design } from '../../src/graph/design';
import { ACTIVATIONS } from '../../src/graph/activations';
import { TrainSettings } from '../../src/schema/settings';

/** Narrow layers and large batches, so activations, not weights, make the peak (as in the designs the estimate refuses). */
const VECTOR = 64;
const IMAGE: [number, number, number] = [16, 16, 16];
const VECTOR_BATCHES = [1024, 2048];
const IMAGE_BATCHES = [32, 64];
const FEW = 2;
const MANY = 6;

/** A tower: Input → `count` layers built by `layer` (each from the previous) → Output. */
type Layer = (b: DesignBuilder, from: string, first: string) => string;

interface Probe {
  image: boolean;
  layer: Layer;
  /** Values one layer outputs per sample. */
  outputValues: number;
}

const vector = (layer: Layer): Probe => ({ image: false, layer, outputValues: VECTOR });
const image = (layer: Layer): Probe => ({ image: true, layer, outputValues: IMAGE[0] * IMAGE[1] * IMAGE[2] });

/**
 * Every catalogue type as a shape-preserving layer. Input, Output, Flatten and GlobalAvgPool cannot
 * be stacked; they are measured by one use each against a tower without them (see `single`).
 */
const PROBES: Record<string, Probe> = {
  Dense: vector((b, from) => b.add('Dense', { units: VECTOR, activation: 'relu' }, { from })),
  Conv2D: image((b, from) => b.add('Conv2D', { filters: IMAGE[2], kernelSize: 3, padding: 'same', activation: 'relu' }, { from })),
  MaxPool2D: image((b, from) => b.add('MaxPool2D', { poolSize: 3, strides: 1, padding: 'same' }, { from })),
  AvgPool2D: image((b, from) => b.add('AvgPool2D', { poolSize: 3, strides: 1, padding: 'same' }, { from })),
  BatchNorm: vector((b, from) => b.add('BatchNorm', {}, { from })),
  LayerNorm: vector((b, from) => b.add('LayerNorm', {}, { from })),
  Activation: vector((b, from) => b.add('Activation', { activation: 'relu' }, { from })),
  Dropout: vector((b, from) => b.add('Dropout', { rate: 0.2 }, { from })),
  Add: vector((b, from, first) => b.add('Add', {}, { from: [from, first] })),
  'Dense linear': vector((b, from) => b.add('Dense', { units: VECTOR, activation: 'linear' }, { from })),
  'Dense linear, no bias': vector((b, from) => b.add('Dense', { units: VECTOR, activation: 'linear', useBias: false }, { from })),
  ...Object.fromEntries(ACTIVATIONS.map((a) => [`Activation ${a}`, vector((b, from) => b.add('Activation', { activation: a }, { from }))])),
  Concatenate: {
    image: false,
    // Concatenate then a Dense back to the width, so the tower keeps its shape; the Dense is subtracted.
    layer: (b, from, first) =>
      b.add('Dense', { units: VECTOR, activation: 'linear', useBias: false }, { from: b.add('Concatenate', {}, { from: [from, first] }) }),
    outputValues: 2 * VECTOR,
  },
};

function tower(probe: Probe, count: number): Design {
  const b = new DesignBuilder(`tower ${count}`);
  const input = b.add('Input', { shape: probe.image ? IMAGE : [VECTOR] });
  // A first layer so every measured layer's input is on the tape, as in a real design.
  const first = probe.image
    ? b.add('Conv2D', { filters: IMAGE[2], kernelSize: 1, padding: 'same', activation: 'linear' }, { from: input })
    : b.add('Dense', { units: VECTOR, activation: 'linear' }, { from: input });
  let x = probe.image ? first : b.add('Dense', { units: VECTOR, activation: 'linear' }, { from: first });
  for (let i = 0; i < count; i++) x = probe.layer(b, x, first);
  if (probe.image) x = b.add('Flatten', {}, { from: x });
  b.add('Output', { units: 2 }, { from: x });
  return b.build();
}

function dataset(probe: Probe, batch: number): Dataset {
  const shape = probe.image ? [...IMAGE] : [VECTOR];
  const per = shape.reduce((a, b) => a * b, 1);
  const split = (count: number) => ({
    x: Float32Array.from({ length: count * per }, (_, i) => Math.sin(i * 12.9898) * 0.5),
    y: Int32Array.from({ length: count }, (_, i) => i % 2),
    count,
  });
  return {
    id: 'probe',
    name: 'probe',
    kind: probe.image ? 'image' : 'vector',
    sampleShape: shape,
    classes: 2,
    train: split(batch),
    validation: split(0),
  } as Dataset;
}

/** Peak tensor bytes of one step (the first: instrumented when `instrument`), above what existed before it. */
async function stepPeak(design: Design, probe: Probe, batch: number, instrument: boolean): Promise<number> {
  const compiled = compileDesign(design, tf);
  const plan = buildPlan(compiled);
  const settings = TrainSettings.parse({
    dataset: { kind: 'spirals' },
    batchSize: batch,
    epochs: 1,
    instrumentation: { cadence: instrument ? 'everyStep' : 'off' },
  });
  const trainer = new Trainer(tf, plan, dataset(probe, batch), settings, 'probe', instrument ? { frame: () => {} } : {});
  const data = dataset(probe, batch).train;
  const x = tf.tensor(data.x, [batch, ...(probe.image ? IMAGE : [VECTOR])]);
  const targets = tf.oneHot(tf.tensor1d(data.y, 'int32'), 2).toFloat();
  const labels = tf.tensor1d(data.y, 'int32');
  // A first step creates the optimizer's slots, which then belong to what existed before.
  trainer.trainStep(x, targets, labels, false);
  const before = tf.memory().numBytes;
  const info = await tf.profile(() => {
    trainer.trainStep(x, targets, labels, instrument);
  });
  [x, targets, labels].forEach((t) => t.dispose());
  trainer.dispose();
  compiled.model.dispose();
  return info.peakBytes - before;
}

/**
 * Bytes per output value per sample: the slope over layer count and over batch, so neither the
 * tower's fixed part nor the weights' (which do not grow with the batch) count.
 */
async function perOutput(probe: Probe, instrument: boolean, subtract?: Probe): Promise<number> {
  const [small, large] = probe.image ? IMAGE_BATCHES : VECTOR_BATCHES;
  const slope = async (p: Probe, batch: number) =>
    ((await stepPeak(tower(p, MANY), p, batch, instrument)) - (await stepPeak(tower(p, FEW), p, batch, instrument))) / (MANY - FEW);
  const perLayer = async (p: Probe) => ((await slope(p, large)) - (await slope(p, small))) / (large - small);
  let bytes = await perLayer(probe);
  if (subtract) bytes -= await perLayer(subtract);
  return bytes / 4 / probe.outputValues;
}

await useWasmBackend(tf);
const rows: Record<string, { plain: string; instrumented: string }> = {};
const only = process.argv.slice(2);
for (const [type, probe] of Object.entries(PROBES)) {
  if (only.length && !only.includes(type)) continue;
  if (!probe) continue;
  const linear = type === 'Concatenate' ? vector((b, from) => b.add('Dense', { units: VECTOR, activation: 'linear', useBias: false }, { from })) : undefined;
  const plain = await perOutput(probe, false, linear);
  const instrumented = await perOutput(probe, true, linear);
  rows[type] = { plain: plain.toFixed(2), instrumented: instrumented.toFixed(2) };
  console.log(type, rows[type]);
}
console.table(rows);
