import { describe, expect, it } from 'vitest';
import { LayeredMap } from '../../../src/graph/layeredMap';
import { seededRandom as random } from '../../../src/engine/random';

describe('layered maps', () => {
  it('read as a plain map given the same changes, over seeded random sequences, and leave earlier versions as they were', () => {
    const rand = random(11);
    for (let trial = 0; trial < 40; trial++) {
      const start = new Map<string, number>(Array.from({ length: Math.floor(rand() * 600) }, (_, i) => [`k${i}`, i] as const));
      let plain = new Map(start);
      let layered = LayeredMap.of(new Map(start));
      const versions: { plain: Map<string, number>; layered: LayeredMap<string, number> }[] = [];
      for (let step = 0; step < 60; step++) {
        const keys = () => `k${Math.floor(rand() * 900)}`;
        const set = Array.from({ length: Math.floor(rand() * (rand() < 0.1 ? 400 : 6)) }, () => [keys(), Math.floor(rand() * 1000)] as const);
        const removed = Array.from({ length: Math.floor(rand() * 5) }, keys);
        plain = new Map(plain);
        for (const k of removed) plain.delete(k);
        for (const [k, v] of set) plain.set(k, v);
        layered = layered.with(set, removed);
        versions.push({ plain, layered });
        expect(layered.size).toBe(plain.size);
        expect(new Map(layered)).toEqual(plain);
        expect([...layered.keys()].sort()).toEqual([...plain.keys()].sort());
        for (let probe = 0; probe < 20; probe++) {
          const k = keys();
          expect(layered.get(k)).toBe(plain.get(k));
          expect(layered.has(k)).toBe(plain.has(k));
        }
      }
      for (const v of versions) expect(new Map(v.layered)).toEqual(v.plain);
    }
  });

  it('shares the base instead of copying it for a small change, and merges once the layer grows', () => {
    const base = new Map<string, number>(Array.from({ length: 50_000 }, (_, i) => [`n${i}`, i] as const));
    const one = LayeredMap.of(base).with([['n7', -7]]);
    expect(one.get('n7')).toBe(-7);
    expect(one.get('n8')).toBe(8);
    expect(LayeredMap.of(base).get('n7')).toBe(7);
    const deleted = one.with([], ['n9', 'missing']);
    expect(deleted.size).toBe(49_999);
    expect(deleted.has('n9')).toBe(false);
    expect(one.has('n9')).toBe(true);
    const many = deleted.with(Array.from({ length: 10_000 }, (_, i) => [`m${i}`, i] as const));
    expect(many.size).toBe(59_999);
    expect(many.get('m9999')).toBe(9999);
    expect(many.has('n9')).toBe(false);
  });
});
