import { describe, expect, it } from 'vitest';
import { DatasetSpec, loadDataset, previewDataset, type Dataset, type DatasetSpecInput } from '../../../src/engine/datasets';

const POINT_KINDS = ['spirals', 'twoMoons', 'circles', 'xor', 'gaussianBlobs'] as const;

function counts(d: Dataset): number[] {
  const c = new Array<number>(d.classes).fill(0);
  for (const s of [d.train, d.validation]) for (let i = 0; i < s.count; i++) c[s.y[i]]++;
  return c;
}

function allFinite(a: Float32Array): boolean {
  return a.every((v) => Number.isFinite(v));
}

/** A sample's bytes as a string key, to compare sets of samples across splits. */
function keys(d: Dataset, split: 'train' | 'validation'): string[] {
  const len = d.sampleShape.reduce((a, b) => a * b, 1);
  const s = d[split];
  return Array.from({ length: s.count }, (_, i) => Array.from(s.x.subarray(i * len, (i + 1) * len)).join(','));
}

describe('synthetic 2-D datasets', () => {
  for (const kind of POINT_KINDS) {
    it(`${kind} loads with shape [2], balanced classes and a 20% validation split`, async () => {
      const d = await loadDataset({ kind, size: 400 });
      expect(d.kind).toBe('vector');
      expect(d.sampleShape).toEqual([2]);
      expect(d.train.count + d.validation.count).toBe(400);
      expect(d.validation.count).toBe(80);
      expect(d.train.x.length).toBe(d.train.count * 2);
      expect(d.train.y.length).toBe(d.train.count);
      expect(allFinite(d.train.x) && allFinite(d.validation.x)).toBe(true);
      const c = counts(d);
      expect(c.length).toBe(d.classes);
      expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
      for (const s of [d.train, d.validation]) expect(s.y.every((y) => y >= 0 && y < d.classes)).toBe(true);
      expect(d.description.length).toBeGreaterThan(10);
    });
  }

  it('spirals have one class per arm: 2 and 3 arms', async () => {
    const two = await loadDataset({ kind: 'spirals', classes: 2, size: 300 });
    const three = await loadDataset({ kind: 'spirals', classes: 3, size: 300 });
    expect(two.classes).toBe(2);
    expect(three.classes).toBe(3);
    expect(counts(three)).toEqual([100, 100, 100]);
    // Arms are rotated copies: with no noise, each arm's mean angle differs by about 2π/3.
    const clean = await loadDataset({ kind: 'spirals', classes: 3, size: 300, noise: 0, validationFraction: 0 });
    const mean = [0, 1, 2].map((c) => {
      let sx = 0;
      let sy = 0;
      for (let i = 0; i < clean.train.count; i++)
        if (clean.train.y[i] === c) {
          sx += clean.train.x[2 * i];
          sy += clean.train.x[2 * i + 1];
        }
      return Math.atan2(sy, sx);
    });
    const gap = (a: number, b: number) => Math.abs(((b - a + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
    expect(Math.abs(gap(mean[0], mean[1]) - (2 * Math.PI) / 3)).toBeLessThan(0.05);
    expect(Math.abs(gap(mean[1], mean[2]) - (2 * Math.PI) / 3)).toBeLessThan(0.05);
  });

  it('xor labels follow the sign of x·y when noise is zero', async () => {
    const d = await loadDataset({ kind: 'xor', noise: 0, size: 200 });
    for (let i = 0; i < d.train.count; i++) {
      const product = d.train.x[2 * i] * d.train.x[2 * i + 1];
      expect(d.train.y[i]).toBe(product > 0 ? 0 : 1);
    }
  });

  it('circles put each class on its own radius', async () => {
    const d = await loadDataset({ kind: 'circles', classes: 3, noise: 0, size: 150 });
    for (let i = 0; i < d.train.count; i++) {
      const r = Math.hypot(d.train.x[2 * i], d.train.x[2 * i + 1]);
      expect(r).toBeCloseTo((d.train.y[i] + 1) / 3, 5);
    }
  });

  it('the same seed gives identical arrays; another seed gives different ones', async () => {
    for (const kind of POINT_KINDS) {
      const a = await loadDataset({ kind, seed: 7 });
      const b = await loadDataset({ kind, seed: 7 });
      const c = await loadDataset({ kind, seed: 8 });
      expect(b.train.x).toEqual(a.train.x);
      expect(b.train.y).toEqual(a.train.y);
      expect(b.validation.x).toEqual(a.validation.x);
      expect(b.id).toBe(a.id);
      expect(c.train.x).not.toEqual(a.train.x);
      expect(c.id).not.toBe(a.id);
    }
  });

  it('splits are deterministic, disjoint, cover every sample and keep every class on both sides', async () => {
    const d = await loadDataset({ kind: 'gaussianBlobs', classes: 5, size: 500, validationFraction: 0.3, seed: 3 });
    const again = await loadDataset({ kind: 'gaussianBlobs', classes: 5, size: 500, validationFraction: 0.3, seed: 3 });
    expect(again.validation.x).toEqual(d.validation.x);
    const train = new Set(keys(d, 'train'));
    const val = keys(d, 'validation');
    expect(val.filter((k) => train.has(k))).toEqual([]);
    expect(train.size + new Set(val).size).toBe(500);
    expect(d.validation.count).toBe(150);
    for (let c = 0; c < 5; c++) {
      expect(d.validation.y.filter((y) => y === c).length).toBe(30);
      expect(d.train.y.filter((y) => y === c).length).toBe(70);
    }
    // The split is shuffled, not class-sorted: batches from the front mix classes.
    expect(new Set(d.train.y.subarray(0, 20)).size).toBeGreaterThan(1);
  });

  it('validationFraction 0 keeps everything for training', async () => {
    const d = await loadDataset({ kind: 'twoMoons', size: 100, validationFraction: 0 });
    expect(d.train.count).toBe(100);
    expect(d.validation.count).toBe(0);
    expect(d.validation.x.length).toBe(0);
  });

  it('the same data with another split fraction keeps the same points', async () => {
    const a = await loadDataset({ kind: 'spirals', size: 200, validationFraction: 0 });
    const b = await loadDataset({ kind: 'spirals', size: 200, validationFraction: 0.5 });
    const all = new Set(keys(a, 'train'));
    for (const k of [...keys(b, 'train'), ...keys(b, 'validation')]) expect(all.has(k)).toBe(true);
  });

  it('datasets survive structured clone (how they cross to and from workers)', async () => {
    const d = await loadDataset({ kind: 'spirals', size: 100 });
    const copy = structuredClone(d);
    expect(copy.train.x).toBeInstanceOf(Float32Array);
    expect(copy.train.y).toBeInstanceOf(Int32Array);
    expect(copy).toEqual(d);
  });
});

describe('DatasetSpec (the trust boundary)', () => {
  it('fills defaults from a bare kind', () => {
    expect(DatasetSpec.parse({ kind: 'spirals' })).toEqual({
      kind: 'spirals',
      size: 600,
      noise: 0.05,
      classes: 2,
      turns: 1.25,
      seed: 1,
      validationFraction: 0.2,
    });
  });

  const bad: [string, unknown][] = [
    ['unknown kind', { kind: 'imagenet' }],
    ['negative size', { kind: 'spirals', size: -5 }],
    ['absurd size', { kind: 'shapes', size: 1e9 }],
    ['one arm', { kind: 'spirals', classes: 1 }],
    ['fractional seed', { kind: 'xor', seed: 1.5 }],
    ['validation fraction 1', { kind: 'circles', validationFraction: 1 }],
    ['unknown key', { kind: 'xor', colour: 'red' }],
    ['not an object', 'spirals'],
    ['csv without text', { kind: 'csv' }],
    ['csv bad normalization', { kind: 'csv', text: 'a,b\n1,0', normalization: 'zscore' }],
  ];
  for (const [what, spec] of bad) {
    it(`rejects ${what} with a message naming the field`, async () => {
      expect(DatasetSpec.safeParse(spec).success).toBe(false);
      await expect(loadDataset(spec as DatasetSpecInput)).rejects.toThrow(/dataset spec is invalid/);
    });
  }

  it('names the offending field', async () => {
    await expect(loadDataset({ kind: 'spirals', size: -5 })).rejects.toThrow(/size/);
  });
});

describe('previewDataset', () => {
  it('gives 2-D points with labels and bounds, capped at max, every class present', async () => {
    const d = await loadDataset({ kind: 'spirals', classes: 3, size: 300 });
    const p = previewDataset(d, 31);
    if (p.kind !== 'points') throw new Error(`expected points, got ${p.kind}`);
    expect(p.count).toBe(31);
    expect(p.points.length).toBe(62);
    expect(new Set(p.labels).size).toBe(3);
    expect(Array.from(p.classCounts)).toEqual([100, 100, 100]);
    expect(p.bounds.minX).toBeLessThan(p.bounds.maxX);
    for (let i = 0; i < p.count; i++) {
      expect(p.points[2 * i]).toBeGreaterThanOrEqual(p.bounds.minX);
      expect(p.points[2 * i]).toBeLessThanOrEqual(p.bounds.maxX);
    }
  });

  it('returns all samples when max exceeds the dataset', async () => {
    const d = await loadDataset({ kind: 'xor', size: 40 });
    const p = previewDataset(d, 1000);
    expect(p.kind === 'points' && p.count).toBe(40);
  });
});
