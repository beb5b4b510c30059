import type { Design, DesignEdge, DesignNode } from './design';

export interface GraphIndex {
  nodes: Map<string, DesignNode>;
  /** Incoming edges per node, in input order (targetPort, then file order). */
  incoming: Map<string, DesignEdge[]>;
  outgoing: Map<string, DesignEdge[]>;
}

export function indexGraph(design: Pick<Design, 'nodes' | 'edges'>): GraphIndex {
  const nodes = new Map(design.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, DesignEdge[]>();
  const outgoing = new Map<string, DesignEdge[]>();
  for (const n of design.nodes) {
    incoming.set(n.id, []);
    outgoing.set(n.id, []);
  }
  for (const e of design.edges) {
    incoming.get(e.target)?.push(e);
    outgoing.get(e.source)?.push(e);
  }
  for (const list of incoming.values()) list.sort((a, b) => a.targetPort - b.targetPort);
  return { nodes, incoming, outgoing };
}

/** Kahn's algorithm: the order, plus the nodes left over, which lie on or behind a cycle. */
export function topologicalOrder(index: GraphIndex): { order: string[]; cyclic: string[] } {
  const remaining = new Map<string, number>();
  const ready: string[] = [];
  for (const [id, edges] of index.incoming) {
    remaining.set(id, edges.length);
    if (edges.length === 0) ready.push(id);
  }
  const order: string[] = [];
  while (ready.length) {
    const id = ready.pop() as string;
    order.push(id);
    for (const e of index.outgoing.get(id) ?? []) {
      const left = (remaining.get(e.target) ?? 0) - 1;
      remaining.set(e.target, left);
      if (left === 0) ready.push(e.target);
    }
  }
  const placed = new Set(order);
  return { order, cyclic: [...index.nodes.keys()].filter((id) => !placed.has(id)) };
}

/** Nodes reachable from `starts` following edges forward (or backward). */
export function reachable(index: GraphIndex, starts: Iterable<string>, direction: 'forward' | 'backward'): Set<string> {
  const seen = new Set<string>(starts);
  const stack = [...seen];
  while (stack.length) {
    const id = stack.pop() as string;
    const edges = direction === 'forward' ? index.outgoing.get(id) : index.incoming.get(id);
    for (const e of edges ?? []) {
      const next = direction === 'forward' ? e.target : e.source;
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

/** Longest distance from any source, in edges: "depth" for profiles and for telling a shortcut from a branch. */
export function depths(index: GraphIndex, order: readonly string[]): Map<string, number> {
  const depth = new Map<string, number>();
  for (const id of order) {
    const ins = index.incoming.get(id) ?? [];
    depth.set(id, ins.length ? Math.max(...ins.map((e) => (depth.get(e.source) ?? 0) + 1)) : 0);
  }
  return depth;
}
