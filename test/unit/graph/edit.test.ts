import { describe, expect, it } from 'vitest';
import { emptyDesign, type Design } from '../../../src/graph/design';
import { validateDesign } from '../../../src/graph/validate';
import { unroll } from '../../../src/graph/unroll';
import {
  addNode,
  connect,
  copyFragment,
  findBlock,
  moveNodes,
  pasteFragment,
  reconnectionFor,
  removeElements,
  repeatBlock,
  ungroup,
  updateGroup,
  updateParams,
  wrapInResidual,
  type EditResult,
} from '../../../src/graph/edit';
import type { LayerType } from '../../../src/graph/catalogue';

function ok(result: EditResult): Design {
  if (!result.ok) throw new Error(result.message);
  return result.design;
}

/** Input[2] → Dense(a) → Dense(b) → Output, built only with the edit operations. */
function chain(units = 2): Design {
  let d = emptyDesign();
  const add = (type: LayerType, y: number): string => {
    const r = addNode(d, type, { x: 0, y });
    d = ok(r);
    return (r as { selection: string[] }).selection[0];
  };
  const input = add('Input', 0);
  const a = add('Dense', 100);
  const b = add('Dense', 200);
  const out = add('Output', 300);
  d = ok(updateParams(d, a, { units: 8 }));
  d = ok(updateParams(d, b, { units }));
  d = ok(connect(d, input, a));
  d = ok(connect(d, a, b));
  d = ok(connect(d, b, out));
  return d;
}

describe('addNode / connect', () => {
  it('adds nodes with catalogue defaults and fresh ids', () => {
    const d = chain();
    expect(d.nodes.map((n) => n.id)).toEqual(['input_1', 'dense_1', 'dense_2', 'output_1']);
    expect(validateDesign(d).valid).toBe(true);
  });

  it('refuses self loops, duplicates and cycles, and says why', () => {
    const d = chain();
    expect(connect(d, 'dense_1', 'dense_1')).toMatchObject({ ok: false });
    expect(connect(d, 'input_1', 'dense_1')).toMatchObject({ ok: false, message: expect.stringContaining('already feeds') });
    const cyc = connect(d, 'dense_2', 'dense_1');
    // dense_1 takes one input: rewiring it to dense_2 would close a loop
    expect(cyc).toMatchObject({ ok: false, message: expect.stringContaining('cycle') });
    expect(connect(d, 'nope', 'dense_1')).toMatchObject({ ok: false, message: expect.stringContaining('"nope"') });
  });

  it('rewires a single-input layer and gives merges successive ports', () => {
    let d = chain();
    d = ok(connect(d, 'input_1', 'dense_2'));
    expect(d.edges.filter((e) => e.target === 'dense_2').map((e) => e.source)).toEqual(['input_1']);
    d = ok(addNode(d, 'Concatenate', { x: 0, y: 0 }));
    d = ok(connect(d, 'dense_1', 'concatenate_1'));
    d = ok(connect(d, 'input_1', 'concatenate_1'));
    expect(d.edges.filter((e) => e.target === 'concatenate_1').map((e) => e.targetPort)).toEqual([0, 1]);
  });

  it('leaves the input design untouched', () => {
    const d = chain();
    const before = JSON.stringify(d);
    connect(d, 'input_1', 'dense_2');
    updateParams(d, 'dense_1', { units: 3 });
    removeElements(d, ['dense_1']);
    wrapInResidual(d, ['dense_1', 'dense_2']);
    expect(JSON.stringify(d)).toBe(before);
  });

  it('moveNodes keeps unmoved nodes identical', () => {
    const d = chain();
    const moved = moveNodes(d, new Map([['dense_1', { x: 5, y: 5 }]]));
    expect(moved.nodes[0]).toBe(d.nodes[0]);
    expect(moved.nodes[1].position).toEqual({ x: 5, y: 5 });
    expect(moveNodes(d, new Map())).toBe(d);
  });
});

