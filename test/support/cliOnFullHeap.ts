/**
 * Runs the `rescanvas` CLI (cli/main.ts, arguments as given) in this process after filling most of
 * the wasm engine's 4 GiB heap the moment the CLI selects wasm: a design the memory estimate rightly
 * lets through then runs out of memory for real. What a heap already holds is the one thing an
 * estimate from the design cannot know, so this needs no hook in the CLI itself.
 * `node --import tsx test/support/cliOnFullHeap.ts <bytes> train design.json …`
 */
import * as tf from '@tensorflow/tfjs';

const bytes = Number(process.argv[2]);
if (!Number.isFinite(bytes) || bytes <= 0) throw new Error(`cliOnFullHeap: the first argument is the bytes to occupy; got "${process.argv[2]}"`);
process.argv.splice(2, 1);

interface WasmBackend {
  wasm?: { _malloc(size: number): number };
}

const engine = tf.engine();
const setBackend = engine.setBackend.bind(engine);
engine.setBackend = async (name: string): Promise<boolean> => {
  const ok = await setBackend(name);
  if (ok && name === 'wasm') {
    const wasm = (engine.backend as unknown as WasmBackend).wasm;
    if (!wasm) throw new Error('cliOnFullHeap: the wasm backend has no heap to fill');
    const block = 128 * 2 ** 20;
    let taken = 0;
    while (taken + block <= bytes && wasm._malloc(block) !== 0) taken += block;
    process.stderr.write(`cliOnFullHeap: ${(taken / 2 ** 30).toFixed(2)} GiB of the wasm heap taken before training\n`);
  }
  return ok;
};

await import('../../cli/main');
