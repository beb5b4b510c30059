import { z } from 'zod';

/*
 * What Keras 2, Keras 3 and tf.js write, read loosely (unknown fields pass: every version adds
 * some) but checked strictly where the importer relies on a field.
 */

const Name = z.string().min(1).max(500);

export const WeightSpecSchema = z.looseObject({
  name: z.string().min(1).max(1000),
  shape: z
    .array(
      z
        .number()
        .int()
        .min(0)
        .max(2 ** 31),
    )
    .max(8),
  dtype: z.string(),
  group: z.string().optional(),
  quantization: z.unknown().optional(),
});
export type WeightSpecInput = z.infer<typeof WeightSpecSchema>;

export const WeightsGroupSchema = z.looseObject({
  paths: z.array(z.string().min(1).max(1000)).min(1).max(10_000),
  weights: z.array(WeightSpecSchema).max(1_000_000),
});
export const WeightsManifestSchema = z.array(WeightsGroupSchema).max(10_000);
export type WeightsManifest = z.infer<typeof WeightsManifestSchema>;

/** `{class_name, config}`: a serialized Keras object (layer, model, initializer). */
export const KerasObject = z.looseObject({
  class_name: z.string().min(1).max(200),
  config: z.unknown(),
  module: z.string().nullish(),
  registered_name: z.string().nullish(),
});

export const KerasLayer = z.looseObject({
  class_name: z.string().min(1).max(200),
  name: Name.optional(),
  config: z.looseObject({ name: Name.optional() }),
  inbound_nodes: z.array(z.unknown()).max(10_000).optional(),
  module: z.string().nullish(),
});
export type KerasLayer = z.infer<typeof KerasLayer>;

/** [layer name, node index, tensor index] (Keras 2, tf.js, and Keras 3's input/output lists). */
export const TensorRef = z.tuple([Name, z.number().int().min(0), z.number().int().min(0)]).rest(z.unknown());
export type TensorRef = z.infer<typeof TensorRef>;

export const FunctionalConfig = z.looseObject({
  name: z.string().max(500).optional(),
  layers: z.array(KerasLayer).max(100_000),
  input_layers: z.union([z.array(TensorRef), TensorRef]),
  output_layers: z.union([z.array(TensorRef), TensorRef]),
});

/** Keras ≥ 2.3 and Keras 3 write `{name, layers}`; older Keras a bare list of layers. */
export const SequentialConfig = z.union([
  z.looseObject({ name: z.string().max(500).optional(), layers: z.array(KerasLayer).max(100_000), build_input_shape: z.unknown().optional() }),
  z
    .array(KerasLayer)
    .max(100_000)
    .transform((layers) => ({ name: undefined, layers, build_input_shape: undefined })),
]);

/** A Keras 3 inbound node: `{args: [...KerasTensor or lists of them], kwargs}`. */
export const Keras3Node = z.looseObject({ args: z.array(z.unknown()), kwargs: z.record(z.string(), z.unknown()).optional() });
export const Keras3Tensor = z.looseObject({
  class_name: z.literal('__keras_tensor__'),
  config: z.looseObject({ keras_history: TensorRef }),
});

/** A tf.js model.json: layers models, graph models, and files from older converters without `format`. */
export const TfjsModelFile = z.looseObject({
  format: z.string().optional(),
  generatedBy: z.string().nullish(),
  convertedBy: z.string().nullish(),
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z.unknown().optional(),
  userDefinedMetadata: z.unknown().optional(),
});

export const TrainingConfig = z.looseObject({ loss: z.unknown().optional() });
