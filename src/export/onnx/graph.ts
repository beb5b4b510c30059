/**
 * Design → an ONNX graph as plain data (nodes, initializers, value shapes), before any protobuf. Images
 * are NCHW as ONNX convolutions expect; every op is named after the (unrolled) design node it comes
 * from, so Netron shows the user's graph.
 */
import type { Design } from '../../graph/design';
import { entryFor } from '../../graph/layerTable';
import type { Shape } from '../../graph/shape';
import { splitCopyId, unroll } from '../../graph/unroll';
import { checkTranslatable, type TranslatableDesign } from '../translatable';
import type { NodeWeights } from '../pytorch/weights';
import { Builder } from './builder';
import { ONNX_LAYERS } from './layers';
import { OnnxExportError, onnxDims, type OnnxGraph } from './model';

export { ONNX_OPSET, ONNX_IR_VERSION, OnnxExportError, onnxDims } from './model';
export type { AttrValue, Initializer, OnnxGraph, OnnxNode, ValueShape } from './model';

/** Throws OnnxExportError naming each node ONNX cannot express, or the design's errors. */
export function checkExpressible(design: Design): TranslatableDesign['validation'] {
  return checkTranslatable(design, 'ONNX export cannot express', (problems) => new OnnxExportError(problems)).validation;
}

/**
 * Translates the design with `weights` (tf.js layout, keyed by unrolled node id). Throws OnnxExportError
 * naming every node at fault; nothing is produced in that case.
 */
export function buildOnnxGraph(design: Design, weights: NodeWeights): OnnxGraph {
  const validation = checkExpressible(design);

  const graph = unroll(design);
  const input = graph.nodes.find((n) => n.node.type === 'Input');
  const output = graph.nodes.find((n) => n.node.type === 'Output');
  if (!input || !output) throw new OnnxExportError(['the design needs one Input and one Output']);
  const shapeOf = (id: string): Shape => {
    const s = validation.nodeShapes.get(splitCopyId(id).designId);
    if (!s) throw new OnnxExportError([`node "${id}": its shape could not be inferred`]);
    return s;
  };
  // Only what lies between Input and Output is part of the model, as in the tf.js compiler.
  const fromInput = new Set<string>([input.id]);
  for (const n of graph.nodes) if (n.inputs.length && n.inputs.every((e) => fromInput.has(e.source))) fromInput.add(n.id);
  const toOutput = new Set<string>([output.id]);
  for (const n of [...graph.nodes].reverse()) if (toOutput.has(n.id)) for (const e of n.inputs) toOutput.add(e.source);
  const live = graph.nodes.filter((n) => fromInput.has(n.id) && toOutput.has(n.id));

  const b = new Builder(weights);
  for (const n of live) entryFor(ONNX_LAYERS, n.node)(n.node, b, n, n.inputs.length ? shapeOf(n.inputs[0].source) : shapeOf(n.id));
  if (b.problems.length) throw new OnnxExportError(b.problems.slice(0, 20).concat(b.problems.length > 20 ? [`… and ${b.problems.length - 20} more`] : []));
  return {
    name: design.metadata.name,
    input: { name: input.id, dims: onnxDims(shapeOf(input.id)) },
    output: { name: output.id, dims: onnxDims(shapeOf(output.id)) },
    nodes: b.nodes,
    initializers: b.initializers,
    valueInfo: live.filter((n) => n !== input && n !== output).map((n) => ({ name: n.id, dims: onnxDims(shapeOf(n.id)) })),
  };
}
