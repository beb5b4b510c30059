/**
 * Engine throughput: the plan-based loop with instrumentation off vs tf.js model.fit on the same
 * model, data and backend; default (~100 ms) instrumentation vs off; instrumentation every step;
 * and both instrumented cadences again without the gradient w.r.t. the Input, to show what it costs.
 * `npx tsx test/bench/engine.ts` prints JSON and a table.
 */
import * as tf from '@tensorflow/tfjs';
import { performance } from 'node:perf_hooks';
import { useWasmBackend } from '../../src/engine/backends/wasm';
import { compileDesign } from '../../src/compile/toTfjs';
import { buildPlan } from '../../src/engine/plan/plan';
import { seedKernels } from '../../src/engine/initialize';
import { Trainer, type TrainerOptions } from '../../src/engine/trainer';
import { loadDataset } from '../../src/engine/datasets';
import { residualMlp } from '../../src/graph/examples';
import { TrainSettings, type InstrumentationSettings } from '../../src/schema/settings';

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
  /** The same two cadences with the Input's gradient left unmeasured (as before it was measured). */
  engineDefaultNoInputGradStepsPerSecond: number;
  engineEveryStepNoInputGradStepsPerSecond: number;
  defaultNoInputGradSlowdown: number;
  everyStepNoInputGradSlowdown: number;
  /** Median ms of one step, interleaved over many steps: plain, instrumented, instrumented without the Input's gradient. */
  stepMs: { plain: number; instrumented: number; instrumentedNoInputGrad: number };
  /** What measuring the Input's gradient adds at the default cadence (10 frames/s), as a share of wall time. */
  inputGradDefaultOverhead: number;
}

/**
 * The four contenders run interleaved, one epoch each per round, and each rate is the median over
 * rounds: on a shared 2-core machine the load drifts, and measuring them one after another turned
 * equal speeds into a 0.4 ratio.
 */
