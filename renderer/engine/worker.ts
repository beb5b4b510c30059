/**
 * The training engine in a browser Web Worker: picks a backend (WebGPU, WebGL, wasm — threaded where
 * the page is cross-origin isolated — then CPU; src/engine/backends/browser.ts), then speaks only the
 * protocol. The .wasm binaries are bundled as local assets through `?url` imports, so the page never
 * fetches them from a CDN and `vite build` emits them.
 */
import * as tf from '@tensorflow/tfjs';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { EngineSession } from '../../src/engine/session';
import { selectBackend } from '../../src/engine/backends/select';
import { browserCandidates, type BrowserEnvironment } from '../../src/engine/backends/browser';
import { PROTOCOL_VERSION, type FromEngine } from '../../src/protocol/messages';
import { holdLivenessLock } from './liveness';
import { probeWebGl, probeWebGpu, probeWebGpuSyncReadback } from './gpuProbes';
import { parseWorkerName } from './workerOptions';
import { claimsImageDecode } from '../data/imageDecodeProtocol';
import { decodeImageFolder } from '../data/decodeImagesInWorker';

/** The worker's global scope (the renderer's tsconfig has DOM types, not WebWorker's). */
const scope = self as unknown as {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  name: string;
  crossOriginIsolated: boolean;
  navigator: Navigator;
};

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
  if (claimsImageDecode(event.data)) {
    void decodeImageFolder(event.data);
    return;
  }
  if (session) void session.handle(event.data);
  else early?.push(event.data);
};

const environment: BrowserEnvironment = {
  crossOriginIsolated: scope.crossOriginIsolated === true,
  logicalCores: scope.navigator.hardwareConcurrency,
  probeWebGpu: () => probeWebGpu(scope),
  probeWebGl,
  probeWebGpuSyncReadback: () => probeWebGpuSyncReadback(scope),
  loadWebGpu: async () => {
    await import('@tensorflow/tfjs-backend-webgpu');
  },
  withReportedCores: async (cores, start) => {
    // An own property on this worker's navigator shadows WorkerNavigator's getter until it is deleted.
    Object.defineProperty(scope.navigator, 'hardwareConcurrency', { value: cores, configurable: true });
    try {
      return await start();
    } finally {
      delete (scope.navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
    }
  },
};

async function main(): Promise<void> {
  const options = parseWorkerName(scope.name);
  if (!options.ok) throw new Error(options.error);
  // Held until this worker ends, however it ends, so the page notices an end that fires no error event.
  void holdLivenessLock({ name: options.options.lock, navigator: scope.navigator as unknown as { locks?: unknown } });
  const { backend: forced, skipped, wasmThreads, designKind } = options.options;
  const chosen = await selectBackend(
    browserCandidates(tf, environment, {
      wasmThreads,
      designKind,
      wasmPaths: {
        'tfjs-backend-wasm.wasm': wasmPlainUrl,
        'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
        'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
      },
      // A user who names a GPU backend gets it even when it is only a software renderer.
      allowSoftwareGpu: forced !== undefined,
    }),
    forced,
  );
  const backend = { ...chosen, skipped: [...skipped, ...chosen.skipped] };
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
  post({
    v: PROTOCOL_VERSION,
    type: 'error',
    code: 'crash',
    message: `the training engine could not start: ${error instanceof Error ? error.message : String(error)}`,
  });
});
