import type { Tf } from './tf';
import type { BackendCandidate } from './select';
import { useWasmBackend, type WasmBackendStatus, type WasmPaths } from './wasm';
import { guardSyncReadback } from './webgpuReadback';
import { chooseWasmThreads, type DesignKind } from './threadChoice';

/**
 * More threads than this buy little for the small matrices of a training step and take cores from
 * the page itself; the pool is created once, so it is sized when the backend starts.
 */
export const MAX_WASM_THREADS = 8;

/** What probing one GPU API found: a device (and whether it is only a software renderer), or why not. */
export type GpuProbe = { available: true; device: string; software: boolean } | { available: false; reason: string };

/** The facts of a browser context the choice depends on; the worker fills them in, tests fake them. */
export interface BrowserEnvironment {
  /** `self.crossOriginIsolated`: only then does SharedArrayBuffer, hence wasm threads, exist. */
  crossOriginIsolated: boolean;
  /** `navigator.hardwareConcurrency`. */
  logicalCores: number;
  probeWebGpu(): Promise<GpuProbe>;
  probeWebGl(): GpuProbe;
  /**
   * Whether tf.js' synchronous WebGPU readback (through a canvas) returns what was written, tried on a
   * throwaway device: null when it does, else why not.
   */
  probeWebGpuSyncReadback(): Promise<string | null>;
  /** Loads tfjs-backend-webgpu, which registers the 'webgpu' backend; only called once an adapter exists. */
  loadWebGpu(): Promise<void>;
  /**
   * Runs `start` while the wasm build sees `cores` logical cores. tfjs-backend-wasm 4.22 caps its pool
   * at half of navigator.hardwareConcurrency (it assumes two hyperthreads per core, src/cc/backend.cc),
   * which on a 2-core machine means one thread; the worker reports twice the threads it wants instead.
   */
  withReportedCores<T>(cores: number, start: () => Promise<T>): Promise<T>;
}

export interface BrowserBackendOptions {
  wasmPaths?: WasmPaths;
  /**
   * Use a software GPU (SwiftShader, llvmpipe) too. Off by default: such a "GPU" runs shaders on the
   * CPU and trains far slower than threaded wasm. On when the user (or a test) forces a GPU backend.
   */
  allowSoftwareGpu?: boolean;
  /** Threads for the threaded wasm build, whatever the design (`?threads=N`); ignored where threads cannot run. */
  wasmThreads?: number;
  /**
   * The kind of design the engine will train, which sets the thread count (threadChoice.ts): one per
   * core (capped) for convolutions, the single-threaded build for the rest. Unknown: as for convolutions.
   */
  designKind?: DesignKind;
}

export const NOT_ISOLATED_REASON =
  'threads off: the page is not cross-origin isolated (it was served without the COOP/COEP headers), so SharedArrayBuffer is unavailable';

/** Threads for the wasm pool: one per logical core, at most MAX_WASM_THREADS; null where threads cannot run. */
export function wasmThreadCount(env: Pick<BrowserEnvironment, 'crossOriginIsolated' | 'logicalCores'>): number | null {
  if (!env.crossOriginIsolated) return null;
  const cores = Number.isFinite(env.logicalCores) && env.logicalCores >= 1 ? Math.floor(env.logicalCores) : 1;
  return Math.min(MAX_WASM_THREADS, cores);
}

/**
 * "SIMD on, 2 threads (2 cores), why" or "SIMD on, threads off: …why…", and why the engine's own
 * kernels are not running, or not on their helper threads, when they are not.
 */
export function describeWasm(
  status: Pick<WasmBackendStatus, 'simd' | 'threads' | 'threadCount'> & Partial<Pick<WasmBackendStatus, 'nativeKernels'>>,
  whyNoThreads: string,
  logicalCores?: number,
  whyThreads?: string,
): string {
  const simd = `SIMD ${status.simd ? 'on' : 'off'}`;
  const kernels = status.nativeKernels;
  const native =
    kernels === undefined
      ? ''
      : !kernels.active
        ? `; the engine's own kernels off: ${kernels.reason}`
        : kernels.helpersReason !== undefined
          ? `; the engine's own kernels on one thread: ${kernels.helpersReason}`
          : '';
  if (!status.threads) return `${simd}, ${whyNoThreads}${native}`;
  const threads = `${status.threadCount} thread${status.threadCount === 1 ? '' : 's'}`;
  const cores = logicalCores ? ` (${logicalCores} core${logicalCores === 1 ? '' : 's'})` : '';
  return `${simd}, ${threads}${cores}${whyThreads ? `, ${whyThreads}` : ''}${native}`;
}

