import { z } from 'zod';
import type { Activation } from '../graph/activations';
import type { NodeOfType } from '../graph/design';
import type { LayerType } from '../graph/catalogue';
import type { LayerRecord, LayerTable } from '../graph/layerTable';
import type { FlatLayer } from './flatten';

/** A design node's type and params, as an import makes them (id, position and edges come later). */
export type NodeSpec = { [T in LayerType]: { type: T; params: NodeOfType<T>['params'] } }[LayerType];

/** What one layer becomes: a node, or the reasons it cannot; plus notes on what was dropped. */
export interface LayerConversion {
  node: NodeSpec | null;
  problems: string[];
  warnings: string[];
  /** Axis the layer works on, to check against the inferred rank once shapes are known. */
  axis?: number;
}

const PairOrInt = z.union([z.number().int(), z.array(z.number().int()).min(1).max(3)]).nullish();
const Axis = z.union([z.number().int(), z.array(z.number().int())]).nullish();
export const Initializer = z.union([z.string(), z.looseObject({ class_name: z.string(), config: z.record(z.string(), z.unknown()).nullish() })]).nullish();
const ActivationField = z.union([z.string(), z.looseObject({ class_name: z.string() })]).nullish();
const DataFormat = z.string().nullish();

const configs = {
  InputLayer: z.looseObject({
    batch_input_shape: z.array(z.number().int().nullable()).nullish(),
    batch_shape: z.array(z.number().int().nullable()).nullish(),
    dtype: z.unknown().optional(),
    sparse: z.boolean().nullish(),
    ragged: z.boolean().nullish(),
  }),
  Dense: z.looseObject({
    units: z.number().int(),
    activation: ActivationField,
    use_bias: z.boolean().nullish(),
    kernel_initializer: Initializer,
    lora_rank: z.number().nullish(),
  }),
  Conv2D: z.looseObject({
    filters: z.number().int(),
    kernel_size: PairOrInt,
    strides: PairOrInt,
    padding: z.string().nullish(),
    data_format: DataFormat,
    dilation_rate: PairOrInt,
    groups: z.number().int().nullish(),
    activation: ActivationField,
    use_bias: z.boolean().nullish(),
    kernel_initializer: Initializer,
    lora_rank: z.number().nullish(),
  }),
  Pool: z.looseObject({ pool_size: PairOrInt, strides: PairOrInt, padding: z.string().nullish(), data_format: DataFormat }),
  GlobalPool: z.looseObject({ data_format: DataFormat, keepdims: z.boolean().nullish() }),
  Flatten: z.looseObject({ data_format: DataFormat }),
  BatchNormalization: z.looseObject({
    axis: Axis,
    momentum: z.number().nullish(),
    epsilon: z.number().nullish(),
    center: z.boolean().nullish(),
    scale: z.boolean().nullish(),
    renorm: z.boolean().nullish(),
    virtual_batch_size: z.unknown().optional(),
    adjustment: z.unknown().optional(),
  }),
  LayerNormalization: z.looseObject({
    axis: Axis,
    epsilon: z.number().nullish(),
    center: z.boolean().nullish(),
    scale: z.boolean().nullish(),
    rms_scaling: z.boolean().nullish(),
  }),
  Activation: z.looseObject({ activation: ActivationField }),
  LeakyReLU: z.looseObject({ alpha: z.number().nullish(), negative_slope: z.number().nullish() }),
  Dropout: z.looseObject({ rate: z.number(), noise_shape: z.unknown().optional() }),
  Merge: z.looseObject({ axis: z.number().int().nullish() }),
};

/** A square window as one number: `3`, `[3, 3]` → 3; anything else → null. */
function square(value: number | number[] | null | undefined, fallback: number): number | null {
  if (value === null || value === undefined) return fallback;
  if (typeof value === 'number') return value;
  return value.every((v) => v === value[0]) ? value[0] : null;
}

/** What an import entry reads a layer with; every helper records what it finds wrong in the conversion's problems. */
export interface LayerReader {
  /** The layer's config parsed by `schema`, or null (with the problem recorded). */
  read<S extends z.ZodType>(schema: S): z.infer<S> | null;
  activation(value: unknown): Activation | null;
  kernelInit(value: z.infer<typeof Initializer>): 'glorotUniform' | 'glorotNormal' | 'heNormal' | 'heUniform' | 'zeros';
  channelsLast(format: string | null | undefined): void;
  padding(value: string | null | undefined, fallback: 'same' | 'valid'): 'same' | 'valid';
  axisOf(value: number | number[] | null | undefined): number | undefined;
  problem(message: string): void;
  warning(message: string): void;
  /** The conversion: `node` unless a problem was recorded, checked against the catalogue's bounds. */
  result(node: NodeSpec | null, axis?: number): LayerConversion;
}

export interface ImportEntry {
  /** Keras / tf.js class names this layer type is read from (the first is the one named to users). */
  kerasClasses: readonly string[];
  convert(layer: FlatLayer, r: LayerReader): LayerConversion;
}

