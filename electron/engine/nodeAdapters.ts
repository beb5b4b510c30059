/** EngineChild / EnginePort over Node's worker_threads: for the CLI, tests, and hosts without Electron. */
import { Worker, type MessagePort, type WorkerOptions } from 'node:worker_threads';
import type { EngineChild, EnginePort } from './engineHost';

export function workerThreadSpawner(entry: string | URL, options: WorkerOptions = {}): () => EngineChild {
  return () => {
    const worker = new Worker(entry, options);
    return {
      postMessage: (message) => worker.postMessage(message),
      onMessage: (listener) => void worker.on('message', listener),
      // An uncaught error in the worker is followed by 'exit' (code 1); listen so it is not rethrown here.
      onExit: (listener) => {
        worker.on('error', () => undefined);
        worker.on('exit', listener);
      },
      kill: () => void worker.terminate(),
    };
  };
}

export function nodeEnginePort(port: MessagePort): EnginePort {
  return {
    postMessage: (message) => port.postMessage(message),
    onMessage: (listener) => void port.on('message', listener),
    close: () => port.close(),
  };
}
