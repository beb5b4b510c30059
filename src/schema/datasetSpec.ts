import { z } from 'zod';

/** Images one image-folder dataset may hold, shared by the app's picker, the desktop reader and the engine. */
export const MAX_IMAGES = 60_000;

/**
 * What a dataset is, as it arrives in worker messages and CLI flags (the trust boundary). Bounds
 * keep absurd values (1e9 samples, 4096-pixel images) from exhausting memory in the worker.
 */
const seed = z.number().int().min(0).max(0xffffffff).default(1);
const validationFraction = z.number().min(0).max(0.9).default(0.2);
const size = (fallback: number, max = 200_000) => z.number().int().min(10).max(max).default(fallback);
const noise = (fallback: number) => z.number().min(0).max(5).default(fallback);
export const SPIRAL_TURNS = 1.25;

export const SpiralsSpec = z.strictObject({
  kind: z.literal('spirals'),
  size: size(600),
  noise: noise(0.05),
  /** Number of arms; each arm is one class. */
  classes: z.number().int().min(2).max(10).default(2),
  /**
   * Full turns each arm makes. 1.25 leaves the arms far enough apart near the centre that a good
   * net separates them (≥ 97 %); at 1.75 the noisy centre overlaps and even good nets stay near 80 %.
   */
  turns: z.number().min(0.25).max(5).default(SPIRAL_TURNS),
  seed,
  validationFraction,
});

export const TwoMoonsSpec = z.strictObject({
  kind: z.literal('twoMoons'),
  size: size(500),
  noise: noise(0.1),
  seed,
  validationFraction,
});

export const CirclesSpec = z.strictObject({
  kind: z.literal('circles'),
  size: size(500),
  noise: noise(0.05),
  /** Concentric rings, one class each. */
  classes: z.number().int().min(2).max(10).default(2),
  seed,
  validationFraction,
});

export const XorSpec = z.strictObject({
  kind: z.literal('xor'),
  size: size(500),
  noise: noise(0.05),
  seed,
  validationFraction,
});

export const GaussianBlobsSpec = z.strictObject({
  kind: z.literal('gaussianBlobs'),
  size: size(500),
  /** Standard deviation of each blob; centres sit on a circle of radius 1. */
  noise: noise(0.25),
  classes: z.number().int().min(2).max(20).default(3),
  seed,
  validationFraction,
});

export const ShapesSpec = z.strictObject({
  kind: z.literal('shapes'),
  /** 2,000 images of 32×32×3 are 24 MB of float32 and a few seconds per epoch for a ResNet-20 on wasm. */
  size: size(2000, 60_000),
  side: z.number().int().min(16).max(128).default(32),
  /** Standard deviation of per-pixel Gaussian noise, in [0, 1] intensity units. */
  noise: z.number().min(0).max(1).default(0.05),
  seed,
  validationFraction,
});

export const MnistSpec = z.strictObject({
  kind: z.literal('mnist'),
  /** The `mnist` package ships 9,969 digits (863 to 1,127 per class). */
  size: size(2000, 9969),
  /** [784] for MLPs instead of [28, 28, 1] for conv nets. */
  flatten: z.boolean().default(false),
  seed,
  validationFraction,
});

export const CSV_NORMALIZATIONS = ['none', 'standardize', 'minmax'] as const;
export const CSV_DELIMITERS = ['auto', 'comma', 'semicolon', 'tab'] as const;

export const CsvSpec = z.strictObject({
  kind: z.literal('csv'),
  /** The file's text; the caller reads the file (src/ never touches the file system). */
  text: z.string(),
  /** Shown in the UI and in error messages, e.g. the file name. */
  name: z.string().max(200).default('CSV'),
  /** Header name, or a 0-based column index; the last column when omitted. */
  labelColumn: z.union([z.string().min(1).max(200), z.number().int().min(0).max(100_000)]).optional(),
  header: z.enum(['auto', 'yes', 'no']).default('auto'),
  normalization: z.enum(CSV_NORMALIZATIONS).default('standardize'),
  delimiter: z.enum(CSV_DELIMITERS).default('auto'),
  seed,
  validationFraction,
});

export const IMAGE_SCALINGS = ['unit', 'standardize'] as const;

/**
 * A folder of images, one subfolder per class, as the host decoded and resized it (src/ reads no
 * files): count × height × width × channels bytes, channels-last, and one label per image.
 */
export const ImagesSpec = z.strictObject({
  kind: z.literal('images'),
  name: z.string().max(200).default('Image folder'),
  classNames: z.array(z.string().min(1).max(200)).min(2).max(100),
  height: z.number().int().min(1).max(256),
  width: z.number().int().min(1).max(256),
  channels: z.union([z.literal(1), z.literal(3)]),
  pixels: z.instanceof(Uint8Array),
  labels: z.instanceof(Int32Array),
  /** 'unit': pixels / 255 in [0, 1]; 'standardize': per channel, with training-set mean and std. */
  scale: z.enum(IMAGE_SCALINGS).default('unit'),
  seed,
  validationFraction,
});

export const DatasetSpec = z.discriminatedUnion('kind', [
  SpiralsSpec,
  TwoMoonsSpec,
  CirclesSpec,
  XorSpec,
  GaussianBlobsSpec,
  ShapesSpec,
  MnistSpec,
  CsvSpec,
  ImagesSpec,
]);
/** The datasets a design file's saved runs can carry: an image folder's decoded pixels stay out of documents. */
export const SavedDatasetSpec = z.discriminatedUnion('kind', [
  SpiralsSpec,
  TwoMoonsSpec,
  CirclesSpec,
  XorSpec,
  GaussianBlobsSpec,
  ShapesSpec,
  MnistSpec,
  CsvSpec,
]);
export type DatasetSpec = z.infer<typeof DatasetSpec>;
/** A spec before defaults: `{kind: 'spirals'}` is enough. */
export type DatasetSpecInput = z.input<typeof DatasetSpec>;
export type DatasetKind = DatasetSpec['kind'];
export type SpecOf<K extends DatasetKind> = Extract<DatasetSpec, { kind: K }>;

/** The kinds a picker or `--dataset` offers; an image folder comes from `--images DIR`, not a name. */
export const DATASET_KINDS = ['spirals', 'twoMoons', 'circles', 'xor', 'gaussianBlobs', 'shapes', 'mnist', 'csv'] as const satisfies readonly DatasetKind[];

export const DATASET_TITLES: Record<DatasetKind, string> = {
  spirals: 'Spirals',
  twoMoons: 'Two moons',
  circles: 'Circles',
  xor: 'XOR',
  gaussianBlobs: 'Gaussian blobs',
  shapes: 'Shapes',
  mnist: 'MNIST digits',
  csv: 'CSV',
  images: 'Image folder',
};
