import type { Design, DesignEdge, DesignNode } from './design';
import { listDiff, type ListDiff } from './listDiff';

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

/**
 * Nodes by id and edges by endpoint for the design last asked about, brought up to date from the
 * previous design by diffing its lists (listDiff) instead of rebuilt: an edit on a 50,000-node design
 * touches a handful of entries. Incoming lists are not kept in port order (use indexGraph for that).
 * The maps belong to the index and change on the next `liveIndex` call: read them, do not keep them.
 */
export interface LiveIndex {
  nodes: ReadonlyMap<string, DesignNode>;
  edges: ReadonlyMap<string, DesignEdge>;
  incoming: ReadonlyMap<string, readonly DesignEdge[]>;
  outgoing: ReadonlyMap<string, readonly DesignEdge[]>;
  /** The smallest n ≥ 1 such that `${prefix}${n}` is no node's or edge's id and not `blocked` (see freshId). */
  freshNumber(prefix: string, blocked: (n: number) => boolean): number;
}

const EMPTY: readonly DesignEdge[] = [];

/** An id as `${prefix}${n}` (n a plain decimal from 1, short enough to be exact), the form fresh ids take. */
const NUMBERED = /^(.*_)([1-9][0-9]{0,14})$/;
const NUMBER = /^[1-9][0-9]{0,14}$/;

/**
 * The numbers in use after one prefix, among node and edge ids: what freshId needs without testing
 * `dense_1`, `dense_2`, … up to 16,667 against the design on every added Dense layer.
 */
class PrefixNumbers {
  /** Number → how many nodes and edges hold it (a node and an edge may share an id). */
  readonly used = new Map<number, number>();
  /** Every number below this one is in use. */
  low = 1;

  add(n: number): void {
    this.used.set(n, (this.used.get(n) ?? 0) + 1);
  }

  remove(n: number): void {
    const left = (this.used.get(n) ?? 0) - 1;
    if (left > 0) this.used.set(n, left);
    else {
      this.used.delete(n);
      if (n < this.low) this.low = n;
    }
  }

  /** The smallest number in use by no node or edge and not `blocked` (groups, ids handed out in the same edit). */
  first(blocked: (n: number) => boolean): number {
    while (this.used.has(this.low)) this.low++;
    let n = this.low;
    while (this.used.has(n) || blocked(n)) n++;
    return n;
  }
}

class IncrementalIndex implements LiveIndex {
  nodes = new Map<string, DesignNode>();
  edges = new Map<string, DesignEdge>();
  incoming = new Map<string, DesignEdge[]>();
  outgoing = new Map<string, DesignEdge[]>();
  private nodeList: readonly DesignNode[] = [];
  private edgeList: readonly DesignEdge[] = [];
  /** Built for a prefix the first time a fresh id with it is asked for, then kept in step by sync. */
  private numbers = new Map<string, PrefixNumbers>();

  /** What changed since the previous design synced: kept for callers that maintain more beside it. */
  lastDiff: { nodes: ListDiff<DesignNode>; edges: ListDiff<DesignEdge> } = { nodes: { added: [], removed: [] }, edges: { added: [], removed: [] } };

  sync(design: Pick<Design, 'nodes' | 'edges'>): this {
    const nodes = listDiff(this.nodeList, design.nodes);
    for (const n of nodes.removed) if (this.nodes.get(n.id) === n) this.nodes.delete(n.id);
    for (const n of nodes.added) this.nodes.set(n.id, n);
    const edges = listDiff(this.edgeList, design.edges);
    if (this.numbers.size) {
      for (const item of [...nodes.removed, ...edges.removed]) this.count(item.id, -1);
      for (const item of [...nodes.added, ...edges.added]) this.count(item.id, 1);
    }
    for (const e of edges.removed) {
      if (this.edges.get(e.id) === e) this.edges.delete(e.id);
      drop(this.incoming, e.target, e);
      drop(this.outgoing, e.source, e);
    }
    for (const e of edges.added) {
      this.edges.set(e.id, e);
      push(this.incoming, e.target, e);
      push(this.outgoing, e.source, e);
    }
    this.nodeList = design.nodes;
    this.edgeList = design.edges;
    this.lastDiff = { nodes, edges };
    return this;
  }

