/**
 * Residual block detection: a block is what lies between a fork and the merge (Add or Concatenate)
 * that joins the fork's paths again — the branch and the shortcut (identity when the fork feeds the
 * merge directly, a projection otherwise). Works on any graph of ids and edges: a design (its repeat
 * groups still rolled up), an unrolled graph, an imported model.
 *
 * The fork of a merge is the merge's immediate dominator (every path from an input to the merge
 * passes it, and it is the nearest such node), so blocks nest naturally: an inner block's region
 * lies inside its outer block's region.
 */

export interface BlockGraphNode {
  id: string;
  type: string;
  name?: string;
  params?: unknown;
}

export interface BlockGraphEdge {
  id: string;
  source: string;
  target: string;
  targetPort?: number;
}

export interface BlockGraph {
  nodes: readonly BlockGraphNode[];
  edges: readonly BlockGraphEdge[];
  groups?: readonly { id: string; nodeIds: readonly string[]; repeat: number }[];
}

export interface ResidualBlock {
  /** The merge node's id: stable while the merge exists, and what the fold state records. */
  id: string;
  /** Shown as the folded node's name: the merge's name, else its id. */
  name: string;
  /** The node whose output enters the block (outside it). */
  fork: string;
  merge: string;
  /** What the next layer reads: the merge, or the activation applied straight after it (relu(x + F(x))). */
  exit: string;
  /** Every node of the block in topological order, merge and trailing activation included. */
  members: string[];
  /** Nodes on the shortcut path (empty for an identity shortcut). */
  shortcut: string[];
  /** Nodes on the branch path(s). */
  branch: string[];
  /** The edge leaving the fork along the shortcut, and along the branch. */
  shortcutEdge: string;
  branchEdge: string;
  kind: 'identity' | 'projection';
  /** The smallest block containing this one, or null. */
  parent: string | null;
  /** The repeat group holding every member, with its repeat count (1 outside groups). */
  groupId: string | null;
  repeat: number;
  /** e.g. "2× Dense + BN, identity shortcut". */
  description: string;
  /** Equal for blocks with the same layer types and parameters in the same order. */
  signature: string;
}

const MERGES = new Set(['Add', 'Concatenate']);
const SHORT: Record<string, string> = { BatchNorm: 'BN', LayerNorm: 'LN', GlobalAvgPool: 'GAP' };
/** Types left out of the description: they shape nothing a reader compares blocks by. */
const UNNAMED = new Set(['Activation', 'Dropout']);

/** "2× Dense + BN" for a unit repeated twice, else each type with its count: "LN + 2× Dense". */
function describe(all: readonly string[]): string {
  const types = all.filter((t) => !UNNAMED.has(t));
  for (let unit = 1; unit <= types.length / 2; unit++) {
    if (types.length % unit !== 0) continue;
    if (types.every((t, i) => t === types[i % unit]))
      return `${types.length / unit}× ${types
        .slice(0, unit)
        .map((t) => SHORT[t] ?? t)
        .join(' + ')}`;
  }
  return countTypes(types.length ? types : all);
}

function countTypes(types: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  if (!counts.size) return 'nothing';
  return [...counts].map(([t, n]) => (n > 1 ? `${n}× ${SHORT[t] ?? t}` : (SHORT[t] ?? t))).join(' + ');
}

/** Immediate dominators on a DAG (Cooper, Harvey and Kennedy's intersection, one pass in topological order); -1 is a virtual root above every source. */
function dominators(order: readonly string[], preds: ReadonlyMap<string, readonly string[]>): Map<string, string | null> {
  const pos = new Map(order.map((id, i) => [id, i]));
  const idom = new Int32Array(order.length).fill(-1);
  for (let i = 0; i < order.length; i++) {
    const ps = (preds.get(order[i]) ?? []).map((p) => pos.get(p) ?? -1);
    if (!ps.length) continue;
    let d = ps[0];
    for (let k = 1; k < ps.length; k++) {
      let b = ps[k];
      while (d !== b) {
        while (d > b) d = idom[d];
        while (b > d) b = idom[b];
      }
    }
    idom[i] = d;
  }
  return new Map(order.map((id, i) => [id, idom[i] >= 0 ? order[idom[i]] : null]));
}

function topological(nodes: readonly BlockGraphNode[], outgoing: ReadonlyMap<string, readonly BlockGraphEdge[]>, indegree: Map<string, number>): string[] {
  const ready = nodes
    .filter((n) => !indegree.get(n.id))
    .map((n) => n.id)
    .reverse();
  const order: string[] = [];
  while (ready.length) {
    const id = ready.pop() as string;
    order.push(id);
    for (const e of outgoing.get(id) ?? []) {
      const left = (indegree.get(e.target) ?? 0) - 1;
      indegree.set(e.target, left);
      if (left === 0) ready.push(e.target);
    }
  }
  return order;
}

