/**
 * Where an engine training step's time goes, kernel by kernel (tf.profile), for one of the peer
 * bench's designs: time per kernel name, kernel count, and the step's wall time beside the sum of
 * its kernels (the rest is tf.js bookkeeping: tape, tidy, shape checks, dispatch). CPU time is
 * reported beside wall time: on a shared machine it is the steadier of the two.
 * `npx tsx test/bench/profileStep.ts resnet20|mlp1002|mlp56 [--steps N] [--no-native] [--threads N [--inline]] [--instrument]`
 * (--threads: tf.js' threaded build with N threads, as the CLI starts it for convolutional designs,
 * which also reports the wall time inside the split kernels, the rest of the step that runs on one
 * thread, and the gaps between split calls; --inline: the split kernels on the engine's thread
 * alone, in the same build; --instrument: every step records and summarises the forward and
 * backward statistics, as a stats frame does.)
 * tf.profile times kernels one by one, so under --threads its table is not the split step's time.
 */
import * as tf from '@tensorflow/tfjs';
import { performance } from 'node:perf_hooks';
import { useWasmBackend, type WasmBackendStatus } from '../../src/engine/backends/wasm';
import { KernelThreads } from '../../src/engine/backends/wasmKernels/native/kernelThreads';
import { startThreadedWasm } from '../../node/wasmThreads';
import { stepHarness } from './stepHarness';

const key = process.argv[2] ?? 'mlp56';
const stepsArg = process.argv.indexOf('--steps');
const steps = stepsArg >= 0 ? Number(process.argv[stepsArg + 1]) : 10;
const threadsArg = process.argv.indexOf('--threads');
const threads = threadsArg >= 0 ? Number(process.argv[threadsArg + 1]) : 1;
const inline = process.argv.includes('--inline');

async function startWasm(): Promise<WasmBackendStatus> {
  if (threadsArg < 0) return useWasmBackend(tf, undefined, { nativeKernels: !process.argv.includes('--no-native') });
  const started = await startThreadedWasm(tf, threads);
  if ('reason' in started) throw new Error(started.reason);
  return started.status;
}
const wasmStatus = await startWasm();
const native = wasmStatus.nativeKernels;
console.log(
  `wasm: ${wasmStatus.threadCount} thread(s); native kernels: ${native.active ? `on, ${native.helperThreads} helper thread(s)${native.helpersReason ? ` (${native.helpersReason})` : ''}` : `off (${native.reason})`}${inline ? '; split kernels inline' : ''}`,
);

// Wall time inside the split kernels' calls, and between them: the rest of a step runs on one thread.
const splitMs = new Map<string, { ms: number; count: number }>();
const gaps: number[] = [];
let lastEnd = 0;
const run = KernelThreads.prototype.run;
KernelThreads.prototype.run = function (this: KernelThreads, name, kernel, args, units) {
  const start = performance.now();
  if (lastEnd > 0) gaps.push(start - lastEnd);
  if (inline) kernel(...args, 0, units);
  else run.call(this, name, kernel, args, units);
  lastEnd = performance.now();
  const entry = splitMs.get(name) ?? { ms: 0, count: 0 };
  entry.ms += lastEnd - start;
  entry.count++;
  splitMs.set(name, entry);
};

const harness = await stepHarness(key);
const instrument = process.argv.includes('--instrument');
for (let i = 0; i < 3; i++) harness.step(instrument);
splitMs.clear();
gaps.length = 0;
lastEnd = 0;
const before = tf.memory().numTensors;
const wall: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < steps; i++) {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  harness.step(instrument);
  wall.push(performance.now() - start);
  const used = process.cpuUsage(cpuStart);
  cpu.push((used.user + used.system) / 1000);
}
const leaked = tf.memory().numTensors - before;
if (splitMs.size > 0) {
  const total = wall.reduce((a, b) => a + b, 0);
  const inSplit = [...splitMs.values()].reduce((a, b) => a + b.ms, 0);
  gaps.sort((a, b) => a - b);
  const q = (f: number) => gaps[Math.floor(f * (gaps.length - 1))].toFixed(2);
  console.log(
    `split kernels: ${(inSplit / steps).toFixed(1)} ms a step of ${(total / steps).toFixed(1)} (the rest, ${((total - inSplit) / steps).toFixed(1)} ms, on one thread); gaps between split calls: median ${q(0.5)} ms, p90 ${q(0.9)}, p99 ${q(0.99)}, longest ${q(1)}`,
  );
  console.table(
    Object.fromEntries(
      [...splitMs.entries()]
        .sort((a, b) => b[1].ms - a[1].ms)
        .map(([k, e]) => [k, { 'ms a step': (e.ms / steps).toFixed(2), 'calls a step': e.count / steps }]),
    ),
  );
}
cpu.sort((a, b) => a - b);
wall.sort((a, b) => a - b);
const profile = await tf.profile(() => {
  harness.step(instrument);
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
  `${harness.peer.design().metadata.name}, batch ${harness.peer.batchSize}: step median ${wall[Math.floor(wall.length / 2)].toFixed(2)} ms (CPU ${cpu[Math.floor(cpu.length / 2)].toFixed(2)} ms) over ${steps}; ${profile.kernels.length} kernels, ${kernelMs.toFixed(2)} ms in kernels (profiled step); tensors leaked per ${steps} steps: ${leaked}`,
);
console.table(
  Object.fromEntries(
    [...byKernel.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 25)
      .map(([name, e]) => [name, { ms: e.ms.toFixed(2), count: e.count, share: `${((e.ms / kernelMs) * 100).toFixed(1)} %` }]),
  ),
);
harness.dispose();
process.exit(0);
