import type { Design, DesignEdge } from '../design';
import { layerKind } from '../catalogue';
import { freshId } from '../ids';
import { edgesOf, liveIndex, reaches } from '../topology';
import { refuse, type EditResult } from './result';
import { appended } from '../listDiff';

/**
 * Connects `source`'s output to an input of `target`. A single-input target that already has an
 * input gets the new one instead (dragging onto a used input rewires it, as in most node editors);
 * multi-input targets (Add, Concatenate) take the next port.
 */
export function connect(design: Design, source: string, target: string): EditResult {
  if (source === target) return refuse('a layer cannot feed itself');
  // The live index and a two-sided search: rebuilding the whole index and everything downstream of the
  // target took over a second on a 50,000-node design.
  const index = liveIndex(design);
  const from = index.nodes.get(source);
  const to = index.nodes.get(target);
  if (!from) return refuse(`node "${source}" is not in the design`);
  if (!to) return refuse(`node "${target}" is not in the design`);
  if (from.type === 'Output') return refuse(`the Output node "${source}" has no output to connect`);
  const kind = layerKind(to.type);
  if (kind.inputs.max === 0) return refuse(`${to.type} "${target}" takes no inputs`);
  const incoming = edgesOf(index.incoming, target);
  if (incoming.some((e) => e.source === source)) return refuse(`"${source}" already feeds "${target}"`);
  if (reaches(index, target, source)) return refuse(`connecting "${source}" to "${target}" would make a cycle`);

  let edges = design.edges;
  if (incoming.length >= kind.inputs.max) {
    if (kind.inputs.max !== 1) return refuse(`${to.type} "${target}" already has ${kind.inputs.max} inputs, its maximum`);
    const replaced = new Set(incoming.map((e) => e.id));
    edges = edges.filter((e) => !replaced.has(e.id));
  }
  const port = kind.inputs.max === 1 ? 0 : incoming.reduce((p, e) => Math.max(p, e.targetPort + 1), 0);
  const id = freshId(design, 'e');
  const edge: DesignEdge = { id, source, target, targetPort: port };
  return { ok: true, design: { ...design, edges: appended(edges, [edge]) }, selection: [target] };
}

export function disconnect(design: Design, edgeIds: Iterable<string>): Design {
  const drop = new Set(edgeIds);
  return drop.size ? { ...design, edges: design.edges.filter((e) => !drop.has(e.id)) } : design;
}
