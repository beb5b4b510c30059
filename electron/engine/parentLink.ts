/**
 * The engine entry's line to main, whichever way main started it: as an Electron utility process
 * (its own OS process, so a native crash in tfjs-node takes down only the engine) or as a Node
 * worker thread (the CLI, tests, and a desktop host run without Electron). Options travel as
 * workerData in a thread and as one `--engine-options=<json>` argument in a process.
 */
import { parentPort, workerData } from 'node:worker_threads';

export const OPTIONS_ARGUMENT = '--engine-options=';

export interface ParentLink {
  /** The raw options main passed; the entry validates them. */
  readonly options: unknown;
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Ends the engine: a thread closes its port; a process exits with the code. */
  end(exitCode: number): void;
}

/** Electron's process.parentPort, as much of it as the engine uses. */
interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

function electronParentPort(): ElectronParentPort | null {
  const port = (process as { parentPort?: ElectronParentPort | null }).parentPort;
  return port && typeof port.postMessage === 'function' ? port : null;
}

function optionsFromArgv(argv: readonly string[]): unknown {
  const raw = argv.find((a) => a.startsWith(OPTIONS_ARGUMENT))?.slice(OPTIONS_ARGUMENT.length);
  if (raw === undefined) return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return {};
  }
}

/** How long a process waits before exiting, so its last message (an error) reaches main first. */
const EXIT_GRACE_MS = 200;

export function parentLink(): ParentLink {
  const utility = electronParentPort();
  if (utility) {
    return {
      options: optionsFromArgv(process.argv),
      post: (message) => utility.postMessage(message),
      onMessage: (listener) => void utility.on('message', (event) => listener(event.data)),
      end: (exitCode) => {
        process.exitCode = exitCode;
        setTimeout(() => process.exit(exitCode), EXIT_GRACE_MS);
      },
    };
  }
  const port = parentPort;
  if (!port) throw new Error('the engine entry runs only as an Electron utility process or a worker thread');
  return {
    options: workerData ?? {},
    post: (message) => port.postMessage(message),
    onMessage: (listener) => void port.on('message', listener),
    end: (exitCode) => {
      process.exitCode = exitCode;
      port.close();
    },
  };
}

/** The argument list that hands `options` to a utility-process engine. */
export function optionsArgument(options: Record<string, unknown>): string[] {
  return [`${OPTIONS_ARGUMENT}${JSON.stringify(options)}`];
}
