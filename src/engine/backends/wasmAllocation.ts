/**
 * tf.js' wasm backend (4.22, backend_wasm.js `write`) takes every tensor's memory from the module's
 * `_malloc` and never checks the result. Near the 4 GiB ceiling malloc first returns blocks that end
 * beyond the memory (measured in Node: the 16th block of 256 MiB started at 3,840 MiB and ended past
 * 4,096 MiB with the heap at 3,936 MiB; the break pointer wraps past 2^32), then 0. Kernels then write
 * out of bounds or over the module's own data from address 0. Single-threaded, that surfaced as a
 * "memory access out of bounds" trap; threaded (the cross-origin-isolated page), the write happens in
 * a thread-pool job and the run never ended: the engine thread stayed inside a pool-parallel kernel,
 * still at "Starting…" after 8 minutes, with no error event. Checking every tensor allocation turns
 * all of these into a clean, named error before anything is written (in the browser: after ~97 s on
 * this loaded machine, instead of never).
 */

/** The part of the Emscripten module the check wraps. */
interface WasmModule {
  _malloc(bytes: number): number;
  _free?(pointer: number): void;
  /** Exported by the threaded build, whose HEAPU8 view can lag a growth made by another thread. */
  wasmMemory?: { buffer: { byteLength: number } };
  HEAPU8?: { buffer: { byteLength: number } };
}

/** The wasm build's heap ceiling: emscripten's getHeapMax() in tfjs-backend-wasm 4.22. */
const HEAP_MAX = 4_294_901_760;
/**
 * Room left under the ceiling for what kernels allocate inside C++ (XNNPACK workspaces, small
 * temporaries), which this check cannot see and which would meet the same wrap-around.
 */
export const NATIVE_RESERVE_BYTES = 128 * 2 ** 20;
/** Where a tensor's block may end at most. */
export const TENSOR_CEILING = HEAP_MAX - NATIVE_RESERVE_BYTES;

export class WasmOutOfMemoryError extends Error {
  constructor(
    readonly requested: number,
    readonly heapBytes: number | null,
  ) {
    super(
      `WebAssembly heap out of memory: could not allocate ${megabytes(requested)} more${heapBytes === null ? '' : ` with the heap at ${megabytes(heapBytes)} of its 4 GiB ceiling`}`,
    );
    this.name = 'WasmOutOfMemoryError';
  }
}

const megabytes = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 3 : 0)} MiB`;

const guarded = new WeakSet<object>();

/**
 * Makes the wasm backend's allocations throw WasmOutOfMemoryError instead of returning a null
 * pointer. `backend` is what tf.backend() returns while 'wasm' is active; anything without a wasm
 * module is left alone. Idempotent. Returns whether the check is in place.
 */
export function guardWasmAllocations(backend: unknown): boolean {
  const module = (backend as { wasm?: Partial<WasmModule> } | null)?.wasm;
  if (!module || typeof module._malloc !== 'function') return false;
  if (guarded.has(module)) return true;
  // Emscripten's export is a lazy stub that, on its first call, assigns the raw wasm function to
  // `Module._malloc`; an accessor keeps that assignment from replacing the check.
  let malloc: (bytes: number) => number = module._malloc;
  const heapBytes = (): number | null => module.wasmMemory?.buffer.byteLength ?? module.HEAPU8?.buffer.byteLength ?? null;
  const checked = (bytes: number): number => {
    const pointer = malloc(bytes);
    if (bytes <= 0) return pointer;
    if (pointer === 0) throw new WasmOutOfMemoryError(bytes, heapBytes());
    // malloc returns a signed 32-bit pointer; blocks above 2 GiB come back negative.
    const end = (pointer >>> 0) + bytes;
    const heap = heapBytes();
    if (heap !== null && end > heap) throw new WasmOutOfMemoryError(bytes, heap); // the wrapped block: never written, never freed
    if (end > TENSOR_CEILING) {
      module._free?.(pointer);
      throw new WasmOutOfMemoryError(bytes, heap);
    }
    return pointer;
  };
  Object.defineProperty(module, '_malloc', {
    configurable: true,
    enumerable: true,
    get: () => checked,
    set: (next: (bytes: number) => number) => {
      malloc = next;
    },
  });
  guarded.add(module);
  return true;
}
