import type * as tfNamespace from '@tensorflow/tfjs';
import type { UnrolledEdge } from '../graph/unroll';
import { batchLoss, correctCount } from './loss';
import { runPlan, type Plan, type PlanNode, type PlanProbes } from './plan/plan';

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
  const totals = evaluationTotals(tf, plan, data, batchSize, probes);
  const values = totals.dataSync();
  totals.dispose();
  return score(values, data.count);
}

/** evaluatePlan with an awaited readback, which every backend supports (WebGPU's synchronous one may not work). */
export async function evaluatePlanAsync(tf: Tf, plan: Plan, data: LabelledData, batchSize: number, probes?: PlanProbes): Promise<Score> {
  if (data.count === 0) return { loss: NaN, accuracy: NaN };
  const totals = evaluationTotals(tf, plan, data, batchSize, probes);
  const values = await totals.data();
  totals.dispose();
  return score(values, data.count);
}

/**
 * [summed loss, correct count] over `data`, as one tensor. Each batch runs in its own tidy, so only
 * one batch's forward intermediates are alive at a time, whatever the size of `data`.
 */
function evaluationTotals(tf: Tf, plan: Plan, data: LabelledData, batchSize: number, probes?: PlanProbes): Tensor {
  let totals: Tensor = tf.zeros([2]);
  for (let start = 0; start < data.count; start += batchSize) {
    const size = Math.min(batchSize, data.count - start);
    let next: Tensor;
    try {
      next = tf.tidy(() => {
        const x = tf.slice(data.x, start, size);
        const out = runPlan(tf, plan, x, { training: false, seed: 0, probes });
        const loss = tf.mul(batchLoss(tf, plan.loss, out, plan.outputActivation, tf.slice(data.targets, start, size)), size);
        const correct = correctCount(tf, out.output, tf.slice(data.labels, start, size));
        return tf.add(totals, tf.stack([loss, correct]));
      });
    } finally {
      totals.dispose();
    }
    totals = next;
  }
  return totals;
}

function score(totals: ArrayLike<number>, count: number): Score {
  return { loss: totals[0] / count, accuracy: totals[1] / count };
}

/** Longest path from the Input to each node, in nodes. */
function depths(plan: Plan): Map<string, number> {
  const depth = new Map<string, number>();
  for (const n of plan.nodes)
    depth.set(
      n.id,
      n.inputs.reduce((d, e) => Math.max(d, (depth.get(e.source) ?? 0) + 1), 0),
    );
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
export async function blockDrop(tf: Tf, plan: Plan, data: LabelledData, batchSize: number, sets?: string[][]): Promise<BlockDropOutcome> {
  const branches = residualBranches(plan);
  const chosen = sets ?? [...branches.keys()].map((id) => [id]);
  const unknown = chosen.flat().filter((id) => !branches.has(id));
  if (unknown.length) throw new Error(`not residual blocks (an Add with a branch): ${[...new Set(unknown)].slice(0, 10).join(', ')}`);
  const baseline = await evaluatePlanAsync(tf, plan, data, batchSize);
  const results: BlockDropOutcome['results'] = [];
  for (const dropped of chosen) {
    const zeroed = new Set(dropped.map((id) => (branches.get(id) as UnrolledEdge).id));
    const score = await evaluatePlanAsync(tf, plan, data, batchSize, { replaceInput: (edge, value) => (zeroed.has(edge.id) ? tf.zerosLike(value) : value) });
    results.push({ dropped, ...score });
  }
  return { baseline, results };
}

/** A chain of layers to take out: the nodes reading `to` read what `from` read instead. */
export interface LayerSpan {
  from: string;
  to: string;
}

/** Ids of the nodes reachable from `start` along the plan's edges, `start` included. */
function downstream(plan: Plan, start: string): Set<string> {
  const reached = new Set([start]);
  for (const n of plan.nodes) if (n.inputs.some((e) => reached.has(e.source))) reached.add(n.id);
  return reached;
}

/** Why `span` cannot be skipped in `plan`, or null. */
function spanProblem(plan: Plan, span: LayerSpan): string | null {
  const unknown = [span.from, span.to].filter((id) => !plan.byId.has(id));
  if (unknown.length) return `not layers of the trained net: ${unknown.join(', ')}`;
  const first = plan.byId.get(span.from) as PlanNode;
  if (first.id === plan.inputNodeId || first.inputs.length !== 1) return `"${span.from}" must be a layer with exactly one input to be skipped over`;
  if (span.to === plan.outputNodeId || (plan.byId.get(span.to) as PlanNode).fanOut === 0) return `"${span.to}" is the Output: a span must end before it`;
  if (!downstream(plan, span.from).has(span.to)) return `"${span.to}" does not come after "${span.from}"`;
  return null;
}

/**
 * Plain-net layer drop, the counterpart of blockDrop for nets without shortcuts: for each span,
 * inference-mode scores with the chain from..to bypassed (whatever read `to` reads `from`'s input),
 * no retraining. A span whose ends disagree in shape is an error naming it.
 */
export async function skipLayers(tf: Tf, plan: Plan, data: LabelledData, batchSize: number, spans: LayerSpan[]): Promise<BlockDropOutcome> {
  const problems = spans.map((s) => spanProblem(plan, s)).filter((p): p is string => p !== null);
  if (problems.length) throw new Error([...new Set(problems)].slice(0, 5).join('; '));
  const baseline = await evaluatePlanAsync(tf, plan, data, batchSize);
  const results: BlockDropOutcome['results'] = [];
  for (const span of spans) {
    const entry = (plan.byId.get(span.from) as PlanNode).inputs[0].source;
    let entering: Tensor | undefined;
    const score = await evaluatePlanAsync(tf, plan, data, batchSize, {
      activation: (nodeId, value) => {
        if (nodeId === entry) entering = value;
      },
      replaceInput: (edge, value) => {
        if (edge.source !== span.to) return value;
        const bypass = entering as Tensor;
        if (!tf.util.arraysEqual(bypass.shape, value.shape))
          throw new Error(
            `cannot skip ${span.from}..${span.to}: it turns shape [${bypass.shape.slice(1).join(', ')}] into [${value.shape.slice(1).join(', ')}]`,
          );
        return bypass;
      },
    });
    results.push({ dropped: [span.from, span.to], ...score });
  }
  return { baseline, results };
}
