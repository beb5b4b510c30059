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
 * --burst N (every variant's page opened and warmed up once, then --rounds bursts of N timed steps
 * alternate between them: samples seconds apart, not a page load apart),
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
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
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
/** Steps per burst with every variant's page open at once (openRunner); 0: a fresh page per round. */
const burst = Number(option('burst') ?? 0);
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

/**
 * The machine's CPU time so far (ms, all cores, /proc/stat): busy, idle, and stolen by the
 * hypervisor for other guests; null where /proc is not there.
 */
function machineCpuMs(): { busy: number; idle: number; steal: number } | null {
  try {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { busy: (user + nice + system + irq + softirq) * 10, idle: (idle + iowait) * 10, steal: steal * 10 };
  } catch {
    return null;
  }
}

/** CPU ms per step over a window: all the browser's threads together, and its busiest thread. */
interface CpuSnapshot {
  threads: Map<string, number>;
  machine: ReturnType<typeof machineCpuMs>;
}
const cpuSnapshot = (): CpuSnapshot => ({ threads: threadCpuMs(process.pid), machine: machineCpuMs() });

/** Per step over a window: CPU ms of all the browser's threads, of its busiest, and the machine's stolen time. */
interface CpuUse {
  total: number;
  busiest: number;
  steal: number | null;
}

function cpuPerStep(before: CpuSnapshot, after: CpuSnapshot, steps: number): CpuUse | null {
  if (after.threads.size === 0) return null;
  const byThread = [...after.threads].map(([id, ms]) => [id, ms - (before.threads.get(id) ?? 0)] as const).filter(([, ms]) => ms > 0);
  if (flag('thread-detail'))
    console.log(
      `    CPU ms/step by thread: ${byThread
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([id, ms]) => `${id.split(' ').slice(1).join(' ')} ${(ms / steps).toFixed(1)}`)
        .join(', ')}`,
    );
  const used = byThread.map(([, ms]) => ms);
  const steal = before.machine && after.machine ? (after.machine.steal - before.machine.steal) / steps : null;
  return { total: used.reduce((a, b) => a + b, 0) / steps, busiest: Math.max(0, ...used) / steps, steal };
}

/** The app on the in-memory host, in a context of its own, with the backend forced (or chosen) for `variant`. */
async function openApp(browser: Browser, variant: Variant): Promise<{ context: BrowserContext; page: Page }> {
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
  return { context, page };
}

/** A round: the app for `variant` opened, warmed up, timed over `timedSteps` steps in one burst, and closed. */
async function timeRound(
  browser: Browser,
  variant: Variant,
  design: unknown,
  dataset: unknown,
  batchSize: number,
): Promise<RoundResult & { cpu: CpuUse | null }> {
  const runner = await openRunner(browser, variant, design, dataset, batchSize);
  try {
    return await runner.burst(timedSteps);
  } finally {
    await runner.close();
  }
}

interface BenchWindow {
  /** Calls back into this process as a burst's timed steps start (1) and end (2). */
  __benchMark?: (mark: number) => Promise<void>;
  __bench?: { warm(): Promise<string>; burst(steps: number): Promise<RoundResult> };
}

/**
 * The app for `variant`, trained through its warm-up and paused, for timing in bursts: each burst
 * resumes the run, times `steps` steps from the end of the first step after resuming, and pauses
 * again. With every variant's page open at once, bursts of the variants alternate a few seconds
 * apart instead of a round's page load (about a minute) apart.
 */
