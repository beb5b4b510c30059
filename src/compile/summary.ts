import type { Design } from '../graph/design';
import { layerKind } from '../graph/catalogue';
import { formatShape, type Shape } from '../graph/shape';
import { indexGraph } from '../graph/topology';
import { groupOf } from '../graph/groups';
import { validateDesign } from '../graph/validate';
import { unroll } from '../graph/unroll';

export interface SummaryRow {
  nodeId: string;
  type: string;
  name: string;
  outputShape: Shape | null;
  /** Parameters of one copy of this node. */
  params: number;
  /** How many times the node runs (a repeat group's count, else 1). */
  copies: number;
  flops: number;
  groupId?: string;
}

export interface DesignSummary {
  rows: SummaryRow[];
  totalParams: number;
  totalFlops: number;
  /** Layers after unrolling (Input excluded), the figure people quote ("ResNet-56"). */
  layerCount: number;
  /** Weighted layers (Dense, Conv2D, Output) on the longest Input→Output path: depth as He et al. count it (projections excluded). */
  weightedLayerCount: number;
}

/** One row per design node, from shapes already inferred (validateDesign's nodeShapes). */
export function summaryRows(design: Design, nodeShapes: ReadonlyMap<string, Shape>): SummaryRow[] {
  const index = indexGraph(design);
  const groups = groupOf(design);
  return design.nodes.map((node) => {
    const kind = layerKind(node.type);
    const inputs = (index.incoming.get(node.id) ?? []).map((e) => nodeShapes.get(e.source));
    const out = nodeShapes.get(node.id) ?? null;
    const known = out !== null && inputs.every((s) => s !== undefined);
    const params = kind.params.safeParse(node.params);
    const group = groups.get(node.id);
    return {
      nodeId: node.id,
      type: node.type,
      name: node.name ?? node.id,
      outputShape: out,
      params: known && params.success ? kind.paramCount(inputs as Shape[], out, params.data) : 0,
      flops: known && params.success ? kind.flops(inputs as Shape[], out, params.data) : 0,
      copies: group?.repeat ?? 1,
      groupId: group?.id,
    };
  });
}

/** Keras-style summary computed from the design alone (no tf.js), so the UI can show it on every edit. */
export function summarizeDesign(design: Design): DesignSummary {
  const { nodeShapes, valid } = validateDesign(design);
  const rows = summaryRows(design, nodeShapes);
  return {
    rows,
    totalParams: rows.reduce((n, r) => n + r.params * r.copies, 0),
    totalFlops: rows.reduce((n, r) => n + r.flops * r.copies, 0),
    layerCount: rows.filter((r) => r.type !== 'Input').reduce((n, r) => n + r.copies, 0),
    weightedLayerCount: valid ? weightedDepth(design) : rows.filter((r) => WEIGHTED.has(r.type)).reduce((n, r) => n + r.copies, 0),
  };
}

const WEIGHTED = new Set(['Dense', 'Conv2D', 'Output']);

function weightedDepth(design: Design): number {
  const depth = new Map<string, number>();
  let deepest = 0;
  for (const n of unroll(design).nodes) {
    const d = Math.max(0, ...n.inputs.map((e) => depth.get(e.source) ?? 0)) + (WEIGHTED.has(n.node.type) ? 1 : 0);
    depth.set(n.id, d);
    deepest = Math.max(deepest, d);
  }
  return deepest;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A table like Keras' model.summary(). */
export function formatSummary(design: Design, summary: DesignSummary): string {
  const header = ['Node', 'Type', 'Output shape', 'Params', 'Copies'];
  const body = summary.rows.map((r) => [
    r.name === r.nodeId ? r.nodeId : `${r.nodeId} (${r.name})`,
    r.type,
    r.outputShape ? formatShape(r.outputShape) : '?',
    formatCount(r.params),
    r.copies > 1 ? `×${r.copies}` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = '─'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  return [
    `Design: ${design.metadata.name}`,
    rule,
    line(header),
    rule,
    ...body.map(line),
    rule,
    `Total params: ${formatCount(summary.totalParams)}`,
    `Layers (unrolled): ${formatCount(summary.layerCount)}, weighted layers: ${formatCount(summary.weightedLayerCount)}`,
    `Forward FLOPs per sample: ${formatCount(summary.totalFlops)}`,
  ].join('\n');
}
