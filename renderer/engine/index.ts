import type { EngineConnection } from './connection';
import { ElectronEngineConnection } from './electronConnection';
import { WorkerEngineConnection } from './workerConnection';

export type { EngineConnection, EngineMessage, EngineStatus } from './connection';

let current: EngineConnection | null = null;

/**
 * The engine the UI trains with, started on first use: the desktop engine process when the preload
 * bridge is present (it hands over the engine's MessagePort), otherwise a Web Worker.
 */
export function getEngine(): EngineConnection {
  current ??= window.rescanvas ? new ElectronEngineConnection() : new WorkerEngineConnection();
  return current;
}

/** For tests and benchmarks that drive the UI with their own connection. */
export function setEngine(engine: EngineConnection): void {
  current?.dispose();
  current = engine;
}
