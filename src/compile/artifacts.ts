import type * as tfNamespace from '@tensorflow/tfjs';
import type { Tf } from '../graph/catalogue';
import type { CompiledDesign } from './toTfjs';
import { layersGraph, type JsonObject } from './layersTopology';
import { packWeights, type NamedWeights, type WeightSpec } from '../schema/weights';

/** A compiled design serialized as tf.js' own `model.save` would: topology, weight specs and the packed float32 values. */
export interface CompiledArtifacts {
  topology: JsonObject;
  /** tf.js' own version string, e.g. "TensorFlow.js tfjs-layers v4.22.0". */
  generatedBy: string;
  specs: WeightSpec[];
  weightData: Uint8Array;
}

/**
 * The artifacts of an already compiled design with its variables' current values (trained or fresh),
 * or with `weights` in their place. Here rather than in export/ because the engine serves them too
 * (a trained model's weights for the export dialog), and the engine sits below export.
 */
export async function compiledArtifacts(compiled: CompiledDesign, tf: Tf, weights?: NamedWeights): Promise<CompiledArtifacts> {
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
    weightData: weights ? packWeights(specs, weights) : await currentWeightData(variables),
  };
}

/** Awaited reads: WebGPU's synchronous readback does not work on every adapter. */
async function currentWeightData(variables: readonly { read(): tfNamespace.Tensor }[]): Promise<Uint8Array> {
  const arrays = (await Promise.all(variables.map((v) => v.read().data()))) as Float32Array[];
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return new Uint8Array(out.buffer);
}
