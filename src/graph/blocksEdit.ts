import type { Design, RepeatGroup } from './design';
import { detectBlocks, type ResidualBlock } from './blocks';
import { freshId } from './ids';
import { groupBoundary } from './groups';
import { edgesOf, indexGraph, liveIndex } from './topology';
import { changed, listDiff } from './listDiff';
import { blocksHolding } from './blockIndex';
import { refuse, type EditResult } from './edit/result';

/** Blocks of a design, memoised per design object: the canvas, the overlay and the toolbar all ask. */
const cache = new WeakMap<object, { edges: object; groups: object; blocks: ResidualBlock[]; provisional: boolean }>();
/** The last design detected, so a drag or an unconnected new layer reuses its blocks. */
let last: { design: Pick<Design, 'nodes' | 'edges' | 'groups'>; blocks: ResidualBlock[] } | null = null;
/**
 * Blocks depend on the edges, the groups, and the ids, types, names and params of connected nodes:
 * moving nodes, or adding or removing a node without connections, leaves them as they were.
 */
function sameBlockInputs(a: Pick<Design, 'nodes' | 'edges' | 'groups'>, b: Pick<Design, 'nodes' | 'edges' | 'groups'>): boolean {
  if (a.edges !== b.edges || a.groups !== b.groups) return false;
  const diff = listDiff(a.nodes, b.nodes);
  if (!diff.added.length && !diff.removed.length) return true;
  const before = new Map(diff.removed.map((n) => [n.id, n]));
  const index = liveIndex(b);
  const connected = (id: string): boolean => edgesOf(index.incoming, id).length > 0 || edgesOf(index.outgoing, id).length > 0;
  for (const y of diff.added) {
    const x = before.get(y.id);
    before.delete(y.id);
    if (x && x.type === y.type && x.name === y.name && x.params === y.params) continue;
    if (connected(y.id)) return false;
  }
  // The edges are the same list, so a removed node that had edges would have taken them with it.
  for (const id of before.keys()) if (connected(id)) return false;
  return true;
}

/**
 * Where detection of large designs is sent after an edit (the renderer's design worker): detecting
 * 50,000 nodes takes seconds. Until the answer is primed, designBlocks answers provisionally.
 */
let deferral: { minNodes: number; detect: (design: Design) => void } | null = null;

export function deferBlockDetection(detect: ((design: Design) => void) | null, minNodes = 0): void {
  deferral = detect ? { minNodes, detect } : null;
}

/** Blocks detected elsewhere (the design worker) for this design's nodes, edges and groups. */
export function primeDesignBlocks(design: Pick<Design, 'nodes' | 'edges' | 'groups'>, blocks: ResidualBlock[]): void {
  cache.set(design.nodes, { edges: design.edges, groups: design.groups, blocks, provisional: false });
  if (!last || last.design.nodes === design.nodes) last = { design: { nodes: design.nodes, edges: design.edges, groups: design.groups }, blocks };
}

/** Whether designBlocks(design) is the provisional answer, the exact one still to come. */
export function blocksPending(design: Design): boolean {
  const hit = cache.get(design.nodes);
  return !!hit && hit.provisional && hit.edges === design.edges && hit.groups === design.groups;
}

export function designBlocks(design: Design): ResidualBlock[] {
  const hit = cache.get(design.nodes);
  if (hit && hit.edges === design.edges && hit.groups === design.groups) {
    // Back on a design whose detection was overtaken by a later edit (undo): ask again.
    if (hit.provisional) deferral?.detect(design);
    // The next edit starts from this design (an opened design was primed while another was shown).
    if (!last || last.design.nodes !== design.nodes) last = { design: { nodes: design.nodes, edges: design.edges, groups: design.groups }, blocks: hit.blocks };
    return hit.blocks;
  }
  let blocks: ResidualBlock[];
  let provisional = false;
  if (last && sameBlockInputs(last.design, design)) {
    blocks = last.blocks;
    provisional = blocksPending(last.design as Design);
    if (provisional) deferral?.detect(design);
  } else if (deferral && last && design.nodes.length >= deferral.minNodes && last.design.groups === design.groups) {
    blocks = provisionalBlocks(last.design, last.blocks, design);
    provisional = true;
    deferral.detect(design);
  } else blocks = detectBlocks(design);
  cache.set(design.nodes, { edges: design.edges, groups: design.groups, blocks, provisional });
  last = { design: { nodes: design.nodes, edges: design.edges, groups: design.groups }, blocks };
  return blocks;
}

