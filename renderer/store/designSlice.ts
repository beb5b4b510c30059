import type { StateCreator } from 'zustand';
import { emptyDesign, type Design } from '../../src/graph/design';
import type { QuickFix } from '../../src/graph/diagnostics';
import type { LayerType } from '../../src/graph/catalogue';
import { applyFix } from '../../src/graph/fixes';
import {
  addNode,
  connect,
  copyFragment,
  freeSpot,
  moveNodes,
  pasteFragment,
  reconnectionFor,
  removeElements,
  renameNode,
  repeatBlock,
  ungroup,
  updateGroup,
  updateParams,
  wrapInResidual,
  type EditResult,
  type Point,
  type Reconnection,
} from '../../src/graph/edit';
import type { RepeatGroup } from '../../src/graph/design';
import { liveIndex } from '../../src/graph/topology';
import { blocksToRepeatGroup, designBlocks, setFolded } from '../../src/graph/blocksEdit';
import { BLOCK_PREFIX } from '../canvas/blockIds';
import { selectedNodeIds } from './selectionSlice';
import type { AppState } from './types';

export interface DesignSlice {
  design: Design;
  /** The design as last saved or opened; the document is dirty when `design` is another object. */
  savedDesign: Design;
  fileName: string;
  fileHandle: string | null;
  /** Applies an edit's result: the new design and selection, or the refusal as a status message. */
  apply(result: EditResult, done?: string): boolean;
  addLayer(type: LayerType, position: Point): void;
  connectNodes(source: string, target: string): boolean;
  /** Deletes the selection; asks first (pendingReconnect) when it removes a merge that could be bridged. */
  deleteSelection(): void;
  resolveReconnect(reconnect: boolean | null): void;
  setParams(nodeId: string, patch: Record<string, unknown>): void;
  setName(nodeId: string, name: string): void;
  moveNodes(positions: ReadonlyMap<string, Point>): void;
  nudgeSelection(dx: number, dy: number): void;
  wrapSelectionInResidual(): void;
  repeatSelection(count: number): void;
  setGroup(groupId: string, patch: Partial<Pick<RepeatGroup, 'repeat' | 'collapsed' | 'name'>>): void;
  ungroup(groupId: string): void;
  /** Folds or unfolds residual blocks (by merge id; 'all' for every block): one undo step, the network unchanged. */
  foldBlocks(blockIds: readonly string[] | 'all', folded: boolean): void;
  /** Selected folded blocks (consecutive and identical) become one repeat group. */
  turnIntoRepeatGroup(): void;
  quickFix(fix: QuickFix): void;
  copySelection(): void;
  paste(): void;
  duplicateSelection(): void;
  newDesign(): void;
  loadDesign(design: Design, name: string, handle: string | null): void;
  markSaved(design: Design, name: string, handle: string): void;
}

const PASTE_OFFSET = { x: 40, y: 40 };

