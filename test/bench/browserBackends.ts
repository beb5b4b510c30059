/**
 * The engine in the browser's worker, backend against backend: the same design trained by the real
 * engine worker of the production build (served by `vite preview`, cross-origin isolated), timed
 * over the same steps. Rounds alternate, so a shared machine's load falls on every variant alike.
 *
 *   npx tsx test/bench/browserBackends.ts                       threaded wasm against single-threaded wasm
 *   npx tsx test/bench/browserBackends.ts --variants wasm-threads,wasm-threads-1,wasm-single
 *                                                                also the threaded build on one thread: the
 *                                                                threads' own gain apart from the build's cost
 *   npx tsx test/bench/browserBackends.ts --design assets/examples/residual-mlp-20.rescanvas.json --variants wasm-threads,app
 *                                                                the app's own choice for the design (threads only
 *                                                                for convolutions) against threads for every design
 *   npx tsx test/bench/browserBackends.ts --variants webgpu,webgl,wasm-threads --gpu
 *                                                                the GPU backends on a machine that has a GPU
 * Options: --design <example file> (default ResNet-20), --steps N (timed steps per round, default 12),
 * --warmup N (untimed steps first, default 12), --rounds N (default 3), --port N (default RESCANVAS_E2E_PORT or 5185), --prebuilt (skip `vite build`),
 * --software-gpu (WebGPU on SwiftShader, for trying the GPU variants on a machine without a GPU),
 * --thread-detail (each round's CPU time per step of the browser's busiest threads, by thread name).
 * Writes bench-results/browser-backends.json.
 *
 * Like for like: every variant runs the same production build, design, batches (seed 1), warm-up
 * (excluded from the timing), instrumentation (off) and kernels; they differ only in the wasm build
 * (threaded SIMD or SIMD) and the thread count. Besides wall time, each round reads the CPU time of
 * the browser's threads from /proc (Linux) over the timed steps: on a shared machine wall time
 * swings with other work, while the CPU time of the busiest thread (the engine's own, which runs
 * every kernel that is not split across the pool) bounds the step time from below on an idle one.
 */
import { execSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { designKind } from '../../src/engine/backends/threadChoice';

/**
 * wasm-threads: the threaded build on one thread per core (capped at 8), forced; wasm-threads-1: the
 * same build on one thread; wasm-single: the SIMD build in a page that is not isolated; app: wasm as
 * the app runs it for this design (the worker restarted for the design's kind, threadChoice.ts).
 */
type Variant = 'wasm-threads' | 'wasm-threads-1' | 'wasm-single' | 'app' | 'webgpu' | 'webgl' | 'cpu';
const VARIANTS: readonly Variant[] = ['wasm-threads', 'wasm-threads-1', 'wasm-single', 'app', 'webgpu', 'webgl', 'cpu'];

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string): boolean => process.argv.includes(`--${name}`);

const root = join(import.meta.dirname, '..', '..');
const port = Number(option('port') ?? process.env.RESCANVAS_E2E_PORT ?? 5185);
const designFile = option('design') ?? join(root, 'assets', 'examples', 'resnet-20-cifar.rescanvas.json');
const timedSteps = Number(option('steps') ?? 12);
const rounds = Number(option('rounds') ?? 3);
const variants = (option('variants') ?? 'wasm-threads,wasm-single').split(',') as Variant[];
for (const v of variants) if (!VARIANTS.includes(v)) throw new Error(`--variants: "${v}" is not one of ${VARIANTS.join(', ')}`);
/**
 * Steps before the timing starts. V8 first runs the wasm module's baseline code and recompiles hot
 * functions optimised on background threads over the first steps: measured on ResNet-20, the
 * browser's background threads took ~100 ms of CPU per step at steps 4–10 and ~15 after step 14,
 * and the engine thread's own CPU per step fell by a fifth. With 3 warm-up steps that compilation
 * fell inside the timing and competed with the pool's second thread, so threads looked worse.
 */
const WARMUP_STEPS = Number(option('warmup') ?? 12);

interface RoundResult {
  backend: string;
  msPerStep: number;
  /** Steps in the timed window (at least --steps). */
  steps: number;
}

