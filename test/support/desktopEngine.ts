/**
 * The desktop engine path without Electron: the engine entry (electron/engine/worker.ts, run from
 * source either in a worker thread or in its own OS process behind an emulated utility-process
 * parent port), the EngineHost that main runs, a port pair, and the renderer's own
 * ElectronEngineConnection on the page's end of the port.
 */
import { fork } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { EngineHost, type EngineChild } from '../../electron/engine/engineHost';
import { utilityProcessSpawner, type UtilityFork } from '../../electron/engine/electronAdapters';
import { nodeEnginePort, workerThreadSpawner } from '../../electron/engine/nodeAdapters';
import { ElectronEngineConnection } from '../../renderer/engine/electronConnection';
import type { EngineMessage, EngineStatus } from '../../renderer/engine/connection';
import { FromEngine, ToEngine } from '../../src/protocol/messages';
import type { BackendName } from '../../src/schema/settings';

const workerUrl = new URL('../../electron/engine/worker.ts', import.meta.url);
// Node 20 does not pass --import to worker threads: register tsx inside the thread first.
const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((api) => { api.register(); return import(${JSON.stringify(workerUrl.href)}); });`;

/**
 * Electron's utilityProcess.fork as a Node child process: the same entry, arguments and message
 * shapes (structured clone, so typed arrays cross intact), and the exit code Electron reports
 * (waitpid's: 128 + signal for a killed process).
 */
const nodeUtilityFork: UtilityFork = (modulePath, args) => {
  const child = fork(modulePath, args, {
    execArgv: ['--import', 'tsx', '--import', fileURLToPath(new URL('./utilityParentPort.ts', import.meta.url))],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    postMessage: (message) => void child.send(message as object),
    on: (event: 'message' | 'exit', listener: ((message: unknown) => void) | ((code: number) => void)) =>
      event === 'message'
        ? child.on('message', listener as (message: unknown) => void)
        : child.on('exit', (code, signal) => (listener as (code: number) => void)(code ?? 128 + (signal ? constants.signals[signal] : 0))),
    kill: () => child.kill('SIGKILL'),
  };
};

/** Where the engine runs: a worker thread (the CLI's way) or its own process (the desktop's way). */
export type EngineIsolation = 'thread' | 'process';

export interface DesktopEngine {
  host: EngineHost<ToEngine, FromEngine>;
  /** The page's end: what the UI trains with on the desktop. */
  connection: ElectronEngineConnection;
  /** Everything the connection delivered, in order. */
  events: EngineMessage[];
  /** Resolves with the next message `match` accepts. */
  next<T extends EngineMessage>(match: (m: EngineMessage) => m is T, timeoutMs?: number): Promise<T>;
  next(match: (m: EngineMessage) => boolean, timeoutMs?: number): Promise<EngineMessage>;
  /** Resolves when the connection's status next satisfies `match` (now, if it already does). */
  status(match: (s: EngineStatus) => boolean, timeoutMs?: number): Promise<EngineStatus>;
  /** A page reload: the old page's port closes, a new page connects through a new one. */
  reload(): ElectronEngineConnection;
  /** Kills the engine's thread or process from outside, as a native crash would. */
  kill(): Promise<void>;
  close(): void;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what()}`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });
}

export function startDesktopEngine(backend: BackendName = 'wasm', isolation: EngineIsolation = 'thread'): DesktopEngine {
  let child: EngineChild | null = null;
  const spawn =
    isolation === 'process'
      ? utilityProcessSpawner(nodeUtilityFork, fileURLToPath(workerUrl), { backend })
      : workerThreadSpawner(bootstrap, { eval: true, workerData: { backend } });
  const host = new EngineHost({ spawn: () => (child = spawn()), toEngine: ToEngine, fromEngine: FromEngine, restartDelayMs: () => 50 });
  const events: EngineMessage[] = [];
  const channels: MessageChannel[] = [];
  let connection: ElectronEngineConnection;
  const connect = (): ElectronEngineConnection => {
    const channel = new MessageChannel();
    channels.push(channel);
    host.attachPort(nodeEnginePort(channel.port1));
    // Node's MessagePort has the DOM port's onmessage/start/postMessage/close.
    const page = new ElectronEngineConnection(Promise.resolve(channel.port2 as unknown as MessagePort));
    page.subscribe((m) => events.push(m));
    connection = page;
    return page;
  };
  connect();
  host.start();
  const engine: DesktopEngine = {
    host,
    get connection() {
      return connection;
    },
    events,
    next: (match: (m: EngineMessage) => boolean, timeoutMs = 90_000) =>
      withTimeout(
        new Promise<EngineMessage>((resolve) => {
          const off = connection.subscribe((m) => {
            if (!match(m)) return;
            off();
            resolve(m);
          });
        }),
        timeoutMs,
        () => `an engine message; got ${JSON.stringify(events.slice(-5).map((e) => e.type))}`,
      ),
    status: (match, timeoutMs = 90_000) =>
      withTimeout(
        new Promise<EngineStatus>((resolve) => {
          if (match(connection.status)) return resolve(connection.status);
          const off = connection.onStatus((s) => {
            if (!match(s)) return;
            off();
            resolve(s);
          });
        }),
        timeoutMs,
        () => `an engine status; now ${JSON.stringify(connection.status)}`,
      ),
    reload: () => {
      connection.dispose();
      return connect();
    },
    kill: async () => {
      child?.kill();
    },
    close: () => {
      host.stop();
      connection.dispose();
      for (const c of channels) {
        c.port1.close();
        c.port2.close();
      }
    },
  } as DesktopEngine;
  return engine;
}
