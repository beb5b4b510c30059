/**
 * A digest of what the exporters and the engine read from a design: node ids, types and parameters,
 * the wiring (source, target, input order) and repeat groups (members, count). Positions, names,
 * descriptions, the fold state and the layout direction are left out, so moving, renaming or
 * folding keeps the digest while any edit that changes the computation changes it. Node and edge
 * order in the arrays is also left out: an edit that only reorders them builds the same network.
 */
import type { DesignCore } from '../../src/graph/design';

/** JSON with object keys sorted, so two equal parameter objects always write the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** cyrb53: a fast, well-mixed 53-bit string hash; a fingerprint, not a security measure. */
function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The network's text form; exported for tests and for messages that say what differs. */
export function networkText(design: Pick<DesignCore, 'nodes' | 'edges' | 'groups'>): string {
  const nodes = design.nodes.map((n) => `${n.id}:${n.type}:${canonical(n.params)}`).sort(byKey);
  const edges = design.edges.map((e) => `${e.source}>${e.target}#${e.targetPort}`).sort(byKey);
  const groups = (design.groups ?? []).map((g) => `${g.id}x${g.repeat}:${[...g.nodeIds].sort(byKey).join(',')}`).sort(byKey);
  return `${nodes.join(';')}|${edges.join(';')}|${groups.join(';')}`;
}

/** Two 53-bit hashes with different seeds, as hex: equal networks always agree, different ones practically never. */
export function networkFingerprint(design: Pick<DesignCore, 'nodes' | 'edges' | 'groups'>): string {
  const text = networkText(design);
  return `${hash53(text, 1).toString(16)}-${hash53(text, 2).toString(16)}`;
}
