import type { ELK as ElkApi, ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { Design } from '../../src/graph/design';
import type { Point } from '../../src/graph/edit';
import { GROUP_SIZE, LAYER_SIZE } from '../canvas/geometry';

let elk: Promise<ElkApi> | null = null;
/** ELK is large (about 1.5 MB); it loads the first time someone asks for a layout. */
function loadElk(): Promise<ElkApi> {
  elk ??= import('elkjs/lib/elk.bundled.js').then(({ default: ELK }) => new ELK());
  return elk;
}

/**
 * Top-to-bottom layered layout of what the canvas shows (a collapsed block is one box whose members
 * move with it). ELK's layering puts a skip's target below the branch, and network-simplex node
 * placement keeps the main chain straight, so shortcuts bow beside it.
 */
export async function autoLayout(design: Design): Promise<Map<string, Point>> {
  const hiddenBy = new Map<string, string>();
  for (const g of design.groups) if (g.collapsed) for (const id of g.nodeIds) hiddenBy.set(id, g.id);
  const box = (id: string): string => hiddenBy.get(id) ?? id;
  const children: ElkNode[] = [
    ...design.nodes.filter((n) => !hiddenBy.has(n.id)).map((n) => ({ id: n.id, ...LAYER_SIZE })),
    ...design.groups.filter((g) => g.collapsed).map((g) => ({ id: g.id, ...GROUP_SIZE })),
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
  const graph = await (await loadElk()).layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children,
    edges,
  });
  const placed = new Map<string, Point>();
  for (const c of graph.children ?? []) placed.set(c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) });
  const positions = new Map<string, Point>();
  for (const n of design.nodes) {
    const p = placed.get(n.id);
    if (p) positions.set(n.id, p);
  }
  for (const g of design.groups) {
    const p = placed.get(g.id);
    if (!p) continue;
    const members = design.nodes.filter((n) => g.nodeIds.includes(n.id));
    const minX = Math.min(...members.map((n) => n.position.x));
    const minY = Math.min(...members.map((n) => n.position.y));
    for (const n of members) positions.set(n.id, { x: n.position.x - minX + p.x, y: n.position.y - minY + p.y });
  }
  return positions;
}