/**
 * The browser worker's backends, best first: WebGPU, WebGL, wasm (threaded where the page is
 * cross-origin isolated), CPU. A GPU backend is taken only when its probe finds a hardware device,
 * unless `allowSoftwareGpu`; every refusal carries the reason the panel shows.
 */
export function browserCandidates(tf: Tf, env: BrowserEnvironment, options: BrowserBackendOptions = {}): BackendCandidate[] {
  const useGpu = (probe: GpuProbe): { ok: false; reason: string } | { ok: true; detail: string } => {
    if (!probe.available) return { ok: false, reason: probe.reason };
    if (probe.software && !options.allowSoftwareGpu)
      return { ok: false, reason: `only a software renderer (${probe.device}), which would train slower than wasm on the CPU` };
    return { ok: true, detail: `${probe.device}${probe.software ? ', software renderer' : ''}` };
  };
  return [
    {
      name: 'webgpu',
      activate: async () => {
        const verdict = useGpu(await env.probeWebGpu());
        if (!verdict.ok) return verdict;
        // Before tf.js makes its device: a broken readback loses the instance of the device it ran on.
        const noSyncReadback = await env.probeWebGpuSyncReadback();
        await env.loadWebGpu();
        if (!(await tf.setBackend('webgpu'))) return { ok: false, reason: 'an adapter was found but the WebGPU backend did not initialise' };
        if (noSyncReadback === null) return verdict;
        guardSyncReadback(tf.backend(), noSyncReadback);
        return { ok: true, detail: `${verdict.detail}; no synchronous readback (${noSyncReadback}), so results are read asynchronously` };
      },
    },
    {
      name: 'webgl',
      activate: async () => {
        const verdict = useGpu(env.probeWebGl());
        if (!verdict.ok) return verdict;
        if (!(await tf.setBackend('webgl'))) return { ok: false, reason: 'a WebGL context was created but the WebGL backend did not initialise' };
        // Without float32 render targets tf.js computes in 16-bit floats: too coarse for gradients.
        if (!tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED'))
          return { ok: false, reason: 'the GPU cannot render 32-bit floats, so WebGL would train in 16-bit precision' };
        return { ok: true, detail: `WebGL ${tf.env().getNumber('WEBGL_VERSION')}, ${verdict.detail}` };
      },
    },
    {
      name: 'wasm',
      activate: async () => {
        const forced = options.wasmThreads === undefined ? undefined : { threads: options.wasmThreads, by: `?threads=${options.wasmThreads}` };
        const choice = chooseWasmThreads({ kind: options.designKind ?? 'conv', perCore: wasmThreadCount(env), unavailableReason: NOT_ISOLATED_REASON, forced });
        // A forced count keeps the threaded build even at 1 (benchmarks compare the build apart from its threads).
        const threaded = env.crossOriginIsolated && (forced !== undefined || choice.threads > 1);
        const status = threaded
          ? await env.withReportedCores(2 * choice.threads, () => useWasmBackend(tf, options.wasmPaths, { threadCount: choice.threads }))
          : await useWasmBackend(tf, options.wasmPaths, { singleThreaded: env.crossOriginIsolated });
        if (!status.active) return { ok: false, reason: 'the WebAssembly backend failed to initialise' };
        const whyNoThreads = threaded ? 'threads off: this browser has no threaded WebAssembly' : choice.why;
        return { ok: true, detail: describeWasm(status, whyNoThreads, env.logicalCores, forced ? `set by ${forced.by}` : choice.why) };
      },
    },
    {
      name: 'cpu',
      activate: async () =>
        (await tf.setBackend('cpu')) ? { ok: true, detail: 'plain JavaScript' } : { ok: false, reason: 'the CPU backend failed to initialise' },
    },
  ];
}
