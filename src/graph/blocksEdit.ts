import type { Design, RepeatGroup } from './design';
import { detectBlocks, type ResidualBlock } from './blocks';
import { freshId } from './ids';
import { groupBoundary } from './groups';
import { indexGraph } from './topology';
import { refuse, type EditResult } from './edit/result';

/** Blocks of a design, memoised per design object: the canvas, the overlay and the toolbar all ask. */
const cache = new WeakMap<object, { edges: object; groups: object; blocks: ResidualBlock[] }>();
/** The last design detected, so a drag or an unconnected new layer reuses its blocks. */
let last: { design: Pick<Design, 'nodes' | 'edges' | 'groups'>; blocks: ResidualBlock[] } | null = null;
const endpointCache = new WeakMap<object, Set<string>>();

function endpoints(edges: Design['edges']): Set<string> {
  let ids = endpointCache.get(edges);
  if (!ids) {
    ids = new Set(edges.flatMap((e) => [e.source, e.target]));
    endpointCache.set(edges, ids);
  }
  return ids;
}

/**
 * Blocks depend on the edges, the groups, and the ids, types, names and params of connected nodes:
 * moving nodes, or adding or removing a node without connections, leaves them as they were.
 */
function sameBlockInputs(a: Pick<Design, 'nodes' | 'edges' | 'groups'>, b: Pick<Design, 'nodes' | 'edges' | 'groups'>): boolean {
  if (a.edges !== b.edges || a.groups !== b.groups) return false;
  const touched = endpoints(b.edges);
  let i = 0;
  let j = 0;
  while (i < a.nodes.length || j < b.nodes.length) {
    const x = a.nodes[i];
    const y = b.nodes[j];
    if (x && y && (x === y || (x.id === y.id && x.type === y.type && x.name === y.name && x.params === y.params))) {
      i++;
      j++;
    } else if (x && !touched.has(x.id)) i++;
    else if (y && !touched.has(y.id)) j++;
    else return false;
  }
  return true;
}

/** Blocks detected elsewhere (the design worker, while opening) for this design's nodes, edges and groups. */
export function primeDesignBlocks(design: Pick<Design, 'nodes' | 'edges' | 'groups'>, blocks: ResidualBlock[]): void {
  cache.set(design.nodes, { edges: design.edges, groups: design.groups, blocks });
  last = { design: { nodes: design.nodes, edges: design.edges, groups: design.groups }, blocks };
}

export function designBlocks(design: Design): ResidualBlock[] {
  const hit = cache.get(design.nodes);
  if (hit && hit.edges === design.edges && hit.groups === design.groups) return hit.blocks;
  const blocks = last && sameBlockInputs(last.design, design) ? last.blocks : detectBlocks(design);
  cache.set(design.nodes, { edges: design.edges, groups: design.groups, blocks });
  last = { design: { nodes: design.nodes, edges: design.edges, groups: design.groups }, blocks };
  return blocks;
}

export function foldedIds(design: Design): ReadonlySet<string> {
  return new Set(design.view?.folded ?? []);
}

/**
 * Folds (or unfolds) the given blocks: the view changes, the network does not. Ids that are not
 * blocks are ignored; unfolding an outer block leaves its inner blocks' state as it was.
 */
export function setFolded(design: Design, blockIds: Iterable<string>, folded: boolean): Design {
  const valid = new Set(designBlocks(design).map((b) => b.id));
  const next = new Set([...(design.view?.folded ?? [])].filter((id) => valid.has(id)));
  for (const id of blockIds) {
    if (!valid.has(id)) continue;
    if (folded) next.add(id);
    else next.delete(id);
  }
  const before = [...(design.view?.folded ?? [])].sort();
  const list = [...next].sort();
  if (list.length === before.length && list.every((id, i) => id === before[i])) return design;
  return withView(design, { ...design.view, folded: list.length ? list : undefined });
}

/** Sets which way the canvas draws data flowing; top-down is the default and is not written. */
export function setDirection(design: Design, direction: 'down' | 'right'): Design {
  if ((design.view?.direction ?? 'down') === direction) return design;
  return withView(design, { ...design.view, direction: direction === 'down' ? undefined : direction });
}

