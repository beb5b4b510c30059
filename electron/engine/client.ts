import { Worker } from 'node:worker_threads';
import { FromEngine, PROTOCOL_VERSION, ToEngine, describeIssues, type BackendReport, type ToEngineInput } from '../../src/protocol/messages';
import type { BackendName } from '../../src/protocol/settings';

export type EngineEvent = FromEngine;
type Listener = (message: EngineEvent) => void;

export interface EngineClientOptions {
  /** Forces one backend (the engine reports an error if it cannot start). */
  backend?: BackendName;
  /** The worker script; defaults to worker.ts beside this file (through tsx) or worker.js when bundled. */
  workerUrl?: URL;
}

function defaultWorkerUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);
}

/**
 * A TypeScript worker (running from source: tests, the CLI through tsx) is started through a
 * one-line bootstrap that registers tsx's loader inside the thread first; Node 20 does not apply
 * `--import tsx` from execArgv to worker threads.
 */
function createWorker(url: URL, workerData: unknown): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * The engine in one long-lived worker thread, spoken to only through the protocol. Messages are
 * validated both ways. If the worker dies unasked, listeners get an `error` event with code
 * 'crash' and `restart()` brings up a fresh engine (a new run needs the design loaded again).
 */
export class EngineClient {
  private worker: Worker | null = null;
  private readonly listeners = new Set<Listener>();
  private closing = false;
  backend: BackendReport | null = null;

  private constructor(private readonly options: EngineClientOptions) {}

  static async start(options: EngineClientOptions = {}): Promise<EngineClient> {
    const client = new EngineClient(options);
    await client.spawn();
    return client;
  }

  /** True while a worker is up. */
  get alive(): boolean {
    return this.worker !== null;
  }

  /** The worker thread itself: for crash tests and diagnostics, not for sending messages. */
  get thread(): Worker | null {
    return this.worker;
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates and sends; an invalid message is the caller's bug and throws here, before the worker. */
  send(message: ToEngineInput): void {
    const parsed = ToEngine.safeParse(message);
    if (!parsed.success) throw new Error(`invalid ${String((message as { type?: unknown }).type)} message: ${describeIssues(parsed.error)}`);
    this.sendRaw(parsed.data);
  }

  /** Sends without validating, so tests can check the engine's own defences. */
  sendRaw(message: unknown): void {
    if (!this.worker) throw new Error('the engine is not running; call restart()');
    this.worker.postMessage(message);
  }

  /** Resolves with the first message `predicate` accepts. */
  next<T extends EngineEvent>(predicate: (message: EngineEvent) => message is T, timeoutMs?: number): Promise<T>;
  next(predicate: (message: EngineEvent) => boolean, timeoutMs?: number): Promise<EngineEvent>;
  next(predicate: (message: EngineEvent) => boolean, timeoutMs = 60_000): Promise<EngineEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no matching engine message within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on((message) => {
        if (!predicate(message)) return;
        clearTimeout(timer);
        off();
        resolve(message);
      });
    });
  }

  async restart(): Promise<void> {
    await this.close();
    await this.spawn();
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.closing = true;
    this.worker = null;
    await worker.terminate();
    this.closing = false;
  }

  private emit(message: EngineEvent): void {
    for (const listener of [...this.listeners]) listener(message);
  }

  private spawn(): Promise<void> {
    const worker = createWorker(this.options.workerUrl ?? defaultWorkerUrl(), { backend: this.options.backend });
    this.worker = worker;
    return new Promise((resolve, reject) => {
      let ready = false;
      worker.on('message', (raw: unknown) => {
        const parsed = FromEngine.safeParse(raw);
        if (!parsed.success) {
          this.emit({ v: PROTOCOL_VERSION, type: 'error', code: 'bad-message', message: `the engine sent an invalid message: ${describeIssues(parsed.error)}` });
          return;
        }
        const message = parsed.data;
        if (message.type === 'ready') {
          ready = true;
          this.backend = message.backend;
          resolve();
        } else if (!ready && message.type === 'error') {
          reject(new Error(`the engine did not start: ${message.message}`));
        }
        this.emit(message);
        // Acknowledge after listeners ran: the engine merges frames while we are behind.
        if (message.type === 'statsFrame' && this.worker === worker) worker.postMessage({ v: PROTOCOL_VERSION, type: 'statsAck', seq: message.seq });
      });
      worker.on('error', (error) => {
        if (!ready) reject(new Error(`the engine did not start: ${error.message}`));
        this.emit({ v: PROTOCOL_VERSION, type: 'error', code: 'crash', message: `the engine crashed: ${error.message}` });
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) this.worker = null;
        if (!ready) reject(new Error(`the engine exited with code ${code} before it was ready`));
        else if (!this.closing) this.emit({ v: PROTOCOL_VERSION, type: 'error', code: 'crash', message: `the engine stopped unexpectedly (exit code ${code}); restart it to train again` });
      });
    });
  }
}
