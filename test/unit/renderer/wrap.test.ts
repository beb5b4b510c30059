import { describe, expect, it } from 'vitest';
import { extent, fitZoom, wrapColumns, type Box } from '../../../renderer/layout/wrap';

const chain = (n: number): Box[] => Array.from({ length: n }, (_, i) => ({ id: `n${i}`, x: 0, y: i * 100, width: 200, height: 72 }));

describe('wrapColumns', () => {
  it('lays a long chain out in columns shaped like a 16:10 window, keeping order top-down within each column', () => {
    const boxes = wrapColumns(chain(60), 1.6, 48);
    const e = extent(boxes);
    expect(e.width / e.height).toBeGreaterThan(0.8);
    expect(e.width / e.height).toBeLessThan(3.2);
    expect(fitZoom(e, { width: 1000, height: 625 })).toBeGreaterThan(fitZoom(extent(chain(60)), { width: 1000, height: 625 }) * 3);
    // Consecutive nodes are either below each other in one column or start the next column.
    for (let i = 1; i < boxes.length; i++) {
      const [a, b] = [boxes.find((x) => x.id === `n${i - 1}`)!, boxes.find((x) => x.id === `n${i}`)!];
      expect(b.y > a.y || b.x > a.x).toBe(true);
    }
    // No two boxes overlap.
    for (const a of boxes)
      for (const b of boxes) if (a !== b) expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
  });

  it('never cuts through a row where a box straddles (a shortcut beside the branch)', () => {
    const boxes = [...chain(20), { id: 'side', x: 240, y: 150, width: 200, height: 300 }];
    const wrapped = wrapColumns(boxes, 3, 48);
    const side = wrapped.find((b) => b.id === 'side')!;
    const n2 = wrapped.find((b) => b.id === 'n2')!;
    const n4 = wrapped.find((b) => b.id === 'n4')!;
    // n2..n4 overlap the side box vertically: they stay in its column.
    expect(n2.x).toBe(n4.x);
    expect(side.x - n2.x).toBe(240);
  });

  it('leaves a short design as it is', () => {
    expect(wrapColumns(chain(3), 1.6, 48)).toEqual(chain(3));
  });
});