/** Drops empty keys so an unfolded design saves as it was before any folding. */
function withView(design: Design, view: NonNullable<Design['view']>): Design {
  const clean = Object.fromEntries(Object.entries(view).filter(([, v]) => v !== undefined)) as NonNullable<Design['view']>;
  const { view: _old, ...rest } = design;
  return Object.keys(clean).length ? { ...rest, view: clean } : rest;
}

/**
 * What the canvas draws for each design node: itself, or the outermost folded block holding it.
 * A folded block inside a collapsed repeat group is hidden by the group, so it is left out here.
 */
export function foldedOwner(design: Design): Map<string, ResidualBlock> {
  const folded = foldedIds(design);
  const owner = new Map<string, ResidualBlock>();
  if (!folded.size) return owner;
  const collapsed = new Set(design.groups.filter((g) => g.collapsed).flatMap((g) => g.nodeIds));
  // Outermost first: a block's members are taken before those of any block nested in it.
  const blocks = designBlocks(design)
    .filter((b) => folded.has(b.id) && !collapsed.has(b.merge))
    .sort((a, b) => b.members.length - a.members.length);
  for (const b of blocks) for (const m of b.members) if (!owner.has(m)) owner.set(m, b);
  // A nested block folded inside a folded outer one is drawn by the outer one.
  return owner;
}

/**
 * Replaces a run of consecutive identical blocks (each block's fork is the previous block's exit) by
 * the first one in a repeat group run as many times: the inverse of Ungroup, the network unchanged.
 */
export function blocksToRepeatGroup(design: Design, blockIds: readonly string[]): EditResult {
  const all = designBlocks(design);
  const chosen = blockIds.map((id) => all.find((b) => b.id === id));
  const missing = blockIds.find((_, i) => !chosen[i]);
  if (missing !== undefined) return refuse(`"${missing}" is not a residual block`);
  const blocks = chosen as ResidualBlock[];
  if (blocks.length < 2) return refuse('select two or more consecutive identical blocks');
  // Order the run by following each block's exit into the next block's fork.
  const byFork = new Map(blocks.map((b) => [b.fork, b]));
  const exits = new Set(blocks.map((b) => b.exit));
  const first = blocks.find((b) => !exits.has(b.fork));
  if (!first) return refuse('the selected blocks do not form a chain');
  const run: ResidualBlock[] = [first];
  while (run.length < blocks.length) {
    const next = byFork.get(run[run.length - 1].exit);
    if (!next) return refuse(`the selected blocks are not consecutive: nothing selected follows "${run[run.length - 1].name}"`);
    run.push(next);
  }
  const different = run.find((b) => b.signature !== first.signature);
  if (different) return refuse(`"${different.name}" differs from "${first.name}" (layer types or parameters); only identical blocks can share a repeat group`);
  const grouped = new Set(design.groups.flatMap((g) => g.nodeIds));
  const inGroup = run.flatMap((b) => b.members).find((id) => grouped.has(id));
  if (inGroup) return refuse(`"${inGroup}" is already in a repeat block`);
  const nested = run.find((b) => b.parent !== null);
  if (nested) return refuse(`"${nested.name}" lies inside another block; turn the outer blocks into a repeat group instead`);

  const last = run[run.length - 1];
  const removed = new Set(run.slice(1).flatMap((b) => b.members));
  const folded = design.view?.folded?.filter((id) => !removed.has(id));
  const edges = design.edges
    .filter((e) => !removed.has(e.target) && !removed.has(e.source))
    .concat(design.edges.filter((e) => e.source === last.exit && !removed.has(e.target)).map((e) => ({ ...e, source: first.exit })));
  const group: RepeatGroup = {
    id: freshId(design, 'repeat'),
    name: first.description.split(',')[0],
    nodeIds: [...first.members],
    repeat: run.length,
    collapsed: true,
  };
  const next: Design = withView(
    {
      ...design,
      nodes: design.nodes.filter((n) => !removed.has(n.id)),
      edges,
      groups: [...design.groups, group],
    },
    { ...design.view, folded: folded && folded.length ? folded : undefined },
  );
  const check = groupBoundary(group, indexGraph(next));
  if (!check.ok) return refuse(check.message);
  return { ok: true, design: next, selection: [group.id], note: `${run.length} blocks became one repeat group ×${run.length}` };
}
