import { describe, expect, it } from 'vitest';
import { boxAt, compactBoxes, compactEdgePath } from '../../../renderer/canvas/compactGeometry';
import { LAYER_SIZE, handlesFor } from '../../../renderer/canvas/geometry';
import type { FlowEdge, FlowNode } from '../../../renderer/canvas/flowTypes';
import type { DesignNode } from '../../../src/graph/design';

function layer(id: string, type: string, x: number, y: number, direction: 'down' | 'right' = 'down'): FlowNode {
  const node = { id, type, params: {}, position: { x, y } } as unknown as DesignNode;
  return {
    id,
    type: 'layer',
    position: { x, y },
    ...LAYER_SIZE,
    handles: handlesFor(LAYER_SIZE, type !== 'Input', type !== 'Output', direction),
    ariaLabel: `${type} ${id}`,
    data: { node, shape: null, paramCount: null, problem: null, inGroup: false, mergesBlock: null, direction },
  };
}
const edge = (source: string, target: string): FlowEdge => ({ id: `${source}->${target}`, source, target, type: 'shape' });

describe('compact layer geometry', () => {
  const nodes = [layer('input', 'Input', 0, 0), layer('dense_1', 'Dense', 0, 200), layer('output', 'Output', 400, 0)];

  it('gives every drawn node one box with its accessible name, family and statistic source', () => {
    const boxes = compactBoxes(nodes);
    expect(boxes.map((b) => b.label)).toEqual(['Input input', 'Dense dense_1', 'Output output']);
    expect(boxes[0]).toMatchObject({ x: 0, y: 0, width: 200, height: 72, family: 'kind-input-and-output', statId: 'input', frame: false });
    expect(boxes[1].family).toBe('kind-core');
  });

  it('draws each edge from the source output handle to the target input handle, and skips edges to nodes not drawn', () => {
    const { d, count } = compactEdgePath(nodes, [edge('input', 'dense_1'), edge('dense_1', 'output'), edge('dense_1', 'gone')]);
    expect(count).toBe(2);
    // Top-down: out of the bottom centre, into the top centre, leaving downwards and arriving from above.
    expect(d.startsWith('M100 72C100 ')).toBe(true);
    expect(d).toContain(' 100 200M100 272C');
    expect(d.endsWith(' 500 0')).toBe(true);
  });

  it('leaves and enters by the sides when the network flows left to right', () => {
    const right = [layer('a', 'Input', 0, 0, 'right'), layer('b', 'Dense', 400, 0, 'right')];
    expect(compactEdgePath(right, [edge('a', 'b')]).d).toMatch(/^M200 36C\d+ 36 \d+ 36 400 36$/);
  });

  it('finds the box under a point, and none between boxes', () => {
    const boxes = compactBoxes(nodes);
    expect(boxAt(boxes, { x: 50, y: 230 })?.id).toBe('dense_1');
    expect(boxAt(boxes, { x: 50, y: 120 })).toBeNull();
  });
});
