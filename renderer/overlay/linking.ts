import { appStore } from '../store/store';
import { foldedOwner } from '../../src/graph/blocksEdit';
import { blockNodeId } from '../canvas/blockIds';

/**
 * Links the depth profile (and a folded block's strip) with the canvas: hovering either marks the
 * same node in the other. The mark is a class on the node element, set directly, so hovering
 * re-renders nothing.
 */
type Listener = (designId: string | null) => void;
const listeners = new Set<Listener>();
let marked: HTMLElement | null = null;
let hovered: string | null = null;

/** The canvas element id showing a design node: itself, its folded block, or its collapsed repeat group. */
export function canvasIdFor(designId: string): string {
  const { design } = appStore.getState();
  const group = design.groups.find((g) => g.collapsed && g.nodeIds.includes(designId));
  if (group) return group.id;
  const block = foldedOwner(design).get(designId);
  return block ? blockNodeId(block.id) : designId;
}

export function hoverNode(designId: string | null): void {
  if (designId === hovered) return;
  hovered = designId;
  marked?.classList.remove('linked-highlight');
  marked = null;
  if (designId && typeof document !== 'undefined') {
    const id = CSS.escape(canvasIdFor(designId));
    // A large network zoomed out is drawn by the compact layer, whose boxes carry the same data-id.
    marked = document.querySelector<HTMLElement>(`.react-flow__node[data-id="${id}"], .compact-node[data-id="${id}"]`);
    marked?.classList.add('linked-highlight');
  }
  for (const l of listeners) l(designId);
}

export function hoveredNode(): string | null {
  return hovered;
}

export function onHoverNode(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
