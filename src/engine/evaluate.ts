import type * as tfNamespace from '@tensorflow/tfjs';
import type { UnrolledEdge } from '../graph/unroll';
import { batchLoss, correctCount } from './loss';
import { runPlan, type Plan, type PlanProbes } from './plan/plan';

type Tf = typeof tfNamespace;
type Tensor = tfNamespace.Tensor;

export interface LabelledData {
  x: Tensor;
  targets: Tensor;
  labels: Tensor;
  count: number;
}

export interface Score {
  loss: number;
  accuracy: number;
}

/** Inference-mode loss and accuracy over `data`, in batches; one readback at the end. */
export function evaluatePlan(tf: Tf, plan: Plan, data: LabelledData, batchSize: number, probes?: PlanProbes): Score {
  if (data.count === 0) return { loss: NaN, accuracy: NaN };
  const totals = tf.tidy(() => {
    let loss: Tensor = tf.scalar(0);
    let correct: Tensor = tf.scalar(0);
    for (let start = 0; start < data.count; start += batchSize) {
      const size = Math.min(batchSize, data.count - start);
      const x = tf.slice(data.x, start, size);
      const out = runPlan(tf, plan, x, { training: false, seed: 0, probes });
      loss = tf.add(loss, tf.mul(batchLoss(tf, plan.loss, out, plan.outputActivation, tf.slice(data.targets, start, size)), size));
      correct = tf.add(correct, correctCount(tf, out.output, tf.slice(data.labels, start, size)));
    }
    return tf.stack([loss, correct]);
  });
  const [loss, correct] = totals.dataSync();
  totals.dispose();
  return { loss: loss / data.count, accuracy: correct / data.count };
}

/** Longest path from the Input to each node, in nodes. */
function depths(plan: Plan): Map<string, number> {
  const depth = new Map<string, number>();
  for (const n of plan.nodes) depth.set(n.id, n.inputs.reduce((d, e) => Math.max(d, (depth.get(e.source) ?? 0) + 1), 0));
  return depth;
}

/**
 * The residual branch of each Add: the input reached by the longest path. An identity shortcut
 * (x) and a projection shortcut (one Dense or Conv + BatchNorm) are both shorter than the
 * branch they bypass, so the deepest input is the branch. Adds whose deepest input is tied are
 * not residual blocks and are left out.
 */
export function residualBranches(plan: Plan): Map<string, UnrolledEdge> {
  const depth = depths(plan);
  const branches = new Map<string, UnrolledEdge>();
  for (const n of plan.nodes) {
    if (n.type !== 'Add') continue;
    const sorted = [...n.inputs].sort((a, b) => (depth.get(b.source) ?? 0) - (depth.get(a.source) ?? 0));
    if (sorted.length < 2 || depth.get(sorted[0].source) === depth.get(sorted[1].source)) continue;
    branches.set(n.id, sorted[0]);
  }
  return branches;
}

export interface BlockDropOutcome {
  baseline: Score;
  results: { dropped: string[]; loss: number; accuracy: number }[];
}

/**
 * Veit et al. (2016): drop residual blocks at test time by zeroing their branch, no retraining.
 * Unknown or non-residual Add ids are an error naming them.
 */
export function blockDrop(tf: Tf, plan: Plan, data: LabelledData, batchSize: number, sets?: string[][]): BlockDropOutcome {
  const branches = residualBranches(plan);
  const chosen = sets ?? [...branches.keys()].map((id) => [id]);
  const unknown = chosen.flat().filter((id) => !branches.has(id));
  if (unknown.length) throw new Error(`not residual blocks (an Add with a branch): ${[...new Set(unknown)].slice(0, 10).join(', ')}`);
  const baseline = evaluatePlan(tf, plan, data, batchSize);
  const results = chosen.map((dropped) => {
    const zeroed = new Set(dropped.map((id) => (branches.get(id) as UnrolledEdge).id));
    const score = evaluatePlan(tf, plan, data, batchSize, { replaceInput: (edge, value) => (zeroed.has(edge.id) ? tf.zerosLike(value) : value) });
    return { dropped, ...score };
  });
  return { baseline, results };
}
