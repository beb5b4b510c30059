import { createRequire } from 'node:module';
import type { Tf } from '../src/engine/backends/tf';
import type { BackendCandidate } from '../src/engine/backends/select';

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

/** tfjs-node-gpu, then tfjs-node: the Node-only candidates, tried before wasm and cpu. */
export function nodeBackendCandidates(tf: Tf, load: (packageName: string) => unknown = requireFromHere): BackendCandidate[] {
  return [tfjsNodeCandidate(tf, 'tensorflow-gpu', '@tensorflow/tfjs-node-gpu', load), tfjsNodeCandidate(tf, 'tensorflow', '@tensorflow/tfjs-node', load)];
}
