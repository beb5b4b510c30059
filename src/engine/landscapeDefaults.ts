/**
 * The loss landscape's defaults, shared by the app's Training panel and `rescanvas landscape` so the
 * same design gives the same picture from both. Spans are fractions of each filter's norm; a quarter
 * of every layer's norm already multiplies a deep net's loss many times over, and the texture near
 * the trained weights (Li et al.'s point) lives well inside that.
 */
export const LANDSCAPE_DEFAULTS = {
  /** Grid points per axis (odd, so the trained weights sit on the centre point). */
  resolution: 21,
  span: 0.25,
  /** Seed of the two random directions, where nothing else chooses one. */
  seed: 1,
  /** Training examples the loss is measured on. */
  samples: 512,
} as const;

/** The spans and grids the app offers; each includes its default. */
export const LANDSCAPE_SPANS: readonly number[] = [0.05, 0.1, LANDSCAPE_DEFAULTS.span, 0.5, 1];
export const LANDSCAPE_RESOLUTIONS: readonly number[] = [11, LANDSCAPE_DEFAULTS.resolution, 31];
