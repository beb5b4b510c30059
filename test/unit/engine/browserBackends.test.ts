import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  browserCandidates,
  describeWasm,
  MAX_WASM_THREADS,
  NOT_ISOLATED_REASON,
  wasmThreadCount,
  type BrowserEnvironment,
  type GpuProbe,
} from '../../../src/engine/backends/browser';
import { selectBackend } from '../../../src/engine/backends/select';
import { guardSyncReadback } from '../../../src/engine/backends/webgpuReadback';
import { optionsFromSearch, parseWorkerName, workerName } from '../../../renderer/engine/workerOptions';

const NO_WEBGPU: GpuProbe = { available: false, reason: 'WebGPU found no usable GPU adapter' };
const NO_WEBGL: GpuProbe = { available: false, reason: 'no WebGL2 context' };
const SWIFTSHADER: GpuProbe = { available: true, device: 'google swiftshader', software: true };
const HARDWARE: GpuProbe = { available: true, device: 'nvidia ampere', software: false };

/** What the worker would see; the GPU probes are the variable part. */
function environment(
  overrides: Partial<BrowserEnvironment> & { webgpu?: GpuProbe; webgl?: GpuProbe } = {},
): BrowserEnvironment & { loaded: string[]; reportedCores: number[] } {
  const loaded: string[] = [];
  const reportedCores: number[] = [];
  return {
    crossOriginIsolated: false,
    logicalCores: 2,
    probeWebGpu: async () => overrides.webgpu ?? NO_WEBGPU,
    probeWebGl: () => overrides.webgl ?? NO_WEBGL,
    probeWebGpuSyncReadback: async () => null,
    loadWebGpu: async () => {
      loaded.push('webgpu');
    },
    withReportedCores: async (cores, start) => {
      reportedCores.push(cores);
      return start();
    },
    ...overrides,
    loaded,
    reportedCores,
  };
}

/**
 * Node's tf.js has no WebGL or WebGPU backend, so where a test needs one to start, this tf answers
 * setBackend for it (and the WebGL float32 flag) and leaves everything else to the real tf.js.
 */
