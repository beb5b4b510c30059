import { PROTOCOL_VERSION, type ToEngineInput } from '../../src/protocol/messages';
import { Listeners, parseIncoming, type EngineConnection, type EngineMessage, type EngineStatus } from './connection';
import { livenessLockName, watchLiveness } from './liveness';
import { pageWorkerFactory } from './workerFactory';
import type { DesignKind } from '../../src/engine/backends/threadChoice';
import { DEFAULT_WATCHDOG_TIMING, RunWatchdog, type WatchdogTiming, type WatchdogTimers } from './watchdog';

/**
 * How a worker is made, given its liveness lock's name and the kind of design it is for (which sets
 * its wasm thread count); tests and benchmarks may pass their own factory. `fixedThreads`: the kind
 * changes nothing (a forced thread count or backend), so the connection never restarts for it.
 */
export interface WorkerFactory {
  (lock: string, designKind?: DesignKind): Worker;
  readonly fixedThreads?: boolean;
}

const defaultFactory: WorkerFactory = pageWorkerFactory;

/** What the UI is told when the worker ended without reporting an error (closed, or stopped by the browser). */
export const WORKER_GONE_MESSAGE = 'the training worker stopped without reporting an error (it was closed or stopped by the browser)';

/** The `requestId` of the watchdog's own `hello`, whose answers are not passed on. */
const WATCHDOG_REQUEST = 'engine-watchdog';

