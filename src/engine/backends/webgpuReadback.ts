import type { KernelBackend } from './tf';

/** The part of tfjs-backend-webgpu's backend the guard reads: its synchronous read and its tensor table. */
interface WebGpuBackendLike {
  readSync(dataId: object): unknown;
  tensorMap: { get(dataId: object): { values?: unknown; dtype?: string } | undefined };
}

function isWebGpuBackendLike(backend: unknown): backend is WebGpuBackendLike {
  const candidate = backend as Partial<WebGpuBackendLike> | null;
  return typeof candidate?.readSync === 'function' && typeof candidate.tensorMap?.get === 'function';
}

/**
 * tfjs-backend-webgpu reads a tensor synchronously by copying it into a WebGPU canvas and drawing that
 * onto a 2D canvas. Where that route is broken (headless Chromium on SwiftShader: the values come back
 * as zeros and the device's instance is lost, so every later read fails too), a synchronous read of a
 * tensor still on the GPU throws, naming why, instead of returning zeros and breaking the device. Reads
 * of values already on the CPU and every asynchronous read (`data()`, which the training loop uses)
 * are untouched.
 */
export function guardSyncReadback(backend: KernelBackend, reason: string): void {
  if (!isWebGpuBackendLike(backend)) throw new Error('guardSyncReadback: not a WebGPU backend (no readSync and tensor table)');
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (dataId: object) => {
    const data = backend.tensorMap.get(dataId);
    if (data && (data.values != null || data.dtype === 'string')) return readSync(dataId);
    throw new Error(
      `this WebGPU adapter cannot read tensors back synchronously (${reason}); training reads asynchronously and works, but this action needs a synchronous read: use the wasm backend for it`,
    );
  };
}
