import type { Design } from './design';

/** A fresh id `${base}_${n}` not used by any node, edge or group of the design. */
export function freshId(design: Pick<Design, 'nodes' | 'edges' | 'groups'>, base: string, taken?: Set<string>): string {
  const stem =
    base
      .replace(/[^A-Za-z0-9_]/g, '_')
      .replace(/_+/g, '_')
      .replace(/^[^A-Za-z]+/, '') || 'node';
  const prefix = `${stem.toLowerCase()}_`;
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
