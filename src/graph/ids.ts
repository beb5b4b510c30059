import type { Design } from './design';

/** A fresh id `${base}_${n}` not used by any node, edge or group of the design. */
function prefixFor(base: string): string {
  const stem =
    base
      .replace(/[^A-Za-z0-9_]/g, '_')
      .replace(/_+/g, '_')
      .replace(/^[^A-Za-z]+/, '') || 'node';
  return `${stem.toLowerCase()}_`;
}

/** The id freshId would give, asking `exists` about each candidate instead of collecting the ids in use. */
export function freshIdWhere(base: string, exists: (id: string) => boolean): string {
  const prefix = prefixFor(base);
  for (let n = 1; ; n++) if (!exists(`${prefix}${n}`)) return `${prefix}${n}`;
}

export function freshId(design: Pick<Design, 'nodes' | 'edges' | 'groups'>, base: string, taken?: Set<string>): string {
  const prefix = prefixFor(base);
  // Only ids that could collide are collected: a set of every id of a 50,000-node design costs more than the edit.
  taken ??= usedIds(design, prefix);
  for (let n = 1; ; n++) {
    const id = `${prefix}${n}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

export function usedIds(design: Pick<Design, 'nodes' | 'edges' | 'groups'>, prefix = ''): Set<string> {
  const ids = new Set<string>();
  for (const list of [design.nodes, design.edges, design.groups]) for (const item of list) if (item.id.startsWith(prefix)) ids.add(item.id);
  return ids;
}
