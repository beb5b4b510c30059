import type { Tf } from './tf';
import { registerWasmTrainingKernels } from './wasmKernels';
import { registerWasmChannelKernels } from './wasmChannelKernels';
import { registerWasmNormKernels } from './wasmNormKernels';
import { guardWasmAllocations } from './wasmAllocation';
import { startNativeKernels } from './wasmKernels/native/nativeKernels';
import { browserHelperSpawner, type SpawnHelper } from './wasmKernels/native/kernelThreads';

/** Where a browser serves the .wasm binaries: a directory prefix or one URL per file. */
export type WasmPaths =
  | string
  | {
      'tfjs-backend-wasm.wasm'?: string;
      'tfjs-backend-wasm-simd.wasm'?: string;
      'tfjs-backend-wasm-threaded-simd.wasm'?: string;
    };

export interface WasmBackendStatus {
  active: boolean;
  simd: boolean;
  threads: boolean;
  /**
   * Threads the engine computes on (1 when the threaded build is not in use): XNNPACK's pool, and
   * the helper threads of our split kernels where they started (then the pool has 1).
   */
  threadCount: number;
  /** Training kernels this call added (empty when an earlier call already did). */
  kernelsAdded: string[];
  /**
   * Our own SIMD kernels (wasmKernels/native) run on this backend's heap, or why they do not; with
   * the threaded build, on how many helper threads besides the caller's, or why on none.
   */
  nativeKernels: { active: true; helperThreads: number; helpersReason?: string } | { active: false; reason: string };
}

export interface WasmBackendOptions {
  /**
   * Threads for the threaded binary, which tf.js only loads where SharedArrayBuffer is usable:
   * a cross-origin-isolated page or worker (COOP same-origin + COEP require-corp). tf.js refuses it
   * in Node; node/wasmThreads.ts starts it there anyway.
   */
  threadCount?: number;
  /** Run our own SIMD kernels where they apply (default true; benchmarks turn them off to compare). */
  nativeKernels?: boolean;
  /** Load the single-threaded SIMD build even where the threaded one could run (no pool, no shared heap). */
  singleThreaded?: boolean;
  /**
   * How to start the threads that share our split kernels with the caller under the threaded
   * build (one fewer than its thread count). Default: Web Workers where the runtime has them.
   */
  spawnKernelHelper?: SpawnHelper;
}

/**
 * Makes 'wasm' the active backend with the training kernels it lacks. Node finds the binaries
 * next to @tensorflow/tfjs-backend-wasm by itself; a bundled browser build must say where it
 * serves them. The kernels are registered after the backend package (whose own registrations
 * would otherwise replace ours) and before the switch, so the first step already has them.
 */
export async function useWasmBackend(tf: Tf, paths?: WasmPaths, options: WasmBackendOptions = {}): Promise<WasmBackendStatus> {
  const wasmBackend = await import('@tensorflow/tfjs-backend-wasm');
  if (paths !== undefined) wasmBackend.setWasmPaths(paths);
  const spawnHelper = options.nativeKernels === false ? undefined : (options.spawnKernelHelper ?? browserHelperSpawner());
  const wanted = options.threadCount;
  // With helpers, our split kernels carry a conv step across the threads and XNNPACK's pool is left
  // only small elementwise ops, where its threads' wake-ups and spinning cost more than they give
  // and compete with our helpers for the cores (ResNet-20, 2 threads: 183 ms a step with both
  // pools, 164 ms with XNNPACK's at 1).
  const helperCount = wanted !== undefined && spawnHelper !== undefined ? wanted - 1 : 0;
  if (wanted !== undefined) wasmBackend.setThreadsCount(helperCount > 0 ? 1 : wanted);
  // tf.js picks the threaded build wherever SharedArrayBuffer exists; this flag is what it asks.
  if (options.singleThreaded) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const kernelsAdded = [...registerWasmTrainingKernels(tf), ...registerWasmChannelKernels(tf), ...registerWasmNormKernels(tf)];
  const active = await tf.setBackend('wasm');
  // A failed allocation must stop the step, not hand kernels a null pointer (wasmAllocation.ts).
  if (active) guardWasmAllocations(tf.backend());
  const threads = active && tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  const native = !active
    ? { ok: false as const, reason: 'the wasm backend is not active' }
    : options.nativeKernels === false
      ? { ok: false as const, reason: 'turned off by the caller' }
      : await startNativeKernels(tf.backend(), {
          helpers: threads && spawnHelper !== undefined && helperCount > 0 ? { count: helperCount, spawn: spawnHelper } : undefined,
        });
  const helperThreads = native.ok ? native.kernels.helperThreads : 0;
  return {
    active,
    simd: active && tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    threads,
    threadCount: threads ? wasmBackend.getThreadsCount() + helperThreads : 1,
    kernelsAdded,
    nativeKernels: native.ok
      ? { active: true, helperThreads, ...(native.helpersReason === undefined ? {} : { helpersReason: native.helpersReason }) }
      : { active: false, reason: native.reason },
  };
}
