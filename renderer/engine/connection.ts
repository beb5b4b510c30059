import type { BackendReport } from '../../src/protocol/messages';
import type { DesignKind } from '../../src/engine/backends/threadChoice';
import { describeIssues, FromEngine, type ToEngineInput } from '../../src/protocol/messages';

export type EngineMessage = FromEngine;

export type EngineStatus =
  | { state: 'starting' }
  | { state: 'ready'; backend: BackendReport }
  /** The engine died; `restarting` says whether a fresh one is on its way. */
  | { state: 'crashed'; message: string; restarting: boolean };

/**
 * The UI's line to the training engine, whichever host runs it (a browser Web Worker or the desktop
 * engine process). Every incoming message is validated before listeners see it.
 */
export interface EngineConnection {
  readonly kind: 'worker' | 'electron';
  send(message: ToEngineInput): void;
  subscribe(listener: (message: EngineMessage) => void): () => void;
  onStatus(listener: (status: EngineStatus) => void): () => void;
  readonly status: EngineStatus;
  /** Replaces the engine with a fresh one (after a crash, or on request); runs in progress are lost. */
  restart(): void;
  /**
   * Where the engine's wasm thread count depends on the design (a Web Worker): runs it as suits a
   * design of this kind, replacing the worker if needed (see WorkerEngineConnection). Returns whether it did.
   */
  suitDesign?(kind: DesignKind, options?: { keepModel?: boolean }): boolean;
  dispose(): void;
}

/** Parses one incoming message; a malformed one becomes a readable error instead of reaching the UI. */
export function parseIncoming(raw: unknown): { ok: true; message: EngineMessage } | { ok: false; error: string } {
  const parsed = FromEngine.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  const type = typeof raw === 'object' && raw !== null ? String((raw as { type?: unknown }).type ?? 'message') : typeof raw;
  return { ok: false, error: `the engine sent an invalid ${type.slice(0, 60)}: ${describeIssues(parsed.error)}` };
}

/** Listener bookkeeping shared by both connections. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  }
  emit(value: T): void {
    for (const l of [...this.set]) l(value);
  }
}
