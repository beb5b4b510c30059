/**
 * Loaded with --import into a plain Node child process: gives it Electron's utility-process
 * `process.parentPort` (postMessage out; 'message' events carrying { data } in), carried over Node's
 * IPC channel. So the engine entry's utility-process branch (electron/engine/parentLink.ts) runs
 * in its own OS process here, where no Electron binary exists.
 */
import { EventEmitter } from 'node:events';

if (!process.send) throw new Error('utilityParentPort.ts needs an IPC channel (child_process.fork)');
const send = process.send.bind(process);
const parentPort = Object.assign(new EventEmitter(), { postMessage: (message: unknown) => void send(message) });
process.on('message', (data: unknown) => parentPort.emit('message', { data }));
Object.assign(process, { parentPort });
