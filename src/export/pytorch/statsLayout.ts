import type { Design } from '../../graph/design';
import { unroll } from '../../graph/unroll';
import type { ModelPlan, NodePlan } from './translate';

/**
 * stats_layout.json: the row order of the stats frames train.py writes, computed here from the same
 * unrolled graph the app's engine instruments (src/engine/plan, src/engine/instrument.ts), so a run
 * log from PyTorch lines up row for row with one from `rescanvas train --log`.
 */
export const STATS_LAYOUT_FORMAT = 'rescanvas.pytorch-stats-layout';

export interface StatsLayout {
  format: typeof STATS_LAYOUT_FORMAT;
  version: 1;
  inputId: string;
  outputId: string;
  /** Unrolled node ids in topological order (copy k > 0 of node n is n__k), Input included. */
  nodeIds: string[];
  /** Edges whose source feeds more than one node: `port` is the input position at `target`. */
  edges: { id: string; target: string; port: number }[];
  /** Trainable weights, named as tf.js names them (`dense_1/kernel`), with the PyTorch parameter holding each. */
  weights: { id: string; node: string; param: string }[];
  /** Design ids of nodes inside repeat groups and the rows (in nodeIds) of their copies. */
  groups: { id: string; rows: number[] }[];
}

/** BatchNorm's moving statistics are buffers, not trained: the engine leaves them out of frames too. */
const NOT_TRAINED = new Set(['moving_mean', 'moving_variance']);

export function statsLayout(design: Design, plan: ModelPlan): StatsLayout {
  const planned = new Map<string, NodePlan>();
  for (const step of plan.steps) {
    if (step.kind === 'node') planned.set(step.node.id, step.node);
    else for (const n of step.group.nodes) planned.set(n.id, n);
  }
  // Only nodes between Input and Output are part of the model, as in the engine's plan.
  const nodes = unroll(design).nodes.filter((n) => n.designId === plan.inputId || planned.has(n.designId));
  const fanOut = new Map<string, number>();
  for (const n of nodes) for (const e of n.inputs) fanOut.set(e.source, (fanOut.get(e.source) ?? 0) + 1);

  const groups = new Map<string, number[]>();
  nodes.forEach((n, row) => {
    if (n.groupId === undefined) return;
    groups.set(n.designId, [...(groups.get(n.designId) ?? []), row]);
  });
  return {
    format: STATS_LAYOUT_FORMAT,
    version: 1,
    inputId: plan.inputId,
    outputId: plan.outputId,
    nodeIds: nodes.map((n) => n.id),
    edges: nodes.flatMap((n) => n.inputs.flatMap((e, port) => ((fanOut.get(e.source) ?? 0) > 1 ? [{ id: e.id, target: n.id, port }] : []))),
    weights: nodes.flatMap((n) =>
      (planned.get(n.designId)?.weights ?? [])
        .filter((w) => !NOT_TRAINED.has(w.tfName))
        .map((w) => ({ id: `${n.id}/${w.tfName}`, node: n.id, param: w.param })),
    ),
    groups: [...groups].map(([id, rows]) => ({ id, rows })),
  };
}