  private count(id: string, by: 1 | -1): void {
    const m = NUMBERED.exec(id);
    const numbers = m && this.numbers.get(m[1]);
    if (!numbers) return;
    if (by > 0) numbers.add(Number(m[2]));
    else numbers.remove(Number(m[2]));
  }

  /**
   * The smallest n ≥ 1 such that `${prefix}${n}` is no node's or edge's id and not `blocked`. The
   * first call for a prefix reads every id once; later calls, with the index kept in step, cost
   * about nothing.
   */
  freshNumber(prefix: string, blocked: (n: number) => boolean): number {
    let numbers = this.numbers.get(prefix);
    if (!numbers) {
      numbers = new PrefixNumbers();
      // From the lists, not the maps: an invalid design may hold an id twice.
      for (const list of [this.nodeList, this.edgeList])
        for (const { id } of list) if (id.startsWith(prefix) && NUMBER.test(id.slice(prefix.length))) numbers.add(Number(id.slice(prefix.length)));
      this.numbers.set(prefix, numbers);
    }
    return numbers.first(blocked);
  }
}

function push(map: Map<string, DesignEdge[]>, key: string, e: DesignEdge): void {
  const list = map.get(key);
  if (list) list.push(e);
  else map.set(key, [e]);
}

function drop(map: Map<string, DesignEdge[]>, key: string, e: DesignEdge): void {
  const list = map.get(key);
  if (!list) return;
  const at = list.indexOf(e);
  if (at >= 0) list.splice(at, 1);
  if (!list.length) map.delete(key);
}

const shared = new IncrementalIndex();

/** The live index of `design` (see LiveIndex). */
export function liveIndex(design: Pick<Design, 'nodes' | 'edges'>): LiveIndex {
  return shared.sync(design);
}

export interface OwnLiveIndex extends LiveIndex {
  /** Brings the index to `design` and says what changed since the last design. */
  sync(design: Pick<Design, 'nodes' | 'edges'>): OwnLiveIndex;
  readonly lastDiff: { nodes: ListDiff<DesignNode>; edges: ListDiff<DesignEdge> };
}

/** A fresh index of its own, for callers that keep one across designs of their own (the canvas). */
export function createLiveIndex(): OwnLiveIndex {
  return new IncrementalIndex();
}

export const edgesOf = (map: ReadonlyMap<string, readonly DesignEdge[]>, id: string): readonly DesignEdge[] => map.get(id) ?? EMPTY;

/**
 * Whether a path leads from `from` to `to`. Searches forward from `from` and backward from `to` by
 * turns and stops when the two meet or either side runs out, so the work is about twice the smaller
 * side: connecting into a fresh layer, or out of a layer near the input, looks at a few nodes even
 * on a 50,000-node chain.
 */
export function reaches(index: Pick<LiveIndex, 'incoming' | 'outgoing'>, from: string, to: string): boolean {
  if (from === to) return true;
  const ahead = new Set([from]);
  const behind = new Set([to]);
  const forward = [from];
  const backward = [to];
  while (forward.length && backward.length) {
    const f = forward.pop() as string;
    for (const e of edgesOf(index.outgoing, f)) {
      if (behind.has(e.target)) return true;
      if (!ahead.has(e.target)) {
        ahead.add(e.target);
        forward.push(e.target);
      }
    }
    const b = backward.pop() as string;
    for (const e of edgesOf(index.incoming, b)) {
      if (ahead.has(e.source)) return true;
      if (!behind.has(e.source)) {
        behind.add(e.source);
        backward.push(e.source);
      }
    }
  }
  return false;
}
