import { z } from 'zod';
import type { Activation } from '../graph/activations';
import type { DesignNode } from '../graph/design';
import { layerKind } from '../graph/catalogue';
import type { FlatLayer } from './flatten';
import { issueText } from './flatten';

type NodeSpec = { [T in DesignNode['type']]: { type: T; params: Extract<DesignNode, { type: T }>['params'] } }[DesignNode['type']];

/** What one layer becomes: a node, or the reasons it cannot; plus notes on what was dropped. */
export interface LayerConversion {
  node: NodeSpec | null;
  problems: string[];
  warnings: string[];
  /** Axis the layer works on, to check against the inferred rank once shapes are known. */
  axis?: number;
}

/** Keras and tf.js activation names → the design's. softmax is reserved for the Output node. */
const ACTIVATION_NAMES: Record<string, Activation> = {
  relu: 'relu',
  elu: 'elu',
  selu: 'selu',
  gelu: 'gelu',
  swish: 'swish',
  silu: 'swish',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  linear: 'linear',
};

export const LAYER_CLASSES = [
  'InputLayer',
  'Dense',
  'Conv2D',
  'Convolution2D',
  'MaxPooling2D',
  'MaxPool2D',
  'AveragePooling2D',
  'AvgPool2D',
  'GlobalAveragePooling2D',
  'GlobalAvgPool2D',
  'Flatten',
  'BatchNormalization',
  'LayerNormalization',
  'Activation',
  'LeakyReLU',
  'Dropout',
  'Add',
  'Concatenate',
] as const;
export const SUPPORTED_CLASSES: ReadonlySet<string> = new Set(LAYER_CLASSES);

const PairOrInt = z.union([z.number().int(), z.array(z.number().int()).min(1).max(3)]).nullish();
const Axis = z.union([z.number().int(), z.array(z.number().int())]).nullish();
const Initializer = z.union([z.string(), z.looseObject({ class_name: z.string(), config: z.record(z.string(), z.unknown()).nullish() })]).nullish();
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

/** Fields that only shape training (penalties, constraints): dropped with a warning, not refused. */
const TRAINING_ONLY = [
  'kernel_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'kernel_constraint',
  'bias_constraint',
  'beta_regularizer',
  'gamma_regularizer',
  'beta_constraint',
  'gamma_constraint',
];

export function activationName(value: unknown): string {
  if (value === null || value === undefined) return 'linear';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'class_name' in value) return String((value as { class_name: unknown }).class_name);
  return String(value);
}

/** A square window as one number: `3`, `[3, 3]` → 3; anything else → null. */
function square(value: number | number[] | null | undefined, fallback: number): number | null {
  if (value === null || value === undefined) return fallback;
  if (typeof value === 'number') return value;
  return value.every((v) => v === value[0]) ? value[0] : null;
}

function initializerName(value: z.infer<typeof Initializer>): 'glorotUniform' | 'glorotNormal' | 'heNormal' | 'heUniform' | 'zeros' | null {
  if (value === null || value === undefined) return 'glorotUniform';
  const className = typeof value === 'string' ? value : value.class_name;
  const c = (typeof value === 'string' ? {} : (value.config ?? {})) as Record<string, unknown>;
  const key = className.replace(/_/g, '').toLowerCase();
  if (key === 'glorotuniform') return 'glorotUniform';
  if (key === 'glorotnormal') return 'glorotNormal';
  if (key === 'henormal') return 'heNormal';
  if (key === 'heuniform') return 'heUniform';
  if (key === 'zeros') return 'zeros';
  if (key === 'variancescaling') {
    const normal = c.distribution === 'normal' || c.distribution === 'truncated_normal';
    const mode = String(c.mode ?? '')
      .replace(/_/g, '')
      .toLowerCase();
    if (c.scale === 1 && mode === 'fanavg') return normal ? 'glorotNormal' : c.distribution === 'uniform' ? 'glorotUniform' : null;
    if (c.scale === 2 && mode === 'fanin') return normal ? 'heNormal' : c.distribution === 'uniform' ? 'heUniform' : null;
  }
  return null;
}

