import type { Command } from 'commander';
import type { PresetField } from '../src/graph/presetSettings';

/** Which train flags map onto which preset field. */
const FLAGS: Record<string, PresetField> = {
  dataset: 'dataset',
  epochs: 'epochs',
  batch: 'batchSize',
  seed: 'seed',
  optimizer: 'optimizer',
  lr: 'learningRate',
};

/** Any of these on the command line names the dataset, replacing the preset's whole dataset (see cli/datasetFlags.ts). */
const DATASET_FLAGS = [
  'size',
  'noise',
  'classes',
  'side',
  'validation',
  'dataSeed',
  'csv',
  'labelColumn',
  'header',
  'delimiter',
  'normalization',
  'images',
  'badImages',
  'scale',
];

/** The preset fields the user set on the command line; the design's preset supplies the others. */
export function explicitPresetFields(command: Command): Set<PresetField> {
  const fields = new Set<PresetField>();
  for (const [flag, field] of Object.entries(FLAGS)) if (command.getOptionValueSource(flag) === 'cli') fields.add(field);
  if (DATASET_FLAGS.some((flag) => command.getOptionValueSource(flag) === 'cli')) fields.add('dataset');
  return fields;
}
