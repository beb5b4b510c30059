import type { Design, DesignEdge, DesignNode, RepeatGroup } from '../design';
import { MAX_REPEAT } from '../design';
import { freshId, usedIds } from '../ids';
import { groupBoundary } from '../groups';
import { indexGraph } from '../topology';
import { findBlock } from './residual';
import { refuse, type EditResult } from './result';

/** Makes the selected single-entry, single-exit block a repeat group applied `repeat` times. */
export function repeatBlock(design: Design, nodeIds: readonly string[], repeat: number): EditResult {
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > MAX_REPEAT) return refuse(`repeat count must be a whole number from 1 to ${MAX_REPEAT}`);
  const grouped = new Set(design.groups.flatMap((g) => g.nodeIds));
  const already = nodeIds.find((id) => grouped.has(id));
  if (already) return refuse(`"${already}" is already in a repeat block; ungroup it first`);
  const found = findBlock(design, nodeIds);
  if (!found.ok) return refuse(found.message);
  const group: RepeatGroup = { id: freshId(design, 'repeat'), nodeIds: [...nodeIds], repeat, collapsed: true };
  const check = groupBoundary(group, indexGraph(design));
  if (!check.ok) return refuse(check.message);
  return { ok: true, design: { ...design, groups: [...design.groups, group] }, selection: [group.id] };
}

export function updateGroup(design: Design, groupId: string, patch: Partial<Pick<RepeatGroup, 'repeat' | 'collapsed' | 'name'>>): EditResult {
  const at = design.groups.findIndex((g) => g.id === groupId);
  if (at < 0) return refuse(`repeat block "${groupId}" is not in the design`);
  if (patch.repeat !== undefined && (!Number.isInteger(patch.repeat) || patch.repeat < 1 || patch.repeat > MAX_REPEAT)) {
    return refuse(`repeat count must be a whole number from 1 to ${MAX_REPEAT}`);
  }
  const groups = design.groups.slice();
  groups[at] = { ...groups[at], ...patch };
  return { ok: true, design: { ...design, groups }, selection: [groupId] };
}

/**
 * Dissolves a repeat group into the plain graph it stands for: copy k of the block reads copy k-1's
 * exit, and the outside reads the last copy. The network is unchanged; every layer becomes editable on its own.
 */
export function ungroup(design: Design, groupId: string, copySpacing?: number): EditResult {
  const group = design.groups.find((g) => g.id === groupId);
  if (!group) return refuse(`repeat block "${groupId}" is not in the design`);
  const index = indexGraph(design);
  const bounds = groupBoundary(group, index);
  if (!bounds.ok) return refuse(`cannot ungroup "${groupId}": ${bounds.message}`);
  const { members, entrySource, exit } = bounds.boundary;
  const memberNodes = design.nodes.filter((n) => members.has(n.id));
  const ys = memberNodes.map((n) => n.position.y);
  const spacing = copySpacing ?? Math.max(...ys) - Math.min(...ys) + 100;
  const taken = usedIds(design);
  const fresh = (id: string, copy: number): string => {
    const wanted = `${id}_r${copy}`;
    if (!taken.has(wanted) && /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(wanted)) {
      taken.add(wanted);
      return wanted;
    }
    return freshId(design, id, taken);
  };

  const internal = design.edges.filter((e) => members.has(e.source) && members.has(e.target));
  const entries = design.edges.filter((e) => e.source === entrySource && members.has(e.target));
  const newNodes: DesignNode[] = [];
  const newEdges: DesignEdge[] = [];
  let previousExit = exit;
  for (let copy = 1; copy < group.repeat; copy++) {
    const ids = new Map(memberNodes.map((n) => [n.id, fresh(n.id, copy)]));
    for (const n of memberNodes) {
      newNodes.push({ ...n, id: ids.get(n.id) as string, position: { x: n.position.x, y: n.position.y + spacing * copy } });
    }
    for (const e of internal)
      newEdges.push({
        ...e,
        id: fresh(e.id.replace(/[^A-Za-z0-9_]/g, '_').replace(/^[^A-Za-z]+/, 'e'), copy),
        source: ids.get(e.source) as string,
        target: ids.get(e.target) as string,
      });
    for (const e of entries) newEdges.push({ ...e, id: fresh('e', copy), source: previousExit, target: ids.get(e.target) as string });
    previousExit = ids.get(exit) as string;
  }
  const shift = spacing * (group.repeat - 1);
  const lastY = Math.max(...ys);
  const edges = design.edges.map((e) => (e.source === exit && !members.has(e.target) ? { ...e, source: previousExit } : e));
  // Layers below the block move down so the copies do not cover them.
  const nodes = design.nodes.map((n) =>
    !members.has(n.id) && n.position.y > lastY && shift > 0 ? { ...n, position: { x: n.position.x, y: n.position.y + shift } } : n,
  );
  return {
    ok: true,
    design: { ...design, nodes: [...nodes, ...newNodes], edges: [...edges, ...newEdges], groups: design.groups.filter((g) => g.id !== groupId) },
    selection: [...members],
  };
}
