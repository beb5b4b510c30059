import type { Design } from '../graph/design';
import { formatDiagnostic } from '../graph/diagnostics';
import { layerKind, type Layer, type SymbolicTensor, type Tf } from '../graph/catalogue';
import { unroll, type UnrolledGraph } from '../graph/unroll';
import { validateDesign } from '../graph/validate';
import type { Diagnostic } from '../graph/diagnostics';
import type * as tfNamespace from '@tensorflow/tfjs';

export class CompileError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`the design has ${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'}:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
    this.name = 'CompileError';
  }
}

export interface CompiledDesign {
  model: tfNamespace.LayersModel;
  graph: UnrolledGraph;
  /** Output tensor of every unrolled node, keyed by unrolled id (`dense_1`, `dense_1__3`). */
  nodeOutputs: Map<string, SymbolicTensor>;
  /** The tf.js layers each unrolled node created, in application order. */
  nodeLayers: Map<string, Layer[]>;
  inputNodeId: string;
  outputNodeId: string;
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
  const model = tf.model({ inputs: inputTensor, outputs: output, name: design.metadata.name.replace(/[^A-Za-z0-9_]/g, '_') || 'model' });
  return { model, graph, nodeOutputs, nodeLayers, inputNodeId, outputNodeId };
}
