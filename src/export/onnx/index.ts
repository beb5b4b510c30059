/**
 * ONNX export: one `model.onnx` (opset 17, IR 8) with the weights as initializers. Images are NCHW;
 * op names are the design's node ids. The bytes are checked against the structural rules before they
 * are handed out, and a design that cannot be expressed produces no file.
 */
import type { Design } from '../../graph/design';
import type { Tf } from '../../graph/catalogue';
import { folderName, provenance, type ExportBundle } from '../bundle';
import { initialWeights } from '../tfjsModel';
import type { NamedWeights } from '../../schema/weights';
import { nodeWeightsFromNamed, type NodeWeights } from '../pytorch/weights';
import { buildOnnxGraph, checkExpressible, OnnxExportError } from './graph';
import { checkOnnxModel } from './check';
import { encodeModel } from './proto';

export { OnnxExportError, ONNX_OPSET, ONNX_IR_VERSION, buildOnnxGraph, onnxDims } from './graph';
export { checkOnnxModel } from './check';
export { decodeModel } from './proto';

export const ONNX_MODEL_FILE = 'model.onnx';

/** A protobuf message cannot exceed 2 GiB; larger models would need ONNX external data, which this exporter does not write. */
const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;

/** The design as model.onnx bytes with the given weights (tf.js layout, per unrolled node id). */
export function onnxModelBytes(design: Design, weights: NodeWeights, trained: boolean): Uint8Array {
  const graph = buildOnnxGraph(design, weights);
  const weightBytes = graph.initializers.reduce((n, t) => n + t.values.length * 4, 0);
  if (weightBytes > MAX_PROTOBUF_BYTES - 64 * 1024 ** 2) {
    throw new OnnxExportError([
      `the weights take ${(weightBytes / 1024 ** 3).toFixed(2)} GB; a single ONNX file holds at most 2 GB (external data is not supported)`,
    ]);
  }
  const origin = provenance(design.metadata.name, trained);
  const image = graph.input.dims.length === 4;
  const bytes = encodeModel(graph, {
    producerVersion: '0.1.0',
    docString: `${design.metadata.name}: exported by ResCanvas. Input "${graph.input.name}" is ${image ? 'NCHW [N, channels, height, width]' : '[N, features]'}; ${origin.note}.`,
    metadata: { 'rescanvas.design': design.metadata.name, 'rescanvas.weights': origin.weights, 'rescanvas.input_layout': image ? 'NCHW' : 'NC' },
  });
  const problems = checkOnnxModel(bytes);
  if (problems.length) throw new OnnxExportError(problems.map((p) => `internal check failed: ${p}`));
  return bytes;
}

/** Export ▸ ONNX and `rescanvas export --format onnx`: without `weights`, the compiler's fresh initial weights. */
export async function exportOnnx(design: Design, tf: Tf, weights?: NamedWeights): Promise<ExportBundle> {
  // An inexpressible design fails here, before tf.js compiles it.
  checkExpressible(design);
  const named = weights ?? (await initialWeights(design, tf));
  const bytes = onnxModelBytes(design, nodeWeightsFromNamed(named), weights !== undefined);
  return { suggestedName: folderName(design.metadata.name, 'onnx'), files: [{ name: ONNX_MODEL_FILE, data: bytes }] };
}
