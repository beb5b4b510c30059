/**
 * Datasets are plain typed arrays, not tensors: they cross worker boundaries by structured clone
 * and the engine makes tensors itself, on whichever backend it runs.
 */
export interface DatasetSplit {
  /** Samples back to back, each `sampleShape` long in row-major (NHWC for images) order. */
  x: Float32Array;
  /** Class index of each sample, 0 ≤ y < classes. */
  y: Int32Array;
  count: number;
}

/** How CSV features were rescaled (raw = x * scale + offset), so previews and inference can undo or repeat it. */
export interface FeatureScaling {
  method: 'standardize' | 'minmax';
  offset: Float32Array;
  scale: Float32Array;
}

export interface Dataset {
  /** Stable for the same spec (and the same CSV text): cache keys, run logs. */
  id: string;
  name: string;
  kind: 'vector' | 'image';
  /** One sample's shape, without the batch axis: [features] or [height, width, channels]. */
  sampleShape: number[];
  classes: number;
  classNames?: string[];
  /** Column names of vector features (CSV header, or x/y for 2-D sets). */
  featureNames?: string[];
  /** Set when samples are pictures, even flattened ones (MNIST as [784]), so previews can draw them. */
  imageShape?: [number, number, number];
  scaling?: FeatureScaling;
  train: DatasetSplit;
  validation: DatasetSplit;
  description: string;
}

export type DatasetErrorCode =
  | 'empty'
  | 'too-large'
  | 'ragged-row'
  | 'non-numeric'
  | 'missing-label-column'
  | 'one-class'
  | 'too-few-samples'
  | 'bad-label'
  | 'bad-spec'
  | 'mnist-data'
  | 'too-many-classes';

/** A dataset that cannot be loaded; `row` is the 1-based line of the file and `column` a header name or `column N`. */
export class DatasetError extends Error {
  readonly code: DatasetErrorCode;
  readonly row?: number;
  readonly column?: string;

  constructor(code: DatasetErrorCode, message: string, where: { row?: number; column?: string } = {}) {
    super(message);
    this.name = 'DatasetError';
    this.code = code;
    this.row = where.row;
    this.column = where.column;
  }
}

export function sampleSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