describe('wrapInResidual', () => {
  it('inserts the Add and the shortcut when shapes match', () => {
    const d = ok(wrapInResidual(chain(2), ['dense_1', 'dense_2']));
    const v = validateDesign(d);
    expect(v.valid).toBe(true);
    const add = d.nodes.find((n) => n.type === 'Add');
    expect(add).toBeDefined();
    expect(
      d.edges
        .filter((e) => e.target === add?.id)
        .map((e) => e.source)
        .sort(),
    ).toEqual(['dense_2', 'input_1']);
    expect(d.edges.find((e) => e.target === 'output_1')?.source).toBe(add?.id);
  });

  it('adds a projection on the shortcut when the block changes the shape', () => {
    const r = wrapInResidual(chain(5), ['dense_1', 'dense_2']);
    const d = ok(r);
    expect(validateDesign(d).valid).toBe(true);
    const projection = d.nodes.find((n) => n.name === 'projection');
    expect(projection).toMatchObject({ type: 'Dense', params: { units: 5 } });
    expect(r.ok && r.note).toContain('projection');
  });

  it('refuses selections that are not one block', () => {
    expect(wrapInResidual(chain(), [])).toMatchObject({ ok: false });
    expect(wrapInResidual(chain(), ['input_1', 'dense_1'])).toMatchObject({ ok: false, message: expect.stringContaining('Input') });
    let d = chain();
    d = ok(addNode(d, 'Dense', { x: 300, y: 100 }));
    d = ok(connect(d, 'input_1', 'dense_3'));
    d = ok(connect(d, 'dense_3', 'dense_2'));
    // dense_2 now reads dense_3 instead of dense_1: {dense_1, dense_3} has two exits
    expect(findBlock(d, ['dense_1', 'dense_3'])).toMatchObject({ ok: false });
  });
});

describe('repeat blocks', () => {
  it('repeats a block, and ungrouping gives the same unrolled network', () => {
    const wrapped = ok(wrapInResidual(chain(2), ['dense_1', 'dense_2']));
    const members = ['dense_1', 'dense_2', 'add_1'];
    const grouped = ok(repeatBlock(wrapped, members, 10));
    expect(validateDesign(grouped).valid).toBe(true);
    expect(grouped.groups[0]).toMatchObject({ repeat: 10, collapsed: true });
    const flat = ok(ungroup(grouped, grouped.groups[0].id));
    expect(flat.groups).toEqual([]);
    expect(flat.nodes.length).toBe(2 + 3 * 10);
    expect(validateDesign(flat).valid).toBe(true);
    const typesOf = (d: Design) => unroll(d).nodes.map((n) => n.node.type);
    expect(typesOf(flat)).toEqual(typesOf(grouped));
    expect(unroll(flat).edges.length).toBe(unroll(grouped).edges.length);
  });

  it('refuses bad counts, nested groups and open blocks', () => {
    const d = chain(2);
    expect(repeatBlock(d, ['dense_1', 'dense_2'], 0)).toMatchObject({ ok: false });
    expect(repeatBlock(d, ['dense_1', 'dense_2'], 1.5)).toMatchObject({ ok: false });
    const g = ok(repeatBlock(d, ['dense_1', 'dense_2'], 3));
    expect(repeatBlock(g, ['dense_1'], 2)).toMatchObject({ ok: false, message: expect.stringContaining('already') });
    expect(updateGroup(g, g.groups[0].id, { repeat: -1 })).toMatchObject({ ok: false });
    expect(ok(updateGroup(g, g.groups[0].id, { collapsed: false })).groups[0].collapsed).toBe(false);
  });
});

describe('remove and reconnect', () => {
  it('offers the branch, not the shortcut, to bridge a deleted Add', () => {
    const d = ok(wrapInResidual(chain(2), ['dense_1', 'dense_2']));
    const plan = reconnectionFor(d, 'add_1');
    expect(plan).toEqual({ mergeId: 'add_1', source: 'dense_2', targets: [{ target: 'output_1', targetPort: 0 }] });
    const bridged = removeElements(d, ['add_1'], [], true);
    expect(validateDesign(bridged).valid).toBe(true);
    const cut = removeElements(d, ['add_1'], [], false);
    expect(cut.edges.some((e) => e.target === 'output_1')).toBe(false);
    expect(reconnectionFor(d, 'dense_1')).toBeNull();
  });

  it('drops removed nodes from their groups and empty groups', () => {
    const g = ok(repeatBlock(chain(2), ['dense_1', 'dense_2'], 3));
    expect(removeElements(g, ['dense_1']).groups[0].nodeIds).toEqual(['dense_2']);
    expect(removeElements(g, ['dense_1', 'dense_2']).groups).toEqual([]);
  });
});

describe('copy and paste', () => {
  it('pastes a copy with fresh ids and only internal edges', () => {
    const d = chain();
    const fragment = copyFragment(d, ['dense_1', 'dense_2']);
    expect(fragment.edges.map((e) => [e.source, e.target])).toEqual([['dense_1', 'dense_2']]);
    const { design, nodeIds } = pasteFragment(d, fragment, { x: 40, y: 40 });
    expect(nodeIds).toEqual(['dense_3', 'dense_4']);
    expect(design.edges.some((e) => e.source === 'dense_3' && e.target === 'dense_4')).toBe(true);
    expect(design.nodes.find((n) => n.id === 'dense_3')?.position).toEqual({ x: 40, y: 140 });
    expect(new Set(design.edges.map((e) => e.id)).size).toBe(design.edges.length);
  });
});
