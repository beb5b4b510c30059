import type { Command } from 'commander';
import type { PresetField } from '../src/graph/presetSettings';
import { DATA_KEYS } from './datasetFlags';

/** Which train flags map onto which preset field. */
const FLAGS: Record<string, PresetField> = {
  dataset: 'dataset',
  epochs: 'epochs',
  batch: 'batchSize',
  seed: 'seed',
  optimizer: 'optimizer',
  lr: 'learningRate',
};

/** Any dataset option other than --dataset itself (a preset field of its own, above) replaces the preset's whole dataset. */
const DATASET_FLAGS = DATA_KEYS.filter((key) => key !== 'dataset');

/** The preset fields the user set on the command line; the design's preset supplies the others. */
export function explicitPresetFields(command: Command): Set<PresetField> {
  const fields = new Set<PresetField>();
  for (const [flag, field] of Object.entries(FLAGS)) if (command.getOptionValueSource(flag) === 'cli') fields.add(field);
  if (DATASET_FLAGS.some((flag) => command.getOptionValueSource(flag) === 'cli')) fields.add('dataset');
  return fields;
}
