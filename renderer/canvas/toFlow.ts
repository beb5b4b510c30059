import type { Design, DesignEdge, DesignNode, RepeatGroup } from '../../src/graph/design';
import { edgesOf, liveIndex, type LiveIndex } from '../../src/graph/topology';
import { listDiff } from '../../src/graph/listDiff';
import type { ValidationState } from '../store/validation';
import type { ResidualBlock } from '../../src/graph/blocks';
import { designBlocks, foldedOwner } from '../../src/graph/blocksEdit';
import { identicalBlocks } from '../../src/graph/blocks';
import { BLOCK_SIZE, GROUP_SIZE, LAYER_SIZE, SHORTCUT_HANDLE, handlesFor } from './geometry';
import type { Direction } from '../layout/layered';
import { blockNodeId } from './blockIds';
import type { BlockNodeData, FlowEdge, FlowNode, GroupNodeData, LayerNodeData } from './flowTypes';

const FRAME_PADDING = 24;
const FRAME_HEADER = 32;

/** A rectangle in flow coordinates: what the canvas shows, with a margin around it. */
export interface FlowWindow {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Side of a square of the grid that finds the nodes in a window without looking at the others. */
const CELL = 1024;
const cellKey = (cx: number, cy: number): string => `${cx},${cy}`;
const cellFor = (p: { x: number; y: number }): string => cellKey(Math.floor(p.x / CELL), Math.floor(p.y / CELL));

/** What follows from the groups, the folded blocks and the direction: recomputed only when one changes. */
interface Context {
  key: readonly unknown[];
  direction: Direction;
  hiddenBy: Map<string, RepeatGroup>;
  memberOf: Map<string, RepeatGroup>;
  owner: Map<string, ResidualBlock>;
  ownerBlocks: ResidualBlock[];
  badges: Map<string, { letter: string; count: number }>;
}

function contextFor(design: Design, blocks: ResidualBlock[]): Context {
  const direction: Direction = design.view?.direction ?? 'down';
  const hiddenBy = new Map<string, RepeatGroup>();
  const memberOf = new Map<string, RepeatGroup>();
  for (const g of design.groups) {
    for (const id of g.nodeIds) {
      memberOf.set(id, g);
      if (g.collapsed) hiddenBy.set(id, g);
    }
  }
  const owner = foldedOwner(design);
  const ownerBlocks = [...new Set(owner.values())];
  const badges = new Map<string, { letter: string; count: number }>();
  // Badges show only on folded blocks; grouping 16,000 unfolded blocks by signature is wasted work.
  if (ownerBlocks.length)
    [...identicalBlocks(blocks).values()].forEach((list, i) => {
      for (const b of list) badges.set(b.id, { letter: String.fromCharCode(65 + (i % 26)), count: list.length });
    });
  return {
    key: contextKey(design, blocks),
    direction,
    hiddenBy,
    memberOf,
    owner,
    ownerBlocks,
    badges,
  };
}

/**
 * The blocks matter to the context only when some are folded: otherwise each edit of a huge design
 * (a new list of blocks every time) rebuilt it for nothing.
 */
const contextKey = (design: Design, blocks: ResidualBlock[]): readonly unknown[] => [
  design.groups,
  design.view?.folded,
  design.view?.folded?.length ? blocks : null,
  design.view?.direction ?? 'down',
];

const sameKey = (a: readonly unknown[], b: readonly unknown[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Builds React Flow nodes and edges from the design, reusing the previous object for every node or
 * edge whose inputs did not change, so React Flow and the memoised node components skip them.
 *
 * Given a window (huge designs), only what lies in it is projected: the nodes in it (found through a
 * grid kept in step with the design by diffing its lists), the edges touching them and the nodes at
 * those edges' other ends. An edit then costs work in proportion to the window, not the design, and
 * React Flow indexes a few hundred nodes instead of 50,000. Without a window everything is projected.
 */
export class FlowProjection {
  private layerCache = new Map<
    string,
    { node: DesignNode; selected: boolean; facts: unknown; inGroup: boolean; mergesBlock: string | null; direction: Direction; flow: FlowNode }
  >();
  private blockCache = new Map<string, { key: string; flow: FlowNode }>();
  private groupCache = new Map<string, { key: string; flow: FlowNode }>();
  private edgeCache = new Map<string, { key: string; flow: FlowEdge }>();
  /** The shared live index (the edit operations keep it in step too), read only within project(). */
  private index: LiveIndex | null = null;
  private grid = new Map<string, Set<string>>();
  private gridNodes: readonly DesignNode[] = [];
  private context: Context | null = null;
  /** Merge id → its block's id, kept in step with the list of blocks by diffing it (one block per merge). */
  private mergeOf = new Map<string, string>();
  private mergeBlocks: readonly ResidualBlock[] = [];

  private syncMerges(blocks: readonly ResidualBlock[]): ReadonlyMap<string, string> {
    const diff = listDiff(this.mergeBlocks, blocks);
    for (const b of diff.removed) if (this.mergeOf.get(b.merge) === b.id) this.mergeOf.delete(b.merge);
    for (const b of diff.added) this.mergeOf.set(b.merge, b.id);
    this.mergeBlocks = blocks;
    return this.mergeOf;
  }

  private syncGrid(design: Design): LiveIndex {
    const index = (this.index = liveIndex(design));
    const nodes = listDiff(this.gridNodes, design.nodes);
    this.gridNodes = design.nodes;
    for (const n of nodes.removed) this.grid.get(cellFor(n.position))?.delete(n.id);
    for (const n of nodes.added) {
      const key = cellFor(n.position);
      const cell = this.grid.get(key);
      if (cell) cell.add(n.id);
      else this.grid.set(key, new Set([n.id]));
    }
    return index;
  }

  /** Ids of the design nodes whose box meets the window. */
  private nodesIn(w: FlowWindow): string[] {
    const ids: string[] = [];
    const x0 = Math.floor((w.x - LAYER_SIZE.width) / CELL);
    const x1 = Math.floor((w.x + w.width) / CELL);
    const y0 = Math.floor((w.y - LAYER_SIZE.height) / CELL);
    const y1 = Math.floor((w.y + w.height) / CELL);
    for (let cy = y0; cy <= y1; cy++)
      for (let cx = x0; cx <= x1; cx++)
        for (const id of this.grid.get(cellKey(cx, cy)) ?? []) {
          const p = this.index?.nodes.get(id)?.position;
          if (p && p.x + LAYER_SIZE.width >= w.x && p.x <= w.x + w.width && p.y + LAYER_SIZE.height >= w.y && p.y <= w.y + w.height) ids.push(id);
        }
    return ids;
  }

  project(
    design: Design,
    validation: ValidationState,
    selected: ReadonlySet<string>,
    selectedEdges: ReadonlySet<string>,
    window: FlowWindow | null = null,
  ): { nodes: FlowNode[]; edges: FlowEdge[] } {
    const index = this.syncGrid(design);
    const byId = index.nodes;
    const blocks = designBlocks(design);
    if (!this.context || !sameKey(this.context.key, contextKey(design, blocks))) this.context = contextFor(design, blocks);
    const { direction, hiddenBy, memberOf, owner, badges } = this.context;
    const mergeOf = this.syncMerges(blocks);

    // What is drawn: repeat groups (collapsed, or the frame of an expanded one), folded blocks, layers.
    const groups = new Set<RepeatGroup>();
    const blockSet = new Set<ResidualBlock>();
    const layers = new Set<string>();
    const place = (id: string): void => {
      const g = hiddenBy.get(id);
      if (g) return void groups.add(g);
      const b = owner.get(id);
      if (b) return void blockSet.add(b);
      layers.add(id);
      const frame = memberOf.get(id);
      if (frame) groups.add(frame);
    };
    let candidates: Iterable<DesignEdge>;
    if (window) {
      for (const id of this.nodesIn(window)) place(id);
      const touching = new Set<DesignEdge>();
      const collect = (id: string): void => {
        for (const e of edgesOf(index.incoming, id)) touching.add(e);
        for (const e of edgesOf(index.outgoing, id)) touching.add(e);
      };
      for (const id of layers) collect(id);
      for (const b of blockSet) for (const id of b.members) collect(id);
      for (const g of groups) if (g.collapsed) for (const id of g.nodeIds) collect(id);
      candidates = touching;
    } else {
      for (const g of design.groups) groups.add(g);
      for (const b of this.context.ownerBlocks) blockSet.add(b);
      for (const n of design.nodes) if (!hiddenBy.has(n.id) && !owner.has(n.id)) layers.add(n.id);
      candidates = design.edges;
    }

    const endpoint = (id: string): string => {
      const g = hiddenBy.get(id);
      if (g) return g.id;
      const b = owner.get(id);
      return b ? blockNodeId(b.id) : id;
    };
    // Edges that end up between the same two drawn nodes are drawn once (the one whose id sorts
    // first, whichever part of the design is projected), except that a folded block's shortcut keeps
    // its own edge: the fork's two ways into the block (branch and shortcut) both show.
    const drawnEdges: { e: DesignEdge; source: string; target: string; intoBlock: boolean }[] = [];
    const pairs = new Map<string, { e: DesignEdge; source: string; target: string; intoBlock: boolean }>();
    for (const e of candidates) {
      const source = endpoint(e.source);
      const target = endpoint(e.target);
      if (source === target) continue; // inside a collapsed or folded block
      const intoBlock = target !== e.target && !hiddenBy.has(e.target) && owner.get(e.target)?.shortcutEdge === e.id;
      if (source !== e.source || target !== e.target) {
        const pair = `${source}>${target}${intoBlock ? '>shortcut' : ''}`;
        const had = pairs.get(pair);
        if (!had || e.id < had.e.id) pairs.set(pair, { e, source, target, intoBlock });
      } else drawnEdges.push({ e, source, target, intoBlock });
    }
    drawnEdges.push(...pairs.values());
    // An edge leaving the window still needs the node at its far end.
    if (window) for (const d of drawnEdges) for (const id of [d.e.source, d.e.target]) place(id);

    const nodes: FlowNode[] = [];
    for (const g of groups) nodes.push(this.groupNode(g, byId, validation, selected.has(g.id), direction));
    const seenBlocks = new Set<string>();
    for (const b of blockSet) {
      seenBlocks.add(b.id);
      nodes.push(this.blockNode(b, byId, validation, selected.has(blockNodeId(b.id)), badges.get(b.id) ?? null, memberOf.has(b.merge), direction));
    }
    for (const id of this.blockCache.keys()) if (!seenBlocks.has(id)) this.blockCache.delete(id);
    const seenGroups = new Set([...groups].map((g) => g.id));
    for (const id of this.groupCache.keys()) if (!seenGroups.has(id)) this.groupCache.delete(id);
    for (const id of layers) {
      const n = byId.get(id);
      if (!n) continue;
      const facts = validation.facts.get(n.id);
      const isSelected = selected.has(n.id);
      const inGroup = memberOf.has(n.id);
      const mergesBlock = mergeOf.get(n.id) ?? null;
      const cached = this.layerCache.get(n.id);
      if (
        cached &&
        cached.node === n &&
        cached.selected === isSelected &&
        cached.facts === facts &&
        cached.inGroup === inGroup &&
        cached.mergesBlock === mergesBlock &&
        cached.direction === direction
      ) {
        nodes.push(cached.flow);
        continue;
      }
      const data: LayerNodeData = {
        node: n,
        shape: facts?.shape ?? null,
        paramCount: facts?.paramCount ?? null,
        problem: facts?.problem ? { message: facts.problem.message, severity: facts.problem.severity } : null,
        inGroup,
        mergesBlock,
        direction,
      };
      const invalid = facts?.problem?.severity === 'error';
      const flow: FlowNode = {
        id: n.id,
        type: 'layer',
        position: n.position,
        data,
        selected: isSelected,
        ...LAYER_SIZE,
        measured: LAYER_SIZE,
        handles: handlesFor(LAYER_SIZE, n.type !== 'Input', n.type !== 'Output', direction),
        ariaLabel: `${n.type} ${n.name ?? n.id}`,
        domAttributes: facts?.problem ? { 'aria-invalid': invalid ? true : undefined, 'aria-describedby': `problem-${n.id}` } : undefined,
      };
      this.layerCache.set(n.id, { node: n, selected: isSelected, facts, inGroup, mergesBlock, direction, flow });
      nodes.push(flow);
    }
    for (const id of this.layerCache.keys()) if (!layers.has(id)) this.layerCache.delete(id);

    const edges: FlowEdge[] = [];
    const seenEdges = new Set<string>();
    const along = (p: { x: number; y: number } | undefined): number => (direction === 'right' ? (p?.x ?? 0) : (p?.y ?? 0));
    const span = direction === 'right' ? LAYER_SIZE.width * 2.5 : LAYER_SIZE.height * 2.5;
    for (const { e, source, target, intoBlock } of drawnEdges) {
      const label = validation.edgeLabels.get(e.id) ?? '';
      const targetType = byId.get(e.target)?.type;
      // A drawn edge bows aside when it skips layers into a merge; positions inside folded or collapsed
      // blocks say nothing about the drawn edge, so only edges between drawn layers are measured.
      const skip =
        intoBlock ||
        (target === e.target &&
          source === e.source &&
          (targetType === 'Add' || targetType === 'Concatenate') &&
          Math.abs(along(byId.get(e.target)?.position) - along(byId.get(e.source)?.position)) > span);
      const isSelected = selectedEdges.has(e.id);
      const key = `${source}|${target}|${label}|${skip}|${intoBlock}|${isSelected}`;
      seenEdges.add(e.id);
      const cached = this.edgeCache.get(e.id);
      if (cached && cached.key === key) {
        edges.push(cached.flow);
        continue;
      }
      const flow: FlowEdge = {
        id: e.id,
        source,
        target,
        type: 'shape',
        label,
        data: intoBlock ? { skip, intoBlock } : { skip },
        selected: isSelected,
        ariaLabel: `${source} to ${target}${intoBlock ? ' (shortcut)' : ''}${label ? ` ${label}` : ''}`,
        ...(intoBlock ? { targetHandle: SHORTCUT_HANDLE } : {}),
      };
      this.edgeCache.set(e.id, { key, flow });
      edges.push(flow);
    }
    for (const id of this.edgeCache.keys()) if (!seenEdges.has(id)) this.edgeCache.delete(id);
    return { nodes, edges };
  }

  private blockNode(
    b: ResidualBlock,
    byId: ReadonlyMap<string, DesignNode>,
    validation: ValidationState,
    isSelected: boolean,
    badge: BlockNodeData['badge'],
    inGroup: boolean,
    direction: Direction,
  ): FlowNode {
    const members = b.members.map((id) => byId.get(id)).filter((n): n is DesignNode => !!n);
    const position = { x: Math.min(...members.map((n) => n.position.x)), y: Math.min(...members.map((n) => n.position.y)) };
    const outShape = validation.facts.get(b.exit)?.shape ?? null;
    const problemNode = members.find((n) => validation.facts.get(n.id)?.problem);
    const problem = problemNode ? (validation.facts.get(problemNode.id)?.problem ?? null) : null;
    const key = JSON.stringify([
      b.signature,
      b.members,
      b.name,
      position,
      outShape,
      problem?.message,
      isSelected,
      badge,
      inGroup,
      b.shortcutEdge,
      b.branchEdge,
      direction,
    ]);
    const cached = this.blockCache.get(b.id);
    if (cached && cached.key === key) return cached.flow;
    const data: BlockNodeData = {
      block: b,
      layers: members.map((n) => ({ id: n.id, type: n.type })),
      outShape,
      problem: problem ? { message: problem.message, severity: problem.severity } : null,
      badge,
      inGroup,
      direction,
    };
    const id = blockNodeId(b.id);
    const flow: FlowNode = {
      id,
      type: 'block',
      position,
      data,
      selected: isSelected,
      ...BLOCK_SIZE,
      measured: BLOCK_SIZE,
      handles: handlesFor(BLOCK_SIZE, true, true, direction, true),
      ariaLabel: `Block ${b.name}`,
      domAttributes: problem ? { 'aria-invalid': problem.severity === 'error' ? true : undefined, 'aria-describedby': `problem-${b.id}` } : undefined,
    };
    this.blockCache.set(b.id, { key, flow });
    return flow;
  }

  private groupNode(g: RepeatGroup, byId: ReadonlyMap<string, DesignNode>, validation: ValidationState, isSelected: boolean, direction: Direction): FlowNode {
    const members = g.nodeIds.map((id) => byId.get(id)).filter((n): n is DesignNode => !!n);
    const xs = members.map((n) => n.position.x);
    const ys = members.map((n) => n.position.y);
    const minX = Math.min(...xs);
    const minY = Math.min(...ys);
    const shapes = members.map((n) => validation.facts.get(n.id)?.shape ?? null);
    const problemNode = members.find((n) => validation.facts.get(n.id)?.problem?.severity === 'error');
    const groupProblem = validation.result.diagnostics.find((d) => d.groupId === g.id);
    const problem = groupProblem ?? (problemNode ? (validation.facts.get(problemNode.id)?.problem ?? null) : null);
    const contents = members.map((n) => n.type).join(' → ');
    const firstShape = shapes.find((s) => s) ?? null;
    const lastShape = [...shapes].reverse().find((s) => s) ?? null;
    const position = g.collapsed ? { x: minX, y: minY } : { x: minX - FRAME_PADDING, y: minY - FRAME_PADDING - FRAME_HEADER };
    const size = g.collapsed
      ? GROUP_SIZE
      : {
          width: Math.max(...xs) - minX + LAYER_SIZE.width + 2 * FRAME_PADDING,
          height: Math.max(...ys) - minY + LAYER_SIZE.height + 2 * FRAME_PADDING + FRAME_HEADER,
        };
    const key = JSON.stringify([g, position, size, contents, firstShape, lastShape, problem?.message, isSelected, direction]);
    const cached = this.groupCache.get(g.id);
    if (cached && cached.key === key) return cached.flow;
    const data: GroupNodeData = {
      group: g,
      contents,
      inShape: firstShape,
      outShape: lastShape,
      problem: problem ? { message: problem.message, severity: problem.severity } : null,
      direction,
    };
    const label = `Repeat ${g.name ?? g.id} ×${g.repeat}`;
    const flow: FlowNode = g.collapsed
      ? {
          id: g.id,
          type: 'group',
          position,
          data,
          selected: isSelected,
          ...size,
          measured: size,
          handles: handlesFor(size, true, true, direction),
          ariaLabel: label,
          domAttributes: problem ? { 'aria-invalid': problem.severity === 'error' ? true : undefined, 'aria-describedby': `problem-${g.id}` } : undefined,
        }
      : {
          id: g.id,
          type: 'groupFrame',
          position,
          data,
          selected: isSelected,
          ...size,
          measured: size,
          handles: [],
          draggable: false,
          selectable: false,
          zIndex: -1,
          ariaLabel: `${label} (expanded)`,
        };
    this.groupCache.set(g.id, { key, flow });
    return flow;
  }
}
