/**
 * Engine throughput: the plan-based loop with instrumentation off vs tf.js model.fit on the same
 * model, data and backend; default (~100 ms) instrumentation vs off; instrumentation every step.
 * `npx tsx test/bench/engine.ts` prints JSON and a table.
 */
import * as tf from '@tensorflow/tfjs';
import { performance } from 'node:perf_hooks';
import { useWasmBackend } from '../../src/engine/backends/wasm';
import { compileDesign } from '../../src/compile/toTfjs';
import { buildPlan } from '../../src/engine/plan/plan';
import { seedKernels } from '../../src/engine/initialize';
import { Trainer } from '../../src/engine/trainer';
import { loadDataset } from '../../src/engine/datasets';
import { residualMlp } from '../../src/graph/examples';
import { TrainSettings, type InstrumentationSettings } from '../../src/protocol/settings';

export interface EngineBenchResult {
  backend: string;
  model: string;
  stepsPerEpoch: number;
  fitStepsPerSecond: number;
  engineOffStepsPerSecond: number;
  engineDefaultStepsPerSecond: number;
  engineEveryStepStepsPerSecond: number;
  engineVsFit: number;
  defaultSlowdown: number;
  everyStepSlowdown: number;
}

export async function benchEngine(epochs = 3): Promise<EngineBenchResult> {
  await useWasmBackend(tf);
  const design = residualMlp(10, { width: 64, norm: 'none' });
  const spec = { kind: 'spirals' as const, size: 2048, validationFraction: 0 };
  const dataset = await loadDataset(spec);
  const batchSize = 64;
  const stepsPerEpoch = Math.ceil(dataset.train.count / batchSize);

  const fitRate = async () => {
    const compiled = compileDesign(design, tf);
    compiled.model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    const x = tf.tensor2d(dataset.train.x, [dataset.train.count, 2]);
    const y = tf.oneHot(tf.tensor1d(dataset.train.y, 'int32'), 2);
    await compiled.model.fit(x, y, { epochs: 1, batchSize, verbose: 0 });
    const start = performance.now();
    await compiled.model.fit(x, y, { epochs, batchSize, verbose: 0 });
    const rate = (epochs * stepsPerEpoch) / ((performance.now() - start) / 1000);
    x.dispose();
    y.dispose();
    compiled.model.dispose();
    return rate;
  };

  const engineRate = async (instrumentation: Partial<InstrumentationSettings>) => {
    const compiled = compileDesign(design, tf);
    const plan = buildPlan(compiled);
    seedKernels(tf, plan, compiled.graph, 1);
    const run = async (n: number) => {
      const trainer = new Trainer(tf, plan, dataset, TrainSettings.parse({ dataset: spec, epochs: n, batchSize, instrumentation }), 'bench', { frame: () => {} }, {
        now: () => performance.now(),
        yieldToHost: () => new Promise((resolve) => setImmediate(resolve)),
      });
      const start = performance.now();
      await trainer.run();
      const seconds = (performance.now() - start) / 1000;
      trainer.dispose();
      return (n * stepsPerEpoch) / seconds;
    };
    await run(1);
    const rate = await run(epochs);
    compiled.model.dispose();
    return rate;
  };

  const fitStepsPerSecond = await fitRate();
  const engineOffStepsPerSecond = await engineRate({ cadence: 'off' });
  const engineDefaultStepsPerSecond = await engineRate({ cadence: 'interval', intervalMs: 100 });
  const engineEveryStepStepsPerSecond = await engineRate({ cadence: 'everyStep' });
  return {
    backend: tf.getBackend(),
    model: design.metadata.name,
    stepsPerEpoch,
    fitStepsPerSecond,
    engineOffStepsPerSecond,
    engineDefaultStepsPerSecond,
    engineEveryStepStepsPerSecond,
    engineVsFit: engineOffStepsPerSecond / fitStepsPerSecond,
    defaultSlowdown: 1 - engineDefaultStepsPerSecond / engineOffStepsPerSecond,
    everyStepSlowdown: 1 - engineEveryStepStepsPerSecond / engineOffStepsPerSecond,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchEngine();
  console.log(JSON.stringify(result, null, 2));
  console.table({
    'model.fit': { 'steps/s': result.fitStepsPerSecond.toFixed(1), 'vs engine off': (result.fitStepsPerSecond / result.engineOffStepsPerSecond).toFixed(3) },
    'engine, instrumentation off': { 'steps/s': result.engineOffStepsPerSecond.toFixed(1), 'vs engine off': '1.000' },
    'engine, default (~100 ms)': { 'steps/s': result.engineDefaultStepsPerSecond.toFixed(1), 'vs engine off': (1 - result.defaultSlowdown).toFixed(3) },
    'engine, every step': { 'steps/s': result.engineEveryStepStepsPerSecond.toFixed(1), 'vs engine off': (1 - result.everyStepSlowdown).toFixed(3) },
  });
}
