import type { Design } from '../graph/design';
import { formatDiagnostic } from '../graph/diagnostics';
import { layerKind, type Layer, type SymbolicTensor, type Tf } from '../graph/catalogue';
import { unroll, type UnrolledGraph } from '../graph/unroll';
import { validateDesign } from '../graph/validate';
import type { Diagnostic } from '../graph/diagnostics';
import type * as tfNamespace from '@tensorflow/tfjs';
import { layersGraph } from './layersTopology';

export class CompileError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`the design has ${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'}:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
    this.name = 'CompileError';
  }
}

export interface CompiledDesign {
  /**
   * The tf.js LayersModel, built on first use. tf.js builds it recursively (one stack frame per
   * layer), so designs of a few thousand layers cannot have one: training runs the plan over the
   * layers' own variables, and exports serialize through `layersGraph`, neither needing it.
   */
  readonly model: tfNamespace.LayersModel;
  /** The model's name, as tf.js and exports spell it. */
  name: string;
  input: SymbolicTensor;
  output: SymbolicTensor;
  graph: UnrolledGraph;
  /** Output tensor of every unrolled node, keyed by unrolled id (`dense_1`, `dense_1__3`). */
  nodeOutputs: Map<string, SymbolicTensor>;
  /** The tf.js layers each unrolled node created, in application order. */
  nodeLayers: Map<string, Layer[]>;
  inputNodeId: string;
  outputNodeId: string;
  /** Weights of the layers that feed the Output: what the model would count. */
  countParams(): number;
  /** Frees every layer's variables (and the model, if it was built). */
  dispose(): void;
}

/**
 * Design → tf.LayersModel through the functional API. Repeat groups are unrolled; layer names are the
 * unrolled node ids, so stats, exports and weights all key back to the design.
 */
export function compileDesign(design: Design, tf: Tf): CompiledDesign {
  const validation = validateDesign(design);
  const errors = validation.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new CompileError(errors);

  const graph = unroll(design);
  const nodeOutputs = new Map<string, SymbolicTensor>();
  const nodeLayers = new Map<string, Layer[]>();
  let inputTensor: SymbolicTensor | undefined;
  let inputNodeId = '';
  let outputNodeId = '';
  for (const n of graph.nodes) {
    if (n.node.type === 'Input') {
      inputTensor = tf.input({ shape: [...n.node.params.shape], name: n.id });
      inputNodeId = n.id;
      nodeOutputs.set(n.id, inputTensor);
      nodeLayers.set(n.id, []);
      continue;
    }
    const inputs = n.inputs.map((e) => nodeOutputs.get(e.source));
    // Nodes cut off from the Input only produce warnings; they are simply not part of the model.
    if (inputs.some((t) => t === undefined)) continue;
    const kind = layerKind(n.node.type);
    const built = kind.build(tf, kind.params.parse(n.node.params), n.id);
    nodeOutputs.set(n.id, built.apply(inputs as SymbolicTensor[]));
    nodeLayers.set(n.id, built.layers);
    if (n.node.type === 'Output') outputNodeId = n.id;
  }
  const output = nodeOutputs.get(outputNodeId);
  if (!inputTensor || !output) throw new CompileError([{ code: 'no-output', severity: 'error', message: 'the Output is not connected to the Input' }]);
  const name = design.metadata.name.replace(/[^A-Za-z0-9_]/g, '_') || 'model';
  let model: tfNamespace.LayersModel | undefined;
  let disposed = false;
  const input = inputTensor;
  const layers = [...nodeLayers.values()].flat();
  return {
    get model() {
      model ??= tf.model({ inputs: input, outputs: output, name });
      return model;
    },
    name,
    input,
    output,
    graph,
    nodeOutputs,
    nodeLayers,
    inputNodeId,
    outputNodeId,
    countParams: () => layersGraph(tf, input, output, name).layers.reduce((n, layer) => n + layer.countParams(), 0),
    dispose: () => {
      // A built model's dispose frees its layers. Layers only applied to symbolic tensors have no
      // reference count for Layer.dispose to lower, so their variables are freed one by one.
      if (disposed) return;
      disposed = true;
      if (model) model.dispose();
      else for (const layer of layers) for (const weight of layer.weights) weight.dispose();
    },
  };
}
