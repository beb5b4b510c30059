import { describe, expect, it } from 'vitest';
import { contourSegments } from '../../../renderer/training/landscapeContours';
import { formatLoss, lossScale, viridis } from '../../../renderer/training/landscapeScale';

/** A bowl on a 5×5 grid: (x − 2)² + (y − 2)², row-major with rows along y. */
const bowl = Array.from({ length: 25 }, (_, i) => (Math.floor(i / 5) - 2) ** 2 + ((i % 5) - 2) ** 2);

describe('the loss landscape colour scale', () => {
  it('runs from viridis dark purple (low loss) to yellow (high)', () => {
    expect(viridis(0)).toEqual([68, 1, 84]);
    expect(viridis(1)).toEqual([253, 231, 37]);
    expect(viridis(-3)).toEqual(viridis(0));
    expect(viridis(NaN)).toEqual(viridis(1));
  });

  it('places losses on a log scale and picks ticks inside the range', () => {
    const scale = lossScale([0.01, null, 1, 100]);
    expect(scale.at(0.01)).toBeCloseTo(0);
    expect(scale.at(1)).toBeCloseTo(0.5);
    expect(scale.at(100)).toBeCloseTo(1);
    expect(scale.ticks.length).toBeGreaterThanOrEqual(2);
    expect(scale.ticks.length).toBeLessThanOrEqual(6);
    expect(scale.ticks).toEqual([...scale.ticks].sort((a, b) => a - b));
    for (const t of scale.ticks) expect(t >= 0.01 && t <= 100).toBe(true);
    for (const t of lossScale([0.3, 0.9]).ticks) expect(t >= 0.3 && t <= 0.9).toBe(true);
    // Many decades: whole powers of ten only.
    expect(lossScale([1e-3, 1e9]).ticks.every((t) => Number.isInteger(Math.log10(t)))).toBe(true);
  });

  it('survives a flat slice and a zero loss, and refuses a slice with no finite loss', () => {
    expect(Number.isFinite(lossScale([0.5, 0.5]).at(0.5))).toBe(true);
    expect(Number.isFinite(lossScale([0, 1]).at(0))).toBe(true);
    expect(() => lossScale([null, null])).toThrow(/no finite loss/);
  });

  it('writes loss values short', () => {
    expect(formatLoss(0.123456)).toBe('0.123');
    expect(formatLoss(2e-5)).toBe('2.0e-5');
    expect(formatLoss(3.2e7)).toBe('3.2e7');
  });
});

describe('contour lines of the landscape', () => {
  it('draws a closed ring around the minimum of a bowl, at the level’s distance', () => {
    const segments = contourSegments(bowl, 5, 2.5);
    expect(segments.length).toBeGreaterThanOrEqual(4);
    for (const [x0, y0, x1, y1] of segments)
      for (const [x, y] of [
        [x0, y0],
        [x1, y1],
      ]) {
        // Interpolated linearly between grid points, so within a cell of the true circle of radius √2.5.
        const r = Math.hypot(x - 2, y - 2);
        expect(r).toBeGreaterThan(1);
        expect(r).toBeLessThan(2);
      }
    // Every end point is shared by another segment: the ring closes.
    const ends = segments.flatMap(([a, b, c, d]) => [`${a.toFixed(6)},${b.toFixed(6)}`, `${c.toFixed(6)},${d.toFixed(6)}`]);
    for (const e of ends) expect(ends.filter((x) => x === e)).toHaveLength(2);
  });

  it('draws nothing outside the range or in cells with a missing loss', () => {
    expect(contourSegments(bowl, 5, 100)).toEqual([]);
    expect(
      contourSegments(
        bowl.map(() => null),
        5,
        2,
      ),
    ).toEqual([]);
  });

  it('splits a saddle cell into two pieces that keep the centre’s side joined', () => {
    // Corners 0 and 2 (of cell 0,0) high, 1 and 3 low; centre mean 0.5 + the level 0.4: the high side is joined.
    const saddle = [1, 0, 0, 1];
    const segments = contourSegments(saddle, 2, 0.4);
    expect(segments).toHaveLength(2);
    // Each piece cuts off one low corner: (1, 0) and (0, 1).
    const cuts = segments.map(([x0, y0, x1, y1]) => [(x0 + x1) / 2, (y0 + y1) / 2]);
    expect(cuts.some(([x, y]) => x > 0.5 && y < 0.5)).toBe(true);
    expect(cuts.some(([x, y]) => x < 0.5 && y > 0.5)).toBe(true);
  });
});