/** Every residual block of the graph, outermost first within each chain, in topological order of their merges. A graph with a cycle has none. */
export function detectBlocks(graph: BlockGraph): ResidualBlock[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, BlockGraphEdge[]>();
  const outgoing = new Map<string, BlockGraphEdge[]>();
  const indegree = new Map<string, number>();
  for (const n of graph.nodes) {
    incoming.set(n.id, []);
    outgoing.set(n.id, []);
    indegree.set(n.id, 0);
  }
  for (const e of graph.edges) {
    if (!byId.has(e.source) || !byId.has(e.target)) continue;
    incoming.get(e.target)?.push(e);
    outgoing.get(e.source)?.push(e);
    indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
  }
  for (const list of incoming.values()) list.sort((a, b) => (a.targetPort ?? 0) - (b.targetPort ?? 0));
  const order = topological(graph.nodes, outgoing, indegree);
  if (order.length !== graph.nodes.length) return [];
  const pos = new Map(order.map((id, i) => [id, i]));
  const preds = new Map(order.map((id) => [id, (incoming.get(id) ?? []).map((e) => e.source)]));
  const idom = dominators(order, preds);
  const groupOf = new Map<string, { id: string; repeat: number }>();
  for (const g of graph.groups ?? []) for (const id of g.nodeIds) groupOf.set(id, g);

  const blocks: ResidualBlock[] = [];
  for (const merge of order) {
    const node = byId.get(merge);
    const ins = incoming.get(merge) ?? [];
    if (!node || !MERGES.has(node.type) || ins.length < 2) continue;
    const fork = idom.get(merge);
    if (!fork) continue;
    // The region: ancestors of the merge reached without passing the fork.
    const region = new Set<string>([merge]);
    const stack = ins.map((e) => e.source).filter((s) => s !== fork);
    while (stack.length) {
      const id = stack.pop() as string;
      if (region.has(id)) continue;
      region.add(id);
      for (const e of incoming.get(id) ?? []) if (e.source !== fork && !region.has(e.source)) stack.push(e.source);
    }
    if (region.size < 2) continue; // every input is the fork itself: no branch
    // One way out: only the merge may feed nodes outside the block.
    let leaks = false;
    for (const id of region) if (id !== merge && (outgoing.get(id) ?? []).some((e) => !region.has(e.target))) leaks = true;
    if (leaks) continue;
    // The shortcut is the input path with the fewest nodes; an input straight from the fork is an identity.
    const paths = ins.map((e) => {
      const set = new Set<string>();
      const s = [e.source];
      while (s.length) {
        const id = s.pop() as string;
        if (id === fork || set.has(id)) continue;
        set.add(id);
        for (const p of incoming.get(id) ?? []) s.push(p.source);
      }
      return { edge: e, nodes: set };
    });
    const shortcutPath = paths.reduce((a, b) => (b.nodes.size < a.nodes.size ? b : a));
    const forkEdges = outgoing.get(fork) ?? [];
    const shortcutEdge = shortcutPath.nodes.size === 0 ? shortcutPath.edge : forkEdges.find((e) => shortcutPath.nodes.has(e.target));
    const branchEdge = forkEdges.find((e) => e !== shortcutEdge && e.target !== merge && region.has(e.target) && !shortcutPath.nodes.has(e.target));
    if (!shortcutEdge || !branchEdge) continue;
    // relu(x + F(x)): an activation reading only the merge belongs to the block.
    let exit = merge;
    const outs = outgoing.get(merge) ?? [];
    const next = outs.length === 1 ? byId.get(outs[0].target) : undefined;
    if (next && next.type === 'Activation' && (incoming.get(next.id) ?? []).length === 1 && groupOf.get(next.id) === groupOf.get(merge)) {
      region.add(next.id);
      exit = next.id;
    }
    const members = [...region].sort((a, b) => (pos.get(a) ?? 0) - (pos.get(b) ?? 0));
    const group = groupOf.get(members[0]) ?? null;
    // A block straddling a repeat group's edge cannot be folded as one unit.
    if (members.some((id) => (groupOf.get(id) ?? null) !== group)) continue;
    const shortcut = members.filter((id) => shortcutPath.nodes.has(id));
    const branch = members.filter((id) => id !== merge && id !== exit && !shortcutPath.nodes.has(id));
    const typeOf = (id: string): string => byId.get(id)?.type ?? '?';
    const kind = shortcut.length ? 'projection' : 'identity';
    blocks.push({
      id: merge,
      name: node.name ?? merge,
      fork,
      merge,
      exit,
      members,
      shortcut,
      branch,
      shortcutEdge: shortcutEdge.id,
      branchEdge: branchEdge.id,
      kind,
      parent: null,
      groupId: group?.id ?? null,
      repeat: group?.repeat ?? 1,
      description: `${describe(branch.map(typeOf))}, ${kind === 'identity' ? 'identity shortcut' : `projection shortcut (${describe(shortcut.map(typeOf))})`}`,
      signature: JSON.stringify([kind, members.map((id) => [typeOf(id), byId.get(id)?.params ?? null]), shortcut.length]),
    });
  }
  // Nesting: the parent is the smallest other block whose members include this block's merge.
  const containing = new Map<string, ResidualBlock[]>();
  for (const b of blocks) {
    for (const m of b.members) {
      if (m === b.merge) continue;
      const list = containing.get(m);
      if (list) list.push(b);
      else containing.set(m, [b]);
    }
  }
  for (const b of blocks) {
    const outer = (containing.get(b.merge) ?? []).filter((o) => o !== b);
    if (outer.length) b.parent = outer.reduce((a, c) => (c.members.length < a.members.length ? c : a)).id;
  }
  return blocks;
}

/** Blocks counted with their repeat groups' copies: the 1002-layer example's one written block is 500. */
export function blockInstances(blocks: readonly ResidualBlock[]): number {
  return blocks.reduce((sum, b) => sum + b.repeat, 0);
}

/** Signature → blocks sharing it, for signatures held by two or more blocks (repeated structure). */
export function identicalBlocks(blocks: readonly ResidualBlock[]): Map<string, ResidualBlock[]> {
  const map = new Map<string, ResidualBlock[]>();
  // Appended in place: copying the list per block made 16,000 identical blocks take seconds.
  for (const b of blocks) {
    const list = map.get(b.signature);
    if (list) list.push(b);
    else map.set(b.signature, [b]);
  }
  for (const [k, list] of map) if (list.length < 2) map.delete(k);
  return map;
}
