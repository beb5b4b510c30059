import type { TrainingPreset } from '../../src/graph/preset';
import { SPIRAL_TURNS } from '../../src/schema/datasetSpec';
import type { TrainingForm } from '../store/trainingSlice';

/** Per-kind sample counts the Dataset menu picks, used when a preset names no size. */
const DEFAULT_SIZE = (kind: TrainingForm['dataset']): number => (kind === 'mnist' ? 2000 : kind === 'shapes' ? 1000 : 600);

/**
 * The Training panel's form as a design's preset sets it. The preset's dataset fields the form
 * cannot show do not exist (PresetDataset holds only what it can), so the panel runs what the file says.
 */
export function formFromPreset(preset: TrainingPreset, current: TrainingForm): TrainingForm {
  const d = preset.dataset;
  return {
    ...current,
    dataset: d.kind,
    datasetSize: d.size ?? DEFAULT_SIZE(d.kind),
    noise: d.noise ?? (d.kind === 'spirals' ? 0.05 : current.noise),
    turns: d.turns ?? SPIRAL_TURNS,
    csv: null,
    optimizer: preset.optimizer,
    learningRate: preset.learningRate,
    schedule: preset.schedule,
    epochs: preset.epochs,
    batchSize: preset.batchSize,
    seed: preset.seed,
  };
}

const FORM_KEYS = [
  'dataset',
  'datasetSize',
  'noise',
  'turns',
  'optimizer',
  'learningRate',
  'schedule',
  'epochs',
  'batchSize',
  'seed',
] as const satisfies readonly (keyof TrainingForm)[];

/** Fields the user changed since the preset filled the form, by their names in the panel. */
export function changedFromPreset(form: TrainingForm, preset: TrainingForm): (typeof FORM_KEYS)[number][] {
  return FORM_KEYS.filter((k) => form[k] !== preset[k]);
}
