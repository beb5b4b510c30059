import type { Design } from '../graph/design';
import type { Tf } from '../graph/catalogue';
import type { ExportBundle, ExportFormat } from './bundle';
import { exportDesignJson } from './designJson';
import { exportKeras } from './keras';
import { exportOnnx } from './onnx';
import { exportTfjsModel } from './tfjsModel';
import type { NamedWeights } from '../schema/weights';

export * from './bundle';
export * from '../schema/weights';
export {
  exportTfjsModel,
  modelArtifacts,
  tfjsModelJson,
  initialWeights,
  TFJS_MODEL_FILE,
  TFJS_WEIGHTS_FILE,
  type ModelArtifacts,
  type TfjsModelJson,
  type JsonObject,
  type JsonValue,
} from './tfjsModel';
export { exportKeras, toKerasTopology, KERAS_MODEL_FILE, KERAS_MANIFEST_FILE, EXPORT_INFO_FILE, type KerasOptions } from './keras';
export { exportDesignJson, designFileName } from './designJson';
export { exportOnnx, OnnxExportError, ONNX_OPSET, ONNX_MODEL_FILE } from './onnx';

export interface ExportOptions {
  /** Trained (or imported) weights by tf.js name; without them model exports carry fresh initial weights and say so. */
  weights?: NamedWeights;
  keras3?: boolean;
}

/** One entry point for the UI and the CLI. `tf` is needed for the model formats only. */
export async function exportDesign(format: ExportFormat, design: Design, tf: Tf | null, options: ExportOptions = {}): Promise<ExportBundle> {
  if (format === 'design') return exportDesignJson(design, options.weights);
  if (!tf) throw new Error(`exporting a ${format} model needs TensorFlow.js`);
  if (format === 'onnx') return exportOnnx(design, tf, options.weights);
  return format === 'tfjs' ? exportTfjsModel(design, tf, options.weights) : exportKeras(design, tf, options.weights, { keras3: options.keras3 });
}
