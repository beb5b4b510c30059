/**
 * The renderer's engine port in main (Electron's MessagePortMain). The engine itself runs in a
 * worker thread (nodeAdapters.ts): its entry, worker.ts, speaks worker_threads' parentPort. A
 * utilityProcess would isolate native crashes better; it needs an entry on process.parentPort.
 */
import type { MessagePortMain } from 'electron';
import type { EnginePort } from './engineHost';

export function electronEnginePort(port: MessagePortMain): EnginePort {
  port.start();
  return {
    postMessage: (message) => port.postMessage(message),
    onMessage: (listener) => void port.on('message', (event) => listener(event.data)),
    close: () => port.close(),
  };
}
