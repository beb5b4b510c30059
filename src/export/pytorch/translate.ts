import type { Design, DesignNode, RepeatGroup } from '../../graph/design';
import { groupBoundary } from '../../graph/groups';
import { entryFor } from '../../graph/layerTable';
import type { Shape } from '../../graph/shape';
import { indexGraph, reachable, topologicalOrder, type GraphIndex } from '../../graph/topology';
import { checkTranslatable } from '../translatable';
import { PytorchExportError } from './error';
import { PYTORCH_LAYERS, type WeightRule } from './layers';
import { className, PythonNames } from './names';

export { PytorchExportError } from './error';
export type { WeightRule } from './layers';

export interface NodePlan {
  id: string;
  node: DesignNode;
  /** Attribute and local-variable name in the enclosing class. */
  name: string;
  /** Python expression that constructs the module. */
  construct: string;
  /** Why the construction looks the way it does, when that is not obvious (a TF convention). */
  note?: string;
  /** Design ids of the inputs, in port order. */
  inputs: string[];
  weights: WeightRule[];
}

export interface GroupPlan {
  group: RepeatGroup;
  className: string;
  /** Attribute holding the nn.ModuleList of copies. */
  name: string;
  entrySource: string;
  exit: string;
  /** Members in topological order; names are scoped to the group's class. */
  nodes: NodePlan[];
  /** The forward parameter name inside the block class (the entry source's output). */
  param: string;
}

export type Step = { kind: 'node'; node: NodePlan } | { kind: 'group'; group: GroupPlan };

export interface ModelPlan {
  designName: string;
  inputId: string;
  inputName: string;
  /** Design layout, [features] or [height, width, channels]. */
  inputShape: Shape;
  outputId: string;
  output: Extract<DesignNode, { type: 'Output' }>['params'];
  steps: Step[];
  /** Top-level local variable name for each design id read in Model.forward (group exits map to the loop variable). */
  topNames: Map<string, string>;
}

/**
 * Design → a plan of PyTorch modules. Checks first that every node has a translation and that the design
 * validates; the package is generated only from a plan, so a failure here writes nothing.
 */
export function planModel(design: Design): ModelPlan {
  const { input, output, shapeOf } = checkTranslatable(design, 'the PyTorch exporter cannot translate', (problems) => new PytorchExportError(problems));
  const index = indexGraph(design);
  const { order } = topologicalOrder(index);
  // Only what lies between Input and Output is part of the model, as in the tf.js compiler's tf.model(...).
  const live = intersect(reachable(index, [input.id], 'forward'), reachable(index, [output.id], 'backward'));

  const groupOfNode = new Map<string, RepeatGroup>();
  for (const g of design.groups) for (const id of g.nodeIds) groupOfNode.set(id, g);
  const topNames = new PythonNames();
  const classNames = new Set<string>();
  const steps: Step[] = [];
  const emitted = new Set<string>();
  const localNames = new Map<string, string>([[input.id, topNames.name(input.id)]]);

  for (const id of order) {
    if (!live.has(id) || id === input.id) continue;
    const group = groupOfNode.get(id);
    if (!group) {
      const plan = planNode(index, id, topNames, shapeOf);
      localNames.set(id, plan.name);
      steps.push({ kind: 'node', node: plan });
      continue;
    }
    if (emitted.has(group.id)) continue;
    emitted.add(group.id);
    const boundary = groupBoundary(group, index);
    if (!boundary.ok) throw new PytorchExportError([`repeat group "${group.id}": ${boundary.message}`]);
    const scope = new PythonNames();
    const param = scope.name(boundary.boundary.entrySource);
    const members = order.filter((m) => boundary.boundary.members.has(m));
    const name = topNames.name(group.id);
    const cls = className(group.id, classNames);
    classNames.add(cls);
    steps.push({
      kind: 'group',
      group: {
        group,
        className: cls,
        name,
        entrySource: boundary.boundary.entrySource,
        exit: boundary.boundary.exit,
        nodes: members.map((m) => planNode(index, m, scope, shapeOf)),
        param,
      },
    });
    localNames.set(boundary.boundary.exit, topNames.name(boundary.boundary.exit));
  }
  return {
    designName: design.metadata.name,
    inputId: input.id,
    inputName: localNames.get(input.id) as string,
    inputShape: input.params.shape,
    outputId: output.id,
    output: output.params,
    steps,
    topNames: localNames,
  };
}

function intersect(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a].filter((x) => b.has(x)));
}

function planNode(index: GraphIndex, id: string, names: PythonNames, shapeOf: (id: string) => Shape): NodePlan {
  const node = index.nodes.get(id) as DesignNode;
  const inputs = (index.incoming.get(id) ?? []).map((e) => e.source);
  const inShape = inputs.length ? shapeOf(inputs[0]) : shapeOf(id);
  const module = entryFor(PYTORCH_LAYERS, node)(node, { id, inShape, channels: inShape[inShape.length - 1] });
  return { id, node, name: names.name(id), inputs, ...module };
}