/**
 * Each layer type with the Keras classes it is imported from and how their configs are read. The
 * import part of the layer registry (src/graph/layerTable.ts).
 */
export const IMPORT_LAYERS: LayerRecord<ImportEntry> = {
  Input: {
    kerasClasses: ['InputLayer'],
    convert: (_layer, r) => {
      const c = r.read(configs.InputLayer);
      if (!c) return r.result(null);
      const batchShape = c.batch_input_shape ?? c.batch_shape;
      const shape = batchShape?.slice(1) ?? [];
      if (!batchShape || shape.some((d) => d === null) || (shape.length !== 1 && shape.length !== 3)) {
        r.problem(
          `input shape [${(batchShape ?? []).map((d) => d ?? 'None').join(', ')}] is not supported: ResCanvas inputs are [batch, features] or [batch, height, width, channels] with known sizes`,
        );
        return r.result(null);
      }
      if (c.sparse || c.ragged) r.problem('sparse or ragged inputs are not supported');
      const dtype = typeof c.dtype === 'string' ? c.dtype : 'float32';
      if (dtype !== 'float32') r.problem(`input dtype ${dtype} is not supported (float32 only)`);
      return r.result({ type: 'Input', params: { shape: shape as number[] } });
    },
  },
  Dense: {
    kerasClasses: ['Dense'],
    convert: (_layer, r) => {
      const c = r.read(configs.Dense);
      if (!c) return r.result(null);
      if (c.lora_rank) r.problem('LoRA-adapted Dense layers are not supported');
      const act = r.activation(c.activation);
      return r.result(
        act && {
          type: 'Dense',
          params: { units: c.units, activation: act, useBias: c.use_bias ?? true, kernelInitializer: r.kernelInit(c.kernel_initializer) },
        },
      );
    },
  },
  Conv2D: {
    kerasClasses: ['Conv2D', 'Convolution2D'],
    convert: (_layer, r) => {
      const c = r.read(configs.Conv2D);
      if (!c) return r.result(null);
      const kernelSize = square(c.kernel_size, 1);
      const strides = square(c.strides, 1);
      if (kernelSize === null) r.problem(`non-square kernel ${JSON.stringify(c.kernel_size)} is not supported`);
      if (strides === null) r.problem(`unequal strides ${JSON.stringify(c.strides)} are not supported`);
      if (square(c.dilation_rate, 1) !== 1) r.problem(`dilation_rate ${JSON.stringify(c.dilation_rate)} is not supported`);
      if ((c.groups ?? 1) !== 1) r.problem(`grouped convolution (groups ${c.groups}) is not supported`);
      if (c.lora_rank) r.problem('LoRA-adapted Conv2D layers are not supported');
      r.channelsLast(c.data_format);
      const act = r.activation(c.activation);
      const pad = r.padding(c.padding, 'valid');
      if (!act || kernelSize === null || strides === null) return r.result(null);
      return r.result({
        type: 'Conv2D',
        params: {
          filters: c.filters,
          kernelSize,
          strides,
          padding: pad,
          activation: act,
          useBias: c.use_bias ?? true,
          kernelInitializer: r.kernelInit(c.kernel_initializer),
        },
      });
    },
  },
  MaxPool2D: { kerasClasses: ['MaxPooling2D', 'MaxPool2D'], convert: (_layer, r) => pool('MaxPool2D', r) },
  AvgPool2D: { kerasClasses: ['AveragePooling2D', 'AvgPool2D'], convert: (_layer, r) => pool('AvgPool2D', r) },
  GlobalAvgPool: {
    kerasClasses: ['GlobalAveragePooling2D', 'GlobalAvgPool2D'],
    convert: (_layer, r) => {
      const c = r.read(configs.GlobalPool);
      if (!c) return r.result(null);
      r.channelsLast(c.data_format);
      if (c.keepdims) r.problem('keepdims=True is not supported');
      return r.result({ type: 'GlobalAvgPool', params: {} });
    },
  },
  Flatten: {
    kerasClasses: ['Flatten'],
    convert: (_layer, r) => {
      const c = r.read(configs.Flatten);
      if (!c) return r.result(null);
      r.channelsLast(c.data_format);
      return r.result({ type: 'Flatten', params: {} });
    },
  },
  BatchNorm: {
    kerasClasses: ['BatchNormalization'],
    convert: (_layer, r) => {
      const c = r.read(configs.BatchNormalization);
      if (!c) return r.result(null);
      if (c.center === false || c.scale === false) r.problem('BatchNormalization without center or scale is not supported (ResCanvas always learns both)');
      if (c.renorm) r.problem('batch renormalization is not supported');
      if (c.virtual_batch_size !== undefined && c.virtual_batch_size !== null) r.problem('virtual_batch_size is not supported');
      if (c.adjustment !== undefined && c.adjustment !== null) r.problem('adjustment is not supported');
      const axis = r.axisOf(c.axis);
      return r.result({ type: 'BatchNorm', params: { momentum: c.momentum ?? 0.99, epsilon: c.epsilon ?? 1e-3 } }, axis);
    },
  },
  LayerNorm: {
    kerasClasses: ['LayerNormalization'],
    convert: (_layer, r) => {
      const c = r.read(configs.LayerNormalization);
      if (!c) return r.result(null);
      if (c.center === false || c.scale === false) r.problem('LayerNormalization without center or scale is not supported');
      if (c.rms_scaling) r.problem('rms_scaling is not supported');
      const axis = r.axisOf(c.axis);
      return r.result({ type: 'LayerNorm', params: { epsilon: c.epsilon ?? 1e-3 } }, axis);
    },
  },
  Activation: {
    // tf.js builds a leaky ReLU activation as its own LeakyReLU layer.
    kerasClasses: ['Activation', 'LeakyReLU'],
    convert: (layer, r) => {
      if (layer.className === 'LeakyReLU') {
        const c = r.read(configs.LeakyReLU);
        if (!c) return r.result(null);
        const slope = c.negative_slope ?? c.alpha ?? 0.3;
        // The design's leakyRelu is tf.js' LeakyReLU with its default slope.
        if (Math.abs(slope - 0.3) > 1e-6) r.problem(`negative slope ${slope} is not supported (ResCanvas' leaky ReLU uses 0.3)`);
        return r.result({ type: 'Activation', params: { activation: 'leakyRelu' } });
      }
      const c = r.read(configs.Activation);
      if (!c) return r.result(null);
      const act = r.activation(c.activation);
      return r.result(act && { type: 'Activation', params: { activation: act } });
    },
  },
  Dropout: {
    kerasClasses: ['Dropout'],
    convert: (_layer, r) => {
      const c = r.read(configs.Dropout);
      if (!c) return r.result(null);
      if (c.noise_shape !== null && c.noise_shape !== undefined) r.warning('noise_shape is dropped (dropout is applied per element)');
      return r.result({ type: 'Dropout', params: { rate: c.rate } });
    },
  },
  Add: {
    kerasClasses: ['Add'],
    convert: (_layer, r) => (r.read(configs.Merge) ? r.result({ type: 'Add', params: {} }) : r.result(null)),
  },
  Concatenate: {
    kerasClasses: ['Concatenate'],
    convert: (_layer, r) => {
      const c = r.read(configs.Merge);
      if (!c) return r.result(null);
      return r.result({ type: 'Concatenate', params: {} }, c.axis ?? -1);
    },
  },
  // No class of its own: the model's final Dense (or a linear Dense and its Activation) becomes the Output (toDesign.ts).
  Output: {
    kerasClasses: [],
    convert: (layer, r) => {
      r.problem(`layer class "${layer.className}" becomes an Output only as the model's last layer`);
      return r.result(null);
    },
  },
};

