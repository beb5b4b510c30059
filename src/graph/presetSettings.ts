import type { DatasetSpecInput } from '../schema/datasetSpec';
import type { TrainSettingsInput } from '../schema/settings';
import type { PresetDataset, TrainingPreset } from './preset';

/** The settings a caller may set on its own; those it set win over the design's preset. */
export type PresetField = 'dataset' | 'epochs' | 'batchSize' | 'seed' | 'optimizer' | 'learningRate' | 'schedule';

/** The dataset spec of a preset, drawn with the run's seed (as the Training panel does). */
export function presetDatasetSpec(dataset: PresetDataset, seed: number): DatasetSpecInput {
  const { kind, size, noise, turns } = dataset;
  const sized = size === undefined ? {} : { size };
  switch (kind) {
    case 'spirals':
      return { kind, ...sized, ...(noise === undefined ? {} : { noise }), ...(turns === undefined ? {} : { turns }), seed };
    case 'twoMoons':
    case 'circles':
    case 'xor':
    case 'gaussianBlobs':
      return { kind, ...sized, ...(noise === undefined ? {} : { noise }), seed };
    case 'shapes':
      return { kind, ...sized, ...(noise === undefined ? {} : { noise }), seed };
    case 'mnist':
      return { kind, ...sized, seed };
  }
}

/** A preset as training settings; `seed` replaces the preset's own (seed sweeps, the panel's field). */
export function settingsFromPreset(preset: TrainingPreset, seed = preset.seed): TrainSettingsInput {
  return {
    dataset: presetDatasetSpec(preset.dataset, seed),
    epochs: preset.epochs,
    batchSize: preset.batchSize,
    seed,
    optimizer: { name: preset.optimizer, learningRate: preset.learningRate },
    schedule: { kind: preset.schedule },
  };
}

/**
 * Settings built from a caller's choices (e.g. command-line flags) with the design's preset filling
 * every field the caller did not set explicitly. Without a preset the caller's settings stand as they are.
 */
export function withPreset(settings: TrainSettingsInput, preset: TrainingPreset | undefined, explicit: ReadonlySet<PresetField>): TrainSettingsInput {
  if (!preset) return settings;
  const seed = explicit.has('seed') && settings.seed !== undefined ? settings.seed : preset.seed;
  const fromPreset = settingsFromPreset(preset, seed);
  return {
    ...settings,
    dataset: explicit.has('dataset') ? settings.dataset : fromPreset.dataset,
    epochs: explicit.has('epochs') ? settings.epochs : fromPreset.epochs,
    batchSize: explicit.has('batchSize') ? settings.batchSize : fromPreset.batchSize,
    seed,
    optimizer: {
      ...settings.optimizer,
      name: explicit.has('optimizer') ? settings.optimizer?.name : preset.optimizer,
      learningRate: explicit.has('learningRate') ? settings.optimizer?.learningRate : preset.learningRate,
    },
    schedule: explicit.has('schedule') ? settings.schedule : fromPreset.schedule,
  };
}

/** "Spirals (600 points, noise 0.05, 1.25 turns) · adam 0.003 · 20 epochs · batch 32 · seed 1", for people. */
export function describePreset(preset: TrainingPreset): string {
  const d = preset.dataset;
  const details = [
    d.size === undefined ? null : `${d.size} samples`,
    d.noise === undefined ? null : `noise ${d.noise}`,
    d.turns === undefined ? null : `${d.turns} turns`,
  ].filter((s) => s !== null);
  const schedule = preset.schedule === 'constant' ? '' : ` (${preset.schedule} schedule)`;
  return `${d.kind}${details.length ? ` (${details.join(', ')})` : ''} · ${preset.optimizer} ${preset.learningRate}${schedule} · ${preset.epochs} epochs · batch ${preset.batchSize} · seed ${preset.seed}`;
}
