import { z } from 'zod';
import type { Activation } from '../graph/activations';
import { LAYER_TYPES, layerKind, type LayerType } from '../graph/catalogue';
import type { FlatLayer } from './flatten';
import { issueText } from './flatten';
import { IMPORT_LAYERS, type Initializer, type LayerConversion, type LayerReader } from './layers';

export type { LayerConversion } from './layers';

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

/** Keras class → the layer type it is imported as, in the registry's order. */
const TYPE_OF_CLASS = new Map<string, LayerType>(LAYER_TYPES.flatMap((type) => IMPORT_LAYERS[type].kerasClasses.map((c) => [c, type] as const)));
export const LAYER_CLASSES: readonly string[] = [...TYPE_OF_CLASS.keys()];
export const SUPPORTED_CLASSES: ReadonlySet<string> = new Set(LAYER_CLASSES);

/** Converts one supported layer. Callers have already refused unsupported classes. */
export function convertLayer(layer: FlatLayer): LayerConversion {
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const key of TRAINING_ONLY)
    if (layer.config[key] !== null && layer.config[key] !== undefined) warnings.push(`${key} is dropped (ResCanvas does not model it)`);
  const reader: LayerReader = {
    read: <S extends z.ZodType>(schema: S): z.infer<S> | null => {
      const parsed = schema.safeParse(layer.config);
      if (parsed.success) return parsed.data as z.infer<S>;
      problems.push(`unreadable config: ${issueText(parsed.error)}`);
      return null;
    },
    activation: (value) => {
      const name = activationName(value);
      const mapped = ACTIVATION_NAMES[name];
      if (!mapped) problems.push(`activation "${name}" is not supported here${name === 'softmax' ? ' (softmax only on the final layer)' : ''}`);
      return mapped ?? null;
    },
    kernelInit: (value) => {
      const name = initializerName(value);
      if (!name) warnings.push('kernel initializer replaced by glorotUniform (it only matters before training; imported weights are kept)');
      return name ?? 'glorotUniform';
    },
    channelsLast: (format) => {
      if (format && format !== 'channels_last') problems.push(`data_format "${format}" is not supported (only channels_last)`);
    },
    padding: (value, fallback) => {
      const p = (value ?? fallback).toLowerCase();
      if (p !== 'same' && p !== 'valid') problems.push(`padding "${p}" is not supported`);
      return p === 'same' ? 'same' : 'valid';
    },
    axisOf: (value) => {
      if (value === null || value === undefined) return -1;
      if (typeof value === 'number') return value;
      if (value.length === 1) return value[0];
      problems.push(`normalizing over axes [${value.join(', ')}] is not supported (only the last axis)`);
      return undefined;
    },
    problem: (message) => problems.push(message),
    warning: (message) => warnings.push(message),
    result: (node, axis) => {
      if (node && node.type !== 'Input') {
        // The catalogue's own bounds (units ≤ 65 536, kernel ≤ 31, …) apply to imports too.
        const checked = layerKind(node.type).params.safeParse(node.params);
        if (!checked.success) problems.push(`a value is outside what ResCanvas supports: ${issueText(checked.error)}`);
      }
      return { node: problems.length ? null : node, problems, warnings, axis };
    },
  };
  const type = TYPE_OF_CLASS.get(layer.className);
  if (!type) {
    problems.push(`layer class "${layer.className}" is not supported`);
    return reader.result(null);
  }
  return IMPORT_LAYERS[type].convert(layer, reader);
}

/** Output activations and the loss the design trains with when the file does not say. */
export const OUTPUT_ACTIVATIONS = new Set(['softmax', 'sigmoid', 'linear']);
export function defaultLoss(activation: string): 'categoricalCrossentropy' | 'binaryCrossentropy' | 'meanSquaredError' {
  return activation === 'softmax' ? 'categoricalCrossentropy' : activation === 'sigmoid' ? 'binaryCrossentropy' : 'meanSquaredError';
}
