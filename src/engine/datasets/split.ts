import { DatasetError, type DatasetSplit } from './types';
import { deriveSeed, mulberry32, permutation } from './random';

export const SPLIT_STREAM = 1;

/**
 * Stratified, seeded split: the samples are permuted by the seed, then each class sends its first
 * `fraction` share to validation. Every class with at least two samples keeps one on each side, so
 * validation accuracy is never measured on a class the model never saw. The two sides are disjoint
 * by construction (each index goes to exactly one), and both stay in permuted order so batches mix classes.
 *
 * In place: `x` and `y` are reordered (validation samples first) and the two splits are views of
 * them, so a large dataset is never held twice (a CSV near its size limit would otherwise double).
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
  const validationCount = wanted.reduce((a, b) => a + b, 0);
  if (validationCount >= n) throw new DatasetError('too-few-samples', `only ${n} samples: nothing left to train on after the validation split`);
  const order = permutation(n, mulberry32(deriveSeed(seed, SPLIT_STREAM)));
  // source[k]: the sample that ends up at position k (validation ones first, each side in permuted order).
  const source = new Int32Array(n);
  const taken = new Int32Array(classes);
  let v = 0;
  let t = validationCount;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const c = y[i];
    if (taken[c] < wanted[c]) {
      taken[c]++;
      source[v++] = i;
    } else source[t++] = i;
  }
  permuteInPlace(x, y, sampleLength, source);
  return {
    validation: { x: x.subarray(0, validationCount * sampleLength), y: y.subarray(0, validationCount), count: validationCount },
    train: { x: x.subarray(validationCount * sampleLength, n * sampleLength), y: y.subarray(validationCount, n), count: n - validationCount },
  };
}

/** out[k] = in[source[k]] for samples of `len` values, following cycles with one sample of scratch. */
function permuteInPlace(x: Float32Array, y: Int32Array, len: number, source: Int32Array): void {
  const done = new Uint8Array(source.length);
  const scratch = new Float32Array(len);
  for (let start = 0; start < source.length; start++) {
    if (done[start] || source[start] === start) continue;
    scratch.set(x.subarray(start * len, (start + 1) * len));
    const label = y[start];
    let k = start;
    for (;;) {
      done[k] = 1;
      const from = source[k];
      if (from === start) {
        x.set(scratch, k * len);
        y[k] = label;
        break;
      }
      x.copyWithin(k * len, from * len, (from + 1) * len);
      y[k] = y[from];
      k = from;
    }
  }
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
