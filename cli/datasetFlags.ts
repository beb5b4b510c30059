/**
 * The dataset flags `train` and `export --format pytorch` share, turned into a dataset spec by the one
 * parser the app uses too (src/engine/datasets/options.ts). Reads the CSV file; everything else is text.
 */
import type { Command } from 'commander';
import { readFile, stat } from 'node:fs/promises';
import { checkCsvSize, parseCsvTable } from '../src/engine/datasets/csv';
import { datasetSpecFromOptions, type DatasetOptionText } from '../src/engine/datasets/options';
import { CSV_DELIMITERS, CSV_NORMALIZATIONS, type DatasetSpec } from '../src/schema/datasetSpec';
import { DatasetError } from '../src/engine/datasets/types';
import type { Design } from '../src/graph/design';
import { UsageError } from './errors';

export interface DatasetFlags extends Omit<DatasetOptionText, 'csv'> {
  csv?: string;
  images?: string;
  badImages?: string;
  scale?: string;
}

/** What an image folder is resized to: the design's Input, or (with --fit) the images' own size. */
export interface DatasetTarget {
  inputShape: readonly number[];
  fit: boolean;
}

/** `defaultDataset`: what `train` uses without options; export has none (no data.npz unless asked). */
export function datasetFlags(command: Command, defaultDataset?: string): Command {
  return command
    .option('--dataset <kind>', 'spirals, twoMoons, circles, xor, gaussianBlobs, shapes or mnist', defaultDataset)
    .option('--size <n>', 'built-in datasets: number of samples (training + validation)')
    .option('--noise <x>', 'built-in datasets: noise level (spread for blobs, pixel noise for shapes)')
    .option('--classes <n>', 'spirals, circles, gaussianBlobs: number of classes')
    .option('--side <px>', 'shapes: image side in pixels (16–128)')
    .option('--validation <fraction>', 'share of samples held out for validation (0–0.9, default 0.2)')
    .option('--data-seed <n>', 'seed for generating and splitting the data (default 1)')
    .option('--csv <file>', 'train on a CSV file: numeric feature columns and one label column')
    .option('--label-column <name|index>', 'CSV: header name or 0-based index of the label column (default: the last)')
    .option('--header <mode>', 'CSV: auto, yes or no')
    .option('--delimiter <name>', `CSV: ${CSV_DELIMITERS.join(', ')}`)
    .option('--normalization <mode>', `CSV: ${CSV_NORMALIZATIONS.join(', ')} (default standardize)`)
    .option(
      '--images <dir>',
      "train on a folder of PNG/JPEG images, one subfolder per class; resized to the design's Input (with --fit, the Input follows the images)",
    )
    .option('--bad-images <mode>', 'images: refuse (default) or skip files that cannot be decoded')
    .option('--scale <mode>', 'images: unit (pixels in [0, 1], default) or standardize (per channel)');
}

async function readCsv(path: string): Promise<{ name: string; text: string }> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new UsageError(`--csv ${path}: cannot read the file`);
  try {
    checkCsvSize(info.size, path);
  } catch (error) {
    if (error instanceof DatasetError) throw new UsageError(`--csv ${error.message}`);
    throw error;
  }
  return { name: path, text: await readFile(path, 'utf8') };
}

/** Every dataset option, as commander names them. */
export const DATA_KEYS = [
  'dataset',
  'csv',
  'images',
  'badImages',
  'scale',
  'size',
  'noise',
  'classes',
  'side',
  'validation',
  'dataSeed',
  'labelColumn',
  'header',
  'delimiter',
  'normalization',
] as const;

/** Whether any dataset option was given (export writes data.npz only then). */
export function hasDatasetFlags(flags: DatasetFlags): boolean {
  return DATA_KEYS.some((k) => flags[k] !== undefined);
}

async function imagesFromFlags(flags: DatasetFlags, target: DatasetTarget): Promise<DatasetSpec> {
  const problems: string[] = [];
  if (flags.csv) problems.push('--images and --csv name two datasets; pass one');
  if (flags.dataset && flags.dataset !== 'spirals') problems.push(`--images and --dataset ${flags.dataset} name two datasets; pass one`);
  for (const [key, flag] of [
    ['size', '--size'],
    ['noise', '--noise'],
    ['classes', '--classes'],
    ['side', '--side'],
    ['labelColumn', '--label-column'],
    ['header', '--header'],
    ['delimiter', '--delimiter'],
    ['normalization', '--normalization'],
  ] as const) {
    if (flags[key] !== undefined) problems.push(`${flag} does not apply to --images`);
  }
  const badImages = flags.badImages ?? 'refuse';
  if (badImages !== 'refuse' && badImages !== 'skip') problems.push(`--bad-images: "${badImages}" is not refuse or skip`);
  const scale = flags.scale ?? 'unit';
  if (scale !== 'unit' && scale !== 'standardize') problems.push(`--scale: "${scale}" is not unit or standardize`);
  const validation = flags.validation === undefined ? undefined : Number(flags.validation);
  if (validation !== undefined && !(validation >= 0 && validation <= 0.9))
    problems.push(`--validation: "${flags.validation}" is not a fraction between 0 and 0.9`);
  const seed = flags.dataSeed === undefined ? undefined : Number(flags.dataSeed);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) problems.push(`--data-seed: "${flags.dataSeed}" is not a non-negative integer`);
  const shape = target.inputShape;
  if (!target.fit && (shape.length !== 3 || (shape[2] !== 1 && shape[2] !== 3)))
    problems.push(`--images: the design's Input is [${shape.join(', ')}], not an image [height, width, 1 or 3]; pass --fit to take the images' shape`);
  if (problems.length) throw new UsageError(problems.join('\n'));
  const { readImageFolder } = await import('./imageFolder');
  return readImageFolder(flags.images as string, {
    target: target.fit ? null : [shape[0], shape[1], shape[2]],
    badImages: badImages as 'refuse' | 'skip',
    scale: scale as 'unit' | 'standardize',
    validationFraction: validation,
    seed,
    warn: (m) => console.error(`warning: ${m}`),
    progress: (done, total) => {
      if (total >= 2000) console.error(`decoded ${done}/${total} images`);
    },
  });
}

export function designInputShape(design: Design): number[] {
  const input = design.nodes.find((n) => n.type === 'Input');
  return input?.type === 'Input' ? [...input.params.shape] : [];
}

export async function datasetFromFlags(flags: DatasetFlags, target: DatasetTarget): Promise<DatasetSpec> {
  if (flags.images !== undefined) return imagesFromFlags(flags, target);
  for (const [key, flag] of [
    ['badImages', '--bad-images'],
    ['scale', '--scale'],
  ] as const)
    if (flags[key] !== undefined) throw new UsageError(`${flag} only applies to --images`);
  const csv = flags.csv === undefined ? undefined : await readCsv(flags.csv);
  // commander fills --dataset's default; a CSV file chooses the kind on its own.
  const result = datasetSpecFromOptions({ ...flags, dataset: csv && flags.dataset === 'spirals' ? undefined : flags.dataset, csv });
  if (!result.ok) throw new UsageError(result.problems.join('\n'));
  if (result.spec.kind === 'csv') {
    // Parsed here once so a bad cell is reported against the file, before a backend starts.
    try {
      parseCsvTable(result.spec);
    } catch (error) {
      if (error instanceof DatasetError) throw new UsageError(`--csv ${result.spec.name}: ${error.message}`);
      throw error;
    }
  }
  return result.spec;
}
