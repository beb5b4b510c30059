/**
 * An immutable map that shares its bulk with the map it was made from: `with` puts the changes in a
 * small layer over the shared base and copies only that layer, so replacing a few of 50,000 entries
 * costs the few, not a copy of the 50,000. When the layer grows past a fraction of the base, the two
 * are merged into a new base: a copy every so many changed entries, a constant cost per entry.
 */
const GONE: unique symbol = Symbol('gone');

export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  readonly size: number;

  private constructor(
    private readonly base: ReadonlyMap<K, V>,
    private readonly layer: ReadonlyMap<K, V | typeof GONE>,
    size: number,
  ) {
    this.size = size;
  }

  /** Shares `map` as the base: it must not be changed afterwards. */
  static of<K, V>(map: ReadonlyMap<K, V>): LayeredMap<K, V> {
    return map instanceof LayeredMap ? (map as LayeredMap<K, V>) : new LayeredMap(map, new Map(), map.size);
  }

  get(key: K): V | undefined {
    const top = this.layer.get(key);
    if (top === GONE) return undefined;
    return top !== undefined || this.layer.has(key) ? (top as V) : this.base.get(key);
  }

  has(key: K): boolean {
    const top = this.layer.get(key);
    if (top === GONE) return false;
    return this.layer.has(key) || this.base.has(key);
  }

  /** This map with `set` entries put in and `removed` keys taken out (removals first). */
  with(set: Iterable<readonly [K, V]>, removed: Iterable<K> = []): LayeredMap<K, V> {
    const layer = new Map(this.layer);
    let size = this.size;
    for (const key of removed) {
      if (!this.hasIn(layer, key)) continue;
      size--;
      if (this.base.has(key)) layer.set(key, GONE);
      else layer.delete(key);
    }
    for (const [key, value] of set) {
      if (!this.hasIn(layer, key)) size++;
      layer.set(key, value);
    }
    if (layer.size <= Math.max(256, this.base.size / 8)) return new LayeredMap(this.base, layer, size);
    const merged = new Map(this.base);
    for (const [key, value] of layer) {
      if (value === GONE) merged.delete(key);
      else merged.set(key, value);
    }
    return new LayeredMap(merged, new Map(), merged.size);
  }

  private hasIn(layer: ReadonlyMap<K, V | typeof GONE>, key: K): boolean {
    const top = layer.get(key);
    if (top === GONE) return false;
    return layer.has(key) || this.base.has(key);
  }

  *entries(): MapIterator<[K, V]> {
    for (const [key, value] of this.base) {
      const top = this.layer.get(key);
      if (top === GONE) continue;
      yield [key, top !== undefined || this.layer.has(key) ? (top as V) : value];
    }
    for (const [key, value] of this.layer) if (value !== GONE && !this.base.has(key)) yield [key, value];
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }
}