/** The exact blocks now, detecting on this thread when only a provisional answer is held: for edits on blocks. */
export function exactDesignBlocks(design: Design): ResidualBlock[] {
  const blocks = designBlocks(design);
  if (!blocksPending(design)) return blocks;
  const exact = detectBlocks(design);
  primeDesignBlocks(design, exact);
  return exact;
}

/**
 * The blocks of `before` an edit cannot have changed: every block none of whose members, fork or the
 * nodes feeding them was touched (an edge added or removed at it, or its type, name or params
 * changed). An edge elsewhere adds or removes paths only outside a block's region or through its
 * fork, so the region and its dominating fork stay; blocks the edit made are missing until detection
 * finishes.
 */
export function provisionalBlocks(
  before: Pick<Design, 'nodes' | 'edges'>,
  blocks: readonly ResidualBlock[],
  after: Pick<Design, 'nodes' | 'edges'>,
): ResidualBlock[] {
  const touched = new Set<string>();
  const edges = listDiff(before.edges, after.edges);
  for (const e of [...edges.added, ...edges.removed]) {
    touched.add(e.source);
    touched.add(e.target);
  }
  const nodes = listDiff(before.nodes, after.nodes);
  const kept = new Map(nodes.removed.map((n) => [n.id, n]));
  for (const n of nodes.added) {
    const was = kept.get(n.id);
    if (!was || was.type !== n.type || was.name !== n.name || was.params !== n.params) touched.add(n.id);
    kept.delete(n.id);
  }
  for (const id of kept.keys()) touched.add(id);
  if (!touched.size) return changed(blocks, blocks.slice(), [], []);
  // What feeds a touched node may gain or lose it as its block's trailing activation.
  const index = liveIndex(after);
  for (const id of [...touched]) for (const e of edgesOf(index.incoming, id)) touched.add(e.source);
  // The blocks holding a touched node, through the block index rather than every block's members.
  const holding = blocksHolding(blocks);
  const gone = new Set<ResidualBlock>();
  for (const id of touched) for (const b of holding(id)) gone.add(b);
  if (!gone.size) return changed(blocks, blocks.slice(), [], []);
  return changed(blocks, withoutBlocks(blocks, gone), [], [...gone]);
}

/** `blocks` without `gone` (each in it once), cut out by position: a few among 16,000. */
function withoutBlocks(blocks: readonly ResidualBlock[], gone: ReadonlySet<ResidualBlock>): ResidualBlock[] {
  if (gone.size > 64) return blocks.filter((b) => !gone.has(b));
  const cuts = [...gone]
    .map((b) => blocks.indexOf(b))
    .filter((i) => i >= 0)
    .sort((a, b) => a - b);
  const out: ResidualBlock[] = [];
  let from = 0;
  for (const cut of cuts) {
    for (let i = from; i < cut; i++) out.push(blocks[i]);
    from = cut + 1;
  }
  for (let i = from; i < blocks.length; i++) out.push(blocks[i]);
  return out;
}

export function foldedIds(design: Design): ReadonlySet<string> {
  return new Set(design.view?.folded ?? []);
}

/**
 * Folds (or unfolds) the given blocks: the view changes, the network does not. Ids that are not
 * blocks are ignored; unfolding an outer block leaves its inner blocks' state as it was.
 */
export function setFolded(design: Design, blockIds: Iterable<string>, folded: boolean): Design {
  const valid = new Set(exactDesignBlocks(design).map((b) => b.id));
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
  const all = exactDesignBlocks(design);
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
