import { WASM_KERNELS } from './binaries';
import { KernelThreads, type SpawnHelper } from './kernelThreads';

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
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, Record<string, unknown>>): Promise<{ exports: Record<string, unknown> }>;
}

/** x, dy, out (byte offsets), then n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, padTop, padLeft. */
export type FilterGradientFunction = (...args: number[]) => void;

/** x, w, out (byte offsets), then n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, padTop, padLeft. */
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
  /** Split across the helper threads where there are any. */
  conv2dFilterGradient: FilterGradientFunction;
  /** Split across the helper threads where there are any. */
  conv2dForward: ConvForwardFunction;
  channelSums: ChannelSumsFunction;
  batchNormForward: BatchNormForwardFunction;
  batchNormBackward: BatchNormBackwardFunction;
  /** The imported memory is shared: tf.js' threaded build. */
  shared: boolean;
  /** Threads running the split kernels besides the caller's (0: the caller alone). */
  helperThreads: number;
}

export interface NativeKernelOptions {
  /** With tf.js' threaded build: this many helper threads for the split kernels, made by `spawn`. */
  helpers?: { count: number; spawn: SpawnHelper };
}

export type NativeKernelStart = { ok: true; kernels: NativeKernels; helpersReason?: string } | { ok: false; reason: string };

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
 * Our exports whose last two arguments are a range of independent units: how many units a call
 * has, and its size in multiply-adds or values touched, below which waking a helper costs more than
 * it saves (a wake-up is tens of µs; these sizes take about as long on one thread).
 */
const SPLIT_KERNELS = {
  // n·ho output rows.
  conv2d_forward: { units: (a: readonly number[]) => at(a, 3) * at(a, 7), work: convMultiplyAdds },
  // kh·kw taps × ⌈ci/2⌉ channel pairs.
  conv2d_filter_gradient: { units: (a: readonly number[]) => at(a, 10) * at(a, 11) * Math.ceil(at(a, 6) / 2), work: convMultiplyAdds },
} as const;
const MIN_SPLIT_WORK = 1 << 18;
type SplitName = keyof typeof SPLIT_KERNELS;
const SPLIT_NAMES = Object.keys(SPLIT_KERNELS) as SplitName[];

function at(args: readonly number[], index: number): number {
  return args[index] ?? 0;
}

/** n·ho·wo·co·kh·kw·ci: the same for a conv's forward pass and its filter gradient. */
function convMultiplyAdds(args: readonly number[]): number {
  return at(args, 3) * at(args, 7) * at(args, 8) * at(args, 9) * at(args, 10) * at(args, 11) * at(args, 6);
}

/** One split kernel as callers use it: whole calls, cut into ranges here where they are large enough. */
function splitKernel(name: SplitName, kernel: (...args: number[]) => void, threads: KernelThreads | null): (...args: number[]) => void {
  const { units, work } = SPLIT_KERNELS[name];
  if (threads === null) return (...args) => kernel(...args, 0, units(args));
  return (...args) => (work(args) < MIN_SPLIT_WORK ? kernel(...args, 0, units(args)) : threads.run(name, kernel, args, units(args)));
}

/**
 * Instantiates the kernels against this wasm backend's memory, with helper threads where the
 * memory is shared and the caller offers them; afterwards `nativeKernelsFor` finds them. On any
 * failure the kernels that call these keep their XNNPACK routes, and the reason is returned for
 * the backend report. Helpers that fail to start leave the kernels on the caller's thread, and say why.
 */
export async function startNativeKernels(backend: object, options: NativeKernelOptions = {}): Promise<NativeKernelStart> {
  const existing = started.get(backend);
  if (existing) return { ok: true, kernels: existing };
  const api = wasmApi();
  if (api === undefined) return { ok: false, reason: 'this runtime has no WebAssembly API' };
  const memory = backendMemory(api, backend);
  if (memory === null) return { ok: false, reason: "tf.js' wasm memory was not found on the backend" };
  const shared = memory.buffer.constructor.name === 'SharedArrayBuffer';
  try {
    const module = await api.compile(decodeBase64(WASM_KERNELS[shared ? 'shared' : 'plain']));
    const { exports } = await api.instantiate(module, { env: { memory } });
    const names = ['conv2d_forward', 'conv2d_filter_gradient', 'channel_sums', 'batch_norm_forward', 'batch_norm_backward', 'flip_filter'] as const;
    const missing = names.filter((name) => typeof exports[name] !== 'function');
    if (missing.length > 0) return { ok: false, reason: `the kernel module lacks ${missing.join(', ')}` };
    let threads: KernelThreads | null = null;
    let helpersReason: string | undefined;
    if (shared && options.helpers !== undefined && options.helpers.count > 0) {
      const result = await KernelThreads.start(options.helpers.spawn, options.helpers.count, module, memory, SPLIT_NAMES);
      if (result instanceof KernelThreads) threads = result;
      else helpersReason = result.reason;
    }
    const kernels: NativeKernels = {
      conv2dFilterGradient: splitKernel('conv2d_filter_gradient', exports.conv2d_filter_gradient as FilterGradientFunction, threads),
      conv2dForward: splitKernel('conv2d_forward', exports.conv2d_forward as ConvForwardFunction, threads),
      channelSums: exports.channel_sums as ChannelSumsFunction,
      // BatchNorm stays whole on the caller's thread: split by channel, two threads wrote different
      // floats of the same cache lines (a 16-channel row is one line) and the step measured slower
      // (ResNet-20, 2 threads: 137 → 175 ms); a split by rows needs per-block partial sums.
      batchNormForward: exports.batch_norm_forward as BatchNormForwardFunction,
      batchNormBackward: exports.batch_norm_backward as BatchNormBackwardFunction,
      flipFilter: exports.flip_filter as FlipFilterFunction,
      shared,
      helperThreads: threads?.helperCount ?? 0,
    };
    started.set(backend, kernels);
    return helpersReason === undefined ? { ok: true, kernels } : { ok: true, kernels, helpersReason };
  } catch (error) {
    return { ok: false, reason: `the kernel module did not instantiate: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export function nativeKernelsFor(backend: unknown): NativeKernels | undefined {
  return typeof backend === 'object' && backend !== null ? started.get(backend) : undefined;
}