function tfWithGpu(gpuBackend: 'webgpu' | 'webgl', float32 = true): typeof tf {
  const env = tf.env();
  const fakeEnv = new Proxy(env, {
    get: (target, key) => {
      if (key === 'getBool') return (flag: string) => (flag === 'WEBGL_RENDER_FLOAT32_ENABLED' ? float32 : target.getBool(flag));
      if (key === 'getNumber') return (flag: string) => (flag === 'WEBGL_VERSION' ? 2 : target.getNumber(flag));
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { ...tf, env: () => fakeEnv, setBackend: async (name: string) => (name === gpuBackend ? true : tf.setBackend(name)) } as typeof tf;
}

/** The part of tfjs-backend-webgpu's backend guardSyncReadback touches: one tensor on the GPU, one cached on the CPU. */
class FakeWebGpuBackend {
  readonly onGpu = {};
  readonly onCpu = {};
  canvasReads = 0;
  readonly tensorMap = new Map<object, { values: Float32Array | null; dtype: string }>([
    [this.onGpu, { values: null, dtype: 'float32' }],
    [this.onCpu, { values: new Float32Array([1, 2]), dtype: 'float32' }],
  ]);
  readSync(dataId: object): Float32Array {
    const data = this.tensorMap.get(dataId)!;
    if (data.values) return data.values;
    this.canvasReads++;
    return new Float32Array(1);
  }
}

describe('the synchronous WebGPU readback guard', () => {
  it('throws naming why for a tensor on the GPU, and never takes the canvas route', () => {
    const backend = new FakeWebGpuBackend();
    guardSyncReadback(backend as unknown as tf.KernelBackend, 'zeros');
    expect(() => backend.readSync(backend.onGpu)).toThrow('this WebGPU adapter cannot read tensors back synchronously (zeros)');
    expect(backend.canvasReads).toBe(0);
  });

  it('still answers values already on the CPU', () => {
    const backend = new FakeWebGpuBackend();
    guardSyncReadback(backend as unknown as tf.KernelBackend, 'zeros');
    expect(Array.from(backend.readSync(backend.onCpu))).toEqual([1, 2]);
  });

  it('refuses a backend that is not WebGPU-like', () => {
    expect(() => guardSyncReadback({} as tf.KernelBackend, 'zeros')).toThrow(/not a WebGPU backend/);
  });
});

describe('wasm thread count', () => {
  it('is one thread per logical core when the page is cross-origin isolated, capped', () => {
    expect(wasmThreadCount({ crossOriginIsolated: true, logicalCores: 2 })).toBe(2);
    expect(wasmThreadCount({ crossOriginIsolated: true, logicalCores: 32 })).toBe(MAX_WASM_THREADS);
    expect(wasmThreadCount({ crossOriginIsolated: true, logicalCores: 0 })).toBe(1);
  });

  it('is none without isolation (no SharedArrayBuffer)', () => {
    expect(wasmThreadCount({ crossOriginIsolated: false, logicalCores: 8 })).toBeNull();
  });

  it('says how many threads run, or why none', () => {
    expect(describeWasm({ simd: true, threads: true, threadCount: 4 }, NOT_ISOLATED_REASON, 8)).toBe('SIMD on, 4 threads (8 cores)');
    expect(describeWasm({ simd: true, threads: false, threadCount: 1 }, NOT_ISOLATED_REASON, 8)).toBe(`SIMD on, ${NOT_ISOLATED_REASON}`);
    expect(describeWasm({ simd: true, threads: true, threadCount: 2, nativeKernels: { active: true, helperThreads: 1 } }, NOT_ISOLATED_REASON, 2)).toBe(
      'SIMD on, 2 threads (2 cores)',
    );
    expect(
      describeWasm(
        { simd: true, threads: true, threadCount: 1, nativeKernels: { active: true, helperThreads: 0, helpersReason: 'helper 0: blocked by policy' } },
        NOT_ISOLATED_REASON,
        2,
      ),
    ).toBe("SIMD on, 1 thread (2 cores); the engine's own kernels on one thread: helper 0: blocked by policy");
    expect(
      describeWasm(
        { simd: true, threads: false, threadCount: 1, nativeKernels: { active: false, reason: 'this runtime has no WebAssembly API' } },
        NOT_ISOLATED_REASON,
      ),
    ).toBe(`SIMD on, ${NOT_ISOLATED_REASON}; the engine's own kernels off: this runtime has no WebAssembly API`);
  });
});

describe('backend selection in the browser worker', () => {
  it('offers WebGPU, WebGL, wasm, CPU in that order', () => {
    expect(browserCandidates(tf, environment()).map((c) => c.name)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
  });

  it('falls back to wasm without GPUs and isolation, saying why for each', async () => {
    const report = await selectBackend(browserCandidates(tf, environment()));
    expect(report.active).toBe('wasm');
    expect(report.detail).toContain('not cross-origin isolated');
    expect(report.skipped).toEqual([
      { name: 'webgpu', reason: NO_WEBGPU.reason },
      { name: 'webgl', reason: NO_WEBGL.reason },
    ]);
  });

  it('asks the wasm build for one thread per core when isolated', async () => {
    const env = environment({ crossOriginIsolated: true, logicalCores: 2 });
    const report = await selectBackend(browserCandidates(tf, env));
    expect(report.active).toBe('wasm');
    // Twice the threads wanted: tfjs-backend-wasm halves what it is told.
    expect(env.reportedCores).toEqual([4]);
  });

  it('refuses software GPUs by default and names the renderer', async () => {
    const report = await selectBackend(
      browserCandidates(tf, environment({ webgpu: SWIFTSHADER, webgl: { ...SWIFTSHADER, device: 'ANGLE (SwiftShader Device)' } })),
    );
    expect(report.active).toBe('wasm');
    expect(report.skipped.map((s) => s.name)).toEqual(['webgpu', 'webgl']);
    expect(report.skipped[0].reason).toMatch(/software renderer \(google swiftshader\)/);
    expect(report.skipped[1].reason).toMatch(/software renderer \(ANGLE \(SwiftShader Device\)\)/);
  });

  it('takes a hardware WebGPU adapter first, loading its backend only then', async () => {
    const env = environment({ webgpu: HARDWARE, webgl: HARDWARE });
    const report = await selectBackend(browserCandidates(tfWithGpu('webgpu'), env));
    expect(report).toMatchObject({ active: 'webgpu', detail: 'nvidia ampere', skipped: [] });
    expect(env.loaded).toEqual(['webgpu']);
  });

  it('takes WebGL when WebGPU has no adapter, and says why WebGPU was not used', async () => {
    const env = environment({ webgl: HARDWARE });
    const report = await selectBackend(browserCandidates(tfWithGpu('webgl'), env));
    expect(report.active).toBe('webgl');
    expect(report.detail).toBe('WebGL 2, nvidia ampere');
    expect(report.skipped).toEqual([{ name: 'webgpu', reason: NO_WEBGPU.reason }]);
    expect(env.loaded).toEqual([]);
  });

  it('refuses WebGL that cannot render 32-bit floats', async () => {
    const report = await selectBackend(browserCandidates(tfWithGpu('webgl', false), environment({ webgl: HARDWARE })));
    expect(report.active).not.toBe('webgl');
    expect(report.skipped.find((s) => s.name === 'webgl')?.reason).toMatch(/16-bit/);
  });

  it('uses a software GPU when allowed (a forced backend)', async () => {
    const report = await selectBackend(browserCandidates(tfWithGpu('webgpu'), environment({ webgpu: SWIFTSHADER }), { allowSoftwareGpu: true }), 'webgpu');
    expect(report).toMatchObject({ active: 'webgpu', detail: 'google swiftshader, software renderer', forced: true });
  });

  it('guards synchronous reads, and says so, where the probe finds the canvas readback broken', async () => {
    const backend = new FakeWebGpuBackend();
    const gpuTf = { ...tfWithGpu('webgpu'), backend: () => backend } as unknown as typeof tf;
    const env = environment({ webgpu: SWIFTSHADER, probeWebGpuSyncReadback: async () => 'read back as zeros' });
    const report = await selectBackend(browserCandidates(gpuTf, env, { allowSoftwareGpu: true }), 'webgpu');
    expect(report.detail).toBe('google swiftshader, software renderer; no synchronous readback (read back as zeros), so results are read asynchronously');
    expect(() => backend.readSync(backend.onGpu)).toThrow(/cannot read tensors back synchronously \(read back as zeros\)/);
    expect(backend.canvasReads).toBe(0);
  });

  it('fails loudly when a forced GPU backend is missing', async () => {
    await expect(selectBackend(browserCandidates(tf, environment()), 'webgl')).rejects.toThrow(/webgl: no WebGL2 context/);
  });
});

describe('engine worker options', () => {
  it('round-trip through the worker name', () => {
    const name = workerName({ backend: 'webgl', skipped: [{ name: 'tensorflow', reason: '@tensorflow/tfjs-node is not installed' }] });
    expect(parseWorkerName(name)).toEqual({
      ok: true,
      options: { backend: 'webgl', skipped: [{ name: 'tensorflow', reason: '@tensorflow/tfjs-node is not installed' }] },
    });
  });

  it('mean the defaults for a name this app did not write', () => {
    expect(parseWorkerName('')).toEqual({ ok: true, options: { skipped: [] } });
  });

  it('are refused by name when malformed', () => {
    const parsed = parseWorkerName('rescanvas-engine {"backend":"quantum"}');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/backend/);
    expect(parseWorkerName('rescanvas-engine {').ok).toBe(false);
  });

  it('come from the page address only when valid', () => {
    expect(optionsFromSearch('?backend=webgpu&threads=3')).toEqual({ backend: 'webgpu', wasmThreads: 3 });
    expect(optionsFromSearch('?backend=quantum&threads=zero')).toEqual({});
  });
});

describe('the wasm thread count in the browser worker follows the design', () => {
  it('runs a dense design on the single-threaded build when isolated, and says why', async () => {
    const env = environment({ crossOriginIsolated: true, logicalCores: 2 });
    const report = await selectBackend(browserCandidates(tf, env, { designKind: 'dense' }));
    expect(report.active).toBe('wasm');
    expect(report.detail).toMatch(/^SIMD (on|off), threads off: without convolutions the thread pool costs more than it saves$/);
    // The threaded build was never started (it is the one started with a reported core count).
    expect(env.reportedCores).toEqual([]);
  });

  it('runs a convolutional design on one thread per core', async () => {
    const env = environment({ crossOriginIsolated: true, logicalCores: 2 });
    await selectBackend(browserCandidates(tf, env, { designKind: 'conv' }));
    expect(env.reportedCores).toEqual([4]);
  });

  it('lets ?threads=N win over the kind', async () => {
    const env = environment({ crossOriginIsolated: true, logicalCores: 2 });
    await selectBackend(browserCandidates(tf, env, { designKind: 'dense', wasmThreads: 3 }));
    expect(env.reportedCores).toEqual([6]);
  });

  it('says the page is not isolated rather than blaming the design', async () => {
    const report = await selectBackend(browserCandidates(tf, environment({ logicalCores: 8 }), { designKind: 'conv' }));
    expect(report.detail).toContain(NOT_ISOLATED_REASON);
  });

  it('names the kind in the worker options', () => {
    expect(parseWorkerName(workerName({ designKind: 'dense' }))).toEqual({ ok: true, options: { designKind: 'dense', skipped: [] } });
    expect(parseWorkerName('rescanvas-engine {"designKind":"sparse"}').ok).toBe(false);
  });
});
