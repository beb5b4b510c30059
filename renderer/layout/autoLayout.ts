import type { ELK as ElkApi, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { Design } from '../../src/graph/design';
import type { Point } from '../../src/graph/edit';
import { foldedOwner } from '../../src/graph/blocksEdit';
import { BLOCK_SIZE, GROUP_SIZE, LAYER_SIZE } from '../canvas/geometry';
import { blockNodeId } from '../canvas/blockIds';
import { wrapColumns, type Box } from './wrap';
import { layeredLayout, type Direction } from './layered';

/**
 * Above this many boxes the linear-time layered layout replaces ELK (ELK's layering and
 * network-simplex placement grow much faster than linearly: 2,004 nodes took over two minutes).
 */
export const ELK_LIMIT = 300;

let elk: Promise<ElkApi> | null = null;
/** ELK is large (about 1.5 MB); it loads the first time someone asks for a layout. */
function loadElk(): Promise<ElkApi> {
  elk ??= import('elkjs/lib/elk.bundled.js').then(({ default: ELK }) => new ELK());
  return elk;
}

export interface LayoutOptions {
  /** Lay a long chain out in several columns so the whole fills a viewport of this shape (width / height). */
  wrapAspect?: number;
  /** Tighter spacing, for fitting a deep net on screen. */
  compact?: boolean;
  /** Which way data flows; the design's view setting (top-down when it has none) unless given. */
  direction?: Direction;
}

/** The direction a design is drawn in. */
export function designDirection(design: Design): Direction {
  return design.view?.direction ?? 'down';
}

/**
 * Layered layout of what the canvas shows (a collapsed repeat block or a folded residual block is one
 * box whose members move with it), top-down or left-to-right as the design's view says. Small graphs
 * go through ELK (crossing minimisation for branchy designs); above ELK_LIMIT boxes the linear-time
 * layeredLayout. Either way skips bow beside a straight main chain, and with `wrapAspect` a long chain
 * is cut into columns (rows, left to right) shaped like the window.
 */
export async function autoLayout(design: Design, options: LayoutOptions = {}): Promise<Map<string, Point>> {
  const hiddenBy = new Map<string, string>();
  for (const g of design.groups) if (g.collapsed) for (const id of g.nodeIds) hiddenBy.set(id, g.id);
  const owner = foldedOwner(design);
  const box = (id: string): string => hiddenBy.get(id) ?? (owner.has(id) ? blockNodeId((owner.get(id) as { id: string }).id) : id);
  const blocks = [...new Set(owner.values())];
  const children: ElkNode[] = [
    ...design.nodes.filter((n) => !hiddenBy.has(n.id) && !owner.has(n.id)).map((n) => ({ id: n.id, ...LAYER_SIZE })),
    ...design.groups.filter((g) => g.collapsed).map((g) => ({ id: g.id, ...GROUP_SIZE })),
    ...blocks.map((b) => ({ id: blockNodeId(b.id), ...BLOCK_SIZE })),
  ];
  const seen = new Set<string>();
  const edges = design.edges.flatMap((e) => {
    const source = box(e.source);
    const target = box(e.target);
    const key = `${source}>${target}`;
    if (source === target || seen.has(key)) return [];
    seen.add(key);
    return [{ id: e.id, sources: [source], targets: [target] }];
  });
  // Compact: rows closer together, so a deep chain fits the window at a legible zoom.
  const spacing = options.compact ? 24 : 40;
  const between = options.compact ? 14 : 40;
  const direction = options.direction ?? designDirection(design);
  const placed =
    children.length > ELK_LIMIT
      ? layeredLayout(
          children.map((c) => ({ id: c.id, width: c.width ?? 0, height: c.height ?? 0 })),
          edges.map((e) => ({ source: e.sources[0], target: e.targets[0] })),
          {
            direction,
            wrapAspect: options.wrapAspect,
            between,
            beside: 60,
            wrapGap: 60,
          },
        )
      : await elkLayout(children, edges, direction, spacing, between, options.wrapAspect);
  const positions = new Map<string, Point>();
  for (const n of design.nodes) {
    const p = placed.get(n.id);
    if (p) positions.set(n.id, p);
  }
  const byId = new Map(design.nodes.map((n) => [n.id, n]));
  const moveMembers = (memberIds: readonly string[], p: Point | undefined): void => {
    if (!p) return;
    const members = memberIds.map((id) => byId.get(id)).filter((n) => !!n);
    const minX = Math.min(...members.map((n) => n.position.x));
    const minY = Math.min(...members.map((n) => n.position.y));
    for (const n of members) positions.set(n.id, { x: n.position.x - minX + p.x, y: n.position.y - minY + p.y });
  };
  for (const g of design.groups) if (g.collapsed) moveMembers(g.nodeIds, placed.get(g.id));
  for (const b of blocks) moveMembers(b.members, placed.get(blockNodeId(b.id)));
  return positions;
}

/** ELK's layered layout (better crossing minimisation on small, branchy graphs), wrapped like layeredLayout. */
async function elkLayout(
  children: ElkNode[],
  edges: ElkExtendedEdge[],
  direction: Direction,
  spacing: number,
  between: number,
  wrapAspect: number | undefined,
): Promise<Map<string, Point>> {
  const graph = await (
    await loadElk()
  ).layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': direction === 'down' ? 'DOWN' : 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': String(between),
      'elk.spacing.nodeNode': String(spacing),
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children,
    edges,
  });
  let boxes: Box[] = (graph.children ?? []).map((c) => ({ id: c.id, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 }));
  // Rows for a left-to-right chain: wrap the transposed layout into columns and transpose back.
  const flip = (b: Box): Box => ({ id: b.id, x: b.y, y: b.x, width: b.height, height: b.width });
  if (wrapAspect)
    boxes = direction === 'down' ? wrapColumns(boxes, wrapAspect, spacing * 1.5) : wrapColumns(boxes.map(flip), 1 / wrapAspect, spacing * 1.5).map(flip);
  return new Map(boxes.map((b) => [b.id, { x: Math.round(b.x), y: Math.round(b.y) }]));
}
