import type { Design, DesignEdge, DesignNode } from './design';
import type { QuickFix } from './diagnostics';
import { freshId, usedIds } from './ids';
import { Conv2DParams } from './catalogue/conv';
import { DenseParams } from './catalogue/dense';
import { validateDesign } from './validate';
import { windowOutput } from './catalogue/common';
import { formatShape } from './shape';

export type FixResult = { ok: true; design: Design; insertedNodeId: string } | { ok: false; message: string };

/** Quick fixes are pure: they return a patched copy and never touch the input. */
export function applyFix(design: Design, fix: QuickFix): FixResult {
  switch (fix.kind) {
    case 'insert-flatten':
      return insertOnEdge(design, fix.edgeId, (id) => ({ id, type: 'Flatten', params: {}, position: { x: 0, y: 0 } }));
    case 'insert-projection':
      return insertProjection(design, fix.addNodeId, fix.edgeId);
  }
}

function insertOnEdge(design: Design, edgeId: string, makeNode: (id: string) => DesignNode): FixResult {
  const edge = design.edges.find((e) => e.id === edgeId);
  if (!edge) return { ok: false, message: `edge "${edgeId}" is not in the design` };
  const taken = usedIds(design);
  const node = makeNode(freshId(design, makeNode('x').type, taken));
  const source = design.nodes.find((n) => n.id === edge.source);
  const target = design.nodes.find((n) => n.id === edge.target);
  if (source && target) node.position = { x: (source.position.x + target.position.x) / 2, y: (source.position.y + target.position.y) / 2 };
  const into: DesignEdge = { id: freshId(design, 'e', taken), source: edge.source, target: node.id, targetPort: 0 };
  const outOf: DesignEdge = { ...edge, source: node.id };
  const edges = design.edges.flatMap((e) => (e.id === edgeId ? [into, outOf] : [e]));
  // A node inserted inside a repeated block belongs to that block.
  const groups = design.groups.map((g) =>
    g.nodeIds.includes(edge.source) && g.nodeIds.includes(edge.target) ? { ...g, nodeIds: [...g.nodeIds, node.id] } : g,
  );
  return { ok: true, design: { ...design, nodes: [...design.nodes, node], edges, groups }, insertedNodeId: node.id };
}

/** Dense (vectors) or 1×1 Conv2D with the stride that maps the shortcut onto the branch's shape (images), as in ResNet option B. */
function insertProjection(design: Design, addNodeId: string, shortcutEdgeId: string): FixResult {
  const { nodeShapes } = validateDesign(design);
  const shortcut = design.edges.find((e) => e.id === shortcutEdgeId);
  if (!shortcut || shortcut.target !== addNodeId) return { ok: false, message: `edge "${shortcutEdgeId}" does not feed "${addNodeId}"` };
  const other = design.edges.find(
    (e) => e.target === addNodeId && e.id !== shortcutEdgeId && !sameSourceShape(nodeShapes.get(e.source), nodeShapes.get(shortcut.source)),
  );
  const from = nodeShapes.get(shortcut.source);
  const to = other && nodeShapes.get(other.source);
  if (!from || !to) return { ok: false, message: `the shapes around "${addNodeId}" are not known yet; fix the problems before it first` };
  if (from.length !== to.length) return { ok: false, message: `cannot project ${formatShape(from)} onto ${formatShape(to)}: the ranks differ` };
  if (to.length === 1) {
    const params = DenseParams.parse({ units: to[0], activation: 'linear', useBias: false });
    return insertOnEdge(design, shortcutEdgeId, (id) => ({ id, type: 'Dense', name: 'projection', params, position: { x: 0, y: 0 } }));
  }
  const stride = [1, 2, 3, 4, 5, 6, 7, 8].find((s) => windowOutput(from[0], 1, s, 'same') === to[0] && windowOutput(from[1], 1, s, 'same') === to[1]);
  if (stride === undefined) return { ok: false, message: `no 1×1 convolution stride maps ${formatShape(from)} onto ${formatShape(to)}` };
  const params = Conv2DParams.parse({ filters: to[2], kernelSize: 1, strides: stride, padding: 'same', activation: 'linear', useBias: false });
  return insertOnEdge(design, shortcutEdgeId, (id) => ({ id, type: 'Conv2D', name: 'projection', params, position: { x: 0, y: 0 } }));
}

function sameSourceShape(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((d, i) => d === b[i]);
}