function pool(type: 'MaxPool2D' | 'AvgPool2D', r: LayerReader): LayerConversion {
  const c = r.read(configs.Pool);
  if (!c) return r.result(null);
  const poolSize = square(c.pool_size, 2);
  // Keras: strides default to the pool size.
  const strides = square(c.strides, poolSize ?? 2);
  if (poolSize === null) r.problem(`non-square pool_size ${JSON.stringify(c.pool_size)} is not supported`);
  if (strides === null) r.problem(`unequal strides ${JSON.stringify(c.strides)} are not supported`);
  r.channelsLast(c.data_format);
  const pad = r.padding(c.padding, 'valid');
  if (poolSize === null || strides === null) return r.result(null);
  return r.result({ type, params: { poolSize, strides, padding: pad } });
}

const none = (): Record<string, number[]> => ({});
const withBias = (kernel: number[], units: number, useBias: boolean): Record<string, number[]> => (useBias ? { kernel, bias: [units] } : { kernel });

/**
 * The weights tf.js gives a node of each type, by name suffix (`<node id>/<suffix>`), with their
 * shapes from the node's input channels: an imported file's weights are matched against these.
 * The import part of the layer registry, beside IMPORT_LAYERS.
 */
export const IMPORT_WEIGHTS: LayerTable<Record<string, number[]>, [channels: number]> = {
  Input: none,
  Dense: ({ params: p }, channels) => withBias([channels, p.units], p.units, p.useBias),
  Output: ({ params: p }, channels) => withBias([channels, p.units], p.units, true),
  Conv2D: ({ params: p }, channels) => withBias([p.kernelSize, p.kernelSize, channels, p.filters], p.filters, p.useBias),
  MaxPool2D: none,
  AvgPool2D: none,
  GlobalAvgPool: none,
  Flatten: none,
  BatchNorm: (_node, channels) => ({ gamma: [channels], beta: [channels], moving_mean: [channels], moving_variance: [channels] }),
  LayerNorm: (_node, channels) => ({ gamma: [channels], beta: [channels] }),
  Activation: none,
  Dropout: none,
  Add: none,
  Concatenate: none,
};
