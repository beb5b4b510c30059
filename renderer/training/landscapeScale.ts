/**
 * The loss landscape's colour scale. Loss around a deep net's weights spans orders of magnitude (a
 * step of a tenth of every layer's norm multiplies through all of them), so colours follow log10 of
 * the loss; a linear scale would paint everything but the far corners one colour.
 */

/** Viridis at nine stops (perceptually even, readable in grey and by most colour-blind readers): low loss dark. */
const STOPS: readonly [number, number, number][] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** The colour at t in [0, 1]. */
export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 1)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [STOPS[i], STOPS[i + 1]];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}

export interface LossScale {
  /** log10 of the lowest and highest finite loss. */
  low: number;
  high: number;
  /** Position of a loss on the scale, 0 (lowest) to 1 (highest). */
  at(loss: number): number;
  /** Round loss values inside the range, lowest first, for the legend and the contour lines. */
  ticks: number[];
}

/** A floor for log10: a perfectly fitted net reaches a loss of 0 at its centre. */
const TINY = 1e-12;

export function lossScale(loss: readonly (number | null)[]): LossScale {
  const finite = loss.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) throw new Error('the landscape holds no finite loss');
  const low = Math.log10(Math.max(TINY, Math.min(...finite)));
  const rawHigh = Math.log10(Math.max(TINY, Math.max(...finite)));
  // A flat slice still gets a scale a hair wide, so nothing divides by zero.
  const high = rawHigh - low < 1e-6 ? low + 1e-6 : rawHigh;
  const at = (v: number) => (Math.log10(Math.max(TINY, v)) - low) / (high - low);
  return { low, high, at, ticks: logTicks(low, high) };
}

/** About five ticks: whole decades when the range covers several, else 1-2-5 steps inside one. */
function logTicks(low: number, high: number): number[] {
  const span = high - low;
  const inside = (v: number) => {
    const l = Math.log10(v);
    return l >= low - 1e-9 && l <= high + 1e-9;
  };
  if (span >= 3) {
    const every = Math.ceil(span / 5);
    const ticks: number[] = [];
    for (let d = Math.ceil(low); d <= Math.floor(high); d += every) ticks.push(10 ** d);
    return ticks;
  }
  const ticks: number[] = [];
  for (let d = Math.floor(low); d <= Math.ceil(high); d++)
    for (const m of span >= 1 ? [1, 2, 5] : [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9]) if (inside(m * 10 ** d)) ticks.push(Number((m * 10 ** d).toPrecision(2)));
  if (ticks.length > 6) return ticks.filter((_, i) => i % Math.ceil(ticks.length / 5) === 0);
  // Too narrow a range for round numbers: its ends and middle.
  if (ticks.length < 2) return [10 ** low, 10 ** ((low + high) / 2), 10 ** high];
  return ticks;
}

/** Loss values as a legend shows them: 3 significant digits, scientific far from 1. */
export function formatLoss(v: number): string {
  const m = Math.abs(v);
  if (m !== 0 && (m < 1e-3 || m >= 1e4)) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}