export async function benchEngine(rounds = 5): Promise<EngineBenchResult> {
  await useWasmBackend(tf);
  const design = residualMlp(10, { width: 64, norm: 'none' });
  const spec = { kind: 'spirals' as const, size: 2048, validationFraction: 0 };
  const dataset = await loadDataset(spec);
  const batchSize = 64;
  const stepsPerEpoch = Math.ceil(dataset.train.count / batchSize);

  const fitModel = compileDesign(design, tf).model;
  fitModel.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const x = tf.tensor2d(dataset.train.x, [dataset.train.count, 2]);
  const y = tf.oneHot(tf.tensor1d(dataset.train.y, 'int32'), 2);
  const fitEpoch = async () => {
    const start = performance.now();
    await fitModel.fit(x, y, { epochs: 1, batchSize, verbose: 0 });
    return stepsPerEpoch / ((performance.now() - start) / 1000);
  };

  const engineEpoch = (instrumentation: Partial<InstrumentationSettings>, options: TrainerOptions = {}) => {
    const compiled = compileDesign(design, tf);
    const plan = buildPlan(compiled);
    seedKernels(tf, plan, compiled.graph, 1);
    return async () => {
      const trainer = new Trainer(
        tf,
        plan,
        dataset,
        TrainSettings.parse({ dataset: spec, epochs: 1, batchSize, instrumentation }),
        'bench',
        { frame: () => {} },
        {
          now: () => performance.now(),
          yieldToHost: () => new Promise((resolve) => setImmediate(resolve)),
        },
        options,
      );
      const start = performance.now();
      await trainer.run();
      const rate = stepsPerEpoch / ((performance.now() - start) / 1000);
      trainer.dispose();
      return rate;
    };
  };

  // Per-step medians resolve a difference of a few percent that whole-epoch rates on a shared machine cannot.
  const stepTimer = (options: TrainerOptions, instrument: boolean) => {
    const compiled = compileDesign(design, tf);
    const plan = buildPlan(compiled);
    seedKernels(tf, plan, compiled.graph, 1);
    const trainer = new Trainer(tf, plan, dataset, TrainSettings.parse({ dataset: spec, epochs: 1, batchSize }), 'bench-step', {}, undefined, options);
    const batch = tf.tidy(() => [
      x.slice(0, batchSize),
      tf.oneHot(tf.tensor1d(dataset.train.y.slice(0, batchSize), 'int32'), 2).toFloat(),
      tf.tensor1d(dataset.train.y.slice(0, batchSize), 'int32'),
    ]);
    return {
      time: () => {
        const start = performance.now();
        trainer.trainStep(batch[0], batch[1], batch[2], instrument);
        return performance.now() - start;
      },
      dispose: () => {
        trainer.dispose();
        batch.forEach((t) => t.dispose());
        compiled.model.dispose();
      },
    };
  };
  const steppers = { plain: stepTimer({}, false), instrumented: stepTimer({}, true), instrumentedNoInputGrad: stepTimer({ inputGradient: false }, true) };
  const stepTimes: Record<keyof typeof steppers, number[]> = { plain: [], instrumented: [], instrumentedNoInputGrad: [] };
  for (let i = 0; i < 20 + rounds * 40; i++) {
    for (const [name, stepper] of Object.entries(steppers) as [keyof typeof steppers, { time: () => number }][]) {
      const ms = stepper.time();
      if (i >= 20) stepTimes[name].push(ms);
    }
    if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  Object.values(steppers).forEach((s) => s.dispose());

  const contenders = {
    fit: fitEpoch,
    off: engineEpoch({ cadence: 'off' }),
    interval: engineEpoch({ cadence: 'interval', intervalMs: 100 }),
    everyStep: engineEpoch({ cadence: 'everyStep' }),
    intervalNoInputGrad: engineEpoch({ cadence: 'interval', intervalMs: 100 }, { inputGradient: false }),
    everyStepNoInputGrad: engineEpoch({ cadence: 'everyStep' }, { inputGradient: false }),
  };
  const rates: Record<keyof typeof contenders, number[]> = { fit: [], off: [], interval: [], everyStep: [], intervalNoInputGrad: [], everyStepNoInputGrad: [] };
  for (const run of Object.values(contenders)) await run(); // warm-up: kernels compiled, memory grown
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(contenders) as [keyof typeof contenders, () => Promise<number>][]) rates[name].push(await run());
  }
  x.dispose();
  y.dispose();
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const fitStepsPerSecond = median(rates.fit);
  const engineOffStepsPerSecond = median(rates.off);
  const engineDefaultStepsPerSecond = median(rates.interval);
  const engineEveryStepStepsPerSecond = median(rates.everyStep);
  const engineDefaultNoInputGradStepsPerSecond = median(rates.intervalNoInputGrad);
  const engineEveryStepNoInputGradStepsPerSecond = median(rates.everyStepNoInputGrad);
  const stepMs = {
    plain: median(stepTimes.plain),
    instrumented: median(stepTimes.instrumented),
    instrumentedNoInputGrad: median(stepTimes.instrumentedNoInputGrad),
  };
  return {
    stepMs,
    inputGradDefaultOverhead: ((stepMs.instrumented - stepMs.instrumentedNoInputGrad) * 10) / 1000,
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
    engineDefaultNoInputGradStepsPerSecond,
    engineEveryStepNoInputGradStepsPerSecond,
    defaultNoInputGradSlowdown: 1 - engineDefaultNoInputGradStepsPerSecond / engineOffStepsPerSecond,
    everyStepNoInputGradSlowdown: 1 - engineEveryStepNoInputGradStepsPerSecond / engineOffStepsPerSecond,
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
    'engine, default, no Input gradient': {
      'steps/s': result.engineDefaultNoInputGradStepsPerSecond.toFixed(1),
      'vs engine off': (1 - result.defaultNoInputGradSlowdown).toFixed(3),
    },
    'engine, every step, no Input gradient': {
      'steps/s': result.engineEveryStepNoInputGradStepsPerSecond.toFixed(1),
      'vs engine off': (1 - result.everyStepNoInputGradSlowdown).toFixed(3),
    },
  });
  console.table(Object.fromEntries(Object.entries(result.stepMs).map(([name, ms]) => [`one step, ${name}`, { 'median ms': ms.toFixed(2) }])));
  console.log(`measuring the Input's gradient adds ${(result.inputGradDefaultOverhead * 100).toFixed(2)} % of wall time at 10 frames/s`);
}