/** CPU time (ms) of every thread of `pid` and its descendants, by pid/tid; empty where /proc is not there. */
function threadCpuMs(rootPid: number): Map<string, number> {
  const times = new Map<string, number>();
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return times;
  }
  const fields = (stat: string) => stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  for (const d of entries) {
    try {
      const parent = Number(fields(readFileSync(`/proc/${d}/stat`, 'utf8'))[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(d)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  const visit = (pid: number) => {
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const f = fields(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
        let name = '';
        try {
          name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        } catch {
          // The thread ended while we looked.
        }
        times.set(`${pid}/${tid} ${name}`, (Number(f[11]) + Number(f[12])) / ticksPerMs);
      }
    } catch {
      // The process ended while we looked.
    }
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(rootPid);
  return times;
}

/** CPU ms per step over a window: all the browser's threads together, and its busiest thread. */
function cpuPerStep(before: Map<string, number>, after: Map<string, number>, steps: number): { total: number; busiest: number } | null {
  if (after.size === 0) return null;
  const byThread = [...after].map(([id, ms]) => [id, ms - (before.get(id) ?? 0)] as const).filter(([, ms]) => ms > 0);
  if (flag('thread-detail'))
    console.log(
      `    CPU ms/step by thread: ${byThread
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([id, ms]) => `${id.split(' ').slice(1).join(' ')} ${(ms / steps).toFixed(1)}`)
        .join(', ')}`,
    );
  const used = byThread.map(([, ms]) => ms);
  return { total: used.reduce((a, b) => a + b, 0) / steps, busiest: Math.max(0, ...used) / steps };
}

/** Opens the app on the in-memory host with the backend forced (or chosen) and times training steps through its engine. */
async function timeRound(
  browser: Browser,
  variant: Variant,
  design: unknown,
  dataset: unknown,
  batchSize: number,
): Promise<RoundResult & { cpu: { total: number; busiest: number } | null }> {
  const context = await browser.newContext();
  const page: Page = await context.newPage();
  if (variant === 'wasm-single') {
    // The same build served without COOP/COEP: not isolated, so the worker falls back to one thread.
    await page.route(`http://127.0.0.1:${port}/**`, async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    });
  }
  const backend = variant.startsWith('wasm') || variant === 'app' ? 'wasm' : variant;
  // Forced counts: otherwise the worker picks the count for the design's kind (the app variant).
  const threads = variant === 'wasm-threads-1' ? '&threads=1' : variant === 'wasm-threads' ? `&threads=${Math.min(8, availableParallelism())}` : '';
  await page.goto(`http://127.0.0.1:${port}/?host=memory&backend=${backend}${threads}`);
  // The CPU window opens when the page marks the first timed step (polled: a few ms late at most).
  let cpuBefore: Map<string, number> | null = null;
  const marked = (async () => {
    while (!(await page.evaluate(() => (window as { __benchTimed?: boolean }).__benchTimed === true).catch(() => true)))
      await new Promise((r) => setTimeout(r, 20));
    cpuBefore = threadCpuMs(process.pid);
  })();
  const result = await page.evaluate(
    async ({ design, dataset, batchSize, warmup, timed, kind }) => {
      const engine = window.__rescanvasTestHost!.engine();
      // What Train does before loading a design (renderer/training/controller.ts).
      if (kind) engine.suitDesign?.(kind);
      return await new Promise<RoundResult>((resolve, reject) => {
        let backendText = '';
        let started = 0;
        let firstStep: number | null = null;
        const runId = `bench-${Date.now()}`;
        const unsubscribe = engine.subscribe((message) => {
          if (message.type === 'ready' || message.type === 'engineState') {
            backendText = `${message.backend.active} (${message.backend.detail})`;
          } else if (message.type === 'designLoaded') {
            engine.send({ type: 'start', runId, settings: { dataset, epochs: 1000, batchSize, seed: 1, instrumentation: { cadence: 'off' } } as never });
          } else if (message.type === 'progress') {
            // Progress reports are at least 50 ms apart (src/engine/session.ts), so a fast step may go unreported:
            // the window runs from the first report at or past the warm-up to the first at or past its end.
            if (firstStep === null && message.step >= warmup) {
              firstStep = message.step;
              started = performance.now();
              (window as { __benchTimed?: boolean }).__benchTimed = true;
            } else if (firstStep !== null && message.step >= firstStep + timed) {
              const msPerStep = (performance.now() - started) / (message.step - firstStep);
              engine.send({ type: 'stop', runId });
              unsubscribe();
              resolve({ backend: backendText, msPerStep, steps: message.step - firstStep });
            }
          } else if (message.type === 'error') {
            unsubscribe();
            reject(new Error(message.message));
          }
        });
        engine.send({ type: 'hello' });
        engine.send({ type: 'loadDesign', design: design as never });
      });
    },
    {
      design,
      dataset,
      batchSize,
      warmup: WARMUP_STEPS,
      timed: timedSteps,
      kind: variant === 'app' ? designKind(design as { nodes: { type: string }[] }) : null,
    },
  );
  const cpuAfter = threadCpuMs(process.pid);
  await marked;
  await context.close();
  return { ...result, cpu: cpuBefore ? cpuPerStep(cpuBefore, cpuAfter, result.steps) : null };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const file = JSON.parse(readFileSync(designFile, 'utf8')) as { preset?: { dataset?: unknown; batchSize?: number }; nodes: unknown[] };
const dataset = file.preset?.dataset ?? { kind: 'spirals' };
const batchSize = file.preset?.batchSize ?? 32;
const { preset: _preset, ...design } = file as Record<string, unknown>;

if (!flag('prebuilt')) execSync('npx vite build --logLevel warn', { cwd: root, stdio: 'inherit' });
const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: root, stdio: 'ignore', detached: true });
try {
  for (let i = 0; i < 60; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/`)
      .then((r) => r.ok)
      .catch(() => false);
    if (up) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const gpuArgs = flag('gpu')
    ? ['--enable-unsafe-webgpu', '--ignore-gpu-blocklist', '--enable-features=Vulkan']
    : flag('software-gpu')
      ? ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader']
      : [];
  const browser = await chromium.launch({
    executablePath: process.env.RESCANVAS_CHROMIUM ?? '/usr/bin/chromium',
    headless: !flag('headed'),
    args: ['--no-sandbox', ...gpuArgs],
  });
  const times = new Map<Variant, number[]>(variants.map((v) => [v, []]));
  const cpu = new Map<Variant, { total: number[]; busiest: number[] }>(variants.map((v) => [v, { total: [], busiest: [] }]));
  const backends = new Map<Variant, string>();
  console.log(
    `${designFile.split('/').pop()}, ${JSON.stringify(dataset)}, batch ${batchSize}: ${timedSteps} timed steps after ${WARMUP_STEPS}, ${rounds} alternating rounds`,
  );
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      const result = await timeRound(browser, variant, design, dataset, batchSize);
      times.get(variant)!.push(result.msPerStep);
      if (result.cpu) {
        cpu.get(variant)!.total.push(result.cpu.total);
        cpu.get(variant)!.busiest.push(result.cpu.busiest);
      }
      backends.set(variant, result.backend);
      const cpuText = result.cpu ? `  CPU ${result.cpu.total.toFixed(0)} ms/step, busiest thread ${result.cpu.busiest.toFixed(0)}` : '';
      console.log(`  round ${round + 1} ${variant.padEnd(14)} ${result.msPerStep.toFixed(1).padStart(8)} ms/step${cpuText}  ${result.backend}`);
    }
  }
  await browser.close();
  const baselineVariant: Variant = variants.includes('wasm-single') ? 'wasm-single' : variants[0];
  const baseline = median(times.get(baselineVariant)!);
  const medianOrNull = (values: number[]) => (values.length ? median(values) : null);
  const table = variants.map((v) => ({
    variant: v,
    backend: backends.get(v),
    medianMsPerStep: median(times.get(v)!),
    speedUp: baseline / median(times.get(v)!),
    msPerStep: times.get(v),
    cpuMsPerStep: medianOrNull(cpu.get(v)!.total),
    busiestThreadCpuMsPerStep: medianOrNull(cpu.get(v)!.busiest),
  }));
  console.table(
    table.map((r) => ({
      variant: r.variant,
      'median ms/step': r.medianMsPerStep.toFixed(1),
      [`speed-up vs ${baselineVariant}`]: `${r.speedUp.toFixed(2)}×`,
      'CPU ms/step': r.cpuMsPerStep?.toFixed(0) ?? '–',
      'busiest thread CPU ms/step': r.busiestThreadCpuMsPerStep?.toFixed(0) ?? '–',
    })),
  );
  const row = (v: Variant) => table.find((r) => r.variant === v);
  const [on, off, one, app] = [row('wasm-threads'), row('wasm-single'), row('wasm-threads-1'), row('app')];
  if (on && off) {
    // Each round's pair too: a host whose second core comes and goes shows as a spread, not a shift.
    const perRound = (off.msPerStep ?? []).map((ms, i) => (ms / (on.msPerStep?.[i] ?? Number.NaN)).toFixed(2)).join(' ');
    console.log(
      `threads on/off speed-up (median wall time, wasm-threads vs wasm-single): ${(off.medianMsPerStep / on.medianMsPerStep).toFixed(2)}× (per round ${perRound})`,
    );
    if (on.busiestThreadCpuMsPerStep && off.busiestThreadCpuMsPerStep)
      console.log(
        `  busiest thread's CPU, single / threaded: ${(off.busiestThreadCpuMsPerStep / on.busiestThreadCpuMsPerStep).toFixed(2)}× (the engine thread; on a loaded machine it includes the pool's spin-waits for a descheduled thread)`,
      );
  }
  if (on && app)
    console.log(
      `the app's choice for this design against threads for every design (wasm-threads / app): ${(on.medianMsPerStep / app.medianMsPerStep).toFixed(2)}×`,
    );
  if (on && one)
    console.log(`  the second thread alone (wasm-threads vs wasm-threads-1, same build): ${(one.medianMsPerStep / on.medianMsPerStep).toFixed(2)}×`);
  console.log(
    `measured ${new Date().toISOString()}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${availableParallelism()} cores`,
  );
  const dir = join(root, 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'browser-backends.json'),
    `${JSON.stringify({ date: new Date().toISOString(), loadAverage: loadavg(), design: designFile, dataset, batchSize, timedSteps, rounds, results: table }, null, 2)}\n`,
  );
} finally {
  if (server.pid) process.kill(-server.pid);
}
