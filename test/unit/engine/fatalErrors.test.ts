import { describe, expect, it } from 'vitest';
import { isFatalEngineError } from '../../../src/engine/session';

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
