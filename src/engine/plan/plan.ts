import type * as tfNamespace from '@tensorflow/tfjs';
import type { CompiledDesign } from '../../compile/toTfjs';
import type { UnrolledEdge } from '../../graph/unroll';
import type { DesignNode } from '../../graph/design';
import { activate, nodeOp, type NodeOp, type NodeWeights, type OpContext, type OpTape } from './ops';

type Tensor = tfNamespace.Tensor;
type Variable = tfNamespace.Variable;
type WeightRole = keyof NodeWeights;

export interface PlanNode {
  /** Unrolled id (`dense_1`, `dense_1__3`). */
  id: string;
  designId: string;
  copy: number;
  groupId?: string;
  type: DesignNode['type'];
  op: NodeOp;
  /** Unrolled edges feeding this node, in input order. */
  inputs: UnrolledEdge[];
  /** How many plan nodes read this node's output. */
  fanOut: number;
}

export interface PlanWeight {
  /** The tf.js weight name, e.g. `dense_1/kernel`: what exports and the stats stream call it. */
  id: string;
  nodeId: string;
  role: WeightRole;
  variable: Variable;
  trainable: boolean;
}

export type LossKind = 'categoricalCrossentropy' | 'binaryCrossentropy' | 'meanSquaredError';

/**
 * The training step's program: the design's nodes as plain tf.js ops in topological order, over the
 * LayersModel's own variables. Running plain ops skips the per-layer bookkeeping of
 * `LayersModel.execute` (architecture.md: 3.7 s vs 1.4 s per step on a 4003-layer net), and
 * sharing the variables means the model is always the trained, probe-free export artefact.
 */
export interface Plan {
  nodes: PlanNode[];
  byId: Map<string, PlanNode>;
  /** Edges between plan nodes (edges into nodes cut off from the output are left out). */
  edges: UnrolledEdge[];
  inputNodeId: string;
  outputNodeId: string;
  weights: PlanWeight[];
  trainable: Variable[];
  loss: LossKind;
  outputActivation: 'softmax' | 'sigmoid' | 'linear';
  outputUnits: number;
  inputShape: number[];
  /** Every node can record its gradient on a step's own tape (RunOptions.tape); see tapeableNode. */
  tapeable: boolean;
}

const ROLE_BY_SUFFIX: Record<string, WeightRole> = {
  kernel: 'kernel',
  bias: 'bias',
  gamma: 'gamma',
  beta: 'beta',
  moving_mean: 'movingMean',
  moving_variance: 'movingVariance',
};

/** `dense_1/kernel` or `dense_1/kernel_2` (tf.js suffixes repeated names) → its role. */
function roleOf(name: string): WeightRole | undefined {
  const last = name.slice(name.lastIndexOf('/') + 1).replace(/_\d+$/, '');
  return ROLE_BY_SUFFIX[last];
}

/**
 * Whether a node's training-mode op records itself on the step's own tape: the ops with a
 * hand-written gradient (ops.ts), on the shapes they take that route for. Anything else (other
 * activations, convolutions, dropout) leaves the whole plan on tf.js's tape.
 */
function tapeableNode(n: CompiledDesign['graph']['nodes'][number], compiled: CompiledDesign): boolean {
  const shapeOf = (id: string) => compiled.nodeOutputs.get(id)?.shape;
  const node = n.node;
  switch (node.type) {
    case 'Input':
    case 'LayerNorm':
    case 'BatchNorm':
      return true;
    case 'Dense':
    case 'Output':
      return (
        (node.type === 'Output' || node.params.activation === 'relu' || node.params.activation === 'linear') && shapeOf(n.inputs[0]?.source ?? '')?.length === 2
      );
    case 'Activation':
      return node.params.activation === 'relu';
    case 'Conv2D':
      return node.params.activation === 'relu' || node.params.activation === 'linear';
    case 'GlobalAvgPool':
      return shapeOf(n.inputs[0]?.source ?? '')?.length === 4;
    case 'Dropout':
      return node.params.rate === 0;
    case 'Add': {
      if (n.inputs.length !== 2 || n.inputs[0].source === n.inputs[1].source) return false;
      const [a, b] = n.inputs.map((e) => shapeOf(e.source));
      return a !== undefined && b !== undefined && a.length === b.length && a.every((d, i) => d === b[i]);
    }
    default:
      return false;
  }
}

