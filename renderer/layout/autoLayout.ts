import type { ELK as ElkApi, ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { Design } from '../../src/graph/design';
import type { Point } from '../../src/graph/edit';
import { foldedOwner } from '../../src/graph/blocksEdit';
import { BLOCK_SIZE, GROUP_SIZE, LAYER_SIZE } from '../canvas/geometry';
import { blockNodeId } from '../canvas/blockIds';
import { wrapColumns, type Box } from './wrap';

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
}

/**
 * Top-to-bottom layered layout of what the canvas shows (a collapsed repeat block or a folded residual
 * block is one box whose members move with it). ELK's layering puts a skip's target below the branch,
 * and network-simplex node placement keeps the main chain straight, so shortcuts bow beside it. With
 * `wrapAspect` the layered column is cut into several side by side.
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
  const spacing = options.compact ? '24' : '40';
  const between = options.compact ? '14' : '40';
  const graph = await (await loadElk()).layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': between,
      'elk.spacing.nodeNode': spacing,
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children,
    edges,
  });
  let boxes: Box[] = (graph.children ?? []).map((c) => ({ id: c.id, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 }));
  if (options.wrapAspect) boxes = wrapColumns(boxes, options.wrapAspect, Number(spacing) * 1.5);
  const placed = new Map(boxes.map((b) => [b.id, { x: Math.round(b.x), y: Math.round(b.y) }]));
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
