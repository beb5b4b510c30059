import type { Tf } from './tf';
import { registerWasmTrainingKernels } from './wasmKernels';
import { registerWasmChannelKernels } from './wasmChannelKernels';
import { registerWasmNormKernels } from './wasmNormKernels';
import { guardWasmAllocations } from './wasmAllocation';
import { startNativeKernels } from './wasmKernels/native/nativeKernels';

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
  /** Threads in XNNPACK's pool (1 when the threaded build is not in use). */
  threadCount: number;
  /** Training kernels this call added (empty when an earlier call already did). */
  kernelsAdded: string[];
  /** Our own SIMD kernels (wasmKernels/native) run on this backend's heap, or why they do not. */
  nativeKernels: { active: true } | { active: false; reason: string };
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
  if (options.threadCount !== undefined) wasmBackend.setThreadsCount(options.threadCount);
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
      : await startNativeKernels(tf.backend());
  return {
    active,
    simd: active && tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    threads,
    threadCount: threads ? wasmBackend.getThreadsCount() : 1,
    kernelsAdded,
    nativeKernels: native.ok ? { active: true } : { active: false, reason: native.reason },
  };
}
