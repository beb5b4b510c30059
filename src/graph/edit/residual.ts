import type { Design, DesignEdge, DesignNode } from '../design';
import { applyFix } from '../fixes';
import { freshId, usedIds } from '../ids';
import { formatShape, sameShape } from '../shape';
import { indexGraph } from '../topology';
import { validateDesign } from '../validate';
import { refuse, type EditResult } from './result';

/** The one outside node feeding a selection and the one member whose output leaves it. */
export interface Block {
  members: Set<string>;
  entrySource: string;
  exit: string;
}

export type BlockResult = { ok: true; block: Block } | { ok: false; message: string };

/** A selection is a block when exactly one outside node feeds it and exactly one member's output leaves it (or ends it). */
export function findBlock(design: Design, nodeIds: readonly string[]): BlockResult {
  if (nodeIds.length === 0) return { ok: false, message: 'select the layers of the block first' };
  const index = indexGraph(design);
  const members = new Set(nodeIds);
  const sources = new Set<string>();
  const exits = new Set<string>();
  for (const id of members) {
    const node = index.nodes.get(id);
    if (!node) return { ok: false, message: `node "${id}" is not in the design` };
    if (node.type === 'Input' || node.type === 'Output') return { ok: false, message: `a block cannot contain the ${node.type} node "${id}"` };
    for (const e of index.incoming.get(id) ?? []) if (!members.has(e.source)) sources.add(e.source);
    const out = index.outgoing.get(id) ?? [];
    if (out.length === 0 || out.some((e) => !members.has(e.target))) exits.add(id);
  }
  if (sources.size !== 1) {
    return {
      ok: false,
      message:
        sources.size === 0
          ? 'nothing outside the selection feeds it; a block needs one input'
          : `the selection takes input from ${sources.size} outside layers (${[...sources].join(', ')}); a block needs exactly one`,
    };
  }
  if (exits.size !== 1) {
    return { ok: false, message: `${exits.size} selected layers (${[...exits].join(', ')}) lead out of the selection; a block needs exactly one exit` };
  }
  return { ok: true, block: { members, entrySource: [...sources][0], exit: [...exits][0] } };
}

/**
 * Turns the selected block g into x + g(x): an Add after the block's exit takes over the exit's
 * consumers, and a shortcut edge brings the block's input to the Add. When g changes the shape,
 * the shortcut gets a projection (the core's quick fix), as in ResNet option B.
 */
export function wrapInResidual(design: Design, nodeIds: readonly string[]): EditResult {
  const found = findBlock(design, nodeIds);
  if (!found.ok) return refuse(found.message);
  const { entrySource, exit, members } = found.block;
  const taken = usedIds(design);
  const exitNode = design.nodes.find((n) => n.id === exit) as DesignNode;
  const entryNode = design.nodes.find((n) => n.id === entrySource) as DesignNode;
  const addId = freshId(design, 'Add', taken);
  const add = { id: addId, type: 'Add', params: {}, position: { x: exitNode.position.x, y: exitNode.position.y + 100 } } as DesignNode;
  const branchEdge: DesignEdge = { id: freshId(design, 'e', taken), source: exit, target: addId, targetPort: 0 };
  const shortcut: DesignEdge = { id: freshId(design, 'e', taken), source: entrySource, target: addId, targetPort: 1 };
  // Consumers of the exit outside the block now read the sum; positions below shift to make room.
  const edges = design.edges.map((e) => (e.source === exit && !members.has(e.target) ? { ...e, source: addId } : e));
  const below = exitNode.position.y;
  const nodes = design.nodes.map((n) => (n.position.y > below && !members.has(n.id) ? { ...n, position: { x: n.position.x, y: n.position.y + 100 } } : n));
  const groups = design.groups.map((g) => ([...members].every((m) => g.nodeIds.includes(m)) ? { ...g, nodeIds: [...g.nodeIds, addId] } : g));
  const wrapped: Design = { ...design, nodes: [...nodes, add], edges: [...edges, branchEdge, shortcut], groups };

  const { nodeShapes } = validateDesign(wrapped);
  const inShape = nodeShapes.get(entrySource);
  const outShape = nodeShapes.get(exit);
  if (!inShape || !outShape || sameShape(inShape, outShape)) {
    return {
      ok: true,
      design: wrapped,
      selection: [addId],
      note: inShape && outShape ? undefined : `shapes around ${entryNode.id} are not known yet, so no projection was considered`,
    };
  }
  const fixed = applyFix(wrapped, { kind: 'insert-projection', addNodeId: addId, edgeId: shortcut.id });
  if (!fixed.ok)
    return { ok: true, design: wrapped, selection: [addId], note: `the block maps ${formatShape(inShape)} to ${formatShape(outShape)} and ${fixed.message}` };
  return {
    ok: true,
    design: fixed.design,
    selection: [addId, fixed.insertedNodeId],
    note: `inserted projection ${fixed.insertedNodeId}: the block maps ${formatShape(inShape)} to ${formatShape(outShape)}`,
  };
}
