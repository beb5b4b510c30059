/**
 * CPU seconds each lesson's full form took here (mean over seeds 1–5, `npm run test:lessons`, wasm,
 * one core's worth: training is single-threaded), shown on the start screen as "how long it takes".
 * Measured on a loaded shared 2-core machine, so an idle laptop's wall time is about the same.
 */
export const LESSON_CPU_SECONDS: Readonly<Record<string, number>> = {
  'depth-without-norm': 12,
  'normalization-helps': 57,
  'deeper-is-worse': 72,
  'residuals-fix-it': 74,
  'noise-after-few-layers': 1,
  'backward-symmetric': 1,
  'gradients-travel-further': 1,
  // Seeds 1–5: 40.5–54.8 s, both nets included (the plain twin runs half as many steps).
  'thousand-layers': 46,
  'shapes-differ': 1,
  'dropping-layers': 6,
  'chaotic-or-smooth': 17,
};

/** "about 1 min", "a few seconds" */
export function describeDuration(seconds: number | undefined): string {
  if (seconds === undefined) return 'duration not measured';
  if (seconds < 5) return 'a few seconds';
  if (seconds < 50) return `about ${Math.round(seconds / 5) * 5} s`;
  return `about ${Math.max(1, Math.round(seconds / 30) / 2)} min`;
}
