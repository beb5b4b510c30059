import type { Design, DesignEdge, DesignNode } from '../design';
import { freshIds } from '../ids';
import { depths, edgesOf, indexGraph, liveIndex, reaches, topologicalOrder } from '../topology';
import { appended, withoutItems } from '../listDiff';

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
  const live = liveIndex(design);
  const node = live.nodes.get(nodeId);
  if (!node || (node.type !== 'Add' && node.type !== 'Concatenate')) return null;
  const incoming = [...edgesOf(live.incoming, nodeId)].sort((a, b) => a.targetPort - b.targetPort);
  const outgoing = edgesOf(live.outgoing, nodeId);
  if (incoming.length === 0 || outgoing.length === 0) return null;
  return { mergeId: nodeId, source: deepestInput(design, incoming), targets: outgoing.map((e) => ({ target: e.target, targetPort: e.targetPort })) };
}

/**
 * The input with the longest path from a source. An input every other input leads to is the deepest
 * (a path from a adds at least one edge to b's depth), which settles the usual shortcut-and-branch
 * merge with two local searches; otherwise depths are computed over the whole design.
 */
function deepestInput(design: Design, incoming: readonly DesignEdge[]): string {
  const live = liveIndex(design);
  const sources = incoming.map((e) => e.source);
  const below = sources.find((b) => sources.every((a) => a === b || reaches(live, a, b)));
  if (below !== undefined) return below;
  const index = indexGraph(design);
  const depth = depths(index, topologicalOrder(index).order);
  return incoming.reduce((best, e) => ((depth.get(e.source) ?? 0) > (depth.get(best.source) ?? 0) ? e : best)).source;
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
  const kept = keptLists(design, nodesGone, edgesGone);
  let edges = kept.edges;
  const fresh = freshIds(design);
  for (const plan of plans) {
    if (nodesGone.has(plan.source)) continue;
    const added: DesignEdge[] = plan.targets
      .filter((t) => !nodesGone.has(t.target))
      .map((t) => ({ id: fresh('e'), source: plan.source, target: t.target, targetPort: t.targetPort }));
    edges = appended(edges, added);
  }
  // Untouched groups keep their list object, so what depends only on the groups is not recomputed.
  const touchesGroups = design.groups.some((g) => g.nodeIds.some((id) => nodesGone.has(id)));
  const groups = touchesGroups
    ? design.groups
        .map((g) => (g.nodeIds.some((id) => nodesGone.has(id)) ? { ...g, nodeIds: g.nodeIds.filter((id) => !nodesGone.has(id)) } : g))
        .filter((g) => g.nodeIds.length > 0)
    : design.groups;
  return { ...design, nodes: kept.nodes, edges, groups };
}

/** Past this many items to drop, one filtering pass beats finding each item's place. */
const FEW = 64;

/**
 * The nodes and edges left once the given nodes (with every edge at them) and edges are gone. A few
 * are found through the live index and cut out by position, so deleting a layer of a 50,000-node
 * design copies the lists once instead of testing every node and edge against the sets.
 */
function keptLists(design: Design, nodesGone: ReadonlySet<string>, edgesGone: ReadonlySet<string>): { nodes: DesignNode[]; edges: DesignEdge[] } {
  const index = liveIndex(design);
  // The index holds one item per id: a design holding an id twice (it does not validate) is filtered.
  const unique = index.nodes.size === design.nodes.length && index.edges.size === design.edges.length;
  const nodes: DesignNode[] = [];
  const edges = new Set<DesignEdge>();
  if (unique) {
    for (const id of nodesGone) {
      const n = index.nodes.get(id);
      if (n) nodes.push(n);
      for (const e of edgesOf(index.incoming, id)) edges.add(e);
      for (const e of edgesOf(index.outgoing, id)) edges.add(e);
    }
    for (const id of edgesGone) {
      const e = index.edges.get(id);
      if (e) edges.add(e);
    }
  }
  if (!unique || nodes.length > FEW || edges.size > FEW)
    return {
      nodes: design.nodes.filter((n) => !nodesGone.has(n.id)),
      edges: design.edges.filter((e) => !edgesGone.has(e.id) && !nodesGone.has(e.source) && !nodesGone.has(e.target)),
    };
  return { nodes: withoutItems(design.nodes, nodes), edges: withoutItems(design.edges, [...edges]) };
}
