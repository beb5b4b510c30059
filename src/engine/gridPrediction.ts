import type * as tfNamespace from '@tensorflow/tfjs';
import type { GridBounds } from '../protocol/messages';
import { runPlan, type Plan } from './plan/plan';

type Tf = typeof tfNamespace;

/**
 * Points per forward pass. A whole 128² grid through a deep net in one tidy would hold every
 * layer's activations for 16k points at once; chunks bound that to one chunk's worth.
 */
const CHUNK = 2048;

/** Row-major grid points, rows by y then x, row 0 at minY: [resolution², 2]. */
export function gridPoints(bounds: GridBounds, resolution: number): Float32Array {
  const n = resolution;
  const grid = new Float32Array(n * n * 2);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const i = (row * n + col) * 2;
      grid[i] = bounds.minX + ((bounds.maxX - bounds.minX) * col) / (n - 1);
      grid[i + 1] = bounds.minY + ((bounds.maxY - bounds.minY) * row) / (n - 1);
    }
  }
  return grid;
}

/** Why `plan` cannot draw a decision boundary, or null when its Input takes 2-D points. */
export function gridInputProblem(plan: Plan): string | null {
  if (plan.inputShape.length === 1 && plan.inputShape[0] === 2) return null;
  return `the decision boundary needs a design whose Input has shape [2] (two features); this run's Input has shape [${plan.inputShape.join(', ')}]`;
}

/**
 * What the plan predicts on a grid over `bounds`, on the current weights (the plan shares the
 * model's variables), in inference mode: no dropout, BatchNorm on its moving statistics, no probes,
 * so neither the run's random stream nor its statistics are touched. One awaited readback.
 */
export async function predictOnGrid(
  tf: Tf,
  plan: Plan,
  bounds: GridBounds,
  resolution: number,
): Promise<{ classes: number; probabilities: Float32Array<ArrayBuffer> }> {
  const problem = gridInputProblem(plan);
  if (problem) throw new Error(problem);
  const points = gridPoints(bounds, resolution);
  const count = resolution * resolution;
  const chunks: tfNamespace.Tensor[] = [];
  try {
    for (let start = 0; start < count; start += CHUNK) {
      const size = Math.min(CHUNK, count - start);
      chunks.push(
        tf.tidy(() => runPlan(tf, plan, tf.tensor2d(points.subarray(start * 2, (start + size) * 2), [size, 2]), { training: false, seed: 0 }).output),
      );
    }
    const all = tf.tidy(() => (chunks.length === 1 ? tf.clone(chunks[0]) : tf.concat(chunks, 0)));
    const values = new Float32Array((await all.data()) as Float32Array);
    all.dispose();
    return { classes: values.length / count, probabilities: values };
  } finally {
    for (const t of chunks) t.dispose();
  }
}
