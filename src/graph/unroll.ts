import type { Design, DesignNode } from './design';
import { groupBoundary, type GroupBoundary } from './groups';
import { indexGraph, topologicalOrder } from './topology';

/** Copy 0 keeps the design id, so a design without repeat groups unrolls to itself. */
export function copyId(id: string, copy: number): string {
  return copy === 0 ? id : `${id}__${copy}`;
}

/** The design id and copy number of an unrolled id. */
export function splitCopyId(id: string): { designId: string; copy: number } {
  const at = id.lastIndexOf('__');
  return at < 0 ? { designId: id, copy: 0 } : { designId: id.slice(0, at), copy: Number(id.slice(at + 2)) };
}

export interface UnrolledEdge {
  id: string;
  designEdgeId: string;
  source: string;
  target: string;
}

export interface UnrolledNode {
  id: string;
  designId: string;
  copy: number;
  groupId?: string;
  node: DesignNode;
  /** Unrolled edges feeding this node, in input order. */
  inputs: UnrolledEdge[];
}

export interface UnrolledGraph {
  /** In topological order. */
  nodes: UnrolledNode[];
  edges: UnrolledEdge[];
}

/**
 * Expands repeat groups into copies. Expects a design without errors (see validateDesign):
 * each group has one outside source and one exit, and no cycles.
 */
export function unroll(design: Design): UnrolledGraph {
  const index = indexGraph(design);
  const { order, cyclic } = topologicalOrder(index);
  if (cyclic.length) throw new Error(`cannot unroll a design with a cycle through ${cyclic.join(', ')}`);

  const boundaries = new Map<string, GroupBoundary>();
  const boundaryOfNode = new Map<string, GroupBoundary>();
  for (const g of design.groups) {
    const result = groupBoundary(g, index);
    if (!result.ok) throw new Error(`repeat group "${g.id}": ${result.message}`);
    boundaries.set(g.id, result.boundary);
    for (const id of g.nodeIds) boundaryOfNode.set(id, result.boundary);
  }
  // What downstream nodes see when they read a node's output: a group's exit means its last copy.
  const outputOf = (id: string): string => {
    const b = boundaryOfNode.get(id);
    return b && b.exit === id ? copyId(id, b.group.repeat - 1) : id;
  };

  const nodes: UnrolledNode[] = [];
  const edges: UnrolledEdge[] = [];
  const emitted = new Set<string>();
  for (const id of order) {
    const boundary = boundaryOfNode.get(id);
    if (!boundary) {
      const inputs = (index.incoming.get(id) ?? []).map((e) => ({ id: e.id, designEdgeId: e.id, source: outputOf(e.source), target: id }));
      edges.push(...inputs);
      nodes.push({ id, designId: id, copy: 0, node: index.nodes.get(id) as DesignNode, inputs });
      continue;
    }
    if (emitted.has(boundary.group.id)) continue;
    emitted.add(boundary.group.id);
    const memberOrder = order.filter((m) => boundary.members.has(m));
    for (let copy = 0; copy < boundary.group.repeat; copy++) {
      for (const m of memberOrder) {
        const inputs = (index.incoming.get(m) ?? []).map((e) => {
          const internal = boundary.members.has(e.source);
          const source = internal ? copyId(e.source, copy) : copy === 0 ? outputOf(e.source) : copyId(boundary.exit, copy - 1);
          return { id: copyId(e.id, copy), designEdgeId: e.id, source, target: copyId(m, copy) };
        });
        edges.push(...inputs);
        nodes.push({ id: copyId(m, copy), designId: m, copy, groupId: boundary.group.id, node: index.nodes.get(m) as DesignNode, inputs });
      }
    }
  }
  return { nodes, edges };
}
