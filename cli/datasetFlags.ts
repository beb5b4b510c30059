/**
 * The dataset flags `train` and `export --format pytorch` share, turned into a dataset spec by the one
 * parser the app uses too (src/engine/datasets/options.ts). Reads the CSV file; everything else is text.
 */
import type { Command } from 'commander';
import { readFile, stat } from 'node:fs/promises';
import { checkCsvSize } from '../src/engine/datasets/csv';
import { datasetSpecFromOptions, type DatasetOptionText } from '../src/engine/datasets/options';
import { CSV_DELIMITERS, CSV_NORMALIZATIONS, type DatasetSpec } from '../src/engine/datasets/spec';
import { DatasetError } from '../src/engine/datasets/types';
import { UsageError } from './errors';

export interface DatasetFlags extends Omit<DatasetOptionText, 'csv'> {
  csv?: string;
}

export function datasetFlags(command: Command, defaultDataset: string | undefined = 'spirals'): Command {
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
    .option('--normalization <mode>', `CSV: ${CSV_NORMALIZATIONS.join(', ')} (default standardize)`);
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

const DATA_KEYS = ['dataset', 'csv', 'size', 'noise', 'classes', 'side', 'validation', 'dataSeed', 'labelColumn', 'header', 'delimiter', 'normalization'] as const;

/** Whether any dataset option was given (export writes data.npz only then). */
export function hasDatasetFlags(flags: DatasetFlags): boolean {
  return DATA_KEYS.some((k) => flags[k] !== undefined);
}

export async function datasetFromFlags(flags: DatasetFlags): Promise<DatasetSpec> {
  const csv = flags.csv === undefined ? undefined : await readCsv(flags.csv);
  // commander fills --dataset's default; a CSV file chooses the kind on its own.
  const result = datasetSpecFromOptions({ ...flags, dataset: csv && flags.dataset === 'spirals' ? undefined : flags.dataset, csv });
  if (!result.ok) throw new UsageError(result.problems.join('\n'));
  return result.spec;
}
