import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import type { Tf } from '../src/engine/backends/tf';
import type { BackendCandidate } from '../src/engine/backends/select';
import { describeWasm } from '../src/engine/backends/browser';
import { nodeWasmThreadCount, startThreadedWasm } from './wasmThreads';
import { chooseWasmThreads, type ThreadChoice } from '../src/engine/backends/threadChoice';

const requireFromHere = createRequire(import.meta.url);

/**
 * Why a tfjs-node package did not load, in the user's terms: not installed at all, or installed but
 * its native library missing (the usual CUDA story: "libcudart.so.11.0 not found").
 */
export function explainLoadFailure(packageName: string, error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'MODULE_NOT_FOUND' && text.includes(`'${packageName}'`)) return `${packageName} is not installed`;
  const library = /(lib[\w+-]+\.so(?:\.[\d.]+)?|[\w+-]+\.dll|lib[\w+-]+\.dylib)/.exec(text);
  if (library && /cannot open shared object|not found|No such file|could not be found|Library not loaded|specified module could not be found/i.test(text)) {
    return `${library[1]} not found (${packageName} is installed but its native library could not load)`;
  }
  return `${packageName} failed to load: ${text.split('\n')[0]}`;
}

function tfjsNodeCandidate(tf: Tf, name: 'tensorflow-gpu' | 'tensorflow', packageName: string, load: (packageName: string) => unknown): BackendCandidate {
  return {
    name,
    activate: async () => {
      try {
        load(packageName);
      } catch (error) {
        return { ok: false, reason: explainLoadFailure(packageName, error) };
      }
      // Both packages register a backend called 'tensorflow' on the shared tf.js engine.
      if (!(await tf.setBackend('tensorflow'))) return { ok: false, reason: `${packageName} loaded but its backend did not initialise` };
      return { ok: true, detail: `${packageName} (libtensorflow${name === 'tensorflow-gpu' ? ', CUDA' : ', CPU'})` };
    },
  };
}

/**
 * Threads wanted for wasm in Node: RESCANVAS_WASM_THREADS, when set, decides (1 turns threads off);
 * otherwise the design's kind does (src/engine/backends/threadChoice.ts says why).
 */
export function requestedWasmThreads(preferThreads: boolean, env: NodeJS.ProcessEnv = process.env): ThreadChoice | { error: string } {
  const raw = env.RESCANVAS_WASM_THREADS;
  let forced: { threads: number; by: string } | undefined;
  if (raw !== undefined && raw !== '') {
    const threads = Number(raw);
    if (!Number.isInteger(threads) || threads < 1 || threads > 64)
      return { error: `RESCANVAS_WASM_THREADS must be a whole number from 1 to 64, not "${raw.slice(0, 40)}"` };
    forced = { threads, by: `RESCANVAS_WASM_THREADS=${threads}` };
  }
  return chooseWasmThreads({
    kind: preferThreads ? 'conv' : 'dense',
    perCore: nodeWasmThreadCount(),
    forced,
    overrideHint: 'RESCANVAS_WASM_THREADS=N overrides',
  });
}

export interface NodeBackendOptions {
  /** Whether the work ahead is convolutional enough for wasm threads to pay (see requestedWasmThreads). */
  preferWasmThreads?: boolean;
  load?: (packageName: string) => unknown;
  startWasm?: typeof startThreadedWasm;
}

/** Threaded wasm in Node; when it is not wanted or cannot start, the portable single-threaded wasm candidate follows. */
function threadedWasmCandidate(tf: Tf, start: typeof startThreadedWasm, preferThreads: boolean): BackendCandidate {
  return {
    name: 'wasm',
    activate: async () => {
      const wanted = requestedWasmThreads(preferThreads);
      if ('error' in wanted) return { ok: false, reason: wanted.error };
      if (wanted.threads === 1) return { ok: false, reason: wanted.why };
      const started = await start(tf, wanted.threads);
      if ('reason' in started) return { ok: false, reason: started.reason };
      return { ok: true, detail: describeWasm(started.status, '', availableParallelism()) };
    },
  };
}

/** tfjs-node-gpu, then tfjs-node: the native candidates. */
export function nativeBackendCandidates(tf: Tf, load: (packageName: string) => unknown = requireFromHere): BackendCandidate[] {
  return [tfjsNodeCandidate(tf, 'tensorflow-gpu', '@tensorflow/tfjs-node-gpu', load), tfjsNodeCandidate(tf, 'tensorflow', '@tensorflow/tfjs-node', load)];
}

/** The native candidates, then threaded wasm: the Node-only candidates, tried before the portable wasm and cpu. */
export function nodeBackendCandidates(tf: Tf, options: NodeBackendOptions = {}): BackendCandidate[] {
  return [...nativeBackendCandidates(tf, options.load), threadedWasmCandidate(tf, options.startWasm ?? startThreadedWasm, options.preferWasmThreads ?? false)];
}

export { designConvolves } from '../src/engine/backends/threadChoice';
