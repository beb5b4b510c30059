import { z } from 'zod';
import { DesignEdge, DesignNode, RepeatGroup, type Design as DesignType } from '../design';
import { freshId, usedIds } from '../ids';
import type { Point } from './nodes';

/** Layers copied with the edges and repeat groups wholly inside the selection. */
export const Fragment = z.strictObject({
  format: z.literal('rescanvas.fragment'),
  nodes: z.array(DesignNode).max(50_000),
  edges: z.array(DesignEdge).max(100_000),
  groups: z.array(RepeatGroup).max(50_000),
});
export type Fragment = z.infer<typeof Fragment>;

export function copyFragment(design: DesignType, nodeIds: Iterable<string>): Fragment {
  const ids = new Set(nodeIds);
  return {
    format: 'rescanvas.fragment',
    nodes: design.nodes.filter((n) => ids.has(n.id)),
    edges: design.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
    groups: design.groups.filter((g) => g.nodeIds.every((id) => ids.has(id))),
  };
}

/** Adds a copy of the fragment with fresh ids, moved by `offset`; returns the new node ids (to select). */
export function pasteFragment(design: DesignType, fragment: Fragment, offset: Point): { design: DesignType; nodeIds: string[] } {
  const taken = usedIds(design);
  for (const n of fragment.nodes) taken.add(n.id);
  const ids = new Map(fragment.nodes.map((n) => [n.id, freshId(design, n.type, taken)]));
  const nodes = fragment.nodes.map(
    (n) => ({ ...n, id: ids.get(n.id) as string, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } }) as DesignNode,
  );
  const edges = fragment.edges
    .filter((e) => ids.has(e.source) && ids.has(e.target))
    .map((e) => ({ ...e, id: freshId(design, 'e', taken), source: ids.get(e.source) as string, target: ids.get(e.target) as string }));
  const groups = fragment.groups
    .filter((g) => g.nodeIds.every((id) => ids.has(id)))
    .map((g) => ({ ...g, id: freshId(design, 'repeat', taken), nodeIds: g.nodeIds.map((id) => ids.get(id) as string) }));
  const next = { ...design, nodes: [...design.nodes, ...nodes], edges: [...design.edges, ...edges], groups: [...design.groups, ...groups] };
  return { design: next, nodeIds: nodes.map((n) => n.id) };
}
