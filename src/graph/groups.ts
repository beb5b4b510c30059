import type { Design, RepeatGroup } from './design';
import type { GraphIndex } from './topology';

/** A repeat group's boundary: the one outside node feeding it and the one member feeding the outside. */
export interface GroupBoundary {
  group: RepeatGroup;
  members: Set<string>;
  entrySource: string;
  exit: string;
}

export type BoundaryResult = { ok: true; boundary: GroupBoundary } | { ok: false; message: string };

export function groupBoundary(group: RepeatGroup, index: GraphIndex): BoundaryResult {
  const members = new Set(group.nodeIds);
  const sources = new Set<string>();
  const exits = new Set<string>();
  for (const id of members) {
    const node = index.nodes.get(id);
    if (node && (node.type === 'Input' || node.type === 'Output'))
      return { ok: false, message: `a repeated block cannot contain the ${node.type} node "${id}"` };
    for (const e of index.incoming.get(id) ?? []) if (!members.has(e.source)) sources.add(e.source);
    for (const e of index.outgoing.get(id) ?? []) if (!members.has(e.target)) exits.add(id);
  }
  if (sources.size !== 1) {
    return {
      ok: false,
      message:
        sources.size === 0
          ? 'the block has no input from outside it'
          : `the block takes input from ${sources.size} outside nodes (${[...sources].join(', ')}); a repeated block needs exactly one`,
    };
  }
  if (exits.size !== 1) {
    return {
      ok: false,
      message:
        exits.size === 0
          ? 'nothing outside the block uses its output'
          : `${exits.size} block nodes (${[...exits].join(', ')}) feed the outside; a repeated block needs exactly one exit`,
    };
  }
  return { ok: true, boundary: { group, members, entrySource: [...sources][0], exit: [...exits][0] } };
}

export function groupOf(design: Design): Map<string, RepeatGroup> {
  const map = new Map<string, RepeatGroup>();
  for (const g of design.groups) for (const id of g.nodeIds) map.set(id, g);
  return map;
}
