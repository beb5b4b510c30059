import { mulberry32 } from './datasets/random';

/** The datasets' mulberry32 as a bare function: the same seed gives the same order everywhere. */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed).next;
}

/** Fisher–Yates over 0..count-1. */
export function shuffledIndices(count: number, random: () => number): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
