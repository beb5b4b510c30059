import { describe, expect, it } from 'vitest';
import { guardWasmAllocations, TENSOR_CEILING, WasmOutOfMemoryError } from '../../../src/engine/backends/wasmAllocation';
import { isFatalEngineError, fatalEngineErrorText } from '../../../src/engine/session';
import { startWasm, tf } from './wasmTestSupport';

/** A stand-in for the Emscripten module: a bump allocator over a heap of `heap` bytes, with its lazy export stub. */
function fakeModule(heap: number, blocks: number[]) {
  const calls: number[] = [];
  const module = {
    HEAPU8: { buffer: { byteLength: heap } },
    freed: [] as number[],
    _free(pointer: number) {
      module.freed.push(pointer);
    },
    // Like Emscripten's stub: the first call replaces Module._malloc with the raw export.
    _malloc(bytes: number): number {
      module._malloc = raw;
      return raw(bytes);
    },
  };
  const raw = (bytes: number): number => {
    calls.push(bytes);
    return blocks.shift() ?? 0;
  };
  return { module, calls };
}

describe('guardWasmAllocations', () => {
  it('keeps checking after the export stub replaces itself, and names a null pointer as out of memory', () => {
    const { module } = fakeModule(1 << 20, [64, 128]);
    expect(guardWasmAllocations({ wasm: module })).toBe(true);
    expect(module._malloc(16)).toBe(64);
    expect(module._malloc(16)).toBe(128);
    expect(() => module._malloc(16)).toThrow(WasmOutOfMemoryError);
    expect(() => module._malloc(16)).toThrow(/WebAssembly heap out of memory: could not allocate 0\.000 MiB more with the heap at 1 MiB/);
  });

  it('refuses a block that ends past the memory (the allocator wrapped) without freeing it', () => {
    const { module } = fakeModule(4_127_326_208, [4_026_624_336 | 0]);
    guardWasmAllocations({ wasm: module });
    expect(() => module._malloc(268_435_456)).toThrow(/could not allocate 256 MiB more with the heap at 3936 MiB/);
    expect(module.freed).toEqual([]);
  });

  it('refuses and frees a block that would leave no room under the ceiling for native temporaries', () => {
    const start = TENSOR_CEILING - 1024;
    const { module } = fakeModule(4_294_901_760, [start | 0]);
    guardWasmAllocations({ wasm: module });
    expect(() => module._malloc(4096)).toThrow(WasmOutOfMemoryError);
    expect(module.freed).toEqual([start | 0]);
  });

  it('leaves non-wasm backends alone and wraps a module once', () => {
    expect(guardWasmAllocations({})).toBe(false);
    expect(guardWasmAllocations(null)).toBe(false);
    const { module, calls } = fakeModule(1 << 20, [64, 128]);
    guardWasmAllocations({ wasm: module });
    guardWasmAllocations({ wasm: module });
    module._malloc(8);
    expect(calls).toEqual([8]);
  });

  it('is reported as a fatal engine error that names running out of memory', () => {
    const error = new WasmOutOfMemoryError(256 * 2 ** 20, 4_127_326_208);
    expect(isFatalEngineError(error)).toBe(true);
    expect(fatalEngineErrorText(error)).toMatch(/^the engine ran out of memory \(WebAssembly heap out of memory: could not allocate 256 MiB/);
  });
});

describe('the real wasm heap at its ceiling', () => {
  it('hands out blocks only inside the memory, then throws instead of a wrapped or null block', async () => {
    await startWasm();
    const wasm = (tf.backend() as unknown as { wasm: { _malloc(n: number): number; _free(p: number): void; HEAPU8: Uint8Array } }).wasm;
    const size = 256 * 2 ** 20;
    const taken: number[] = [];
    let failure: unknown = null;
    // Nothing is written, so the pages stay uncommitted; 17 blocks exceed the 4 GiB ceiling.
    for (let i = 0; i < 20 && failure === null; i++) {
      try {
        const pointer = wasm._malloc(size);
        taken.push(pointer);
        expect((pointer >>> 0) + size).toBeLessThanOrEqual(wasm.HEAPU8.buffer.byteLength);
      } catch (error) {
        failure = error;
      }
    }
    for (const pointer of taken) wasm._free(pointer);
    expect(failure).toBeInstanceOf(WasmOutOfMemoryError);
    expect(taken.length).toBeGreaterThanOrEqual(12);
    expect(taken.length).toBeLessThan(16);
    // The heap is still sound: a tensor can be made and read after the failure.
    expect(Array.from(tf.tidy(() => tf.add(tf.tensor1d([1, 2]), 1)).dataSync())).toEqual([2, 3]);
  }, 120_000);
});
