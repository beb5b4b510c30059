import type { WorkerFactory } from './workerConnection';
import { optionsFromSearch, workerName, type WorkerOptionsInput } from './workerOptions';

/** A factory of engine workers started with `options` (see workerOptions.ts). */
export function engineWorkerFactory(options: WorkerOptionsInput = {}): WorkerFactory {
  const name = workerName(options);
  return () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name });
}

/** The page's engine worker: the worker picks the best backend unless the page's `?backend=` or `?threads=` say otherwise. */
export const pageWorkerFactory: WorkerFactory = () => engineWorkerFactory(optionsFromSearch(location.search))();
