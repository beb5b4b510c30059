import { inputLayer, outputLayer } from './io';
import { denseLayer } from './dense';
import { conv2dLayer } from './conv';
import { avgPoolLayer, flattenLayer, globalAvgPoolLayer, maxPoolLayer } from './pool';
import { batchNormLayer, layerNormLayer } from './norm';
import { activationLayer, dropoutLayer } from './elementwise';
import { addLayer, concatenateLayer } from './merge';
import type { LayerKind } from './types';

export * from './types';

/** Palette order, as the UI contract lists them. */
export const LAYER_KINDS = [
  inputLayer,
  denseLayer,
  conv2dLayer,
  maxPoolLayer,
  avgPoolLayer,
  globalAvgPoolLayer,
  flattenLayer,
  batchNormLayer,
  layerNormLayer,
  activationLayer,
  dropoutLayer,
  addLayer,
  concatenateLayer,
  outputLayer,
] as const;

export type LayerType = (typeof LAYER_KINDS)[number]['type'];
export const LAYER_TYPES = LAYER_KINDS.map((k) => k.type) as [LayerType, ...LayerType[]];

const byType = new Map<string, LayerKind>(LAYER_KINDS.map((k) => [k.type, k as unknown as LayerKind]));

/** Catalogue entries are heterogeneous in their params; callers hold params already validated by that entry's schema. */
export function layerKind(type: string): LayerKind {
  const kind = byType.get(type);
  if (!kind) throw new Error(`Unknown layer type "${type}"`);
  return kind;
}

export function isLayerType(type: string): type is LayerType {
  return byType.has(type);
}
