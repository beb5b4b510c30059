/**
 * Changes carried with the edited lists (listDiff without walking 50,000 items) and the block index,
 * each compared with the from-scratch answer over seeded random edit sequences.
 */
import { describe, expect, it } from 'vitest';
import { Design } from '../../../src/graph/design';
import { detectBlocks, type ResidualBlock } from '../../../src/graph/blocks';
import { addNode, connect, moveNodes, removeElements, renameNode, updateParams } from '../../../src/graph/edit';
import { appended, applyPatch, changed, indexPatch, listDiff, replacedAt, withoutItems } from '../../../src/graph/listDiff';
import { blocksHolding } from '../../../src/graph/blockIndex';
import { largeDesign } from '../../fixtures/largeDesign';
import { seededRandom as random } from '../../../src/engine/random';

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)];

const bySets = <T extends object>(prev: readonly T[], next: readonly T[]) => {
  const before = new Set(prev);
  const after = new Set(next);
  return { added: next.filter((x) => !before.has(x)), removed: prev.filter((x) => !after.has(x)) };
};
const sorted = <T extends { id: string }>(items: readonly T[]): string[] => items.map((x) => x.id).sort();
const same = <T extends { id: string }>(a: { added: readonly T[]; removed: readonly T[] }, b: { added: readonly T[]; removed: readonly T[] }) => {
  expect(sorted(a.added)).toEqual(sorted(b.added));
  expect(sorted(a.removed)).toEqual(sorted(b.removed));
};

function edit(rand: () => number, design: Design): Design {
  const r = rand();
  const node = pick(rand, design.nodes);
  const ok = (result: { ok: true; design: Design } | { ok: false }): Design => (result.ok ? result.design : design);
  if (r < 0.2) return ok(addNode(design, 'Dense', { x: Math.floor(rand() * 900), y: Math.floor(rand() * 900) }));
  if (r < 0.35) return ok(connect(design, pick(rand, design.nodes).id, node.id));
  if (r < 0.5) return removeElements(design, [node.id]);
  if (r < 0.6 && design.edges.length) return removeElements(design, [], [pick(rand, design.edges).id], rand() < 0.5);
  if (r < 0.75)
    return ok(node.type === 'Dense' ? updateParams(design, node.id, { units: 1 + Math.floor(rand() * 9) }) : renameNode(design, node.id, `n${rand()}`));
  if (r < 0.9) return moveNodes(design, new Map([[node.id, { x: node.position.x + 7, y: node.position.y }]]));
  return ok(renameNode(design, node.id, rand() < 0.3 ? '' : `r${Math.floor(rand() * 4)}`));
}

describe('changes carried with edited lists', () => {
  it('give the same diff as comparing the lists, between any two designs of a random edit history, either way round', () => {
    const rand = random(5);
    const history = [Design.parse(largeDesign({ nodes: 120, rowsPerColumn: 20 }))];
    for (let i = 0; i < 150; i++) history.push(edit(rand, history[history.length - 1]));
    for (let probe = 0; probe < 400; probe++) {
      // Mostly near neighbours (an edit, an undo, a few edits between renders), sometimes far apart.
      const i = Math.floor(rand() * history.length);
      const j = rand() < 0.8 ? Math.min(history.length - 1, Math.max(0, i + Math.floor(rand() * 9) - 4)) : Math.floor(rand() * history.length);
      same(listDiff(history[i].nodes, history[j].nodes), bySets(history[i].nodes, history[j].nodes));
      same(listDiff(history[i].edges, history[j].edges), bySets(history[i].edges, history[j].edges));
      // The patch the design worker is sent rebuilds the list exactly, item for item.
      expect(applyPatch(history[i].nodes, indexPatch(history[i].nodes, history[j].nodes))).toEqual(history[j].nodes);
      const edges = applyPatch(history[i].edges, indexPatch(history[i].edges, history[j].edges));
      expect(edges.length).toBe(history[j].edges.length);
      expect(edges.every((e, k) => e === history[j].edges[k])).toBe(true);
    }
  });

  it('net out an item put in and taken out again, and record nothing for an unchanged list', () => {
    const a = [{ id: 'a' }, { id: 'b' }];
    const x = { id: 'x' };
    const b = appended(a, [x]);
    const c = changed(
      b,
      b.filter((item) => item !== x),
      [],
      [x],
    );
    expect(listDiff(a, c)).toEqual({ added: [], removed: [] });
    const d = replacedAt(c, 0, { id: 'a2' });
    same(listDiff(a, d), { added: [d[0]], removed: [a[0]] });
    same(listDiff(d, a), { added: [a[0]], removed: [d[0]] });
    expect(changed(a, a, [x], [])).toBe(a);
    // Taken out and put back elsewhere: the diff nets out, and the patch still rebuilds the order.
    const e = withoutItems(d, [d[0]]);
    const f = appended(e, [d[0]]);
    expect(listDiff(d, f)).toEqual({ added: [], removed: [] });
    expect(applyPatch(d, indexPatch(d, f))).toEqual(f);
    expect(withoutItems(f, [x])).toEqual(f);
    expect(listDiff(a, a)).toEqual({ added: [], removed: [] });
  });
});

describe('the block index', () => {
  it('answers as a from-scratch index after every step of random block lists (edits, undos, detections)', () => {
    const rand = random(9);
    let design = Design.parse(largeDesign({ nodes: 150, rowsPerColumn: 20 }));
    const lists: ResidualBlock[][] = [detectBlocks(design)];
    for (let step = 0; step < 60; step++) {
      design = edit(rand, design);
      const r = rand();
      let blocks: ResidualBlock[];
      if (r < 0.4) blocks = detectBlocks(design);
      else if (r < 0.6) blocks = pick(rand, lists);
      else {
        const last = lists[lists.length - 1];
        const gone = new Set(last.filter(() => rand() < 0.05));
        blocks = changed(
          last,
          last.filter((b) => !gone.has(b)),
          [],
          [...gone],
        );
      }
      lists.push(blocks);
      const holding = blocksHolding(blocks);
      const ids = new Set(design.nodes.map((n) => n.id));
      for (const b of blocks) for (const id of [b.fork, ...b.members]) ids.add(id);
      for (const id of ids) {
        const expected = blocks.filter((b) => b.fork === id || b.members.includes(id));
        expect(new Set(holding(id))).toEqual(new Set(expected));
        expect(holding(id)).toHaveLength(expected.length);
      }
    }
  });
});
