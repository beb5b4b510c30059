import type { Design, DesignEdge } from '../design';
import { freshId, usedIds } from '../ids';
import { depths, indexGraph, topologicalOrder } from '../topology';

/**
 * What removing a merge node (Add or Concatenate) would cut, and how to close the gap: the branch
 * input (the deepest one: the shortcut is the shallow one) should feed what the merge fed.
 */
export interface Reconnection {
  mergeId: string;
  source: string;
  targets: { target: string; targetPort: number }[];
}

export function reconnectionFor(design: Design, nodeId: string): Reconnection | null {
  const index = indexGraph(design);
  const node = index.nodes.get(nodeId);
  if (!node || (node.type !== 'Add' && node.type !== 'Concatenate')) return null;
  const incoming = index.incoming.get(nodeId) ?? [];
  const outgoing = index.outgoing.get(nodeId) ?? [];
  if (incoming.length === 0 || outgoing.length === 0) return null;
  const depth = depths(index, topologicalOrder(index).order);
  const branch = incoming.reduce((best, e) => ((depth.get(e.source) ?? 0) > (depth.get(best.source) ?? 0) ? e : best));
  return { mergeId: nodeId, source: branch.source, targets: outgoing.map((e) => ({ target: e.target, targetPort: e.targetPort })) };
}

/**
 * Removes nodes (with their edges and group memberships) and edges. With `reconnect`, each removed
 * merge node's branch input is wired to its former consumers, so deleting an Add leaves a plain chain.
 */
export function removeElements(design: Design, nodeIds: Iterable<string>, edgeIds: Iterable<string> = [], reconnect = false): Design {
  const nodesGone = new Set(nodeIds);
  const edgesGone = new Set(edgeIds);
  if (nodesGone.size === 0 && edgesGone.size === 0) return design;
  const plans = reconnect ? [...nodesGone].map((id) => reconnectionFor(design, id)).filter((p): p is Reconnection => p !== null) : [];
  let edges = design.edges.filter((e) => !edgesGone.has(e.id) && !nodesGone.has(e.source) && !nodesGone.has(e.target));
  const taken = usedIds(design);
  for (const plan of plans) {
    if (nodesGone.has(plan.source)) continue;
    const added: DesignEdge[] = plan.targets
      .filter((t) => !nodesGone.has(t.target))
      .map((t) => ({ id: freshId(design, 'e', taken), source: plan.source, target: t.target, targetPort: t.targetPort }));
    edges = [...edges, ...added];
  }
  const groups = design.groups
    .map((g) => (g.nodeIds.some((id) => nodesGone.has(id)) ? { ...g, nodeIds: g.nodeIds.filter((id) => !nodesGone.has(id)) } : g))
    .filter((g) => g.nodeIds.length > 0);
  return { ...design, nodes: design.nodes.filter((n) => !nodesGone.has(n.id)), edges, groups };
}
