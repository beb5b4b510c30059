import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { Tf } from '../src/engine/backends/tf';
import { useWasmBackend, type WasmBackendStatus } from '../src/engine/backends/wasm';
import { spawnNodeKernelHelper } from './kernelHelpers';

/** Where the pthread worker file is: beside this module in the sources, beside the bundle in a build. */
function threadWorkerPath(): string | null {
  const path = fileURLToPath(new URL('./wasmThreadWorker.cjs', import.meta.url));
  return existsSync(path) ? path : null;
}

/** Threads for XNNPACK's pool: every core, capped where more threads stop paying on these net sizes. */
export function nodeWasmThreadCount(cores = os.availableParallelism()): number {
  return Math.max(1, Math.min(8, cores));
}

interface PthreadRegistry {
  unusedWorkers: { unref(): void }[];
  runningWorkers: { unref(): void }[];
}

/**
 * The glue unrefs a thread's worker only when it returns to the pool, so the pool it starts with
 * and XNNPACK's parked threads would keep a finished command alive forever.
 */
function letProcessExitPastThreads(tf: Tf): void {
  const module = (tf.backend() as unknown as { wasm?: { PThread?: PthreadRegistry } }).wasm;
  const pthreads = module?.PThread;
  if (!pthreads) return;
  for (const worker of [...pthreads.unusedWorkers, ...pthreads.runningWorkers]) worker.unref();
}

/**
 * Starts tf.js' threaded SIMD wasm build in Node. tf.js itself declares threads unsupported in Node
 * (its flag answers false there), yet the Emscripten glue runs its pthreads on worker_threads; what
 * fails is only that tf.js gives each thread its code as a Blob URL, which Node cannot load. So,
 * for the start only: the flag says yes, the worker Blob resolves to a worker file that loads the
 * glue from disk, and os.cpus() reports twice the wanted threads, because tf.js sizes its pool at
 * half the logical cores. Everything is restored before returning, whatever happened.
 */
export async function startThreadedWasm(tf: Tf, threads: number): Promise<{ status: WasmBackendStatus } | { reason: string }> {
  const workerPath = threadWorkerPath();
  if (workerPath === null) return { reason: 'the wasm thread worker file is missing from this build' };
  await import('@tensorflow/tfjs-backend-wasm');
  const createObjectURL = URL.createObjectURL.bind(URL);
  const cpus = os.cpus;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  URL.createObjectURL = (blob: Blob) => (blob.type === 'application/javascript' ? workerPath : createObjectURL(blob));
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => cpus()[i % cpus().length]);
  try {
    const status = await useWasmBackend(tf, undefined, { threadCount: threads, spawnKernelHelper: spawnNodeKernelHelper });
    if (status.active && status.threads) {
      letProcessExitPastThreads(tf);
      return { status };
    }
    return { reason: 'the threaded wasm build did not start in Node' };
  } catch (error) {
    return { reason: `the threaded wasm build did not start in Node: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
    // A failed start must leave the single-threaded build to the next candidate.
    if (tf.getBackend() !== 'wasm') tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
}