/** What the UI is told when the worker stopped answering during a run (watchdog.ts). */
export function stuckMessage(silentMs: number): string {
  const minutes = Math.round(silentMs / 60_000);
  const silence = minutes >= 1 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${Math.round(silentMs / 1000)} s`;
  return `the training worker stopped responding for ${silence} during a run (its WebAssembly runtime is blocked, most likely after running out of memory in one of its threads)`;
}

/** Crashes within this window that make the connection stop restarting on its own. */
const MAX_AUTO_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

/** The engine in a browser Web Worker (on the backend the worker chose). */
export class WorkerEngineConnection implements EngineConnection {
  readonly kind = 'worker' as const;
  private worker: Worker | null = null;
  private readonly messages = new Listeners<EngineMessage>();
  private readonly statuses = new Listeners<EngineStatus>();
  private current: EngineStatus = { state: 'starting' };
  private crashes: number[] = [];
  private unwatch: () => void = () => undefined;
  private readonly watchdog: RunWatchdog;
  /** The design kind the current worker was started for; unknown at first (it then starts as for convolutions). */
  private designKind: DesignKind | undefined;
  /** Whether the current worker was given a design, whose model (weights of the last run) a restart would lose. */
  private holdsModel = false;
  /** Requests the current worker has not answered, ended with an error when it is replaced (suitDesign). */
  private readonly pending = new Set<string>();

  constructor(
    private readonly factory: WorkerFactory = defaultFactory,
    watchdog: { timing?: WatchdogTiming; timers?: WatchdogTimers } = {},
  ) {
    this.watchdog = new RunWatchdog(
      () => this.worker?.postMessage({ v: PROTOCOL_VERSION, type: 'hello', requestId: WATCHDOG_REQUEST }),
      (silent) => {
        if (this.worker) this.crashed(stuckMessage(silent));
      },
      watchdog.timing ?? DEFAULT_WATCHDOG_TIMING,
      watchdog.timers,
    );
    this.launch();
  }

  get status(): EngineStatus {
    return this.current;
  }

  send(message: ToEngineInput): void {
    if (!this.worker) {
      this.messages.emit({
        v: PROTOCOL_VERSION,
        type: 'error',
        code: 'crash',
        message: 'the training engine is not running; press Restart engine',
        inReplyTo: message.type,
      });
      return;
    }
    if (message.type === 'start') this.watchdog.runStarted();
    if (message.type === 'loadDesign' || message.type === 'start') this.holdsModel = true;
    if ('requestId' in message && message.requestId) this.pending.add(message.requestId);
    this.worker.postMessage({ v: PROTOCOL_VERSION, ...message });
  }

  /** A request that answers on its own port (image folder decoding); false when no worker runs. */
  postSideRequest(message: unknown, transfer: Transferable[]): boolean {
    if (!this.worker) return false;
    this.worker.postMessage(message, transfer);
    return true;
  }

  subscribe(listener: (message: EngineMessage) => void): () => void {
    return this.messages.add(listener);
  }

  onStatus(listener: (status: EngineStatus) => void): () => void {
    return this.statuses.add(listener);
  }

  restart(): void {
    this.stopWorker();
    this.launch();
  }

  /**
   * Runs the engine with the wasm thread count that pays for a design of this kind (threadChoice.ts):
   * a worker started for the other kind is replaced by one started for this one. Messages sent after
   * this wait in the new worker until it is ready, so a caller need not wait. Returns whether it was
   * replaced. `keepModel`: not when the worker holds a design already, whose trained weights the
   * decision boundary, block drop and landscape still read (training a new design replaces them anyway).
   */
  suitDesign(kind: DesignKind, options: { keepModel?: boolean } = {}): boolean {
    if (kind === (this.designKind ?? 'conv') || !this.threadsFollowKind()) {
      this.designKind = kind;
      return false;
    }
    if (options.keepModel && this.holdsModel) return false;
    this.designKind = kind;
    if (!this.worker) return false;
    this.stopWorker();
    const why = `the engine was restarted with ${kind === 'conv' ? 'one thread per core for a design with convolutions' : 'one thread for a design without convolutions'}`;
    for (const requestId of this.pending) this.messages.emit({ v: PROTOCOL_VERSION, type: 'error', code: 'crash', message: why, requestId });
    this.launch();
    return true;
  }

  /** Whether the thread count depends on the design's kind here: wasm in an isolated page, with no forced count. */
  private threadsFollowKind(): boolean {
    if (this.factory.fixedThreads) return false;
    if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) return false;
    return this.current.state !== 'ready' || this.current.backend.active === 'wasm';
  }

  dispose(): void {
    this.stopWorker();
  }

  private stopWorker(): void {
    this.unwatch();
    this.watchdog.runEnded();
    this.worker?.terminate();
    this.worker = null;
  }

  private setStatus(status: EngineStatus): void {
    this.current = status;
    this.statuses.emit(status);
  }

  private launch(): void {
    this.setStatus({ state: 'starting' });
    const lockName = livenessLockName();
    const worker = this.factory(lockName, this.designKind);
    this.worker = worker;
    this.holdsModel = false;
    this.pending.clear();
    let watching = false;
    worker.onmessage = (event: MessageEvent<unknown>) => {
      if (this.worker !== worker) return;
      this.watchdog.heard();
      const parsed = parseIncoming(event.data);
      if (!parsed.ok) {
        this.messages.emit({ v: PROTOCOL_VERSION, type: 'error', code: 'bad-message', message: parsed.error });
        return;
      }
      const message = parsed.message;
      if ('requestId' in message && message.requestId) this.pending.delete(message.requestId);
      if (message.type === 'engineState' && message.requestId === WATCHDOG_REQUEST) return;
      if (message.type === 'done' || (message.type === 'error' && message.inReplyTo === 'start')) this.watchdog.runEnded();
      if (parsed.message.type === 'ready' || parsed.message.type === 'engineState') {
        // The worker took its lock before choosing a backend, so by its first word the lock is held.
        if (!watching) {
          watching = true;
          this.unwatch = watchLiveness(lockName, () => {
            if (this.worker === worker) this.crashed(WORKER_GONE_MESSAGE);
          });
        }
        this.setStatus({ state: 'ready', backend: parsed.message.backend });
      }
      this.messages.emit(parsed.message);
      if (parsed.message.type === 'error' && parsed.message.code === 'crash') this.crashed(parsed.message.message, false);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      if (this.worker === worker) this.crashed(event.message || 'the training worker stopped with an uncaught error');
    };
    // The handshake, answered once the worker has chosen its backend (it queues what comes before).
    worker.postMessage({ v: PROTOCOL_VERSION, type: 'hello' });
    worker.onmessageerror = () => {
      if (this.worker === worker)
        this.messages.emit({ v: PROTOCOL_VERSION, type: 'error', code: 'bad-message', message: 'a message from the training worker could not be read' });
    };
  }

  /** `tell`: also send listeners a crash error, so requests waiting on the dead engine end. */
  private crashed(message: string, tell = true): void {
    if (tell) this.messages.emit({ v: PROTOCOL_VERSION, type: 'error', code: 'crash', message });
    const now = performance.now();
    this.crashes = [...this.crashes.filter((t) => now - t < RESTART_WINDOW_MS), now];
    const restarting = this.crashes.length <= MAX_AUTO_RESTARTS;
    this.stopWorker();
    this.setStatus({ state: 'crashed', message, restarting });
    if (restarting) this.launch();
  }
}
