/**
 * The engine's Electron side in main: the renderer's port (MessagePortMain) and the engine itself as
 * a utility process (its own OS process: a native crash in tfjs-node, or the kernel's OOM killer,
 * ends only the engine, which EngineHost then restarts and reports).
 */
import type { ForkOptions, MessagePortMain } from 'electron';
import type { EngineChild, EnginePort } from './engineHost';
import { optionsArgument } from './parentLink';

export function electronEnginePort(port: MessagePortMain): EnginePort {
  port.start();
  return {
    postMessage: (message) => port.postMessage(message),
    onMessage: (listener) => void port.on('message', (event) => listener(event.data)),
    close: () => port.close(),
  };
}

/** As much of Electron's UtilityProcess as the engine host uses. */
export interface UtilityChild {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

/** `utilityProcess.fork`, passed in so main decides when it may be called (after app 'ready'). */
export type UtilityFork = (modulePath: string, args: string[], options: ForkOptions) => UtilityChild;

/** Starts the engine entry (electron/engine/worker.ts, bundled) as a utility process with these options. */
export function utilityProcessSpawner(fork: UtilityFork, entry: string, options: Record<string, unknown>): () => EngineChild {
  return () => {
    const child = fork(entry, optionsArgument(options), { serviceName: 'ResCanvas training engine', stdio: 'inherit' });
    return {
      postMessage: (message) => child.postMessage(message),
      onMessage: (listener) => void child.on('message', listener),
      onExit: (listener) => void child.on('exit', listener),
      kill: () => void child.kill(),
    };
  };
}
