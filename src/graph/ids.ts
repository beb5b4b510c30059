import type { Design } from './design';
import { liveIndex } from './topology';

function prefixFor(base: string): string {
  const stem =
    base
      .replace(/[^A-Za-z0-9_]/g, '_')
      .replace(/_+/g, '_')
      .replace(/^[^A-Za-z]+/, '') || 'node';
  return `${stem.toLowerCase()}_`;
}

/**
 * A fresh id `${base}_${n}` (the smallest such n) not used by any node, edge or group of the design.
 * Without `taken`, the numbers in use come from the live index, kept per prefix as the design is
 * edited: collecting them on each added layer of a 50,000-node design cost hundreds of ms. With
 * `taken` (every id in use, see usedIds), only the set is asked and the id is added to it.
 */
export function freshId(design: Pick<Design, 'nodes' | 'edges' | 'groups'>, base: string, taken?: Set<string>): string {
  const prefix = prefixFor(base);
  if (!taken) return `${prefix}${liveIndex(design).freshNumber(prefix, groupBlocks(design, prefix, new Set()))}`;
  for (let n = 1; ; n++) {
    const id = `${prefix}${n}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

/**
 * Hands out fresh ids for one edit that adds several items: each unique in the design (through the
 * live index, as freshId) and among the ids handed out before it.
 */
export function freshIds(design: Pick<Design, 'nodes' | 'edges' | 'groups'>): (base: string) => string {
  const given = new Set<string>();
  return (base) => {
    const prefix = prefixFor(base);
    const id = `${prefix}${liveIndex(design).freshNumber(prefix, groupBlocks(design, prefix, given))}`;
    given.add(id);
    return id;
  };
}

/** Numbers after `prefix` held by a group's id or by an id in `also`. */
function groupBlocks(design: Pick<Design, 'groups'>, prefix: string, also: ReadonlySet<string>): (n: number) => boolean {
  return (n) => {
    const id = `${prefix}${n}`;
    return also.has(id) || design.groups.some((g) => g.id === id);
  };
}

export function usedIds(design: Pick<Design, 'nodes' | 'edges' | 'groups'>, prefix = ''): Set<string> {
  const ids = new Set<string>();
  for (const list of [design.nodes, design.edges, design.groups]) for (const item of list) if (item.id.startsWith(prefix)) ids.add(item.id);
  return ids;
}
