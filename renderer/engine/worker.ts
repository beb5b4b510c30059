/**
 * The training engine in a browser Web Worker: picks a backend (wasm with the training kernels the
 * package lacks, then CPU), then speaks only the protocol. The .wasm binaries are bundled as local
 * assets through `?url` imports, so the page never fetches them from a CDN and `vite build` emits them.
 */
import * as tf from '@tensorflow/tfjs';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { EngineSession } from '../../src/engine/session';
import { selectBackend } from '../../src/engine/backends/select';
import { portableCandidates } from '../../src/engine/backends/portable';
import { PROTOCOL_VERSION, type FromEngine } from '../../src/protocol/messages';
import { holdLivenessLock } from './liveness';

// Held until this worker ends, however it ends, so the page notices an end that fires no error event.
void holdLivenessLock(self as unknown as { name?: string; navigator?: { locks?: unknown } });

/** The worker's global scope (the renderer's tsconfig has DOM types, not WebWorker's). */
const scope = self as unknown as { postMessage(message: unknown): void; onmessage: ((event: MessageEvent<unknown>) => void) | null };

/** setTimeout(0) is clamped to 4 ms after a few nested calls; a message round trip is not. */
function yieldToHost(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

function post(message: unknown): void {
  scope.postMessage(message);
}

/** What arrives while the backend is chosen, handed to the session once it exists. */
let early: unknown[] | null = [];
let session: EngineSession | null = null;
scope.onmessage = (event: MessageEvent<unknown>) => {
  if (session) void session.handle(event.data);
  else early?.push(event.data);
};

async function main(): Promise<void> {
  const backend = await selectBackend(
    portableCandidates(tf, {
      wasmPaths: { 'tfjs-backend-wasm.wasm': wasmPlainUrl, 'tfjs-backend-wasm-simd.wasm': wasmSimdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl },
    }),
  );
  const started = new EngineSession(tf, {
    post: (message: FromEngine) => post(message),
    backend,
    clock: { now: () => performance.now(), yieldToHost },
  });
  started.announce();
  session = started;
  for (const message of early ?? []) void started.handle(message);
  early = null;
}

main().catch((error: unknown) => {
  post({ v: PROTOCOL_VERSION, type: 'error', code: 'crash', message: `the training engine could not start: ${error instanceof Error ? error.message : String(error)}` });
});
