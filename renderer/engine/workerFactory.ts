import type { WorkerFactory } from './workerConnection';
import { optionsFromSearch, workerName, type WorkerOptionsInput } from './workerOptions';

/** A factory of engine workers started with `options` (see workerOptions.ts), the liveness lock and design kind the connection names. */
export function engineWorkerFactory(options: WorkerOptionsInput = {}): WorkerFactory {
  const make = (lock: string, designKind?: 'conv' | 'dense') =>
    new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: workerName({ ...options, lock, ...(designKind ? { designKind } : {}) }) });
  // A forced thread count, or a backend other than wasm, leaves nothing for the design's kind to change.
  return Object.assign(make, { fixedThreads: options.wasmThreads !== undefined || (options.backend !== undefined && options.backend !== 'wasm') });
}

/** The page's engine worker: the worker picks the best backend unless the page's `?backend=` or `?threads=` say otherwise. */
export const pageWorkerFactory: WorkerFactory = engineWorkerFactory(typeof location === 'undefined' ? {} : optionsFromSearch(location.search));
