import type { Tf } from './tf';
import type { BackendCandidate } from './select';
import { useWasmBackend, type WasmPaths } from './wasm';

/**
 * Candidates every host has (browser worker and Node alike): wasm with the training kernels it
 * lacks, then the plain CPU backend. Node hosts put the tfjs-node ones before these.
 */
export function portableCandidates(tf: Tf, options: { wasmPaths?: WasmPaths; webgl?: boolean } = {}): BackendCandidate[] {
  const candidates: BackendCandidate[] = [];
  if (options.webgl) {
    candidates.push({
      name: 'webgl',
      activate: async () => ((await tf.setBackend('webgl')) ? { ok: true, detail: 'WebGL' } : { ok: false, reason: 'WebGL is not available in this context' }),
    });
  }
  candidates.push({
    name: 'wasm',
    activate: async () => {
      const status = await useWasmBackend(tf, options.wasmPaths);
      if (!status.active) return { ok: false, reason: 'the WebAssembly backend failed to initialise' };
      return { ok: true, detail: `SIMD ${status.simd ? 'on' : 'off'}, threads ${status.threads ? 'on' : 'off'}` };
    },
  });
  candidates.push({
    name: 'cpu',
    activate: async () =>
      (await tf.setBackend('cpu')) ? { ok: true, detail: 'plain JavaScript' } : { ok: false, reason: 'the CPU backend failed to initialise' },
  });
  return candidates;
}
