import { Worker } from 'node:worker_threads';
import type { SpawnHelper } from '../src/engine/backends/wasmKernels/native/kernelThreads';

/**
 * The engine's kernel helper threads as Node worker_threads. They spend their life blocked in
 * Atomics.wait, so each is unref'd: a finished command must not wait for them.
 */
export const spawnNodeKernelHelper: SpawnHelper = (source) => {
  const worker = new Worker(
    `${source}\nconst { parentPort } = require('node:worker_threads');\nparentPort.once('message', (setup) => helperMain(setup, (m) => parentPort.postMessage(m)));`,
    { eval: true },
  );
  // A 'message' listener refs the worker again, so unref follows every registration.
  worker.unref();
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.on('message', listener).unref(),
    onError: (listener) => worker.on('error', (error) => listener(error.message)).unref(),
    terminate: () => void worker.terminate(),
  };
};
