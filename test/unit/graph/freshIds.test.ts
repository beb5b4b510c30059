/**
 * Fresh ids and few-item edits through the live index, against the plain definitions (every id in
 * use collected and searched; every node and edge filtered or mapped) after each step of seeded
 * random edit sequences with deletes and undo.
 */
import { describe, expect, it } from 'vitest';
import { Design, type DesignEdge, type DesignNode } from '../../../src/graph/design';
import { addNode, connect, moveNodes, removeElements, type Point } from '../../../src/graph/edit';
import { freshId, freshIds, usedIds } from '../../../src/graph/ids';
import { largeDesign } from '../../fixtures/largeDesign';
import { seededRandom as random } from '../../../src/engine/random';

const chain = (nodes: number): Design => Design.parse(largeDesign({ nodes, rowsPerColumn: 40 }));
const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)];

/** freshId by its definition: the smallest n whose `${prefix}${n}` no node, edge or group holds. */
function plainFreshId(design: Design, prefix: string, also: ReadonlySet<string> = new Set()): string {
  const taken = usedIds(design);
  for (let n = 1; ; n++) if (!taken.has(`${prefix}${n}`) && !also.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

function plainRemove(design: Design, nodeIds: string[], edgeIds: string[]): { nodes: DesignNode[]; edges: DesignEdge[] } {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  return {
    nodes: design.nodes.filter((n) => !nodes.has(n.id)),
    edges: design.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target)),
  };
}

function plainMove(design: Design, positions: ReadonlyMap<string, Point>): DesignNode[] {
  return design.nodes.map((n) => {
    const p = positions.get(n.id);
    return p ? { ...n, position: p } : n;
  });
}

describe('fresh ids through the live index', () => {
  it('are the smallest free number, reused after a delete and given back by undo', () => {
    let d = chain(30);
    const added = addNode(d, 'Dense', { x: 0, y: 0 });
    if (!added.ok) throw new Error(added.message);
    expect(added.selection[0]).toBe('dense_10');
    d = removeElements(d, ['dense_4']);
    expect(freshId(d, 'Dense')).toBe('dense_4');
    const after = addNode(d, 'Dense', { x: 0, y: 0 });
    if (!after.ok) throw new Error(after.message);
    expect(after.selection[0]).toBe('dense_4');
    expect(freshId(after.design, 'Dense')).toBe('dense_10');
    // Undo: the earlier design again, where dense_4 is taken and dense_10 is free.
    expect(freshId(added.design, 'Dense')).toBe('dense_11');
    expect(freshId(chain(30), 'Dense')).toBe('dense_10');
  });

  it('skip group ids and ids handed out in the same edit', () => {
    const d: Design = { ...chain(12), groups: [{ id: 'repeat_1', nodeIds: ['dense_1'], repeat: 2, collapsed: false }] };
    expect(freshId(d, 'repeat')).toBe('repeat_2');
    const fresh = freshIds(d);
    expect([fresh('e'), fresh('e'), fresh('Dense'), fresh('repeat')]).toEqual(['e_1', 'e_2', 'dense_4', 'repeat_2']);
  });

  it('count an id held by a node and an edge until both are gone', () => {
    const base = chain(12);
    const d: Design = { ...base, edges: base.edges.map((e, i) => (i === 0 ? { ...e, id: 'dense_1' } : e)) };
    expect(freshId(d, 'Dense')).toBe('dense_4');
    const edgeGone = removeElements(d, [], ['dense_1']);
    expect(freshId(edgeGone, 'Dense')).toBe('dense_4');
    const bothGone = removeElements(edgeGone, ['dense_1']);
    expect(freshId(bothGone, 'Dense')).toBe('dense_1');
  });

  it('match the plain definitions after every step of random adds, connects, deletes, moves and undos', () => {
    for (const seed of [31, 32, 33]) {
      const rand = random(seed);
      let design = chain(90);
      const history: Design[] = [];
      for (let i = 0; i < 120; i++) {
        const label = `seed ${seed}, step ${i}`;
        history.push(design);
        const r = rand();
        if (r < 0.1) design = pick(rand, history);
        else if (r < 0.35) {
          const result = addNode(design, pick(rand, ['Dense', 'Activation', 'Add'] as const), { x: 0, y: 0 });
          if (result.ok) design = result.design;
        } else if (r < 0.5) {
          const result = connect(design, pick(rand, design.nodes).id, pick(rand, design.nodes).id);
          if (result.ok) design = result.design;
        } else if (r < 0.75) {
          const nodeIds = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(rand, design.nodes).id);
          const edgeIds = rand() < 0.5 && design.edges.length ? [pick(rand, design.edges).id] : [];
          const next = removeElements(design, nodeIds, edgeIds);
          const plain = plainRemove(design, nodeIds, edgeIds);
          expect(next.nodes, label).toEqual(plain.nodes);
          expect(next.edges, label).toEqual(plain.edges);
          design = next;
        } else {
          const positions = new Map(
            Array.from({ length: 1 + Math.floor(rand() * 3) }, () => [pick(rand, design.nodes).id, { x: Math.floor(rand() * 900), y: 7 }] as const),
          );
          const next = moveNodes(design, positions);
          expect(next.nodes, label).toEqual(plainMove(design, positions));
          // Unmoved nodes keep their objects.
          next.nodes.forEach((n, k) => positions.has(n.id) || expect(n).toBe(design.nodes[k]));
          design = next;
        }
        for (const prefix of ['dense_', 'activation_', 'add_', 'e_', 'relu_'])
          expect(freshId(design, prefix.slice(0, -1)), `${prefix} ${label}`).toBe(plainFreshId(design, prefix));
        const ids = usedIds(design);
        expect(ids.has(freshId(design, 'Dense')), label).toBe(false);
      }
    }
  });
});
