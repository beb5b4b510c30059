import type { Design } from './design';
import type { Diagnostic } from './diagnostics';
import { layerKind } from './catalogue';
import type { Shape } from './shape';
import { depths, type GraphIndex } from './topology';

export interface ShapeInference {
  /** Output shape of every node whose inputs could be inferred. */
  nodeShapes: Map<string, Shape>;
  /** Shape carried by every edge whose source has a shape. */
  edgeShapes: Map<string, Shape>;
  diagnostics: Diagnostic[];
}

/**
 * Infers shapes over the design graph in topological order. Repeat groups are checked once
 * (every copy has the same shapes when the block maps its input shape to itself, which validateDesign checks).
 */
export function inferShapes(design: Design, index: GraphIndex, order: readonly string[]): ShapeInference {
  const nodeShapes = new Map<string, Shape>();
  const edgeShapes = new Map<string, Shape>();
  const diagnostics: Diagnostic[] = [];
  let depth: Map<string, number> | undefined;

  for (const id of order) {
    const node = index.nodes.get(id);
    if (!node) continue;
    const kind = layerKind(node.type);
    const incoming = index.incoming.get(id) ?? [];
    if (incoming.length < kind.inputs.min || incoming.length > kind.inputs.max) continue; // reported as 'arity'
    const inputs: Shape[] = [];
    for (const e of incoming) {
      const s = nodeShapes.get(e.source);
      if (!s) break;
      inputs.push(s);
    }
    if (inputs.length !== incoming.length) continue; // an upstream problem is already reported
    const params = kind.params.safeParse(node.params);
    if (!params.success) continue; // reported as 'param'
    const result = kind.inferShape(inputs, params.data);
    if (result.ok) {
      nodeShapes.set(id, result.shape);
      for (const e of index.outgoing.get(id) ?? []) edgeShapes.set(e.id, result.shape);
      continue;
    }
    const diagnostic: Diagnostic = { code: result.code, severity: 'error', nodeId: id, message: `${node.type} "${id}": ${result.message}` };
    if (result.fix === 'insert-flatten' && result.inputIndex !== undefined) {
      diagnostic.fix = { kind: 'insert-flatten', edgeId: incoming[result.inputIndex].id };
    } else if (result.fix === 'insert-projection') {
      depth ??= depths(index, order);
      diagnostic.fix = { kind: 'insert-projection', addNodeId: id, edgeId: shortcutEdge(incoming, depth) };
    }
    diagnostics.push(diagnostic);
  }
  return { nodeShapes, edgeShapes, diagnostics };
}

/** The shortcut is the input from the shallowest source: the branch did the work, the skip needs the projection. */
function shortcutEdge(incoming: Design['edges'], depth: Map<string, number>): string {
  let best = incoming[0];
  for (const e of incoming) if ((depth.get(e.source) ?? 0) < (depth.get(best.source) ?? 0)) best = e;
  return best.id;
}
