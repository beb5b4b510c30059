/**
 * tf.js' wasm backend (4.22, backend_wasm.js `write`) takes every tensor's memory from the module's
 * `_malloc` and never checks the result. When the heap cannot grow, malloc returns 0 and the next
 * kernel writes its output from address 0 up, over the module's static data: on the single-threaded
 * build that surfaces later as "memory access out of bounds"; on the threaded build it overwrites the
 * thread pool's state, and the engine thread waits forever for pool jobs that will never finish (seen
 * as a run stuck at "Starting…"). Worse, near the 4 GiB ceiling the allocator's break pointer wraps
 * past 2^32 and malloc returns a block that ends beyond the memory (measured in Node: the 16th block
 * of 256 MiB started at 3,840 MiB and ended past 4,096 MiB with the heap at 3,936 MiB); the first write
 * into it traps, on the threaded build inside a pool thread whose job then never completes. Checking
 * every tensor allocation turns all of these into a clean, named error before anything is written.
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
