import { describe, expect, it } from 'vitest';
import { Design } from '../../../src/graph/design';
import { detectBlocks } from '../../../src/graph/blocks';
import { designBlocks } from '../../../src/graph/blocksEdit';
import { addNode, connect, moveNodes, renameNode, updateParams } from '../../../src/graph/edit';
import { applyValidationDelta, deriveValidation, validationDelta } from '../../../renderer/store/deriveValidation';
import { DesignWorkerRequest, DesignWorkerResponse } from '../../../renderer/open/messages';
import { largeDesign } from '../../fixtures/largeDesign';

const chain = (nodes: number, positions: 'columns' | 'none' = 'columns'): Design => Design.parse(largeDesign({ nodes, positions }));

describe('the large-design generator', () => {
  it('makes a valid design of exactly the asked size, with or without positions', () => {
    for (const n of [6, 7, 8, 1000]) {
      const d = chain(n);
      expect(d.nodes).toHaveLength(n);
      expect(deriveValidation(d).result).toEqual({ valid: true, diagnostics: [] });
    }
    const bare = chain(100, 'none');
    expect(bare.nodes.every((node) => node.position.x === 0 && node.position.y === 0)).toBe(true);
    expect(detectBlocks(chain(100))).toHaveLength(32);
  });
});

describe('validation deltas', () => {
  it('carry only what an edit changed and rebuild the same state, keeping unchanged facts objects', () => {
    const before = chain(300);
    const a = deriveValidation(before);
    const added = addNode(before, 'Dense', { x: -500, y: 0 });
    if (!added.ok) throw new Error(added.message);
    const b = deriveValidation(added.design);
    const delta = validationDelta(a, b);
    expect(delta.facts.map(([id]) => id)).toEqual([added.selection[0]]);
    expect(delta.removedFacts).toEqual([]);
    expect(delta.result.valid).toBe(false);
    const applied = applyValidationDelta(a, delta);
    expect(new Map(applied.facts)).toEqual(b.facts);
    expect(applied.facts.get('dense_1')).toBe(a.facts.get('dense_1'));
    expect(applied.edgeLabels).toBe(a.edgeLabels);

    // A width change reshapes everything downstream of it, and undoing it comes back exactly.
    const wider = updateParams(before, 'stem', { units: 32 });
    if (!wider.ok) throw new Error(wider.message);
    const c = deriveValidation(wider.design);
    const there = applyValidationDelta(a, validationDelta(a, c));
    expect(new Map(there.facts)).toEqual(c.facts);
    expect(new Map(there.edgeLabels)).toEqual(c.edgeLabels);
    expect(new Map(applyValidationDelta(there, validationDelta(c, a)).facts)).toEqual(a.facts);
  });
});

describe('block detection reuse', () => {
  it('reuses blocks after moves and unconnected additions, and detects again after a connection or rename', () => {
    const d = chain(60);
    const blocks = designBlocks(d);
    expect(designBlocks(moveNodes(d, new Map([['dense_3', { x: 5, y: 5 }]])))).toBe(blocks);
    const added = addNode(d, 'Dense', { x: -400, y: 0 });
    if (!added.ok) throw new Error(added.message);
    expect(designBlocks(added.design)).toBe(blocks);
    const joined = connect(added.design, 'add_2', added.selection[0]);
    if (!joined.ok) throw new Error(joined.message);
    expect(designBlocks(joined.design)).not.toBe(blocks);
    expect(designBlocks(joined.design)).toEqual(detectBlocks(joined.design));
    const renamed = renameNode(d, 'add_3', 'third');
    if (!renamed.ok) throw new Error(renamed.message);
    expect(designBlocks(renamed.design).find((b) => b.id === 'add_3')?.name).toBe('third');
  });
});

describe('design worker messages', () => {
  it('refuse malformed requests and answers', () => {
    expect(DesignWorkerRequest.safeParse({ type: 'open', id: 1, name: 'x', bytes: 'not bytes' }).success).toBe(false);
    expect(DesignWorkerRequest.safeParse({ type: 'validate', id: 1, rest: {}, nodes: [0, 1, { id: 'a' }], edges: null }).success).toBe(true);
    expect(DesignWorkerRequest.safeParse({ type: 'validate', id: 1, rest: {}, nodes: [-1], edges: null }).success).toBe(false);
    expect(DesignWorkerResponse.safeParse({ type: 'opened', id: 1, rest: { format: 'other' }, result: { valid: true, diagnostics: [] } }).success).toBe(false);
    expect(DesignWorkerResponse.safeParse({ type: 'facts', id: 1, items: [['a', { shape: '[?, 2]', paramCount: 'many', problem: null }]] }).success).toBe(
      false,
    );
    expect(DesignWorkerResponse.safeParse({ type: 'progress', id: 1, stage: 'Parsing JSON' }).success).toBe(true);
  });
});
