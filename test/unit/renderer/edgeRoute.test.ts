import { describe, expect, it } from 'vitest';
import { coveredSamples, defaultCurve, routeAround, type Point, type Rect } from '../../../renderer/canvas/edgeRoute';
import { autoLayout } from '../../../renderer/layout/autoLayout';
import { LAYER_SIZE } from '../../../renderer/canvas/geometry';
import { exampleDesigns } from '../../../src/graph/examples';

type Cubic = [Point, Point, Point, Point];

/** The cubic segments of an `M … C … C …` path, as routeAround writes them. */
function segmentsOf(path: string): Cubic[] {
  const nums = (path.match(/-?[\d.]+(?:e-?\d+)?/g) ?? []).map(Number);
  const pts: Point[] = [];
  for (let i = 0; i < nums.length; i += 2) pts.push({ x: nums[i], y: nums[i + 1] });
  const segs: Cubic[] = [];
  for (let i = 1; i + 2 < pts.length; i += 3) segs.push([pts[i - 1], pts[i], pts[i + 1], pts[i + 2]]);
  return segs;
}

const box = (x: number, y: number): Rect => ({ x, y, ...LAYER_SIZE });

describe('routeAround', () => {
  it('leaves an edge whose bezier crosses no node to React Flow', () => {
    expect(routeAround({ x: 100, y: 72 }, { x: 100, y: 300 }, [box(400, 100)], 'down')).toBeNull();
  });

  it('routes an edge into a side column around the layers it would pass under', () => {
    // Fork at (0,0); a middle column of two layers; the target one column further right, a rank lower.
    const s = { x: 100, y: 72 };
    const t = { x: 660, y: 224 };
    const middle = [box(280, 92), box(280, 184)];
    expect(coveredSamples([defaultCurve(s, t)], middle)).toBeGreaterThan(0);
    const route = routeAround(s, t, middle, 'down');
    expect(route).not.toBeNull();
    const segs = segmentsOf(route!.path);
    expect(segs[0][0]).toEqual(s);
    expect(segs.at(-1)![3]).toEqual(t);
    expect(coveredSamples(segs, middle)).toBe(0);
  });

  it('goes out beside a column of layers that blocks both elbows', () => {
    const s = { x: 100, y: 72 };
    const t = { x: 100, y: 500 };
    // Layers straight below the fork, and wide ones across both gaps' elbows would cross.
    const wall = [box(0, 120), box(0, 240), box(0, 360)];
    const route = routeAround(s, t, wall, 'down');
    expect(route).not.toBeNull();
    expect(coveredSamples(segmentsOf(route!.path), wall)).toBe(0);
  });

  it('routes left to right the same way, transposed', () => {
    // The 'down' case above turned on its side: x and y swapped, layers 72 wide and 200 tall.
    const s = { x: 72, y: 100 };
    const t = { x: 224, y: 660 };
    const middle = [
      { x: 92, y: 280, width: 72, height: 200 },
      { x: 184, y: 280, width: 72, height: 200 },
    ];
    const route = routeAround(s, t, middle, 'right');
    expect(route).not.toBeNull();
    const segs = segmentsOf(route!.path);
    expect(segs[0][0]).toEqual(s);
    expect(segs.at(-1)![3]).toEqual(t);
    expect(coveredSamples(segs, middle)).toBe(0);
  });

  it('draws every edge of the Projection shortcut example, as laid out on open, clear of the other nodes', async () => {
    const design = exampleDesigns()['projection-shortcut.rescanvas.json'];
    const placed = await autoLayout(design);
    const rect = (id: string): Rect => ({ ...placed.get(id)!, ...LAYER_SIZE });
    let routed = 0;
    for (const e of design.edges) {
      const a = rect(e.source);
      const b = rect(e.target);
      const s = { x: a.x + a.width / 2, y: a.y + a.height };
      const t = { x: b.x + b.width / 2, y: b.y };
      const others = design.nodes.filter((n) => n.id !== e.source && n.id !== e.target).map((n) => rect(n.id));
      const route = routeAround(s, t, others, 'down');
      const segs = route ? segmentsOf(route.path) : [defaultCurve(s, t)];
      if (route) routed++;
      expect(coveredSamples(segs, others), `${e.id} hidden under a node`).toBe(0);
    }
    // The fork → projection edge is the one React Flow's bezier drew under the middle column.
    expect(routed).toBeGreaterThan(0);
  });
});
