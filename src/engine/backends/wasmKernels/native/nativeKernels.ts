import { WASM_KERNELS } from './binaries';
import { batchNormPasses, type BatchNormBackwardFunction, type BatchNormForwardFunction, type RangedPass } from './batchNormPasses';
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

export type { BatchNormBackwardFunction, BatchNormForwardFunction } from './batchNormPasses';

/** x, n, out (byte offsets but n), bins, stride: one tensor's row of a stats frame (statsSummary.c). */
export type SummaryFunction = (x: number, n: number, out: number, bins: number, stride: number) => void;

/** table (4 words a weight: before, gradient or 0, after, size), count, out [count, 3] (byte offsets but count). */
export type WeightSummaryFunction = (table: number, count: number, out: number) => void;

/** dy, x, dx (byte offsets), n: dx = dy · step(x) over n values. */
export type ReluGradientFunction = (dy: number, x: number, dx: number, n: number) => void;

/** x, y (byte offsets), n: y = relu(x) over n values, as tf.js' wasm Relu. */
export type ReluFunction = (x: number, y: number, n: number) => void;

/** a, b, y (byte offsets), n: y = a + b over n values. */
export type AddFunction = (a: number, b: number, y: number, n: number) => void;

/** w, out (byte offsets), kh, kw, ci, co: out[kh−1−a, kw−1−b, co, ci] = w[a, b, ci, co]. */
export type FlipFilterFunction = (w: number, out: number, kh: number, kw: number, ci: number, co: number) => void;

