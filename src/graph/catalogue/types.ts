import type { z } from 'zod';
import type * as tfNamespace from '@tensorflow/tfjs';
import type { Shape } from '../shape';
import type { DiagnosticCode } from '../diagnostics';

/** The tf.js namespace is passed in, never imported, so the catalogue costs nothing in the UI bundle. */
export type Tf = typeof tfNamespace;
export type SymbolicTensor = tfNamespace.SymbolicTensor;
export type Layer = tfNamespace.layers.Layer;

export type LayerCategory = 'Input and output' | 'Core' | 'Convolution' | 'Normalization' | 'Merge' | 'Regularization';

/** How the inspector shows one parameter. */
export type ParamField =
  | { key: string; label: string; kind: 'int'; min: number; max: number }
  | {
      key: string;
      label: string;
      kind: 'number';
      min: number;
      max: number;
      step: number;
      /** One line under the field: why its default is what it is. */ hint?: string;
    }
  | { key: string; label: string; kind: 'enum'; options: readonly string[] }
  | { key: string; label: string; kind: 'bool' }
  | { key: string; label: string; kind: 'shape' };

export type ShapeResult =
  | { ok: true; shape: Shape }
  | {
      ok: false;
      code: DiagnosticCode;
      message: string;
      /** an input index whose edge a quick fix may patch */ inputIndex?: number;
      fix?: 'insert-flatten' | 'insert-projection';
    };

export interface BuiltLayer {
  /** Applies the node's layers to its inputs; returns the node's output. */
  apply(inputs: SymbolicTensor[]): SymbolicTensor;
  /** Every tf.js layer this node created (a node may need more than one, e.g. Dense + LeakyReLU). */
  layers: Layer[];
}

export interface LayerKind<P extends object = object, T extends string = string> {
  type: T;
  /** Shown in the palette; the UI contract fixes these names. */
  displayName: string;
  description: string;
  category: LayerCategory;
  params: z.ZodType<P>;
  fields: readonly ParamField[];
  /** Accepted number of incoming edges. */
  inputs: { min: number; max: number };
  inferShape(inputs: readonly Shape[], params: P): ShapeResult;
  /** Equal to what Keras reports for the same layer (trainable and non-trainable). */
  paramCount(inputs: readonly Shape[], output: Shape, params: P): number;
  /** Multiply-adds counted as two FLOPs, per sample, forward pass. */
  flops(inputs: readonly Shape[], output: Shape, params: P): number;
  /** `name` is unique in the model and derived from the (unrolled) node id. */
  build(tf: Tf, params: P, name: string): BuiltLayer;
  /** A one-line summary of the key params for the node face, e.g. "64, relu". */
  summary(params: P): string;
}

export function defineLayer<P extends object, const T extends string>(kind: LayerKind<P, T>): LayerKind<P, T> {
  return kind;
}

export const ok = (shape: Shape): ShapeResult => ({ ok: true, shape });
export const fail = (code: DiagnosticCode, message: string, extra: Partial<Extract<ShapeResult, { ok: false }>> = {}): ShapeResult => ({
  ok: false,
  code,
  message,
  ...extra,
});
