/**
 * The engine's side of the host connection, whichever process kind it runs in: Electron's utility
 * process (`process.parentPort`) or a worker_threads Worker (`parentPort`). The engine entry script
 * imports this and stays unaware of which host started it.
 */
import { parentPort } from 'node:worker_threads';

export interface HostChannel {
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
}

interface UtilityParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export function connectToHost(): HostChannel {
  const utility = (process as { parentPort?: UtilityParentPort }).parentPort;
  if (utility) {
    return { post: (m) => utility.postMessage(m), onMessage: (l) => utility.on('message', (event) => l(event.data)) };
  }
  const worker = parentPort;
  if (worker) {
    return { post: (m) => worker.postMessage(m), onMessage: (l) => void worker.on('message', l) };
  }
  throw new Error('the engine must run in a utility process or a worker thread started by the engine host');
}
