import { Position, type NodeHandle } from '@xyflow/react';
import { layerKind } from '../../src/graph/catalogue';
import type { FlowEdge, FlowNode } from './flowTypes';

/** One box of the compact layer, in flow coordinates. */
export interface CompactBox {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
  /** The class giving the box its family colour (the same families as the full faces). */
  family: string;
  /** Whose statistic colours the box: the layer itself, a collapsed group, a folded block's output; null for a frame. */
  statId: string | null;
  /** A folded block's two edges into its input, for `data-shortcut-grad-norm` and `data-branch-grad-norm` in Backward. */
  blockEdges: { shortcut: string; branch: string } | null;
  frame: boolean;
}

export function compactBoxes(nodes: readonly FlowNode[]): CompactBox[] {
  return nodes.map((n) => {
    const width = n.width ?? 200;
    const height = n.height ?? 72;
    const base = { id: n.id, x: n.position.x, y: n.position.y, width, height, label: n.ariaLabel ?? n.id, blockEdges: null, frame: false };
    switch (n.type) {
      case 'layer':
        return { ...base, family: `kind-${layerKind(n.data.node.type).category.replace(/\W+/g, '-').toLowerCase()}`, statId: n.id };
      case 'group':
        return { ...base, family: 'kind-group', statId: n.data.group.id };
      case 'block':
        return {
          ...base,
          family: 'kind-block',
          statId: n.data.block.exit,
          blockEdges: { shortcut: n.data.block.shortcutEdge, branch: n.data.block.branchEdge },
        };
      case 'groupFrame':
        return { ...base, family: 'kind-frame', statId: null, frame: true };
    }
  });
}

const HANDLE = 10;
const NORMAL: Record<Position, [number, number]> = {
  [Position.Top]: [0, -1],
  [Position.Bottom]: [0, 1],
  [Position.Left]: [-1, 0],
  [Position.Right]: [1, 0],
};

function handleOf(node: FlowNode, type: 'source' | 'target', id: string | null | undefined): NodeHandle | undefined {
  const handles = node.handles ?? [];
  return handles.find((h) => h.type === type && (h.id ?? null) === (id ?? null)) ?? handles.find((h) => h.type === type);
}

/**
 * Every edge as one SVG path (flow coordinates): a cubic curve from the source's output handle to the
 * target's input handle, leaving and entering along the handles' sides, as the full edges do.
 */
export function compactEdgePath(nodes: readonly FlowNode[], edges: readonly FlowEdge[]): { d: string; count: number } {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  let d = '';
  let count = 0;
  for (const e of edges) {
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    if (!s || !t) continue;
    const sh = handleOf(s, 'source', e.sourceHandle);
    const th = handleOf(t, 'target', e.targetHandle);
    if (!sh || !th) continue;
    const sx = s.position.x + sh.x + HANDLE / 2;
    const sy = s.position.y + sh.y + HANDLE / 2;
    const tx = t.position.x + th.x + HANDLE / 2;
    const ty = t.position.y + th.y + HANDLE / 2;
    const reach = Math.max(20, Math.hypot(tx - sx, ty - sy) / 3);
    const [snx, sny] = NORMAL[sh.position];
    const [tnx, tny] = NORMAL[th.position];
    d += `M${Math.round(sx)} ${Math.round(sy)}C${Math.round(sx + snx * reach)} ${Math.round(sy + sny * reach)} ${Math.round(tx + tnx * reach)} ${Math.round(ty + tny * reach)} ${Math.round(tx)} ${Math.round(ty)}`;
    count++;
  }
  return { d, count };
}

/** The box under a flow-coordinate point (the last drawn wins, as on screen), frames excluded. */
export function boxAt(boxes: readonly CompactBox[], p: { x: number; y: number }): CompactBox | null {
  for (let i = boxes.length - 1; i >= 0; i--) {
    const b = boxes[i];
    if (!b.frame && p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y && p.y <= b.y + b.height) return b;
  }
  return null;
}
