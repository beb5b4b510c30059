import { DatasetError, type DatasetSplit } from './types';
import { deriveSeed, mulberry32, permutation } from './random';

export const SPLIT_STREAM = 1;

/**
 * Stratified, seeded split: the samples are permuted by the seed, then each class sends its first
 * `fraction` share to validation. Every class with at least two samples keeps one on each side, so
 * validation accuracy is never measured on a class the model never saw. The two sides are disjoint
 * by construction (each index goes to exactly one), and both stay in permuted order so batches mix classes.
 */
export function splitSamples(
  x: Float32Array,
  y: Int32Array,
  sampleLength: number,
  classes: number,
  fraction: number,
  seed: number,
): { train: DatasetSplit; validation: DatasetSplit } {
  const n = y.length;
  const perClass = new Int32Array(classes);
  for (let i = 0; i < n; i++) perClass[y[i]]++;
  const wanted = validationCounts(perClass, fraction);
  const order = permutation(n, mulberry32(deriveSeed(seed, SPLIT_STREAM)));
  const taken = new Int32Array(classes);
  const trainIdx: number[] = [];
  const valIdx: number[] = [];
  for (const i of order) {
    const c = y[i];
    if (taken[c] < wanted[c]) {
      taken[c]++;
      valIdx.push(i);
    } else trainIdx.push(i);
  }
  if (trainIdx.length === 0) throw new DatasetError('too-few-samples', `only ${n} samples: nothing left to train on after the validation split`);
  return { train: gather(x, y, sampleLength, trainIdx), validation: gather(x, y, sampleLength, valIdx) };
}

function gather(x: Float32Array, y: Int32Array, len: number, idx: readonly number[]): DatasetSplit {
  const ox = new Float32Array(idx.length * len);
  const oy = new Int32Array(idx.length);
  idx.forEach((src, dst) => {
    ox.set(x.subarray(src * len, (src + 1) * len), dst * len);
    oy[dst] = y[src];
  });
  return { x: ox, y: oy, count: idx.length };
}

/** Samples per class so that they sum to `size` and differ by at most one. */
export function balancedCounts(size: number, classes: number): number[] {
  return Array.from({ length: classes }, (_, c) => Math.floor(size / classes) + (c < size % classes ? 1 : 0));
}

/**
 * Per-class validation counts summing to round(n · fraction) (largest remainders), with at least
 * one sample on each side for every class that has two or more.
 */
function validationCounts(perClass: Int32Array, fraction: number): number[] {
  if (fraction <= 0) return Array.from(perClass, () => 0);
  const n = perClass.reduce((a, b) => a + b, 0);
  const exact = Array.from(perClass, (c) => c * fraction);
  const wanted = exact.map(Math.floor);
  let left = Math.round(n * fraction) - wanted.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, c) => ({ c, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.c - b.c);
  for (const { c } of byRemainder) {
    if (left <= 0) break;
    wanted[c]++;
    left--;
  }
  return wanted.map((w, c) => (perClass[c] < 2 ? 0 : Math.min(perClass[c] - 1, Math.max(1, w))));
}
