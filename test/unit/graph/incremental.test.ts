/**
 * The incremental paths behind single edits on huge designs, each compared with the full recompute
 * after every step of seeded random edit sequences: list diffs, the live index, the two-sided cycle
 * search, provisional block detection, and the canvas projection (windowed and whole).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Design } from '../../../src/graph/design';
import { detectBlocks, type ResidualBlock } from '../../../src/graph/blocks';
import { blocksPending, deferBlockDetection, designBlocks, primeDesignBlocks, setFolded } from '../../../src/graph/blocksEdit';
import { addNode, connect, moveNodes, removeElements, renameNode, updateParams } from '../../../src/graph/edit';
import { applyPatch, listDiff, indexPatch } from '../../../src/graph/listDiff';
import { indexGraph, liveIndex, reachable, reaches } from '../../../src/graph/topology';
import { deriveValidation } from '../../../renderer/store/deriveValidation';
import { FlowProjection, type FlowWindow } from '../../../renderer/canvas/toFlow';
import { LAYER_SIZE } from '../../../renderer/canvas/geometry';
import { largeDesign } from '../../fixtures/largeDesign';
import { seededRandom as random } from '../../../src/engine/random';

const chain = (nodes: number): Design => Design.parse(largeDesign({ nodes, rowsPerColumn: 40 }));
const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)];

/** One random edit (or an undo to an earlier design), as the app's store would apply it. */
function step(rand: () => number, design: Design, history: Design[]): { design: Design; kind: string } {
  const r = rand();
  const node = pick(rand, design.nodes);
  if (r < 0.1 && history.length) return { design: pick(rand, history), kind: 'undo' };
  if (r < 0.25) {
    const added = addNode(design, pick(rand, ['Dense', 'Activation', 'Add'] as const), { x: Math.floor(rand() * 2000), y: Math.floor(rand() * 4000) });
    return { design: added.ok ? added.design : design, kind: 'add' };
  }
  if (r < 0.5) {
    const result = connect(design, pick(rand, design.nodes).id, node.id);
    return { design: result.ok ? result.design : design, kind: 'connect' };
  }
  if (r < 0.6) return { design: removeElements(design, [node.id]), kind: 'delete node' };
  if (r < 0.7 && design.edges.length) return { design: removeElements(design, [], [pick(rand, design.edges).id]), kind: 'delete edge' };
  if (r < 0.8) {
    const result =
      node.type === 'Dense' ? updateParams(design, node.id, { activation: rand() < 0.5 ? 'relu' : 'linear' }) : renameNode(design, node.id, `n${rand()}`);
    return { design: result.ok ? result.design : design, kind: 'param' };
  }
  if (r < 0.9) return { design: moveNodes(design, new Map([[node.id, { x: node.position.x + 500, y: node.position.y - 300 }]])), kind: 'move' };
  const result = renameNode(design, node.id, rand() < 0.5 ? '' : `renamed ${Math.floor(rand() * 5)}`);
  return { design: result.ok ? result.design : design, kind: 'rename' };
}

const withoutParent = (b: ResidualBlock): Omit<ResidualBlock, 'parent'> => {
  const { parent: _p, ...rest } = b;
  return rest;
};

afterEach(() => deferBlockDetection(null));

describe('list diffs by identity', () => {
  it('find exactly the added and removed items after random inserts, removals, replacements and shuffles', () => {
    const rand = random(7);
    for (let trial = 0; trial < 300; trial++) {
      const prev = Array.from({ length: 1 + Math.floor(rand() * 60) }, (_, i) => ({ i }));
      let next = prev.slice();
      const edits = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < edits; k++) {
        const r = rand();
        const at = Math.floor(rand() * (next.length + 1));
        if (r < 0.3) next.splice(at, 0, { i: -k });
        else if (r < 0.6) next.splice(at, 1);
        else if (r < 0.85) next[Math.min(at, next.length - 1)] = { i: 1000 + k };
        else next = next.sort(() => rand() - 0.5);
      }
      const diff = listDiff(prev, next);
      const inNext = new Set(next);
      const inPrev = new Set(prev);
      expect(new Set(diff.added)).toEqual(new Set(next.filter((x) => !inPrev.has(x))));
      expect(new Set(diff.removed)).toEqual(new Set(prev.filter((x) => !inNext.has(x))));
      const patch = indexPatch(prev, next);
      const rebuilt = applyPatch(prev, patch);
      expect(rebuilt).toEqual(next);
      rebuilt.forEach((item, j) => expect(item).toBe(next[j]));
    }
  });
});

describe('the live index and the two-sided cycle search', () => {
  it('match a fresh index and a full forward search after every step of random edit sequences', () => {
    for (const seed of [1, 2, 3]) {
      const rand = random(seed);
      let design = chain(120);
      const history: Design[] = [];
      for (let i = 0; i < 80; i++) {
        history.push(design);
        design = step(rand, design, history).design;
        const live = liveIndex(design);
        const full = indexGraph(design);
        expect([...live.nodes.keys()].sort()).toEqual([...full.nodes.keys()].sort());
        expect(new Set(live.edges.values())).toEqual(new Set(design.edges));
        for (const id of full.nodes.keys()) {
          expect(new Set(live.incoming.get(id) ?? [])).toEqual(new Set(full.incoming.get(id)));
          expect(new Set(live.outgoing.get(id) ?? [])).toEqual(new Set(full.outgoing.get(id)));
        }
        for (let q = 0; q < 10; q++) {
          const a = pick(rand, design.nodes).id;
          const b = pick(rand, design.nodes).id;
          expect(reaches(live, a, b), `${a} → ${b} (seed ${seed}, step ${i})`).toBe(reachable(full, [a], 'forward').has(b));
        }
      }
    }
  });
});

