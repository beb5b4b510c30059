import type { WorkerFactory } from './workerConnection';
import { optionsFromSearch, workerName, type WorkerOptionsInput } from './workerOptions';

/** A factory of engine workers started with `options` (see workerOptions.ts) and the liveness lock the connection names. */
export function engineWorkerFactory(options: WorkerOptionsInput = {}): WorkerFactory {
  return (lock) => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: workerName({ ...options, lock }) });
}

/** The page's engine worker: the worker picks the best backend unless the page's `?backend=` or `?threads=` say otherwise. */
export const pageWorkerFactory: WorkerFactory = (lock) => engineWorkerFactory(optionsFromSearch(location.search))(lock);
