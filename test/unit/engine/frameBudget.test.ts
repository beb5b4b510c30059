import { describe, expect, it } from 'vitest';
import { FRAME_COST_SHARE, FrameBudget } from '../../../src/engine/frameBudget';

describe('FrameBudget: how often a stats frame may come', () => {
  it('keeps the interval until both kinds of step have been timed past their first', () => {
    const budget = new FrameBudget();
    expect(budget.gapMs(100)).toBe(100);
    budget.record(2000, true); // warm-up, left out
    budget.record(900, false); // warm-up, left out
    expect(budget.gapMs(100)).toBe(100);
    budget.record(400, false);
    expect(budget.gapMs(100)).toBe(100);
  });

  it('spaces frames so that their extra time stays within its share of the wall time', () => {
    const budget = new FrameBudget();
    for (const [ms, instrumented] of [
      [9, true],
      [9, false],
      [760, true],
      [445, false],
    ] as const)
      budget.record(ms, instrumented);
    const gap = budget.gapMs(100);
    expect(gap).toBeCloseTo((315 * (1 - FRAME_COST_SHARE)) / FRAME_COST_SHARE, 6);
    // One frame's extra time over the time from one frame to the next.
    expect(315 / (gap + 315)).toBeCloseTo(FRAME_COST_SHARE, 6);
  });

  it('keeps the interval where frames are cheap, and follows the latest timings', () => {
    const budget = new FrameBudget();
    for (const [ms, instrumented] of [
      [5, true],
      [5, false],
      [12, true],
      [10, false],
    ] as const)
      budget.record(ms, instrumented);
    expect(budget.gapMs(100)).toBe(100);
    budget.record(1000, true);
    expect(budget.gapMs(100)).toBeCloseTo(990 * 3, 6);
    budget.record(20, true);
    expect(budget.gapMs(100)).toBe(100);
    budget.record(30, false);
    expect(budget.gapMs(100)).toBe(100);
  });
});
