import type { Design } from '../graph/design';
import type { Tf } from '../graph/catalogue';
import { folderName, type ExportBundle } from './bundle';
import { modelArtifacts, TFJS_WEIGHTS_FILE, type JsonObject, type JsonValue } from './tfjsModel';
import type { NamedWeights } from '../schema/weights';

export const KERAS_MODEL_FILE = 'keras_model.json';
export const KERAS_MANIFEST_FILE = 'weights_manifest.json';
export const EXPORT_INFO_FILE = 'export_info.json';

export interface KerasOptions {
  /** Adds the `module` / `registered_name` keys and Keras-3 spellings (batch_shape, negative_slope). */
  keras3?: boolean;
}

const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * tf.js already writes Keras-2-style JSON (snake_case keys, legacy `inbound_nodes`); what remains is
 * naming the model class the way Keras 2.4+ and Keras 3 do ("Functional"), spelling tf.js'
 * 'normal' VarianceScaling as the truncated normal it really draws (the name Keras 3 requires), and
 * for Keras 3 the module keys and renamed arguments.
 */
export function toKerasTopology(tfjsTopology: JsonObject, options: KerasOptions = {}): JsonObject {
  const keras3 = options.keras3 ?? false;
  const config = tfjsTopology.config;
  if (tfjsTopology.class_name !== 'Model' || !isObject(config) || !Array.isArray(config.layers)) {
    throw new Error(`expected a tf.js functional model topology, got class "${String(tfjsTopology.class_name)}"`);
  }
  const layers = config.layers.map((layer) => {
    if (!isObject(layer) || !isObject(layer.config)) throw new Error('malformed layer in the tf.js topology');
    const layerConfig: JsonObject = {};
    for (const [key, value] of Object.entries(layer.config)) layerConfig[key] = isInitializer(key, value) ? initializer(value, keras3) : value;
    if (keras3 && layer.class_name === 'InputLayer' && 'batch_input_shape' in layerConfig) {
      layerConfig.batch_shape = layerConfig.batch_input_shape;
      delete layerConfig.batch_input_shape;
    }
    if (keras3 && layer.class_name === 'LeakyReLU' && 'alpha' in layerConfig) {
      layerConfig.negative_slope = layerConfig.alpha;
      delete layerConfig.alpha;
    }
    const out: JsonObject = keras3
      ? { module: 'keras.layers', class_name: layer.class_name, config: layerConfig, registered_name: null }
      : { class_name: layer.class_name, config: layerConfig };
    out.name = layer.name;
    out.inbound_nodes = layer.inbound_nodes;
    return out;
  });
  const modelConfig: JsonObject = { name: config.name, trainable: true, layers, input_layers: config.input_layers, output_layers: config.output_layers };
  return keras3
    ? { module: 'keras', class_name: 'Functional', config: modelConfig, registered_name: 'Functional' }
    : { class_name: 'Functional', config: modelConfig, keras_version: '2.15.0', backend: 'tensorflow' };
}

function isInitializer(key: string, value: JsonValue): value is JsonObject {
  return key.endsWith('_initializer') && isObject(value) && typeof value.class_name === 'string';
}

function initializer(value: JsonObject, keras3: boolean): JsonObject {
  const config: JsonObject = isObject(value.config) ? { ...value.config } : {};
  if (value.class_name === 'VarianceScaling' && config.distribution === 'normal') config.distribution = 'truncated_normal';
  return keras3 ? { module: 'keras.initializers', class_name: value.class_name, config, registered_name: null } : { class_name: value.class_name, config };
}

/** `keras_model.json` (for model_from_json), the tf.js weights manifest + `weights.bin`, and provenance. */
export async function exportKeras(design: Design, tf: Tf, weights?: NamedWeights, options: KerasOptions = {}): Promise<ExportBundle> {
  const artifacts = await modelArtifacts(design, tf, weights);
  const topology = toKerasTopology(artifacts.topology, options);
  const info = { ...artifacts.provenance, keras: options.keras3 ? 3 : 2, generatedBy: artifacts.generatedBy };
  return {
    suggestedName: folderName(design.metadata.name, options.keras3 ? 'keras3' : 'keras'),
    files: [
      { name: KERAS_MODEL_FILE, data: `${JSON.stringify(topology)}\n` },
      { name: KERAS_MANIFEST_FILE, data: `${JSON.stringify([{ paths: [TFJS_WEIGHTS_FILE], weights: artifacts.specs }], null, 1)}\n` },
      { name: TFJS_WEIGHTS_FILE, data: artifacts.weightData },
      { name: EXPORT_INFO_FILE, data: `${JSON.stringify(info, null, 2)}\n` },
    ],
  };
}
