import { describe, expect, it } from 'vitest';
import { fatalEngineErrorText, isFatalEngineError } from '../../../src/engine/session';

describe('engine failures that need a fresh engine', () => {
  it('are the wasm traps, aborts and allocation failures, not design or dataset errors', () => {
    const trap = new Error('memory access out of bounds');
    trap.name = 'RuntimeError';
    expect(isFatalEngineError(trap)).toBe(true);
    expect(isFatalEngineError(new Error('Aborted(). Build with -sASSERTIONS for more info.'))).toBe(true);
    expect(isFatalEngineError(new RangeError('Invalid typed array length: 6553600000'))).toBe(true);
    expect(isFatalEngineError(new Error('dense_1: units must be a positive integer'))).toBe(false);
    expect(isFatalEngineError(new Error('the design has no Output node'))).toBe(false);
  });
});

describe('fatal failures as the user reads them', () => {
  it('names running out of memory, and drops the runtime advice meant for its developers', () => {
    const trap = new Error('memory access out of bounds');
    trap.name = 'RuntimeError';
    expect(fatalEngineErrorText(trap)).toBe('the engine ran out of memory (memory access out of bounds)');
    expect(fatalEngineErrorText(new Error('Aborted(). Build with -sASSERTIONS for more info.'))).toBe(
      "the engine's WebAssembly runtime aborted, most likely out of memory (Aborted())",
    );
    expect(fatalEngineErrorText(new Error('unreachable'))).toBe('the engine failed: unreachable');
  });
});
