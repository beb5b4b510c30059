import { PROTOCOL_VERSION, type ToEngineInput } from '../../src/protocol/messages';
import { Listeners, parseIncoming, type EngineConnection, type EngineMessage, type EngineStatus } from './connection';
import { livenessLockName, watchLiveness } from './liveness';
import { pageWorkerFactory } from './workerFactory';
import { DEFAULT_WATCHDOG_TIMING, RunWatchdog, type WatchdogTiming, type WatchdogTimers } from './watchdog';

/** How a worker is made, given its name (which names its liveness lock); tests and benchmarks may pass their own factory. */
export type WorkerFactory = (name: string) => Worker;

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
    const worker = this.factory(lockName);
    this.worker = worker;
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
