import type { Design, DesignNode } from '../design';
import { layerKind, type LayerType } from '../catalogue';
import { freshId } from '../ids';
import { liveIndex } from '../topology';
import { appended, changed as noted, replacedAt } from '../listDiff';
import { refuse, type EditResult } from './result';

export interface Point {
  x: number;
  y: number;
}

/** A new node of `type` with the catalogue's default params, at `position`. */
export function addNode(design: Design, type: LayerType, position: Point): EditResult {
  const kind = layerKind(type);
  const id = freshId(design, type);
  const node = { id, type, params: kind.params.parse({}), position: { x: Math.round(position.x), y: Math.round(position.y) } } as DesignNode;
  return { ok: true, design: { ...design, nodes: appended(design.nodes, [node]) }, selection: [id] };
}

/**
 * Where the node with this id stands in the list: through the live index and a pointer search, not
 * a comparison of every node's id. A design holding the id twice (it does not validate) gets the first.
 */
function placeOf(design: Design, nodeId: string): number {
  const index = liveIndex(design);
  if (index.nodes.size !== design.nodes.length) return design.nodes.findIndex((n) => n.id === nodeId);
  const node = index.nodes.get(nodeId);
  return node ? design.nodes.indexOf(node) : -1;
}

/** Replaces some params of one node; the validator reports values the catalogue's schema rejects. */
export function updateParams(design: Design, nodeId: string, patch: Record<string, unknown>): EditResult {
  const at = placeOf(design, nodeId);
  if (at < 0) return refuse(`node "${nodeId}" is not in the design`);
  const node = design.nodes[at];
  const updated = { ...node, params: { ...node.params, ...patch } } as DesignNode;
  return { ok: true, design: { ...design, nodes: replacedAt(design.nodes, at, updated) }, selection: [nodeId] };
}

export function renameNode(design: Design, nodeId: string, name: string): EditResult {
  const at = placeOf(design, nodeId);
  if (at < 0) return refuse(`node "${nodeId}" is not in the design`);
  if (name.length > 100) return refuse('a name is at most 100 characters');
  const { name: _old, ...rest } = design.nodes[at];
  const renamed = (name.trim() ? { ...rest, name } : rest) as DesignNode;
  return { ok: true, design: { ...design, nodes: replacedAt(design.nodes, at, renamed) }, selection: [nodeId] };
}

/** Past this many moved nodes, one pass over the list beats finding each node's place. */
const FEW = 64;

/** Moves nodes; nodes not in `positions` keep their object identity so memoised views skip them. */
export function moveNodes(design: Design, positions: ReadonlyMap<string, Point>): Design {
  if (positions.size === 0) return design;
  const index = liveIndex(design);
  // A few moved nodes are found through the live index, which holds one node per id (a design
  // holding an id twice does not validate, and is mapped over).
  if (positions.size <= FEW && index.nodes.size === design.nodes.length) {
    let nodes: DesignNode[] | null = null;
    const added: DesignNode[] = [];
    const removed: DesignNode[] = [];
    for (const [id, p] of positions) {
      const n = index.nodes.get(id);
      if (!n || (p.x === n.position.x && p.y === n.position.y)) continue;
      const at = design.nodes.lastIndexOf(n);
      if (at < 0) continue;
      nodes ??= design.nodes.slice();
      const moved = { ...n, position: { x: p.x, y: p.y } };
      nodes[at] = moved;
      added.push(moved);
      removed.push(n);
    }
    return nodes ? { ...design, nodes: noted(design.nodes, nodes, added, removed) } : design;
  }
  let changed = false;
  const nodes = design.nodes.map((n) => {
    const p = positions.get(n.id);
    if (!p || (p.x === n.position.x && p.y === n.position.y)) return n;
    changed = true;
    return { ...n, position: { x: p.x, y: p.y } };
  });
  return changed ? { ...design, nodes } : design;
}

/** Where a node of `size` added at a point should go so it does not cover another node: below them. */
export function freeSpot(design: Design, position: Point, size = { width: 200, height: 72 }, gap = 18): Point {
  const x = Math.round(position.x);
  let y = Math.round(position.y);
  const near = design.nodes.filter((n) => Math.abs(n.position.x - x) < size.width);
  for (let moved = true, i = 0; moved && i < 1000; i++) {
    moved = false;
    for (const n of near) {
      if (Math.abs(n.position.y - y) < size.height + gap) {
        y = n.position.y + size.height + gap;
        moved = true;
      }
    }
  }
  return { x, y };
}
