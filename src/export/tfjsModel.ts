import type * as tfNamespace from '@tensorflow/tfjs';
import type { Design } from '../graph/design';
import type { Tf } from '../graph/catalogue';
import { compileDesign, type CompiledDesign } from '../compile/toTfjs';
import { layersGraph, type JsonObject } from '../compile/layersTopology';
import { folderName, provenance, type ExportBundle, type ExportProvenance } from './bundle';
import { packWeights, unpackWeights, type NamedWeights, type WeightArray, type WeightSpec } from './weights';

export type { JsonObject, JsonValue } from '../compile/layersTopology';

export interface ModelArtifacts {
  topology: JsonObject;
  /** tf.js' own version string, e.g. "TensorFlow.js tfjs-layers v4.22.0". */
  generatedBy: string;
  specs: WeightSpec[];
  weightData: Uint8Array;
  provenance: ExportProvenance;
}

export const TFJS_WEIGHTS_FILE = 'weights.bin';
export const TFJS_MODEL_FILE = 'model.json';

/**
 * Compiles the design (the probe-free graph the engine starts from: stock tf.js layers only) and
 * serializes it as tf.js' own `model.save` would, without building a LayersModel (whose graph code
 * recurses once per layer and overflows on deep designs). With `weights`, their values replace
 * the fresh ones, checked name by name against the model.
 */
export async function modelArtifacts(design: Design, tf: Tf, weights?: NamedWeights): Promise<ModelArtifacts> {
  const compiled = compileDesign(design, tf);
  try {
    return await compiledArtifacts(compiled, tf, design.metadata.name, weights);
  } finally {
    compiled.dispose();
  }
}

/** The artifacts of an already compiled design, with its variables' current values (trained or fresh). */
export async function compiledArtifacts(compiled: CompiledDesign, tf: Tf, designName: string, weights?: NamedWeights): Promise<ModelArtifacts> {
  const graph = layersGraph(tf, compiled.input, compiled.output, compiled.name);
  // LayersModel.weights order: every trainable weight by layer, then every non-trainable one.
  const variables = [...graph.layers.flatMap((l) => l.trainableWeights), ...graph.layers.flatMap((l) => l.nonTrainableWeights)];
  const specs: WeightSpec[] = variables.map((v) => {
    if (v.dtype !== 'float32') throw new Error(`weight "${v.originalName}" is ${v.dtype}; expected plain float32`);
    return { name: v.originalName, shape: [...v.shape] as number[], dtype: 'float32' };
  });
  return {
    // A JSON round trip drops anything non-JSON a layer config might hold (undefined fields).
    topology: JSON.parse(JSON.stringify(graph.topology)) as JsonObject,
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    specs,
    weightData: weights ? packWeights(specs, weights) : freshWeightData(variables),
    provenance: provenance(designName, weights !== undefined),
  };
}

function freshWeightData(variables: readonly { read(): tfNamespace.Tensor }[]): Uint8Array {
  const arrays = variables.map((v) => v.read().dataSync() as Float32Array);
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return new Uint8Array(out.buffer);
}

/** The parsed content of a tf.js `model.json`, as tf.io.getModelArtifactsForJSON reads it. */
export interface TfjsModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string;
  modelTopology: JsonObject;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  userDefinedMetadata: { rescanvas: ExportProvenance };
}

export function tfjsModelJson(artifacts: ModelArtifacts, weightsPath = TFJS_WEIGHTS_FILE): TfjsModelJson {
  return {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: 'ResCanvas',
    modelTopology: artifacts.topology,
    weightsManifest: [{ paths: [weightsPath], weights: artifacts.specs }],
    userDefinedMetadata: { rescanvas: artifacts.provenance },
  };
}

/** `model.json` + `weights.bin`, loadable with `tf.loadLayersModel`. */
export async function exportTfjsModel(design: Design, tf: Tf, weights?: NamedWeights): Promise<ExportBundle> {
  const artifacts = await modelArtifacts(design, tf, weights);
  return {
    suggestedName: folderName(design.metadata.name, 'tfjs'),
    files: [
      { name: TFJS_MODEL_FILE, data: `${JSON.stringify(tfjsModelJson(artifacts))}\n` },
      { name: TFJS_WEIGHTS_FILE, data: artifacts.weightData },
    ],
  };
}

/** The weights a compiled design starts from, by tf.js name (what an export without a run contains). */
export async function initialWeights(design: Design, tf: Tf): Promise<Map<string, WeightArray>> {
  const artifacts = await modelArtifacts(design, tf);
  return unpackWeights(artifacts.specs, artifacts.weightData);
}
