/**
 * The loss on a 2-D slice of weight space around the current weights (Li et al., "Visualizing the Loss
 * Landscape of Neural Nets", NeurIPS 2018): two random directions, each filter-normalized so that every
 * filter of the direction has the norm of the same filter of the weights, and the inference-mode loss
 * at w + a·d1 + b·d2 on a square grid of (a, b). Biases and normalization parameters get no direction
 * (the paper's "ignore biases and BN"): their scale carries no meaning a filter's norm could fix.
 */
import type * as tfNamespace from '@tensorflow/tfjs';
import { evaluatePlanAsync, type LabelledData } from './evaluate';
import type { Plan, PlanWeight } from './plan/plan';

type Tf = typeof tfNamespace;
type Tensor = tfNamespace.Tensor;

export interface LandscapeSettings {
  /** Grid points per axis (odd, so the trained weights sit on the centre point). */
  resolution: number;
  /** The grid covers a, b in [-span, span]. */
  span: number;
  /** Seed of the two random directions. */
  seed: number;
}

export interface Landscape {
  resolution: number;
  span: number;
  /** The coordinates along each axis, -span … span. */
  coords: number[];
  /** Loss at (coords[col], coords[row]), row-major; a non-finite loss is null. */
  loss: (number | null)[];
  /** The loss at the trained weights (the centre). */
  centerLoss: number;
  /** Non-convexity of the loss: 0 for a bowl, towards 0.5 for a chaotic surface (see `roughness`). */
  roughness: number;
}

/** Only kernels get a direction: the filters Li et al. normalize are a Dense unit's or a Conv channel's weights. */
const hasDirection = (w: PlanWeight): boolean => w.trainable && w.role === 'kernel';

/**
 * A random direction for one kernel, scaled filter by filter (a filter is everything feeding one output
 * unit or channel: the kernel's last axis) to the norm of the same filter in `weight`.
 */
export function filterNormalized(tf: Tf, weight: Tensor, seed: number): Tensor {
  return tf.tidy(() => {
    const d = tf.randomNormal(weight.shape, 0, 1, 'float32', seed);
    const axes = weight.shape.map((_, i) => i).slice(0, -1);
    const normOf = (t: Tensor) => tf.sqrt(tf.sum(tf.square(t), axes, true));
    // A filter of zeros stays zero; the epsilon only keeps a zero direction from dividing by zero.
    return tf.mul(d, tf.div(normOf(weight), tf.add(normOf(d), 1e-10)));
  });
}

/**
 * How far the loss bends the wrong way: over every interior point and both axes, the second
 * difference's negative part over its absolute value (so the figure does not depend on the loss's
 * scale). A convex surface scores 0; Li et al.'s chaotic plain nets score high, their smooth residual
 * twins low. The loss itself rather than its log: the log of a bowl is not convex far from its floor.
 */
export function roughness(loss: readonly (number | null)[], resolution: number): number {
  const finite = loss.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return NaN;
  const ceiling = Math.max(...finite);
  const at = (row: number, col: number): number => {
    const v = loss[row * resolution + col];
    return v !== null && Number.isFinite(v) ? v : ceiling;
  };
  let negative = 0;
  let total = 0;
  for (let r = 0; r < resolution; r++) {
    for (let c = 0; c < resolution; c++) {
      const second: number[] = [];
      if (c > 0 && c < resolution - 1) second.push(at(r, c - 1) + at(r, c + 1) - 2 * at(r, c));
      if (r > 0 && r < resolution - 1) second.push(at(r - 1, c) + at(r + 1, c) - 2 * at(r, c));
      for (const d of second) {
        negative += Math.max(0, -d);
        total += Math.abs(d);
      }
    }
  }
  return total === 0 ? 0 : negative / total;
}

export interface LandscapeHooks {
  /** Called after each grid row with the fraction done. */
  onProgress?: (done: number) => void;
  /** Checked before each grid point; true stops the computation (the weights are restored). */
  shouldStop?: () => boolean;
}

export class LandscapeStopped extends Error {
  constructor() {
    super('the loss landscape was stopped');
  }
}

/**
 * Computes the slice and puts every weight back exactly as it was, also when stopped or failing.
 * Yields to the event loop between rows (`await`), so a stop request can arrive.
 */
export async function lossLandscape(
  tf: Tf,
  plan: Plan,
  data: LabelledData,
  batchSize: number,
  settings: LandscapeSettings,
  hooks: LandscapeHooks = {},
): Promise<Landscape> {
  const { resolution, span, seed } = settings;
  if (!Number.isInteger(resolution) || resolution < 3 || resolution > 101 || resolution % 2 === 0)
    throw new RangeError(`resolution must be an odd whole number from 3 to 101, not ${resolution}`);
  if (!(span > 0 && span <= 10)) throw new RangeError(`span must be above 0 and at most 10, not ${span}`);
  const moved = plan.weights.filter(hasDirection);
  const origin = moved.map((w) => tf.keep(w.variable.clone()));
  // Distinct seeds per weight and direction, all derived from the one seed.
  const d1 = moved.map((w, i) => tf.keep(filterNormalized(tf, w.variable, seed * 100_003 + 2 * i)));
  const d2 = moved.map((w, i) => tf.keep(filterNormalized(tf, w.variable, seed * 100_003 + 2 * i + 1)));
  const coords = Array.from({ length: resolution }, (_, i) => -span + (2 * span * i) / (resolution - 1));
  const loss: (number | null)[] = [];
  try {
    for (let row = 0; row < resolution; row++) {
      for (let col = 0; col < resolution; col++) {
        if (hooks.shouldStop?.()) throw new LandscapeStopped();
        const a = coords[col];
        const b = coords[row];
        tf.tidy(() => moved.forEach((w, i) => w.variable.assign(tf.add(origin[i], tf.add(tf.mul(d1[i], a), tf.mul(d2[i], b))))));
        const { loss: value } = await evaluatePlanAsync(tf, plan, data, batchSize);
        loss.push(Number.isFinite(value) ? value : null);
      }
      hooks.onProgress?.((row + 1) / resolution);
      await new Promise<void>((resolve) => setTimeout(() => resolve(), 0));
    }
  } finally {
    moved.forEach((w, i) => w.variable.assign(origin[i]));
    tf.dispose([...origin, ...d1, ...d2]);
  }
  const centre = loss[((resolution - 1) / 2) * resolution + (resolution - 1) / 2];
  return { resolution, span, coords, loss, centerLoss: centre ?? NaN, roughness: roughness(loss, resolution) };
}
