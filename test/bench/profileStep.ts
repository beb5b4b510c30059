/**
 * Where an engine training step's time goes, kernel by kernel (tf.profile), for one of the peer
 * bench's designs: time per kernel name, kernel count, and the step's wall time beside the sum of
 * its kernels (the rest is tf.js bookkeeping: tape, tidy, shape checks, dispatch). CPU time is
 * reported beside wall time: on a shared machine it is the steadier of the two.
 * `npx tsx test/bench/profileStep.ts resnet20|mlp1002|mlp56 [--steps N] [--no-native] [--threads N] [--instrument]`
 * (--threads: tf.js' threaded build with N threads, as the CLI starts it for convolutional designs;
 * --instrument: every step records and summarises the forward and backward statistics, as a stats frame does.)
 */
import * as tf from '@tensorflow/tfjs';
import { performance } from 'node:perf_hooks';
import { useWasmBackend, type WasmBackendStatus } from '../../src/engine/backends/wasm';
import { startThreadedWasm } from '../../node/wasmThreads';
import { compileDesign } from '../../src/compile/toTfjs';
import { buildPlan } from '../../src/engine/plan/plan';
import { seedKernels } from '../../src/engine/initialize';
import { Trainer } from '../../src/engine/trainer';
import { loadDataset } from '../../src/engine/datasets';
import { TrainSettings } from '../../src/schema/settings';
import { PEER_CASES } from './peer';

const key = process.argv[2] ?? 'mlp56';
const stepsArg = process.argv.indexOf('--steps');
const steps = stepsArg >= 0 ? Number(process.argv[stepsArg + 1]) : 10;
const c = PEER_CASES.find((p) => p.key === key);
if (!c) throw new Error(`unknown design "${key}" (${PEER_CASES.map((p) => p.key).join(', ')})`);

const threadsArg = process.argv.indexOf('--threads');
const threads = threadsArg >= 0 ? Number(process.argv[threadsArg + 1]) : 1;
async function startWasm(): Promise<WasmBackendStatus> {
  if (threadsArg < 0) return useWasmBackend(tf, undefined, { nativeKernels: !process.argv.includes('--no-native') });
  const started = await startThreadedWasm(tf, threads);
  if ('reason' in started) throw new Error(started.reason);
  return started.status;
}
const wasmStatus = await startWasm();
const native = wasmStatus.nativeKernels;
console.log(
  `wasm: ${wasmStatus.threadCount} thread(s); native kernels: ${native.active ? `on, ${native.helperThreads} helper thread(s)${native.helpersReason ? ` (${native.helpersReason})` : ''}` : `off (${native.reason})`}`,
);
const design = c.design();
const dataset = await loadDataset(c.dataset);
const compiled = compileDesign(design, tf);
const plan = buildPlan(compiled);
seedKernels(tf, plan, compiled.graph, 1);
const settings = TrainSettings.parse({ dataset: c.dataset, epochs: 1, batchSize: c.batchSize, optimizer: { name: 'adam', learningRate: c.learningRate } });
const trainer = new Trainer(tf, plan, dataset, settings, 'profile');
const n = c.batchSize;
const batch = tf.tidy(() => {
  const idx = tf.range(0, n, 1, 'int32');
  const x = tf.tensor(dataset.train.x.slice(0, n * dataset.sampleShape.reduce((a, b) => a * b, 1)), [n, ...dataset.sampleShape]);
  const labels = tf.gather(tf.tensor1d(dataset.train.y, 'int32'), idx);
  return [x, tf.oneHot(labels, plan.outputUnits).toFloat(), labels];
});
const instrument = process.argv.includes('--instrument');
const step = () => trainer.trainStep(batch[0], batch[1], batch[2], instrument);
for (let i = 0; i < 3; i++) step();
const before = tf.memory().numTensors;
const wall: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < steps; i++) {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  step();
  wall.push(performance.now() - start);
  const used = process.cpuUsage(cpuStart);
  cpu.push((used.user + used.system) / 1000);
}
cpu.sort((a, b) => a - b);
const leaked = tf.memory().numTensors - before;
wall.sort((a, b) => a - b);
const profile = await tf.profile(() => {
  step();
});
const byKernel = new Map<string, { ms: number; count: number }>();
for (const k of profile.kernels) {
  const entry = byKernel.get(k.name) ?? { ms: 0, count: 0 };
  entry.ms += Number(await k.kernelTimeMs);
  entry.count++;
  byKernel.set(k.name, entry);
}
const kernelMs = [...byKernel.values()].reduce((a, b) => a + b.ms, 0);
console.log(
  `${design.metadata.name}, batch ${n}: step median ${wall[Math.floor(wall.length / 2)].toFixed(2)} ms (CPU ${cpu[Math.floor(cpu.length / 2)].toFixed(2)} ms) over ${steps}; ${profile.kernels.length} kernels, ${kernelMs.toFixed(2)} ms in kernels (profiled step); tensors leaked per ${steps} steps: ${leaked}`,
);
console.table(
  Object.fromEntries(
    [...byKernel.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 25)
      .map(([name, e]) => [name, { ms: e.ms.toFixed(2), count: e.count, share: `${((e.ms / kernelMs) * 100).toFixed(1)} %` }]),
  ),
);
trainer.dispose();
