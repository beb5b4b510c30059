import { WASM_KERNELS } from './binaries';

/**
 * Our own wasm kernels (the .c files beside this), run on tf.js' wasm heap: each instance imports
 * the memory of the tf.js module it serves and reads and writes tensors where they lie. src/ has
 * no DOM or Node types, so the slice of the WebAssembly API used here is typed structurally.
 */
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
interface WasmApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  instantiate(bytes: Uint8Array, imports: Record<string, Record<string, unknown>>): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

/** x, dy, out (byte offsets), then n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, padTop, padLeft. */
export type FilterGradientFunction = (...args: number[]) => void;

/** x, w, out (byte offsets), n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, padTop, padLeft, then the output rows [from, to) of n·ho. */
export type ConvForwardFunction = (...args: number[]) => void;

/** x, out (byte offsets), rows, cols, scale: out[c] = scale · Σ_r x[r, c]. */
export type ChannelSumsFunction = (x: number, out: number, rows: number, cols: number, scale: number) => void;

/** x, gamma, beta, y, mean, variance, scratch (2·cols floats) (byte offsets), rows, cols, epsilon. */
export type BatchNormForwardFunction = (...args: number[]) => void;
/** x, dy, mean, variance, gamma, dx, dgamma, dbeta, scratch (3·cols floats) (byte offsets), rows, cols, epsilon. */
export type BatchNormBackwardFunction = (...args: number[]) => void;

/** w, out (byte offsets), kh, kw, ci, co: out[kh−1−a, kw−1−b, co, ci] = w[a, b, ci, co]. */
export type FlipFilterFunction = (w: number, out: number, kh: number, kw: number, ci: number, co: number) => void;

export interface NativeKernels {
  flipFilter: FlipFilterFunction;
  conv2dFilterGradient: FilterGradientFunction;
  conv2dForward: ConvForwardFunction;
  channelSums: ChannelSumsFunction;
  batchNormForward: BatchNormForwardFunction;
  batchNormBackward: BatchNormBackwardFunction;
  /** The imported memory is shared: tf.js' threaded build. */
  shared: boolean;
}

const started = new WeakMap<object, NativeKernels>();

function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

function decodeBase64(text: string): Uint8Array {
  const atob = (globalThis as { atob?: (data: string) => string }).atob;
  if (atob === undefined) throw new Error('this runtime has no base64 decoder (atob)');
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** The memory tf.js' module runs in: exported by its single-threaded build, shared by its threaded one. */
function backendMemory(api: WasmApi, backend: unknown): WasmMemory | null {
  const module = (backend as { wasm?: { wasmMemory?: unknown; asm?: { memory?: unknown } } } | null)?.wasm;
  for (const candidate of [module?.wasmMemory, module?.asm?.memory]) if (candidate instanceof api.Memory) return candidate;
  return null;
}

/**
 * Instantiates the kernels against this wasm backend's memory; afterwards `nativeKernelsFor` finds
 * them. On any failure the kernels that call these keep their XNNPACK routes, and the reason is
 * returned for the backend report.
 */
export async function startNativeKernels(backend: object): Promise<{ ok: true; kernels: NativeKernels } | { ok: false; reason: string }> {
  const existing = started.get(backend);
  if (existing) return { ok: true, kernels: existing };
  const api = wasmApi();
  if (api === undefined) return { ok: false, reason: 'this runtime has no WebAssembly API' };
  const memory = backendMemory(api, backend);
  if (memory === null) return { ok: false, reason: "tf.js' wasm memory was not found on the backend" };
  const shared = memory.buffer.constructor.name === 'SharedArrayBuffer';
  try {
    const { instance } = await api.instantiate(decodeBase64(WASM_KERNELS[shared ? 'shared' : 'plain']), { env: { memory } });
    const exports = instance.exports;
    const names = ['conv2d_forward', 'conv2d_filter_gradient', 'channel_sums', 'batch_norm_forward', 'batch_norm_backward', 'flip_filter'] as const;
    const missing = names.filter((name) => typeof exports[name] !== 'function');
    if (missing.length > 0) return { ok: false, reason: `the kernel module lacks ${missing.join(', ')}` };
    const kernels: NativeKernels = {
      conv2dFilterGradient: exports.conv2d_filter_gradient as FilterGradientFunction,
      conv2dForward: exports.conv2d_forward as ConvForwardFunction,
      channelSums: exports.channel_sums as ChannelSumsFunction,
      batchNormForward: exports.batch_norm_forward as BatchNormForwardFunction,
      batchNormBackward: exports.batch_norm_backward as BatchNormBackwardFunction,
      flipFilter: exports.flip_filter as FlipFilterFunction,
      shared,
    };
    started.set(backend, kernels);
    return { ok: true, kernels };
  } catch (error) {
    return { ok: false, reason: `the kernel module did not instantiate: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export function nativeKernelsFor(backend: unknown): NativeKernels | undefined {
  return typeof backend === 'object' && backend !== null ? started.get(backend) : undefined;
}
