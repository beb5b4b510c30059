/**
 * How long the kernel threads poll before sleeping (KernelThreads.spinMs), and how many deferred
 * calls they queue (KernelThreads.queueDepth), against a step's time: settings alternate every few
 * steps in one process, so a shared machine's load falls on each alike.
 * `npx tsx test/bench/kernelThreadsSpin.ts [resnet20|mlp1002|mlp56] [--spins -1,0,2,20] [--depths 16] [--rounds 8] [--threads 2]`
 * (-1: every split kernel inline on the engine's thread, the single-thread reference in the same build).
 * Prints per setting the median step, CPU time a step, and the time inside the split kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { performance } from 'node:perf_hooks';
import { DEFERRED_SLOTS, KernelThreads } from '../../src/engine/backends/wasmKernels/native/kernelThreads';
import { startThreadedWasm } from '../../node/wasmThreads';
import { stepHarness } from './stepHarness';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const key = process.argv[2]?.startsWith('--') === false ? process.argv[2] : 'resnet20';
const spins = option('spins', '-1,0,2,20').split(',').map(Number);
const depths = option('depths', String(DEFERRED_SLOTS)).split(',').map(Number);
const settings = spins.flatMap((spin) => (spin < 0 ? [{ spin, depth: 1 }] : depths.map((depth) => ({ spin, depth }))));
const label = (s: { spin: number; depth: number }) =>
  s.spin < 0 ? 'inline              ' : `poll ${String(s.spin).padStart(3)} ms, queue ${String(s.depth).padStart(2)}`;
const rounds = Number(option('rounds', '8'));
const STEPS_PER_ROUND = 5;

let setting = settings[0];
let splitMs = 0;
const run = KernelThreads.prototype.run;
KernelThreads.prototype.run = function (this: KernelThreads, name, kernel, args, units) {
  const start = performance.now();
  this.spinMs = Math.max(0, setting.spin);
  this.queueDepth = setting.depth;
  if (setting.spin < 0) kernel(...args, 0, units);
  else run.call(this, name, kernel, args, units);
  splitMs += performance.now() - start;
};
const runDeferred = KernelThreads.prototype.runDeferred;
KernelThreads.prototype.runDeferred = function (this: KernelThreads, name, kernel, args, units) {
  if (setting.spin < 0) kernel(...args, 0, units);
  else runDeferred.call(this, name, kernel, args, units);
};

const started = await startThreadedWasm(tf, Number(option('threads', '2')));
if ('reason' in started) throw new Error(started.reason);
if (started.status.nativeKernels.active === false || started.status.nativeKernels.helperThreads === 0)
  throw new Error(`no helper threads to compare: ${JSON.stringify(started.status.nativeKernels)}`);
const harness = await stepHarness(key);
for (let i = 0; i < 5; i++) harness.step();

const results = new Map(settings.map((s) => [s, { wall: [] as number[], cpu: [] as number[], split: [] as number[] }]));
for (let round = 0; round < rounds; round++)
  for (const s of settings) {
    setting = s;
    // One untimed step lets the previous setting's polling run out.
    harness.step();
    splitMs = 0;
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < STEPS_PER_ROUND; i++) harness.step();
    const used = process.cpuUsage(cpuStart);
    const r = results.get(s)!;
    r.wall.push((performance.now() - start) / STEPS_PER_ROUND);
    r.cpu.push((used.user + used.system) / 1000 / STEPS_PER_ROUND);
    r.split.push(splitMs / STEPS_PER_ROUND);
  }
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`${harness.peer.design().metadata.name}, ${rounds} rounds of ${STEPS_PER_ROUND} steps per setting`);
for (const [s, r] of results)
  console.log(
    `  ${label(s)}: step ${median(r.wall).toFixed(1)} ms (CPU ${median(r.cpu).toFixed(0)}), split kernels ${median(r.split).toFixed(1)} ms; rounds ${r.wall.map((w) => w.toFixed(0)).join(' ')}`,
  );
harness.dispose();
process.exit(0);
