/**
 * Keeps the training engine in its own long-lived process and connects it to the renderer through
 * a MessagePort, with main in between as the checkpoint: each message is validated with the
 * engine protocol's schemas (passed in, so this host knows nothing of their content), a crashed
 * engine is restarted a bounded number of times, and the UI is told about both.
 */
import type { z } from 'zod';
import { describeZodError, EngineHostCommand, type EngineHostStatus, type EnginePortMessage } from '../../src/protocol/ipc';

/** A running engine process: Electron's UtilityProcess or a worker_threads Worker, adapted. */
export interface EngineChild {
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (exitCode: number) => void): void;
  kill(): void;
}

/** The main-process end of the renderer's port: Electron's MessagePortMain or Node's MessagePort. */
export interface EnginePort {
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  close(): void;
}

export interface EngineHostOptions<ToEngine, FromEngine> {
  spawn: () => EngineChild;
  toEngine: z.ZodType<ToEngine>;
  fromEngine: z.ZodType<FromEngine>;
  /** Restarts allowed within `restartWindowMs` before the host gives up and says so. */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** Delay before restart attempt n (1-based); grows so a crash loop does not spin a core. */
  restartDelayMs?: (attempt: number) => number;
  onStatus?: (status: EngineHostStatus) => void;
}

export class EngineHost<ToEngine, FromEngine> {
  private child: EngineChild | null = null;
  private port: EnginePort | null = null;
  private stopping = false;
  private restartTimes: number[] = [];
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly maxRestarts: number;
  private readonly restartWindowMs: number;
  private readonly restartDelayMs: (attempt: number) => number;

  constructor(private readonly options: EngineHostOptions<ToEngine, FromEngine>) {
    this.maxRestarts = options.maxRestarts ?? 3;
    this.restartWindowMs = options.restartWindowMs ?? 60_000;
    this.restartDelayMs = options.restartDelayMs ?? ((attempt) => 250 * 2 ** (attempt - 1));
  }

  get running(): boolean {
    return this.child !== null;
  }

  start(): void {
    this.stopping = false;
    this.launch();
    this.report({ event: 'started' });
  }

  /** Connects (or reconnects, after a page reload) the renderer's port; the previous one is closed. */
  attachPort(port: EnginePort): void {
    this.port?.close();
    this.port = port;
    port.onMessage((raw) => {
      if (this.port !== port) return;
      if (EngineHostCommand.safeParse(raw).success) {
        this.restart();
        return;
      }
      const parsed = this.options.toEngine.safeParse(raw);
      if (!parsed.success) {
        this.report({ event: 'rejected', direction: 'to-engine', message: describeZodError(parsed.error, 'message to the engine refused') });
        return;
      }
      if (!this.child) {
        this.report({ event: 'rejected', direction: 'to-engine', message: 'the engine is not running (it is restarting or was stopped)' });
        return;
      }
      this.child.postMessage(parsed.data);
    });
  }

  /**
   * Replaces the engine with a fresh one — a new thread or process, so fresh memory — on request
   * (Restart engine). Runs in progress are lost; the crash budget starts over.
   */
  restart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const old = this.child;
    this.child = null;
    old?.kill();
    this.stopping = false;
    this.restartTimes = [];
    this.launch();
    this.report({ event: 'restarted', attempt: 0, requested: true });
  }

  stop(): void {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    this.child = null;
    child?.kill();
    this.report({ event: 'stopped' });
  }

  private launch(): void {
    const child = this.options.spawn();
    this.child = child;
    child.onMessage((raw) => {
      if (this.child !== child) return;
      const parsed = this.options.fromEngine.safeParse(raw);
      if (!parsed.success) {
        this.report({ event: 'rejected', direction: 'from-engine', message: describeZodError(parsed.error, 'message from the engine dropped') });
        return;
      }
      this.send({ kind: 'engine', message: parsed.data });
    });
    child.onExit((exitCode) => {
      if (this.child !== child) return;
      this.child = null;
      if (this.stopping) return;
      this.handleCrash(exitCode);
    });
  }

  private handleCrash(exitCode: number): void {
    const now = Date.now();
    this.restartTimes = this.restartTimes.filter((t) => now - t < this.restartWindowMs);
    const restarting = this.restartTimes.length < this.maxRestarts;
    this.report({
      event: 'crashed',
      exitCode,
      restarting,
      message: restarting
        ? `The training engine stopped unexpectedly (exit code ${exitCode}); restarting it.`
        : `The training engine stopped unexpectedly (exit code ${exitCode}) ${this.maxRestarts + 1} times within ${Math.round(this.restartWindowMs / 1000)} s; it will not be restarted. Restart the app to try again.`,
    });
    if (!restarting) return;
    this.restartTimes.push(now);
    const attempt = this.restartTimes.length;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.launch();
      this.report({ event: 'restarted', attempt });
    }, this.restartDelayMs(attempt));
  }

  private report(status: EngineHostStatus): void {
    this.options.onStatus?.(status);
    this.send({ kind: 'host', status });
  }

  private send(message: EnginePortMessage<FromEngine>): void {
    this.port?.postMessage(message);
  }
}
