import * as tf from '@tensorflow/tfjs';

export { tf };

export interface SavedModel {
  modelJson: string;
  bin: Uint8Array;
}

/** tf.js' own serializer, written out as the files `tf.io.browserFiles`/`http` would produce. */
export async function saveWithTfjs(model: tf.LayersModel, binName = 'weights.bin'): Promise<SavedModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved?.weightSpecs || saved.weightData === undefined) throw new Error('nothing saved');
  const modelJson = JSON.stringify({
    format: saved.format,
    generatedBy: saved.generatedBy,
    convertedBy: saved.convertedBy,
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: [binName], weights: saved.weightSpecs }],
  });
  return { modelJson, bin: new Uint8Array(tf.io.concatenateArrayBuffers(saved.weightData)) };
}

/** A functional model with every layer kind the issue names: Conv2D, BatchNorm, Add, Concatenate, Dropout. */
export function functionalTfjsModel(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3], name: 'image' });
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv_a' }).apply(input) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: 'bn_a' }).apply(conv) as tf.SymbolicTensor;
  const relu = tf.layers.activation({ activation: 'relu', name: 'relu_a' }).apply(bn) as tf.SymbolicTensor;
  const conv2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv_b' }).apply(relu) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'sum' }).apply([conv2, conv]) as tf.SymbolicTensor;
  const side = tf.layers.conv2d({ filters: 2, kernelSize: 1, useBias: false, name: 'side' }).apply(input) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: 'cat' }).apply([sum, side]) as tf.SymbolicTensor;
  const pool = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(cat) as tf.SymbolicTensor;
  const gap = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(pool) as tf.SymbolicTensor;
  const drop = tf.layers.dropout({ rate: 0.25, name: 'drop' }).apply(gap) as tf.SymbolicTensor;
  const ln = tf.layers.layerNormalization({ name: 'ln' }).apply(drop) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: 'softmax', name: 'probs' }).apply(ln) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'functional_test' });
}
