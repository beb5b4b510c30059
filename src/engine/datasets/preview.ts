import type { Dataset } from './types';

/** Small, already-reduced views for the UI; typed arrays so they post cheaply from a worker. */
export type DatasetPreview = PointsPreview | ImagesPreview | ColumnsPreview;

interface PreviewBase {
  classes: number;
  classNames: string[];
  /** Samples per class over train + validation. */
  classCounts: Int32Array;
}

export interface PointsPreview extends PreviewBase {
  kind: 'points';
  /** x0, y0, x1, y1, … */
  points: Float32Array;
  labels: Int32Array;
  count: number;
  bounds: { minX: number; maxX: number; minY: number; maxY: number };
  /** The two columns summarised, as for any vector dataset (a two-column CSV gets both views). */
  columns: ColumnSummary[];
}

export interface ImagesPreview extends PreviewBase {
  kind: 'images';
  width: number;
  height: number;
  /** `count` thumbnails of width·height·4 RGBA bytes each, ready for ImageData. */
  rgba: Uint8ClampedArray;
  labels: Int32Array;
  count: number;
}

export interface ColumnSummary {
  name: string;
  min: number;
  max: number;
  mean: number;
  /** Distinct values, counted up to DISTINCT_CAP. */
  distinct: number;
}

export interface ColumnsPreview extends PreviewBase {
  kind: 'columns';
  /** In the file's units (any normalization undone). */
  columns: ColumnSummary[];
  rows: number;
}

export const DISTINCT_CAP = 10_000;

/** Sample indices across train then validation, round-robin over classes so every class shows. */
function pick(dataset: Dataset, max: number): { split: 'train' | 'validation'; index: number }[] {
  const byClass: { split: 'train' | 'validation'; index: number }[][] = Array.from({ length: dataset.classes }, () => []);
  for (const split of ['train', 'validation'] as const) {
    const s = dataset[split];
    for (let i = 0; i < s.count; i++) byClass[s.y[i]].push({ split, index: i });
  }
  const out: { split: 'train' | 'validation'; index: number }[] = [];
  for (let round = 0; out.length < max; round++) {
    let added = false;
    for (const list of byClass) {
      if (round < list.length && out.length < max) {
        out.push(list[round]);
        added = true;
      }
    }
    if (!added) break;
  }
  return out;
}

export function previewDataset(dataset: Dataset, max = 500): DatasetPreview {
  const classCounts = new Int32Array(dataset.classes);
  for (const s of [dataset.train, dataset.validation]) for (let i = 0; i < s.count; i++) classCounts[s.y[i]]++;
  const base: PreviewBase = {
    classes: dataset.classes,
    classNames: dataset.classNames ?? Array.from({ length: dataset.classes }, (_, c) => `class ${c}`),
    classCounts,
  };
  const limit = Math.max(0, Math.floor(max));
  if (dataset.imageShape) return images(dataset, base, limit, dataset.imageShape);
  if (dataset.sampleShape.length === 1 && dataset.sampleShape[0] === 2) return points(dataset, base, limit);
  return columns(dataset, base);
}

function points(dataset: Dataset, base: PreviewBase, max: number): PointsPreview {
  const chosen = pick(dataset, max);
  const pts = new Float32Array(chosen.length * 2);
  const labels = new Int32Array(chosen.length);
  const bounds = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
  chosen.forEach(({ split, index }, k) => {
    const s = dataset[split];
    const x = s.x[2 * index];
    const y = s.x[2 * index + 1];
    pts[2 * k] = x;
    pts[2 * k + 1] = y;
    labels[k] = s.y[index];
    bounds.minX = Math.min(bounds.minX, x);
    bounds.maxX = Math.max(bounds.maxX, x);
    bounds.minY = Math.min(bounds.minY, y);
    bounds.maxY = Math.max(bounds.maxY, y);
  });
  return { kind: 'points', ...base, points: pts, labels, count: chosen.length, bounds, columns: summarise(dataset) };
}

function images(dataset: Dataset, base: PreviewBase, max: number, [h, w, c]: [number, number, number]): ImagesPreview {
  const chosen = pick(dataset, max);
  const px = h * w;
  const rgba = new Uint8ClampedArray(chosen.length * px * 4);
  const labels = new Int32Array(chosen.length);
  chosen.forEach(({ split, index }, k) => {
    const s = dataset[split];
    const src = index * px * c;
    for (let p = 0; p < px; p++) {
      const o = (k * px + p) * 4;
      for (let ch = 0; ch < 3; ch++) rgba[o + ch] = Math.round(s.x[src + p * c + (c === 1 ? 0 : ch)] * 255);
      rgba[o + 3] = 255;
    }
    labels[k] = s.y[index];
  });
  return { kind: 'images', ...base, width: w, height: h, rgba, labels, count: chosen.length };
}

function columns(dataset: Dataset, base: PreviewBase): ColumnsPreview {
  return { kind: 'columns', ...base, columns: summarise(dataset), rows: dataset.train.count + dataset.validation.count };
}

function summarise(dataset: Dataset): ColumnSummary[] {
  const features = dataset.sampleShape.reduce((a, b) => a * b, 1);
  const names = dataset.featureNames ?? Array.from({ length: features }, (_, f) => `feature ${f + 1}`);
  const rows = dataset.train.count + dataset.validation.count;
  const scaling = dataset.scaling;
  /**
   * Undoing the scaling in float32 leaves noise (0 comes back as 8e-7); round it away at a
   * quantum of 1e-5 of the column's scale, below float32's own resolution for that column.
   */
  const raw = (v: number, f: number): number => {
    if (!scaling) return v;
    const quantum = 10 ** (Math.floor(Math.log10(scaling.scale[f])) - 5);
    return Number((Math.round((v * scaling.scale[f] + scaling.offset[f]) / quantum) * quantum).toPrecision(12));
  };
  return names.map((name, f): ColumnSummary => {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    const distinct = new Set<number>();
    for (const s of [dataset.train, dataset.validation]) {
      for (let i = 0; i < s.count; i++) {
        const v = raw(s.x[i * features + f], f);
        if (v < min) min = v;
        if (v > max) max = v;
        sum += v;
        if (distinct.size < DISTINCT_CAP) distinct.add(v);
      }
    }
    return { name, min, max, mean: rows ? sum / rows : NaN, distinct: distinct.size };
  });
}
