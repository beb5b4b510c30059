import type { Design } from '../../src/graph/design';
import { groupBoundary } from '../../src/graph/groups';
import { indexGraph } from '../../src/graph/topology';
import { unroll } from '../../src/graph/unroll';

/**
 * Which rows of a stats frame each canvas element reads: a layer node reads the rows of all its
 * copies (one row outside repeat groups), a collapsed group reads its exit node's copies (what the
 * next layer sees), an edge reads its own gradient row where the engine measured one (fan-out
 * sources) and otherwise its source's output gradient. Built once per design and frame layout.
 */
export interface OverlayLayout {
  /** Canvas element id (design node or group id) → frame node rows, in copy order. */
  nodeRows: Map<string, Int32Array>;
  /** Design edge id → per copy: the frame edge row (or -1) and the source's frame node row. */
  edgeRows: Map<string, { edgeRows: Int32Array; sourceRows: Int32Array }>;
  /** Frame node row → depth (position in topological order among measured rows), for the depth profile. */
  depthOrder: Int32Array;
  /** Design node id → its layer type and ReLU-family flag (for dead units). */
  kinds: Map<string, { type: string; reluFamily: boolean }>;
}

const RELU = new Set(['relu', 'relu6']);

function isReluFamily(node: Design['nodes'][number]): boolean {
  const params = node.params as { activation?: unknown };
  return typeof params.activation === 'string' && RELU.has(params.activation);
}

export function buildOverlayLayout(design: Design, frameNodeIds: readonly string[], frameEdgeIds: readonly string[]): OverlayLayout {
  const rowOf = new Map(frameNodeIds.map((id, row) => [id, row]));
  const edgeRowOf = new Map(frameEdgeIds.map((id, row) => [id, row]));
  const nodeRows = new Map<string, Int32Array>();
  const edgeRows = new Map<string, { edgeRows: Int32Array; sourceRows: Int32Array }>();
  const kinds = new Map<string, { type: string; reluFamily: boolean }>();
  for (const n of design.nodes) kinds.set(n.id, { type: n.type, reluFamily: isReluFamily(n) });

  let graph: ReturnType<typeof unroll> | null = null;
  try {
    graph = unroll(design);
  } catch {
    // An invalid design (mid-edit) shows no overlay rather than a wrong one.
  }
  const copiesOf = new Map<string, string[]>();
  const edgeCopies = new Map<string, { id: string; source: string }[]>();
  if (graph) {
    for (const n of graph.nodes) {
      const list = copiesOf.get(n.designId) ?? [];
      list.push(n.id);
      copiesOf.set(n.designId, list);
    }
    for (const e of graph.edges) {
      const list = edgeCopies.get(e.designEdgeId) ?? [];
      list.push({ id: e.id, source: e.source });
      edgeCopies.set(e.designEdgeId, list);
    }
  }
  const rows = (ids: readonly string[]): Int32Array => Int32Array.from(ids.map((id) => rowOf.get(id) ?? -1).filter((r) => r >= 0));
  for (const [designId, ids] of copiesOf) nodeRows.set(designId, rows(ids));
  const index = indexGraph(design);
  for (const g of design.groups) {
    const boundary = groupBoundary(g, index);
    if (boundary.ok) nodeRows.set(g.id, nodeRows.get(boundary.boundary.exit) ?? new Int32Array());
  }
  for (const [designEdgeId, copies] of edgeCopies) {
    edgeRows.set(designEdgeId, {
      edgeRows: Int32Array.from(copies.map((c) => edgeRowOf.get(c.id) ?? -1)),
      sourceRows: Int32Array.from(copies.map((c) => rowOf.get(c.source) ?? -1)),
    });
  }
  const order = graph ? graph.nodes.map((n) => rowOf.get(n.id) ?? -1).filter((r) => r >= 0) : frameNodeIds.map((_, r) => r);
  return { nodeRows, edgeRows, depthOrder: Int32Array.from(order), kinds };
}
