import type { Shape } from '../../graph/shape';

/** The default-domain operator set every exported model imports (LayerNormalization needs 17). */
export const ONNX_OPSET = 17;
/** IR version 8 is the one opset 17 was released with. */
export const ONNX_IR_VERSION = 8;

export class OnnxExportError extends Error {
  constructor(readonly problems: string[]) {
    super(`cannot export to ONNX:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'OnnxExportError';
  }
}

export type AttrValue = { int: number } | { float: number } | { ints: number[] } | { string: string };

export interface OnnxNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttrValue>;
  /** The unrolled design node id it belongs to. */
  designNode: string;
}

export interface Initializer {
  name: string;
  dims: number[];
  values: Float32Array;
}

export interface ValueShape {
  name: string;
  /** 'N' is the symbolic batch dimension. */
  dims: (number | 'N')[];
}

export interface OnnxGraph {
  name: string;
  input: ValueShape;
  output: ValueShape;
  nodes: OnnxNode[];
  initializers: Initializer[];
  /** The output shape of every design node between input and output. */
  valueInfo: ValueShape[];
}

/** ONNX layout of a design shape: images [h, w, c] → [N, c, h, w]; vectors [f] → [N, f]. */
export function onnxDims(shape: Shape): (number | 'N')[] {
  return shape.length === 3 ? ['N', shape[2], shape[0], shape[1]] : ['N', ...shape];
}
