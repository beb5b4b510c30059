import type { Design } from '../../src/graph/design';
import { DATASET_TITLES, type DatasetSpecInput } from '../../src/schema/datasetSpec';
import { TrainSettings, type TrainSettingsInput } from '../../src/schema/settings';
import { describeIssues } from '../../src/protocol/messages';
import type { TrainingForm } from '../store/trainingSlice';
import { useImageFolder } from '../data/imageFolderStore';
import { imagesSpec } from '../data/decodeImageFolder';

/** Training sets shorter than this per class are too small to say anything; the form refuses them. */
export function datasetSpec(form: TrainingForm, design: Design): DatasetSpecInput | { error: string } {
  const common = { seed: form.seed };
  switch (form.dataset) {
    case 'spirals':
      return { kind: 'spirals', size: form.datasetSize, noise: form.noise, turns: form.turns, ...common };
    case 'twoMoons':
    case 'circles':
    case 'xor':
    case 'gaussianBlobs':
      return { kind: form.dataset, size: form.datasetSize, noise: form.noise, ...common };
    case 'shapes':
      return { kind: 'shapes', size: form.datasetSize, ...common };
    case 'mnist': {
      // An MLP design takes 784 features; a conv design takes 28×28×1 images.
      const input = design.nodes.find((n) => n.type === 'Input');
      const shape = (input?.params as { shape?: unknown } | undefined)?.shape;
      return { kind: 'mnist', size: Math.min(form.datasetSize, 9969), flatten: Array.isArray(shape) && shape.length === 1, ...common };
    }
    case 'csv':
      if (!form.csv) return { error: 'Choose a CSV file first (the file picker under Dataset).' };
      return { kind: 'csv', text: form.csv.text, name: form.csv.name, ...common };
    case 'images': {
      const { decoded, progress } = useImageFolder.getState();
      if (progress) return { error: 'The image folder is still being decoded.' };
      if (!decoded) return { error: 'Choose an image folder first (under Dataset).' };
      return imagesSpec(decoded, form.seed);
    }
  }
}

/** The form as validated TrainSettings, or a sentence saying which field is wrong. */
export function buildSettings(form: TrainingForm, design: Design): { ok: true; settings: TrainSettingsInput } | { ok: false; error: string } {
  const dataset = datasetSpec(form, design);
  if ('error' in dataset) return { ok: false, error: dataset.error };
  const input: TrainSettingsInput = {
    dataset,
    epochs: form.epochs,
    batchSize: form.batchSize,
    seed: form.seed,
    optimizer: { name: form.optimizer, learningRate: form.learningRate },
    schedule: { kind: form.schedule },
    fitDesignToDataset: form.fitDesignToDataset,
  };
  const parsed = TrainSettings.safeParse(input);
  if (!parsed.success) return { ok: false, error: `Training settings are not valid — ${describeIssues(parsed.error)}` };
  return { ok: true, settings: input };
}

export function runLabel(designName: string, form: TrainingForm): string {
  return `${designName} · ${DATASET_TITLES[form.dataset]} · ${form.optimizer} ${form.learningRate}`;
}