async function openRunner(browser: Browser, variant: Variant, design: unknown, dataset: unknown, batchSize: number) {
  const { context, page } = await openApp(browser, variant);
  // tsx compiles this file keeping function names, through a helper the page does not have.
  await page.evaluate('globalThis.__name = (f) => f');
  // The CPU window follows the page's marks, which call back here rather than being polled: polling
  // during the timed steps would take CPU from them, and most from the variant that uses every core.
  const marks: CpuSnapshot[] = [];
  await page.exposeFunction('__benchMark', () => {
    marks.push(cpuSnapshot());
  });
  const backend = await page.evaluate(
    async ({ design, dataset, batchSize, warmup, kind }) => {
      const engine = window.__rescanvasTestHost!.engine();
      // What Train does before loading a design (renderer/training/controller.ts).
      if (kind) engine.suitDesign?.(kind);
      const runId = `bench-${Date.now()}`;
      let backendText = '';
      type Message = Parameters<Parameters<typeof engine.subscribe>[0]>[0];
      const waiters = new Set<{ until: (m: Message) => boolean; resolve: (m: Message) => void; reject: (e: Error) => void }>();
      const next = (until: (m: Message) => boolean) => new Promise<Message>((resolve, reject) => waiters.add({ until, resolve, reject }));
      engine.subscribe((message) => {
        if (message.type === 'ready' || message.type === 'engineState') backendText = `${message.backend.active} (${message.backend.detail})`;
        else if (message.type === 'designLoaded')
          engine.send({ type: 'start', runId, settings: { dataset, epochs: 1000, batchSize, seed: 1, instrumentation: { cadence: 'off' } } as never });
        for (const waiter of [...waiters])
          if (message.type === 'error') waiter.reject(new Error(message.message));
          else if (waiter.until(message)) {
            waiters.delete(waiter);
            waiter.resolve(message);
          }
      });
      const pause = async () => {
        const paused = next((m) => m.type === 'state' && m.state === 'paused');
        engine.send({ type: 'pause', runId });
        await paused;
      };
      (window as BenchWindow).__bench = {
        warm: async () => {
          await next((m) => m.type === 'progress' && m.step >= warmup);
          await pause();
          return backendText;
        },
        burst: async (steps) => {
          const w = window as BenchWindow;
          const first = next((m) => m.type === 'progress');
          engine.send({ type: 'resume', runId });
          const from = await first;
          const started = performance.now();
          void w.__benchMark?.(1);
          const fromStep = from.type === 'progress' ? from.step : 0;
          // Progress reports are at least 50 ms apart (src/engine/session.ts), so a fast step may go
          // unreported: the window ends at the first report at or past its last step.
          const to = await next((m) => m.type === 'progress' && m.step >= fromStep + steps);
          const msPerStep = (performance.now() - started) / ((to.type === 'progress' ? to.step : 0) - fromStep);
          void w.__benchMark?.(2);
          await pause();
          return { backend: backendText, msPerStep, steps: (to.type === 'progress' ? to.step : 0) - fromStep };
        },
      };
      const warmed = (window as BenchWindow).__bench!.warm();
      engine.send({ type: 'hello' });
      engine.send({ type: 'loadDesign', design: design as never });
      return await warmed;
    },
    { design, dataset, batchSize, warmup: WARMUP_STEPS, kind: variant === 'app' ? designKind(design as { nodes: { type: string }[] }) : null },
  );
  return {
    backend,
    burst: async (steps: number): Promise<RoundResult & { cpu: CpuUse | null }> => {
      marks.length = 0;
      const done = await page.evaluate((n) => (window as BenchWindow).__bench!.burst(n), steps);
      return { ...done, cpu: marks.length === 2 ? cpuPerStep(marks[0], marks[1], done.steps) : null };
    },
    close: () => context.close(),
  };
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
    burst
      ? `${designFile.split('/').pop()}, ${JSON.stringify(dataset)}, batch ${batchSize}: every variant's page open and warmed up (${WARMUP_STEPS} steps), then ${rounds} alternating bursts of ${burst} steps each`
      : `${designFile.split('/').pop()}, ${JSON.stringify(dataset)}, batch ${batchSize}: ${timedSteps} timed steps after ${WARMUP_STEPS}, ${rounds} alternating rounds`,
  );
  const runners = new Map<Variant, Awaited<ReturnType<typeof openRunner>>>();
  if (burst) for (const variant of variants) runners.set(variant, await openRunner(browser, variant, design, dataset, batchSize));
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      const runner = runners.get(variant);
      const result = runner ? await runner.burst(burst) : await timeRound(browser, variant, design, dataset, batchSize);
      times.get(variant)!.push(result.msPerStep);
      if (result.cpu) {
        cpu.get(variant)!.total.push(result.cpu.total);
        cpu.get(variant)!.busiest.push(result.cpu.busiest);
      }
      backends.set(variant, result.backend);
      const cpuText = result.cpu
        ? `  CPU ${result.cpu.total.toFixed(0)} ms/step, busiest thread ${result.cpu.busiest.toFixed(0)}${result.cpu.steal === null ? '' : `, stolen ${result.cpu.steal.toFixed(0)}`}`
        : '';
      console.log(`  round ${round + 1} ${variant.padEnd(14)} ${result.msPerStep.toFixed(1).padStart(8)} ms/step${cpuText}  ${result.backend}`);
    }
  }
  for (const runner of runners.values()) await runner.close();
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
  /** Threads off ÷ on, round by round (or burst pair by burst pair). */
  let pairRatios: number[] = [];
  const [on, off, one, app] = [row('wasm-threads'), row('wasm-single'), row('wasm-threads-1'), row('app')];
  if (on && off) {
    // Each round's pair too: a host whose second core comes and goes shows as a spread, not a shift.
    const perRound = (off.msPerStep ?? []).map((ms, i) => ms / (on.msPerStep?.[i] ?? Number.NaN));
    pairRatios = perRound;
    console.log(
      `threads on/off speed-up (median wall time, wasm-threads vs wasm-single): ${(off.medianMsPerStep / on.medianMsPerStep).toFixed(2)}× (per ${burst ? 'burst pair' : 'round'} ${perRound.map((r) => r.toFixed(2)).join(' ')}; their median ${median(perRound).toFixed(2)}×)`,
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
    `${JSON.stringify({ date: new Date().toISOString(), loadAverage: loadavg(), design: designFile, dataset, batchSize, timedSteps: burst || timedSteps, bursts: burst > 0, rounds, results: table, pairRatios }, null, 2)}\n`,
  );
} finally {
  if (server.pid) process.kill(-server.pid);
}
