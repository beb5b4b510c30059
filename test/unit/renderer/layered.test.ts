import { describe, expect, it } from 'vitest';
import { layeredLayout, type LayeredBox } from '../../../renderer/layout/layered';
import { extent, fitZoom } from '../../../renderer/layout/wrap';
import { autoLayout, ELK_LIMIT } from '../../../renderer/layout/autoLayout';
import { cifarResNet, residualMlp } from '../../../src/graph/examples';

type Edge = { source: string; target: string };

/** Input, then `blocks` residual blocks (two layers, an Add and a ReLU, identity shortcut from the fork). */
function residualChain(blocks: number): { boxes: LayeredBox[]; edges: Edge[] } {
  const boxes: LayeredBox[] = [{ id: 'in', width: 200, height: 72 }];
  const edges: Edge[] = [];
  let fork = 'in';
  for (let b = 0; b < blocks; b++) {
    const ids = [`a${b}`, `b${b}`, `add${b}`, `relu${b}`];
    for (const id of ids) boxes.push({ id, width: 200, height: 72 });
    edges.push(
      { source: fork, target: ids[0] },
      { source: ids[0], target: ids[1] },
      { source: ids[1], target: ids[2] },
      { source: fork, target: ids[2] },
      { source: ids[2], target: ids[3] },
    );
    fork = ids[3];
  }
  return { boxes, edges };
}

const overlaps = (a: { x: number; y: number }, b: { x: number; y: number }, w = 200, h = 72): boolean =>
  a.x < b.x + w && b.x < a.x + w && a.y < b.y + h && b.y < a.y + h;

