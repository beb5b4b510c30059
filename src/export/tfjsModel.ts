import type { Design } from '../graph/design';
import type { Tf } from '../graph/catalogue';
import { compileDesign } from '../compile/toTfjs';
import { compiledArtifacts, type CompiledArtifacts } from '../compile/artifacts';
import { folderName, provenance, type ExportBundle, type ExportProvenance } from './bundle';
import { unpackWeights, type NamedWeights, type WeightArray, type WeightSpec } from '../schema/weights';

import type { JsonObject } from '../compile/layersTopology';
export type { JsonObject, JsonValue } from '../compile/layersTopology';

/** What a tf.js `model.save` would write for a design, and where it came from. */
export interface ModelArtifacts extends CompiledArtifacts {
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
    return { ...(await compiledArtifacts(compiled, tf, weights)), provenance: provenance(design.metadata.name, weights !== undefined) };
  } finally {
    compiled.dispose();
  }
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
