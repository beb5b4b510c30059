import type { Design } from './design';

/** A fresh id `${base}_${n}` not used by any node, edge or group of the design. */
export function freshId(design: Pick<Design, 'nodes' | 'edges' | 'groups'>, base: string, taken: Set<string> = usedIds(design)): string {
  const stem = base.replace(/[^A-Za-z0-9_]/g, '_').replace(/_+/g, '_').replace(/^[^A-Za-z]+/, '') || 'node';
  for (let n = 1; ; n++) {
    const id = `${stem.toLowerCase()}_${n}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

export function usedIds(design: Pick<Design, 'nodes' | 'edges' | 'groups'>): Set<string> {
  return new Set([...design.nodes.map((n) => n.id), ...design.edges.map((e) => e.id), ...design.groups.map((g) => g.id)]);
}