export const createDesignSlice: StateCreator<AppState, [], [], DesignSlice> = (set, get) => {
  const initial = emptyDesign();
  const removeNow = (nodeIds: string[], edgeIds: string[], reconnect: boolean): void => {
    const { design, say } = get();
    set({ design: removeElements(design, nodeIds, edgeIds, reconnect), selectedIds: new Set(), selectedEdgeIds: new Set(), pendingReconnect: null });
    say(
      `Deleted ${nodeIds.length} layer${nodeIds.length === 1 ? '' : 's'}${edgeIds.length ? ` and ${edgeIds.length} connection${edgeIds.length === 1 ? '' : 's'}` : ''}${reconnect ? ', reconnected the branch' : ''}`,
    );
  };
  return {
    design: initial,
    savedDesign: initial,
    fileName: 'Untitled design',
    fileHandle: null,
    apply: (result, done) => {
      if (!result.ok) {
        get().say(result.message, 'error');
        return false;
      }
      set({ design: result.design, selectedIds: new Set(result.selection), selectedEdgeIds: new Set() });
      const text = [done, result.note].filter(Boolean).join('; ');
      if (text) get().say(text);
      return true;
    },
    addLayer: (type, position) => {
      const { design, apply } = get();
      const result = addNode(design, type, freeSpot(design, position));
      if (result.ok) apply(result, `Added ${type} ${result.selection[0]}`);
      else apply(result);
    },
    connectNodes: (source, target) => get().apply(connect(get().design, source, target), `Connected ${source} to ${target}`),
    deleteSelection: () => {
      const state = get();
      const nodeIds = selectedNodeIds(state);
      const edgeIds = [...state.selectedEdgeIds];
      if (!nodeIds.length && !edgeIds.length) return;
      const plans = nodeIds.map((id) => reconnectionFor(state.design, id)).filter((p): p is Reconnection => p !== null && !nodeIds.includes(p.source));
      if (plans.length) set({ pendingReconnect: { nodeIds, edgeIds, plans } });
      else removeNow(nodeIds, edgeIds, false);
    },
    resolveReconnect: (reconnect) => {
      const pending = get().pendingReconnect;
      if (!pending) return;
      if (reconnect === null) set({ pendingReconnect: null });
      else removeNow(pending.nodeIds, pending.edgeIds, reconnect);
    },
    setParams: (nodeId, patch) => {
      get().apply(updateParams(get().design, nodeId, patch));
    },
    setName: (nodeId, name) => {
      get().apply(renameNode(get().design, nodeId, name));
    },
    moveNodes: (positions) => {
      const design = moveNodes(get().design, positions);
      if (design !== get().design) set({ design });
    },
    nudgeSelection: (dx, dy) => {
      const byId = liveIndex(get().design).nodes;
      const positions = new Map<string, Point>();
      for (const id of selectedNodeIds(get())) {
        const n = byId.get(id);
        if (n) positions.set(id, { x: n.position.x + dx, y: n.position.y + dy });
      }
      get().moveNodes(positions);
    },
    wrapSelectionInResidual: () => {
      get().apply(wrapInResidual(get().design, selectedNodeIds(get())), 'Wrapped the selection in a residual block');
    },
    repeatSelection: (count) => {
      get().apply(repeatBlock(get().design, selectedNodeIds(get()), count), `Made a repeat block ×${count}`);
    },
    setGroup: (groupId, patch) => {
      get().apply(updateGroup(get().design, groupId, patch));
    },
    ungroup: (groupId) => {
      get().apply(ungroup(get().design, groupId), `Ungrouped ${groupId} into its copies`);
    },
    foldBlocks: (blockIds, folded) => {
      const { design } = get();
      const ids = blockIds === 'all' ? designBlocks(design).map((b) => b.id) : blockIds;
      if (!ids.length) {
        get().say('This design has no residual blocks to fold');
        return;
      }
      const next = setFolded(design, ids, folded);
      if (next === design) return;
      const selection = [...get().selectedIds].filter((id) => !id.startsWith(BLOCK_PREFIX));
      set({ design: next, selectedIds: new Set(selection) });
      get().say(`${folded ? 'Folded' : 'Unfolded'} ${ids.length} block${ids.length === 1 ? '' : 's'}`);
    },
    turnIntoRepeatGroup: () => {
      const ids = [...get().selectedIds].filter((id) => id.startsWith(BLOCK_PREFIX)).map((id) => id.slice(BLOCK_PREFIX.length));
      get().apply(blocksToRepeatGroup(get().design, ids));
    },
    quickFix: (fix) => {
      const result = applyFix(get().design, fix);
      if (result.ok) get().apply({ ok: true, design: result.design, selection: [result.insertedNodeId] }, `Inserted ${result.insertedNodeId}`);
      else get().say(result.message, 'error');
    },
    copySelection: () => {
      const ids = selectedNodeIds(get());
      if (!ids.length) return;
      set({ clipboard: copyFragment(get().design, ids) });
      get().say(`Copied ${ids.length} layer${ids.length === 1 ? '' : 's'}`);
    },
    paste: () => {
      const { clipboard, design } = get();
      if (!clipboard || !clipboard.nodes.length) return;
      const pasted = pasteFragment(design, clipboard, PASTE_OFFSET);
      set({ design: pasted.design, selectedIds: new Set(pasted.nodeIds), selectedEdgeIds: new Set() });
      // The next paste lands beside this one, not on top of it.
      set({
        clipboard: {
          ...clipboard,
          nodes: clipboard.nodes.map((n) => ({ ...n, position: { x: n.position.x + PASTE_OFFSET.x, y: n.position.y + PASTE_OFFSET.y } })),
        },
      });
      get().say(`Pasted ${pasted.nodeIds.length} layer${pasted.nodeIds.length === 1 ? '' : 's'}`);
    },
    duplicateSelection: () => {
      const ids = selectedNodeIds(get());
      if (!ids.length) return;
      const pasted = pasteFragment(get().design, copyFragment(get().design, ids), PASTE_OFFSET);
      set({ design: pasted.design, selectedIds: new Set(pasted.nodeIds), selectedEdgeIds: new Set() });
      get().say(`Duplicated ${ids.length} layer${ids.length === 1 ? '' : 's'}`);
    },
    newDesign: () => {
      const design = emptyDesign();
      set({ design, savedDesign: design, fileName: 'Untitled design', fileHandle: null, selectedIds: new Set(), selectedEdgeIds: new Set() });
    },
    loadDesign: (design, name, handle) => {
      set({ design, savedDesign: design, fileName: name, fileHandle: handle, selectedIds: new Set(), selectedEdgeIds: new Set() });
    },
    markSaved: (design, name, handle) => set({ savedDesign: design, fileName: name, fileHandle: handle }),
  };
};
