import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../../renderer/store/store';
import { isDirty } from '../../../renderer/store/store';
import { selectedNodeIds } from '../../../renderer/store/selectionSlice';

function buildChain() {
  const store = createAppStore();
  const s = () => store.getState();
  s().addLayer('Input', { x: 0, y: 0 });
  s().addLayer('Dense', { x: 0, y: 100 });
  s().addLayer('Output', { x: 0, y: 200 });
  s().connectNodes('input_1', 'dense_1');
  s().connectNodes('dense_1', 'output_1');
  return store;
}

describe('design slice with undo', () => {
  it('undoes and redoes each edit, one step at a time', () => {
    const store = buildChain();
    const s = () => store.getState();
    expect(s().design.edges).toHaveLength(2);
    store.undo();
    expect(s().design.edges).toHaveLength(1);
    store.undo();
    store.undo();
    expect(s().design.nodes).toHaveLength(2);
    store.redo();
    expect(s().design.nodes).toHaveLength(3);
  });

  it('records a whole drag as one step', () => {
    const store = buildChain();
    const s = () => store.getState();
    const before = store.temporal.getState().pastStates.length;
    store.beginDrag();
    for (let i = 1; i <= 20; i++) s().moveNodes(new Map([['dense_1', { x: i, y: 100 + i }]]));
    store.endDrag();
    expect(store.temporal.getState().pastStates.length).toBe(before + 1);
    expect(s().design.nodes[1].position).toEqual({ x: 20, y: 120 });
    store.undo();
    expect(s().design.nodes[1].position).toEqual({ x: 0, y: 100 });
  });

  it('tracks dirtiness by identity, so undoing to the saved design is clean again', () => {
    const store = buildChain();
    const s = () => store.getState();
    s().markSaved(s().design, 'a.json', 'a.json');
    expect(isDirty(s())).toBe(false);
    s().setParams('dense_1', { units: 3 });
    expect(isDirty(s())).toBe(true);
    store.undo();
    expect(isDirty(s())).toBe(false);
  });

  it('reports refused edits as an error message and keeps the design', () => {
    const store = buildChain();
    const s = () => store.getState();
    const design = s().design;
    expect(s().connectNodes('dense_1', 'dense_1')).toBe(false);
    expect(s().design).toBe(design);
    expect(s().status).toMatchObject({ tone: 'error', text: expect.stringContaining('itself') });
  });

  it('asks before deleting an Add it could bridge, and bridges on request', () => {
    const store = buildChain();
    const s = () => store.getState();
    s().setParams('dense_1', { units: 2 });
    s().select(['dense_1']);
    s().wrapSelectionInResidual();
    const add = s().design.nodes.find((n) => n.type === 'Add');
    s().select([add?.id ?? '']);
    s().deleteSelection();
    expect(s().pendingReconnect?.plans[0]).toMatchObject({ source: 'dense_1' });
    expect(s().design.nodes.some((n) => n.type === 'Add')).toBe(true);
    s().resolveReconnect(true);
    expect(s().design.nodes.some((n) => n.type === 'Add')).toBe(false);
    expect(s().design.edges.some((e) => e.source === 'dense_1' && e.target === 'output_1')).toBe(true);
  });

  it('copies, pastes and duplicates the selection', () => {
    const store = buildChain();
    const s = () => store.getState();
    s().select(['dense_1']);
    s().copySelection();
    s().paste();
    s().paste();
    expect(s().design.nodes.filter((n) => n.type === 'Dense')).toHaveLength(3);
    s().duplicateSelection();
    expect(s().design.nodes.filter((n) => n.type === 'Dense')).toHaveLength(4);
    const positions = s()
      .design.nodes.filter((n) => n.type === 'Dense')
      .map((n) => `${n.position.x},${n.position.y}`);
    expect(new Set(positions).size).toBe(4);
  });
});

describe('selection slice', () => {
  it('expands a selected collapsed block to its members', () => {
    const store = buildChain();
    const s = () => store.getState();
    s().select(['dense_1']);
    s().repeatSelection(4);
    const group = s().design.groups[0];
    expect([...s().selectedIds]).toEqual([group.id]);
    expect(selectedNodeIds(s())).toEqual(['dense_1']);
    s().selectAll();
    expect(s().selectedIds.has('dense_1')).toBe(false);
    expect(s().selectedIds.has(group.id)).toBe(true);
    s().clearSelection();
    expect(s().selectedIds.size).toBe(0);
  });
});
