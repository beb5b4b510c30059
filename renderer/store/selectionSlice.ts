import type { StateCreator } from 'zustand';
import type { AppState } from './types';
import { designBlocks } from '../../src/graph/blocksEdit';
import { BLOCK_PREFIX } from '../canvas/blockIds';

export interface SelectionSlice {
  /** Selected node ids; a collapsed repeat block is selected by its group id. */
  selectedIds: ReadonlySet<string>;
  selectedEdgeIds: ReadonlySet<string>;
  select(ids: Iterable<string>, edgeIds?: Iterable<string>): void;
  /** Adds or removes one id (Shift/Ctrl-click). */
  toggleSelected(id: string): void;
  clearSelection(): void;
  selectAll(): void;
}

const EMPTY: ReadonlySet<string> = new Set();

export const createSelectionSlice: StateCreator<AppState, [], [], SelectionSlice> = (set, get) => ({
  selectedIds: EMPTY,
  selectedEdgeIds: EMPTY,
  select: (ids, edgeIds = []) => set({ selectedIds: new Set(ids), selectedEdgeIds: new Set(edgeIds) }),
  toggleSelected: (id) => {
    const next = new Set(get().selectedIds);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    set({ selectedIds: next });
  },
  clearSelection: () => {
    if (get().selectedIds.size || get().selectedEdgeIds.size) set({ selectedIds: EMPTY, selectedEdgeIds: EMPTY });
  },
  selectAll: () => {
    const { design } = get();
    const collapsed = design.groups.filter((g) => g.collapsed);
    const hidden = new Set(collapsed.flatMap((g) => g.nodeIds));
    set({ selectedIds: new Set([...design.nodes.filter((n) => !hidden.has(n.id)).map((n) => n.id), ...collapsed.map((g) => g.id)]), selectedEdgeIds: EMPTY });
  },
});

/** Node ids behind a selection: a selected collapsed repeat block or folded residual block stands for its members. */
export function selectedNodeIds(state: Pick<AppState, 'selectedIds' | 'design'>): string[] {
  const ids: string[] = [];
  const groups = new Map(state.design.groups.map((g) => [g.id, g]));
  for (const id of state.selectedIds) {
    const g = groups.get(id);
    if (g) ids.push(...g.nodeIds);
    else if (id.startsWith(BLOCK_PREFIX)) ids.push(...(designBlocks(state.design).find((b) => b.id === id.slice(BLOCK_PREFIX.length))?.members ?? []));
    else ids.push(id);
  }
  return [...new Set(ids)];
}