/** Converts one supported layer. Callers have already refused unsupported classes. */
export function convertLayer(layer: FlatLayer): LayerConversion {
  const problems: string[] = [];
  const warnings: string[] = [];
  const result = (node: NodeSpec | null, axis?: number): LayerConversion => {
    if (node && node.type !== 'Input') {
      // The catalogue's own bounds (units ≤ 65 536, kernel ≤ 31, …) apply to imports too.
      const checked = layerKind(node.type).params.safeParse(node.params);
      if (!checked.success) problems.push(`a value is outside what ResCanvas supports: ${issueText(checked.error)}`);
    }
    return { node: problems.length ? null : node, problems, warnings, axis };
  };
  const read = <S extends z.ZodType>(schema: S): z.infer<S> | null => {
    const parsed = schema.safeParse(layer.config);
    if (parsed.success) return parsed.data as z.infer<S>;
    problems.push(`unreadable config: ${issueText(parsed.error)}`);
    return null;
  };
  for (const key of TRAINING_ONLY)
    if (layer.config[key] !== null && layer.config[key] !== undefined) warnings.push(`${key} is dropped (ResCanvas does not model it)`);
  const activation = (value: unknown): Activation | null => {
    const name = activationName(value);
    const mapped = ACTIVATION_NAMES[name];
    if (!mapped) problems.push(`activation "${name}" is not supported here${name === 'softmax' ? ' (softmax only on the final layer)' : ''}`);
    return mapped ?? null;
  };
  const kernelInit = (value: z.infer<typeof Initializer>) => {
    const name = initializerName(value);
    if (!name) warnings.push('kernel initializer replaced by glorotUniform (it only matters before training; imported weights are kept)');
    return name ?? 'glorotUniform';
  };
  const channelsLast = (format: string | null | undefined) => {
    if (format && format !== 'channels_last') problems.push(`data_format "${format}" is not supported (only channels_last)`);
  };
  const padding = (value: string | null | undefined, fallback: 'same' | 'valid'): 'same' | 'valid' => {
    const p = (value ?? fallback).toLowerCase();
    if (p !== 'same' && p !== 'valid') problems.push(`padding "${p}" is not supported`);
    return p === 'same' ? 'same' : 'valid';
  };
  const axisOf = (value: number | number[] | null | undefined): number | undefined => {
    if (value === null || value === undefined) return -1;
    if (typeof value === 'number') return value;
    if (value.length === 1) return value[0];
    problems.push(`normalizing over axes [${value.join(', ')}] is not supported (only the last axis)`);
    return undefined;
  };

  switch (layer.className) {
    case 'InputLayer': {
      const c = read(configs.InputLayer);
      if (!c) return result(null);
      const batchShape = c.batch_input_shape ?? c.batch_shape;
      const shape = batchShape?.slice(1) ?? [];
      if (!batchShape || shape.some((d) => d === null) || (shape.length !== 1 && shape.length !== 3)) {
        problems.push(
          `input shape [${(batchShape ?? []).map((d) => d ?? 'None').join(', ')}] is not supported: ResCanvas inputs are [batch, features] or [batch, height, width, channels] with known sizes`,
        );
        return result(null);
      }
      if (c.sparse || c.ragged) problems.push('sparse or ragged inputs are not supported');
      const dtype = typeof c.dtype === 'string' ? c.dtype : 'float32';
      if (dtype !== 'float32') problems.push(`input dtype ${dtype} is not supported (float32 only)`);
      return result({ type: 'Input', params: { shape: shape as number[] } });
    }
    case 'Dense': {
      const c = read(configs.Dense);
      if (!c) return result(null);
      if (c.lora_rank) problems.push('LoRA-adapted Dense layers are not supported');
      const act = activation(c.activation);
      return result(
        act && { type: 'Dense', params: { units: c.units, activation: act, useBias: c.use_bias ?? true, kernelInitializer: kernelInit(c.kernel_initializer) } },
      );
    }
    case 'Conv2D':
    case 'Convolution2D': {
      const c = read(configs.Conv2D);
      if (!c) return result(null);
      const kernelSize = square(c.kernel_size, 1);
      const strides = square(c.strides, 1);
      if (kernelSize === null) problems.push(`non-square kernel ${JSON.stringify(c.kernel_size)} is not supported`);
      if (strides === null) problems.push(`unequal strides ${JSON.stringify(c.strides)} are not supported`);
      if (square(c.dilation_rate, 1) !== 1) problems.push(`dilation_rate ${JSON.stringify(c.dilation_rate)} is not supported`);
      if ((c.groups ?? 1) !== 1) problems.push(`grouped convolution (groups ${c.groups}) is not supported`);
      if (c.lora_rank) problems.push('LoRA-adapted Conv2D layers are not supported');
      channelsLast(c.data_format);
      const act = activation(c.activation);
      const pad = padding(c.padding, 'valid');
      if (!act || kernelSize === null || strides === null) return result(null);
      return result({
        type: 'Conv2D',
        params: {
          filters: c.filters,
          kernelSize,
          strides,
          padding: pad,
          activation: act,
          useBias: c.use_bias ?? true,
          kernelInitializer: kernelInit(c.kernel_initializer),
        },
      });
    }
    case 'MaxPooling2D':
    case 'MaxPool2D':
    case 'AveragePooling2D':
    case 'AvgPool2D': {
      const c = read(configs.Pool);
      if (!c) return result(null);
      const poolSize = square(c.pool_size, 2);
      // Keras: strides default to the pool size.
      const strides = square(c.strides, poolSize ?? 2);
      if (poolSize === null) problems.push(`non-square pool_size ${JSON.stringify(c.pool_size)} is not supported`);
      if (strides === null) problems.push(`unequal strides ${JSON.stringify(c.strides)} are not supported`);
      channelsLast(c.data_format);
      const pad = padding(c.padding, 'valid');
      if (poolSize === null || strides === null) return result(null);
      const type = layer.className.startsWith('Max') ? 'MaxPool2D' : 'AvgPool2D';
      return result({ type, params: { poolSize, strides, padding: pad } });
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalAvgPool2D': {
      const c = read(configs.GlobalPool);
      if (!c) return result(null);
      channelsLast(c.data_format);
      if (c.keepdims) problems.push('keepdims=True is not supported');
      return result({ type: 'GlobalAvgPool', params: {} });
    }
    case 'Flatten': {
      const c = read(configs.Flatten);
      if (!c) return result(null);
      channelsLast(c.data_format);
      return result({ type: 'Flatten', params: {} });
    }
    case 'BatchNormalization': {
      const c = read(configs.BatchNormalization);
      if (!c) return result(null);
      if (c.center === false || c.scale === false) problems.push('BatchNormalization without center or scale is not supported (ResCanvas always learns both)');
      if (c.renorm) problems.push('batch renormalization is not supported');
      if (c.virtual_batch_size !== undefined && c.virtual_batch_size !== null) problems.push('virtual_batch_size is not supported');
      if (c.adjustment !== undefined && c.adjustment !== null) problems.push('adjustment is not supported');
      const axis = axisOf(c.axis);
      return result({ type: 'BatchNorm', params: { momentum: c.momentum ?? 0.99, epsilon: c.epsilon ?? 1e-3 } }, axis);
    }
    case 'LayerNormalization': {
      const c = read(configs.LayerNormalization);
      if (!c) return result(null);
      if (c.center === false || c.scale === false) problems.push('LayerNormalization without center or scale is not supported');
      if (c.rms_scaling) problems.push('rms_scaling is not supported');
      const axis = axisOf(c.axis);
      return result({ type: 'LayerNorm', params: { epsilon: c.epsilon ?? 1e-3 } }, axis);
    }
    case 'Activation': {
      const c = read(configs.Activation);
      if (!c) return result(null);
      const act = activation(c.activation);
      return result(act && { type: 'Activation', params: { activation: act } });
    }
    case 'LeakyReLU': {
      const c = read(configs.LeakyReLU);
      if (!c) return result(null);
      const slope = c.negative_slope ?? c.alpha ?? 0.3;
      // The design's leakyRelu is tf.js' LeakyReLU with its default slope.
      if (Math.abs(slope - 0.3) > 1e-6) problems.push(`negative slope ${slope} is not supported (ResCanvas' leaky ReLU uses 0.3)`);
      return result({ type: 'Activation', params: { activation: 'leakyRelu' } });
    }
    case 'Dropout': {
      const c = read(configs.Dropout);
      if (!c) return result(null);
      if (c.noise_shape !== null && c.noise_shape !== undefined) warnings.push('noise_shape is dropped (dropout is applied per element)');
      return result({ type: 'Dropout', params: { rate: c.rate } });
    }
    case 'Add': {
      if (!read(configs.Merge)) return result(null);
      return result({ type: 'Add', params: {} });
    }
    case 'Concatenate': {
      const c = read(configs.Merge);
      if (!c) return result(null);
      return result({ type: 'Concatenate', params: {} }, c.axis ?? -1);
    }
    default:
      problems.push(`layer class "${layer.className}" is not supported`);
      return result(null);
  }
}

/** Output activations and the loss the design trains with when the file does not say. */
export const OUTPUT_ACTIVATIONS = new Set(['softmax', 'sigmoid', 'linear']);
export function defaultLoss(activation: string): 'categoricalCrossentropy' | 'binaryCrossentropy' | 'meanSquaredError' {
  return activation === 'softmax' ? 'categoricalCrossentropy' : activation === 'sigmoid' ? 'binaryCrossentropy' : 'meanSquaredError';
}