describe('provisional block detection', () => {
  it('keeps only blocks the exact detection also finds, and ends exact once the deferred answer is primed', () => {
    const requested: Design[] = [];
    deferBlockDetection((d) => requested.push(d), 50);
    for (const seed of [11, 12, 13, 14]) {
      const rand = random(seed);
      let design = chain(150);
      primeDesignBlocks(design, detectBlocks(design));
      const history: Design[] = [];
      for (let i = 0; i < 60; i++) {
        history.push(design);
        const next = step(rand, design, history);
        design = next.design;
        const shown = designBlocks(design);
        const exact = detectBlocks(design);
        const exactIds = new Map(exact.map((b) => [b.id, withoutParent(b)]));
        for (const b of shown) expect(withoutParent(b), `block ${b.id} after ${next.kind} (seed ${seed}, step ${i})`).toEqual(exactIds.get(b.id));
        if (blocksPending(design)) {
          expect(requested.at(-1)).toBe(design);
          // Half the time the answer comes before the next edit, half the time after it.
          if (rand() < 0.5) primeDesignBlocks(design, detectBlocks(design));
        } else expect(shown).toEqual(exact);
      }
      for (const d of requested) primeDesignBlocks(d, detectBlocks(d));
      expect(designBlocks(design)).toEqual(detectBlocks(design));
    }
  });
});

function inWindow(p: { x: number; y: number }, w: FlowWindow): boolean {
  return p.x + LAYER_SIZE.width >= w.x && p.x <= w.x + w.width && p.y + LAYER_SIZE.height >= w.y && p.y <= w.y + w.height;
}

describe('the canvas projection', () => {
  it('projects after each random edit what a fresh projection does, and a window holds exactly its part of it', () => {
    deferBlockDetection(null);
    for (const seed of [21, 22, 23]) {
      const rand = random(seed);
      let design = chain(150);
      const incremental = new FlowProjection();
      const windowed = new FlowProjection();
      const history: Design[] = [];
      let selected = new Set<string>();
      for (let i = 0; i < 50; i++) {
        history.push(design);
        const next = step(rand, design, history);
        design = next.design;
        if (rand() < 0.2)
          design = setFolded(
            design,
            designBlocks(design)
              .slice(0, 3)
              .map((b) => b.id),
            rand() < 0.7,
          );
        if (rand() < 0.3) selected = new Set([pick(rand, design.nodes).id]);
        const validation = deriveValidation(design);
        const label = `${next.kind} (seed ${seed}, step ${i})`;
        const full = new FlowProjection().project(design, validation, selected, new Set());
        const inc = incremental.project(design, validation, selected, new Set());
        const byId = <T extends { id: string }>(list: T[]) => new Map(list.map((x) => [x.id, x]));
        expect(byId(inc.nodes), label).toEqual(byId(full.nodes));
        expect(byId(inc.edges), label).toEqual(byId(full.edges));

        const w: FlowWindow = { x: rand() * 1500 - 300, y: rand() * 3000 - 300, width: 200 + rand() * 900, height: 200 + rand() * 1500 };
        const part = windowed.project(design, validation, selected, new Set(), w);
        const fullNodes = byId(full.nodes);
        const fullEdges = byId(full.edges);
        for (const n of part.nodes) expect(n, label).toEqual(fullNodes.get(n.id));
        for (const e of part.edges) expect(e, label).toEqual(fullEdges.get(e.id));
        const partNodes = new Set(part.nodes.map((n) => n.id));
        const partEdges = new Set(part.edges.map((e) => e.id));
        // Every drawn layer in the window is there, with every edge at it and the node at its far end.
        for (const n of full.nodes)
          if (n.type === 'layer' && inWindow(n.position, w)) expect(partNodes.has(n.id), `${n.id} in the window, ${label}`).toBe(true);
        for (const e of full.edges) {
          if (partNodes.has(e.source) && fullNodes.get(e.source)?.type === 'layer' && inWindow(fullNodes.get(e.source)!.position, w))
            expect(partEdges.has(e.id), `${e.id} from the window, ${label}`).toBe(true);
          if (partEdges.has(e.id)) expect(partNodes.has(e.source) && partNodes.has(e.target), `${e.id}'s ends, ${label}`).toBe(true);
        }
      }
    }
  });

  it('keeps every untouched flow node and edge object across an edit elsewhere', () => {
    const design = chain(300);
    const validation = deriveValidation(design);
    const projection = new FlowProjection();
    const w: FlowWindow = { x: -100, y: -100, width: 800, height: 2000 };
    const first = projection.project(design, validation, new Set(), new Set(), w);
    const moved = moveNodes(design, new Map([['dense_5', { x: 900, y: 400 }]]));
    const second = projection.project(moved, validation, new Set(), new Set(), w);
    const before = new Map(first.nodes.map((n) => [n.id, n]));
    const changed = second.nodes.filter((n) => before.get(n.id) !== n).map((n) => n.id);
    expect(changed).toEqual(['dense_5']);
    expect(second.edges.filter((e) => !first.edges.includes(e))).toEqual([]);
  });
});
