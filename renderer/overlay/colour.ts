/**
 * Colour scales for the overlay. Statistics span orders of magnitude (a vanishing gradient is 1e-5
 * of the last layer's), so the scale is logarithmic; the palette is viridis (perceptually uniform,
 * readable by colour-blind users and in greyscale), sampled at 9 stops and interpolated.
 */
const VIRIDIS: readonly [number, number, number][] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
];

/** Colour for t in [0, 1]. */
export function viridis(t: number): string {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return `rgb(${Math.round(a[0] + (b[0] - a[0]) * f)}, ${Math.round(a[1] + (b[1] - a[1]) * f)}, ${Math.round(a[2] + (b[2] - a[2]) * f)})`;
}

/** Position of `value` on a log scale spanning [10^logMin, 10^logMax]. */
export function logPosition(value: number, logMin: number, logMax: number): number {
  if (!(value > 0)) return 0;
  return (Math.log10(value) - logMin) / (logMax - logMin || 1);
}

/** Categorical colours for classes and compared runs (Tableau 10, distinct in both themes). */
export const CATEGORY_COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#bab0ac'];

export function categoryColour(i: number): string {
  return CATEGORY_COLOURS[((i % CATEGORY_COLOURS.length) + CATEGORY_COLOURS.length) % CATEGORY_COLOURS.length];
}