describe('layeredLayout', () => {
  it('puts every edge forward along the flow, the branch in one straight lane and no box on another', () => {
    const { boxes, edges } = residualChain(6);
    const p = layeredLayout(boxes, edges, { between: 20 });
    for (const e of edges) expect(p.get(e.target)!.y).toBeGreaterThan(p.get(e.source)!.y);
    // The residual branch is the longest path: every box of this chain sits in the same lane.
    expect(new Set(boxes.map((b) => p.get(b.id)!.x))).toEqual(new Set([0]));
    // Consecutive layers are one box height plus the spacing apart, so a skip edge jumps two layers.
    expect(p.get('add0')!.y - p.get('in')!.y).toBe(3 * (72 + 20));
    const all = [...p.values()];
    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(overlaps(all[i], all[j])).toBe(false);
  });

  it('places a projection shortcut in a lane beside the branch, level with the branch it runs beside', () => {
    const boxes = ['in', 'c1', 'c2', 'c3', 'proj', 'pbn', 'add'].map((id) => ({ id, width: 200, height: 72 }));
    const edges = [
      ['in', 'c1'],
      ['c1', 'c2'],
      ['c2', 'c3'],
      ['c3', 'add'],
      ['in', 'proj'],
      ['proj', 'pbn'],
      ['pbn', 'add'],
    ].map(([source, target]) => ({ source, target }));
    const p = layeredLayout(boxes, edges, { between: 20, beside: 60 });
    expect(p.get('c1')!.x).toBe(0);
    expect(p.get('proj')!.x).toBe(260);
    expect(p.get('pbn')!.x).toBe(260);
    expect(p.get('proj')!.y).toBe(p.get('c1')!.y);
    expect(p.get('add')!.y).toBeGreaterThan(p.get('c3')!.y);
  });

  it('centres boxes of different sizes on their lane so straight edges stay straight', () => {
    const boxes = [
      { id: 'in', width: 200, height: 72 },
      { id: 'blk', width: 240, height: 96 },
      { id: 'out', width: 200, height: 72 },
    ];
    const p = layeredLayout(boxes, [
      { source: 'in', target: 'blk' },
      { source: 'blk', target: 'out' },
    ]);
    expect(p.get('in')!.x + 100).toBe(p.get('blk')!.x + 120);
    expect(p.get('out')!.x + 100).toBe(p.get('blk')!.x + 120);
  });

  it('wraps a deep chain into columns shaped like the window, cutting between blocks rather than inside one', () => {
    const { boxes, edges } = residualChain(100);
    const one = layeredLayout(boxes, edges, { between: 14 });
    const wrapped = layeredLayout(boxes, edges, { between: 14, wrapAspect: 1.6, wrapGap: 60 });
    const toBoxes = (p: Map<string, { x: number; y: number }>) => [...p].map(([id, q]) => ({ id, ...q, width: 200, height: 72 }));
    const e = extent(toBoxes(wrapped));
    expect(e.width / e.height).toBeGreaterThan(0.8);
    expect(e.width / e.height).toBeLessThan(3.2);
    expect(fitZoom(e, { width: 1400, height: 875 })).toBeGreaterThan(fitZoom(extent(toBoxes(one)), { width: 1400, height: 875 }) * 3);
    const columns = new Set([...wrapped.values()].map((q) => q.x));
    expect(columns.size).toBeGreaterThan(2);
    // Each block's layers and its Add stay in one column: the cut falls where only the chain crosses.
    for (let b = 0; b < 100; b++) {
      const xs = new Set([`a${b}`, `b${b}`, `add${b}`].map((id) => wrapped.get(id)!.x));
      expect(xs.size, `block ${b}`).toBe(1);
    }
    // Within a column, order runs top-down; a new column starts to the right.
    const order = boxes.map((b) => wrapped.get(b.id)!);
    for (let i = 1; i < order.length; i++) expect(order[i].y > order[i - 1].y || order[i].x > order[i - 1].x).toBe(true);
  });

  it('left to right: layers run along x, a long chain wraps into rows', () => {
    const { boxes, edges } = residualChain(100);
    const p = layeredLayout(boxes, edges, { direction: 'right', between: 14, wrapAspect: 1.6 });
    expect(p.get('a0')!.x).toBeGreaterThan(p.get('in')!.x);
    expect(p.get('a0')!.y).toBe(p.get('in')!.y);
    const rows = new Set([...p.values()].map((q) => q.y));
    expect(rows.size).toBeGreaterThan(2);
    const order = boxes.map((b) => p.get(b.id)!);
    for (let i = 1; i < order.length; i++) expect(order[i].x > order[i - 1].x || order[i].y > order[i - 1].y).toBe(true);
  });

  it('places every box of a graph with a cycle, a self-loop, unknown endpoints and two components', () => {
    const boxes = ['a', 'b', 'c', 'x', 'y'].map((id) => ({ id, width: 200, height: 72 }));
    const edges = [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'b'],
      ['c', 'c'],
      ['c', 'ghost'],
      ['x', 'y'],
    ].map(([source, target]) => ({ source, target }));
    const p = layeredLayout(boxes, edges);
    expect([...p.keys()].sort()).toEqual(['a', 'b', 'c', 'x', 'y']);
    const all = [...p.values()];
    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(overlaps(all[i], all[j])).toBe(false);
  });

  it('lays out 50,000 boxes', () => {
    const { boxes, edges } = residualChain(12_500);
    const p = layeredLayout(boxes, edges, { wrapAspect: 1.6, between: 14 });
    expect(p.size).toBe(boxes.length);
    const e = extent([...p.values()].map((q) => ({ id: '', ...q, width: 200, height: 72 })));
    expect(e.width / e.height).toBeGreaterThan(0.8);
    expect(e.width / e.height).toBeLessThan(3.2);
  });
});

describe('autoLayout', () => {
  it('uses the layered layout above ELK_LIMIT boxes: a 1002-layer residual MLP is placed, wrapped, with no overlaps', async () => {
    const design = residualMlp(1002);
    expect(design.nodes.length).toBeGreaterThan(ELK_LIMIT);
    const p = await autoLayout(design, { wrapAspect: 1.6, compact: true });
    expect(p.size).toBe(design.nodes.length);
    const cells = new Set([...p.values()].map((q) => `${q.x},${q.y}`));
    expect(cells.size).toBe(design.nodes.length);
    expect(new Set([...p.values()].map((q) => q.x)).size).toBeGreaterThan(2);
  });

  it("follows the design's direction setting", async () => {
    const design = { ...cifarResNet(3), view: { direction: 'right' as const } };
    const p = await autoLayout(design);
    const input = design.nodes.find((n) => n.type === 'Input')!;
    const next = design.edges.find((e) => e.source === input.id)!.target;
    expect(p.get(next)!.x).toBeGreaterThan(p.get(input.id)!.x);
  });
});
