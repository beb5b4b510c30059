/**
 * The engine in the browser's worker, backend against backend: the same design trained by the real
 * engine worker of the production build (served by `vite preview`, cross-origin isolated), timed
 * over the same steps. Rounds alternate, so a shared machine's load falls on every variant alike.
 *
 *   npx tsx test/bench/browserBackends.ts                       threaded wasm against single-threaded wasm
 *   npx tsx test/bench/browserBackends.ts --variants webgpu,webgl,wasm-threads --gpu
 *                                                                the GPU backends on a machine that has a GPU
 * Options: --design <example file> (default ResNet-20), --steps N (timed steps per round, default 12),
 * --rounds N (default 3), --port N (default RESCANVAS_E2E_PORT or 5185), --prebuilt (skip `vite build`),
 * --software-gpu (WebGPU on SwiftShader, for trying the GPU variants on a machine without a GPU).
 * Writes bench-results/browser-backends.json.
 */
import { execSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';

type Variant = 'wasm-threads' | 'wasm-single' | 'webgpu' | 'webgl' | 'cpu';
const VARIANTS: readonly Variant[] = ['wasm-threads', 'wasm-single', 'webgpu', 'webgl', 'cpu'];

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
const WARMUP_STEPS = 3;

interface RoundResult {
  backend: string;
  msPerStep: number;
}

/** Opens the app on the in-memory host with the backend forced (or chosen) and times training steps through its engine. */
async function timeRound(browser: Browser, variant: Variant, design: unknown, dataset: unknown, batchSize: number): Promise<RoundResult> {
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
  const backend = variant.startsWith('wasm') ? 'wasm' : variant;
  await page.goto(`http://127.0.0.1:${port}/?host=memory&backend=${backend}`);
  const result = await page.evaluate(
    async ({ design, dataset, batchSize, warmup, timed }) => {
      const engine = window.__rescanvasTestHost!.engine();
      return await new Promise<RoundResult>((resolve, reject) => {
        let backendText = '';
        let started = 0;
        const runId = `bench-${Date.now()}`;
        const unsubscribe = engine.subscribe((message) => {
          if (message.type === 'ready' || message.type === 'engineState') {
            backendText = `${message.backend.active} (${message.backend.detail})`;
          } else if (message.type === 'designLoaded') {
            engine.send({ type: 'start', runId, settings: { dataset, epochs: 1000, batchSize, seed: 1, instrumentation: { cadence: 'off' } } as never });
          } else if (message.type === 'progress') {
            if (message.step === warmup) started = performance.now();
            if (message.step === warmup + timed) {
              const msPerStep = (performance.now() - started) / timed;
              engine.send({ type: 'stop', runId });
              unsubscribe();
              resolve({ backend: backendText, msPerStep });
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
    { design, dataset, batchSize, warmup: WARMUP_STEPS, timed: timedSteps },
  );
  await context.close();
  return result;
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
  const backends = new Map<Variant, string>();
  console.log(
    `${designFile.split('/').pop()}, ${JSON.stringify(dataset)}, batch ${batchSize}: ${timedSteps} timed steps after ${WARMUP_STEPS}, ${rounds} alternating rounds`,
  );
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      const result = await timeRound(browser, variant, design, dataset, batchSize);
      times.get(variant)!.push(result.msPerStep);
      backends.set(variant, result.backend);
      console.log(`  round ${round + 1} ${variant.padEnd(13)} ${result.msPerStep.toFixed(1).padStart(8)} ms/step  ${result.backend}`);
    }
  }
  await browser.close();
  const baseline = variants.includes('wasm-single') ? median(times.get('wasm-single')!) : median(times.get(variants[0])!);
  const table = variants.map((v) => ({
    variant: v,
    backend: backends.get(v),
    medianMsPerStep: median(times.get(v)!),
    speedUp: baseline / median(times.get(v)!),
    msPerStep: times.get(v),
  }));
  console.table(table.map((r) => ({ variant: r.variant, 'median ms/step': r.medianMsPerStep.toFixed(1), 'speed-up': `${r.speedUp.toFixed(2)}×` })));
  const dir = join(root, 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'browser-backends.json'),
    `${JSON.stringify({ date: new Date().toISOString(), design: designFile, dataset, batchSize, timedSteps, rounds, results: table }, null, 2)}\n`,
  );
} finally {
  if (server.pid) process.kill(-server.pid);
}
