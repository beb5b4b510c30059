import type * as tfNamespace from '@tensorflow/tfjs';
import type { Design } from '../graph/design';
import type { Tf } from '../graph/catalogue';
import { compileDesign } from '../compile/toTfjs';
import { folderName, provenance, type ExportBundle, type ExportProvenance } from './bundle';
import { packWeights, unpackWeights, type NamedWeights, type WeightArray, type WeightSpec } from './weights';

/** A Keras-style layers topology as tf.js writes it (`{class_name, config, keras_version, backend}`). */
export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

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
 * captures what tf.js' own serializer writes, through a save handler so no tfjs-node is needed.
 * With `weights`, their values replace the fresh ones, checked name by name against the model.
 */
export async function modelArtifacts(design: Design, tf: Tf, weights?: NamedWeights): Promise<ModelArtifacts> {
  const { model } = compileDesign(design, tf);
  try {
    let saved: tfNamespace.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    if (!saved?.modelTopology || !saved.weightSpecs || saved.weightData === undefined) throw new Error('tf.js saved no topology or weights');
    const specs: WeightSpec[] = saved.weightSpecs.map((s) => {
      if (s.dtype !== 'float32' || s.quantization) throw new Error(`tf.js saved weight "${s.name}" as ${s.dtype}; expected plain float32`);
      return { name: s.name, shape: [...s.shape], dtype: 'float32' };
    });
    const fresh = new Uint8Array(tf.io.concatenateArrayBuffers(saved.weightData));
    return {
      // A JSON round trip drops anything non-JSON tf.js might leave in (undefined fields).
      topology: JSON.parse(JSON.stringify(saved.modelTopology)) as JsonObject,
      generatedBy: saved.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      specs,
      weightData: weights ? packWeights(specs, weights) : fresh,
      provenance: provenance(design.metadata.name, weights !== undefined),
    };
  } finally {
    model.dispose();
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