export interface NativeKernels {
  flipFilter: FlipFilterFunction;
  /** Split across the helper threads where there are any. */
  conv2dFilterGradient: FilterGradientFunction;
  /** Split across the helper threads where there are any. */
  conv2dForward: ConvForwardFunction;
  channelSums: ChannelSumsFunction;
  /** Scratch: batchNormScratchFloats(rows, cols, 'forward'); its passes split across the helper threads. */
  batchNormForward: BatchNormForwardFunction;
  /** Scratch: batchNormScratchFloats(rows, cols, 'backward'); its passes split across the helper threads. */
  batchNormBackward: BatchNormBackwardFunction;
  /** Split across the helper threads where there are any. */
  reluGradient: ReluGradientFunction;
  /** Split across the helper threads where there are any. */
  relu: ReluFunction;
  /** Split across the helper threads where there are any. */
  add: AddFunction;
  activationSummary: SummaryFunction;
  gradientSummary: SummaryFunction;
  weightSummary: WeightSummaryFunction;
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
 * has, and its size (multiply-adds, or values touched) below which waking a helper costs more than
 * it saves (a wake-up is tens of µs; these sizes take about as long on one thread).
 */
const CONV_MIN_WORK = 1 << 18;
/**
 * BatchNorm's passes and ReLU's gradient are memory-bound. With helpers that wake on every call
 * (they poll between calls, kernelThreads.ts), BatchNorm forward, ReLU's gradient and BatchNorm
 * backward together, split on 2 threads against one, measured 1.36× at 2^19 values, 1.32× at
 * 2^18, 1.25–1.36× at 2^17 and 2^16, 1.13× at 2^15 and 0.97× at 2^14.
 */
const PASS_MIN_WORK = 1 << 16;
/** Values per unit of relu_gradient: reluGradient.c's RELU_BLOCK. */
const RELU_BLOCK = 16384;
/** Values per unit of relu_forward and add_values: elementwise.c's ELEMENTWISE_BLOCK. */
const ELEMENTWISE_BLOCK = 16384;
/** The last of `count` arguments before the range, in blocks of `block` values: an elementwise call's units and work. */
const valueBlocks = (count: number, block: number) => ({
  units: (a: readonly number[]) => Math.ceil(at(a, count - 1) / block),
  work: (a: readonly number[]) => at(a, count - 1),
  minWork: PASS_MIN_WORK,
});
/** BatchNorm's passes end in rows, cols, blockRows: units are blocks of rows, work is the values read. */
const rowBlocks = {
  units: (a: readonly number[]) => Math.ceil(at(a, a.length - 3) / (at(a, a.length - 1) || 1)),
  work: (a: readonly number[]) => at(a, a.length - 3) * at(a, a.length - 2),
  minWork: PASS_MIN_WORK,
};
const SPLIT_KERNELS = {
  // n·ho output rows.
  conv2d_forward: { units: (a: readonly number[]) => at(a, 3) * at(a, 7), work: convMultiplyAdds, minWork: CONV_MIN_WORK },
  // kh·kw taps × ⌈ci/2⌉ channel pairs.
  conv2d_filter_gradient: { units: (a: readonly number[]) => at(a, 10) * at(a, 11) * Math.ceil(at(a, 6) / 2), work: convMultiplyAdds, minWork: CONV_MIN_WORK },
  batch_norm_block_sums: rowBlocks,
  batch_norm_block_squares: rowBlocks,
  batch_norm_scale_shift: rowBlocks,
  batch_norm_block_gradient_sums: rowBlocks,
  batch_norm_input_gradient: rowBlocks,
  // Blocks of values; memory-bound like BatchNorm's passes.
  relu_gradient: valueBlocks(4, RELU_BLOCK),
  relu_forward: valueBlocks(3, ELEMENTWISE_BLOCK),
  add_values: valueBlocks(4, ELEMENTWISE_BLOCK),
} as const;
type SplitName = keyof typeof SPLIT_KERNELS;
const SPLIT_NAMES = Object.keys(SPLIT_KERNELS) as SplitName[];

function at(args: readonly number[], index: number): number {
  return args[index] ?? 0;
}

/** n·ho·wo·co·kh·kw·ci: the same for a conv's forward pass and its filter gradient. */
function convMultiplyAdds(args: readonly number[]): number {
  return at(args, 3) * at(args, 7) * at(args, 8) * at(args, 9) * at(args, 10) * at(args, 11) * at(args, 6);
}

/** While `active`, calls of a deferrable kernel start on the helpers and return (withDeferredFilterGradients). */
interface Deferral {
  active: boolean;
  threads: KernelThreads;
}
const deferrals = new WeakMap<object, Deferral>();

/**
 * One split kernel as callers use it: whole calls, cut into ranges here where they are large enough;
 * with a `deferral`, deferred while it is active.
 */
function splitKernel(name: SplitName, kernel: (...args: number[]) => void, threads: KernelThreads | null, deferral?: Deferral): (...args: number[]) => void {
  const { units, work, minWork } = SPLIT_KERNELS[name];
  if (threads === null) return (...args) => kernel(...args, 0, units(args));
  return (...args) => {
    if (work(args) < minWork) kernel(...args, 0, units(args));
    else if (deferral?.active) threads.runDeferred(name, kernel, args, units(args));
    else threads.run(name, kernel, args, units(args));
  };
}

/**
 * Runs `body` (a step's backward pass) with the conv filter gradients deferred: each starts on the
 * helper threads and its call returns at once, so the helpers fill the time the caller spends on
 * the rest of the pass (the serial ops and tf.js's bookkeeping) with it; the caller's split calls
 * still come first for them. A filter gradient's output may not be read, nor its inputs freed,
 * until `fence()` (which `body` is given) returns, as it does when `body` ends. Where there are no
 * helpers, `body` runs as it would.
 */
export function withDeferredFilterGradients<T>(backend: unknown, body: (fence: () => void) => T): T {
  const deferral = typeof backend === 'object' && backend !== null ? deferrals.get(backend) : undefined;
  if (deferral === undefined || deferral.active) return body(() => deferral?.threads.fence());
  deferral.active = true;
  try {
    return body(() => deferral.threads.fence());
  } finally {
    deferral.active = false;
    deferral.threads.fence();
  }
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
    const names = [
      ...SPLIT_NAMES,
      'channel_sums',
      'batch_norm_mean',
      'batch_norm_forward_factors',
      'batch_norm_backward_factors',
      'batch_norm_moving_averages',
      'flip_filter',
      'activation_summary',
      'gradient_summary',
      'weight_summary',
    ] as const;
    const missing = names.filter((name) => typeof exports[name] !== 'function');
    if (missing.length > 0) return { ok: false, reason: `the kernel module lacks ${missing.join(', ')}` };
    let threads: KernelThreads | null = null;
    let helpersReason: string | undefined;
    if (shared && options.helpers !== undefined && options.helpers.count > 0) {
      const result = await KernelThreads.start(options.helpers.spawn, options.helpers.count, module, memory, SPLIT_NAMES);
      if (result instanceof KernelThreads) threads = result;
      else helpersReason = result.reason;
    }
    const split = (name: SplitName) => splitKernel(name, exports[name] as RangedPass, threads);
    const deferral = threads === null ? undefined : { active: false, threads };
    if (deferral) deferrals.set(backend, deferral);
    const batchNorm = batchNormPasses({
      blockSums: split('batch_norm_block_sums'),
      blockSquares: split('batch_norm_block_squares'),
      mean: exports.batch_norm_mean as RangedPass,
      forwardFactors: exports.batch_norm_forward_factors as RangedPass,
      movingAverages: exports.batch_norm_moving_averages as RangedPass,
      scaleShift: split('batch_norm_scale_shift'),
      blockGradientSums: split('batch_norm_block_gradient_sums'),
      backwardFactors: exports.batch_norm_backward_factors as RangedPass,
      inputGradient: split('batch_norm_input_gradient'),
    });
    const kernels: NativeKernels = {
      conv2dFilterGradient: splitKernel('conv2d_filter_gradient', exports.conv2d_filter_gradient as RangedPass, threads, deferral),
      conv2dForward: split('conv2d_forward'),
      reluGradient: split('relu_gradient'),
      relu: split('relu_forward'),
      add: split('add_values'),
      channelSums: exports.channel_sums as ChannelSumsFunction,
      batchNormForward: batchNorm.forward,
      batchNormBackward: batchNorm.backward,
      flipFilter: exports.flip_filter as FlipFilterFunction,
      activationSummary: exports.activation_summary as SummaryFunction,
      gradientSummary: exports.gradient_summary as SummaryFunction,
      weightSummary: exports.weight_summary as WeightSummaryFunction,
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

/** The kernels for a kernel function of `kernelName` to call; throws, naming it, where they are not running. */
export function requireNativeKernels(backend: unknown, kernelName: string): NativeKernels {
  const kernels = nativeKernelsFor(backend);
  if (kernels === undefined) throw new Error(`${kernelName}: the engine's wasm kernels are not running on this backend`);
  return kernels;
}