export function buildPlan(compiled: CompiledDesign): Plan {
  // Only nodes that feed the Output are computed: a dangling branch costs time and has no gradient.
  const byId = new Map(compiled.graph.nodes.map((n) => [n.id, n]));
  const needed = new Set<string>();
  const stack = [compiled.outputNodeId];
  while (stack.length) {
    const id = stack.pop() as string;
    if (needed.has(id)) continue;
    needed.add(id);
    for (const e of byId.get(id)?.inputs ?? []) stack.push(e.source);
  }

  const weights: PlanWeight[] = [];
  const nodes: PlanNode[] = [];
  let tapeable = true;
  const fanOut = new Map<string, number>();
  for (const n of compiled.graph.nodes) {
    if (!needed.has(n.id) || !compiled.nodeOutputs.has(n.id)) continue;
    const nodeWeights: NodeWeights = {};
    for (const layer of compiled.nodeLayers.get(n.id) ?? []) {
      for (const lv of layer.weights) {
        const role = roleOf(lv.originalName);
        if (!role) throw new Error(`node "${n.id}": unexpected weight "${lv.originalName}"`);
        const variable = lv.read() as Variable;
        nodeWeights[role] = variable;
        weights.push({ id: lv.originalName, nodeId: n.id, role, variable, trainable: lv.trainable });
      }
    }
    for (const e of n.inputs) fanOut.set(e.source, (fanOut.get(e.source) ?? 0) + 1);
    tapeable &&= tapeableNode(n, compiled);
    nodes.push({
      id: n.id,
      designId: n.designId,
      copy: n.copy,
      groupId: n.groupId,
      type: n.node.type,
      op: nodeOp(n.node, nodeWeights, n.id),
      inputs: n.inputs,
      fanOut: 0,
    });
  }
  for (const node of nodes) node.fanOut = fanOut.get(node.id) ?? 0;

  const output = byId.get(compiled.outputNodeId)?.node;
  const input = byId.get(compiled.inputNodeId)?.node;
  if (output?.type !== 'Output' || input?.type !== 'Input') throw new Error('the compiled design has no Input or Output');
  return {
    nodes,
    byId: new Map(nodes.map((n) => [n.id, n])),
    edges: nodes.flatMap((n) => n.inputs),
    inputNodeId: compiled.inputNodeId,
    outputNodeId: compiled.outputNodeId,
    weights,
    trainable: weights.filter((w) => w.trainable).map((w) => w.variable),
    loss: output.params.loss,
    outputActivation: output.params.activation,
    outputUnits: output.params.units,
    inputShape: [...input.params.shape],
    tapeable,
  };
}

/** Hooks the instrumentation uses; absent hooks cost nothing. */
export interface PlanProbes {
  /** Sees every node's output (forward statistics). */
  activation?(nodeId: string, value: Tensor): void;
  /** May wrap a node's output in an identity whose gradient it records. */
  node?(nodeId: string, value: Tensor): Tensor;
  /** May wrap the value travelling along one edge (only called for sources read by more than one node). */
  edge?(edgeId: string, value: Tensor): Tensor;
  /** Replaces the value arriving along an edge (block-drop evaluation zeroes a branch). */
  replaceInput?(edge: UnrolledEdge, value: Tensor): Tensor;
}

export interface RunOptions {
  training: boolean;
  /** Mixed into dropout seeds; vary per step. */
  seed: number;
  probes?: PlanProbes;
  /**
   * A training step's list of tensors held for the backward pass (OpContext.hold); the caller
   * disposes them once the step's gradients are taken.
   */
  held?: Tensor[];
  /**
   * The step's own gradient tape, for a plan that is `tapeable` and a step without probes (they
   * record gradients through tf.js's tape); needs `held`.
   */
  tape?: OpTape;
}

export interface PlanOutput {
  /** The Output node's pre-activation values; its statistics are reported on these. */
  logits: Tensor;
  /** What the model predicts (logits through the Output's activation), as model.predict returns. */
  output: Tensor;
}

/** Runs the plan on a batch. Call inside tf.tidy or a gradient scope. */
export function runPlan(tf: typeof tfNamespace, plan: Plan, x: Tensor, options: RunOptions): PlanOutput {
  const values = new Map<string, Tensor>();
  const probes = options.probes;
  const held = options.held;
  const tape = options.tape;
  if (tape && (!held || probes || !plan.tapeable)) throw new Error('a step tape needs a tapeable plan, held tensors and no probes');
  // The batch belongs to the caller, and a tensor someone else keeps (the recorder) is theirs to release.
  const hold = held
    ? (tensors: Tensor[]) => {
        for (const t of tensors) {
          if (t === x || t.kept || t instanceof tf.Variable) continue;
          tf.keep(t);
          held.push(t);
        }
      }
    : undefined;
  for (let i = 0; i < plan.nodes.length; i++) {
    const node = plan.nodes[i];
    const inputs =
      node.id === plan.inputNodeId
        ? [x]
        : node.inputs.map((e) => {
            let value = values.get(e.source) as Tensor;
            if (probes?.edge && (plan.byId.get(e.source)?.fanOut ?? 0) > 1) value = probes.edge(e.id, value);
            return probes?.replaceInput ? probes.replaceInput(e, value) : value;
          });
    const context: OpContext = { tf, training: options.training, dropoutSeed: (options.seed * 7919 + i * 104729) % 2147483647, hold, tape };
    let out = node.op(inputs, context);
    probes?.activation?.(node.id, out);
    if (probes?.node) out = probes.node(node.id, out);
    values.set(node.id, out);
  }
  const logits = values.get(plan.outputNodeId) as Tensor;
  return { logits, output: activate(tf, logits, plan.outputActivation) };
}
