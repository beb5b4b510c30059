/**
 * `npm run bench`: every speed and memory benchmark, side by side in one run. Prints readable tables
 * and writes all figures as JSON to bench-results/bench.json. Targets are checked here, never in tests.
 * Options: --quick (fewer rounds everywhere), --peer-only (only the engine-vs-PyTorch section),
 * --rounds N and --steps N (its rounds and steps per round), --designs resnet20,mlp1002,mlp56,
 * --no-browser (skip the app's threads on/off section, which builds the web app and drives Chromium).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchEngine } from './engine';
import { formatBenchTable, runKernelBench } from './kernels';
import { formatPeerTable, peerOptionsFromArgs, runPeerBench } from './peer';

const quick = process.argv.includes('--quick');
const peerOnly = process.argv.includes('--peer-only');
const results: Record<string, unknown> = { date: new Date().toISOString(), quick, peerOnly };
const targets: (readonly [string, number, boolean])[] = [];

console.log('── The engine vs PyTorch: training steps of the bundled designs, interleaved (medians) ──');
const peer = await runPeerBench({
  rounds: quick ? 2 : 5,
  stepsPerRound: quick ? 10 : 20,
  ...Object.fromEntries(Object.entries(peerOptionsFromArgs()).filter(([, v]) => v !== undefined)),
  onProgress: (m) => console.log(`  ${m}`),
});
results.peer = peer;
console.log(formatPeerTable(peer));
const peerTargets: Record<string, number> = { 'ResNet-20 (CIFAR)': 3, 'Residual MLP-1002 (repeat group)': 2, 'Residual MLP-56': 2 };
for (const row of peer.rows) {
  const limit = peerTargets[row.design];
  const busy = Math.max(peer.load.before, peer.load.after) > peer.load.cores ? ' (machine busy: not a valid comparison)' : '';
  if (limit !== undefined) targets.push([`${row.design}: engine ÷ PyTorch step ≤ ${limit}× (instrumentation off)${busy}`, row.ratioOff, row.ratioOff <= limit]);
}

if (!process.argv.includes('--no-browser')) {
  console.log("\n── The app's engine worker: threaded wasm vs single-threaded wasm on ResNet-20 (both pages open, alternating bursts, medians) ──");
  // Its own process: it builds the web app, serves it cross-origin isolated and drives Chromium.
  // Bursts a few seconds apart, not rounds a page load apart: this host's speed drifts over minutes
  // (one run's single-threaded step ranged 333–754 ms), and close pairs cancel more of that drift.
  const root = join(import.meta.dirname, '..', '..');
  execFileSync('npx', ['tsx', 'test/bench/browserBackends.ts', '--rounds', quick ? '4' : '16', '--burst', quick ? '4' : '6'], { cwd: root, stdio: 'inherit' });
  const browser = JSON.parse(readFileSync(join(root, 'bench-results', 'browser-backends.json'), 'utf8')) as {
    results: { variant: string; backend?: string; speedUp: number }[];
  };
  results.browserThreads = browser;
  const threaded = browser.results.find((r) => r.variant === 'wasm-threads');
  if (threaded) targets.push([`app worker: threads on ÷ off speed-up ≥ 1.6× (${threaded.backend ?? 'wasm'})`, threaded.speedUp, threaded.speedUp >= 1.6]);
  // What a second core gives the peer on this machine: the yardstick for the line above.
  const resnet = peer.rows.find((r) => r.design === 'ResNet-20 (CIFAR)');
  if (resnet) targets.push(['reference (reported): PyTorch 1 → 2 threads on ResNet-20, same run', resnet.torchThreadSpeedup, true]);
}

if (!peerOnly) {
  console.log('\n── Engine throughput (residual MLP-10, width 64, batch 64, Adam, wasm) ──');
  const engine = await benchEngine(quick ? 2 : 5);
  results.engine = engine;
  console.table({
    'model.fit': { 'steps/s': engine.fitStepsPerSecond.toFixed(1) },
    'engine, instrumentation off': { 'steps/s': engine.engineOffStepsPerSecond.toFixed(1) },
    'engine, default (~100 ms)': { 'steps/s': engine.engineDefaultStepsPerSecond.toFixed(1) },
    'engine, every step': { 'steps/s': engine.engineEveryStepStepsPerSecond.toFixed(1) },
  });
  targets.push(
    ['engine ÷ model.fit throughput ≥ 0.95', engine.engineVsFit, engine.engineVsFit >= 0.95],
    ['default instrumentation slowdown ≤ 10%', engine.defaultSlowdown, engine.defaultSlowdown <= 0.1],
    ['every-step instrumentation slowdown (reported)', engine.everyStepSlowdown, true],
  );

  console.log('\n── Training kernels: wasm vs cpu vs PyTorch ──');
  const kernels = await runKernelBench({ onProgress: (m) => console.log(`  ${m}`), skipCpuResNet: quick });
  results.kernels = kernels;
  console.log(formatBenchTable(kernels));
}

console.log('\n── Targets ──');
for (const [name, value, met] of targets) console.log(`${met ? 'met    ' : 'MISSED '} ${name}: ${value.toFixed(3)}`);
results.targets = targets.map(([name, value, met]) => ({ name, value, met }));

const dir = join(import.meta.dirname, '..', '..', 'bench-results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'bench.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nJSON: ${join(dir, 'bench.json')}`);
