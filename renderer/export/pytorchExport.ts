/**
 * Export menu ▸ PyTorch: the open design as a PyTorch package (src/export/pytorch, the builder the CLI
 * uses), with the last finished run's training settings, its dataset as data.npz, and its trained
 * weights when the engine still holds them for this very design. The package is built in memory
 * first, so a design the exporter cannot translate writes nothing.
 */
import type { DesignCore } from '../../src/graph/design';
import { serializeDesign } from '../../src/graph/parse';
import type { NamedWeights } from '../../src/schema/weights';
import type { ExportBundle } from '../../src/export/bundle';
import { folderName } from '../../src/export/bundle';
import type { TrainConfigInput } from '../../src/export/pytorch';
import type { Dataset } from '../../src/engine/datasets/types';
import { TrainSettings } from '../../src/schema/settings';
import { getEngine, type EngineConnection } from '../engine';
import { getHost } from '../host';
import { dataWorker } from '../data/dataWorkerClient';
import { appStore } from '../store/store';
import { lastRun } from './lastRun';
import type { RunRecord } from '../store/trainingSlice';
import { chooseWeights } from './chooseWeights';
import type { ExportOutcome } from './exportModel';

export interface PytorchSources {
  /** The last finished run: its settings become config.json, its dataset data.npz. */
  run?: RunRecord | null;
  /** Trained weights by tf.js name, for `design` (or its dataset-fitted form) exactly. */
  weights?: NamedWeights | null;
}

export interface PytorchBundle {
  bundle: ExportBundle;
  trained: boolean;
  /** Things the user should know about what went into the package (dataset left out, optimizer mapped). */
  notes: string[];
}

/** The app's training settings as train.py's config; what train.py cannot do the same way is said in a note. */
export function trainConfigFrom(run: RunRecord, notes: string[]): TrainConfigInput {
  const s = TrainSettings.parse(run.settings);
  const names = { sgd: 'sgd', momentum: 'momentum', nesterov: 'momentum', adam: 'adam', adamw: 'adam', rmsprop: 'rmsprop' } as const;
  const optimizer = names[s.optimizer.name];
  if (optimizer !== s.optimizer.name) notes.push(`train.py has no ${s.optimizer.name}; config.json uses ${optimizer}`);
  const schedule: TrainConfigInput['schedule'] =
    s.schedule.kind === 'step'
      ? { kind: 'step', everyEpochs: s.schedule.everyEpochs, factor: s.schedule.factor }
      : s.schedule.kind === 'cosine'
        ? { kind: 'cosine', minLearningRate: s.optimizer.learningRate * s.schedule.minFactor }
        : { kind: 'constant' };
  return {
    optimizer,
    learningRate: Math.min(s.optimizer.learningRate, 10),
    momentum: s.optimizer.momentum,
    schedule,
    batchSize: s.batchSize,
    epochs: s.epochs,
    seed: s.seed,
    validationFraction: s.dataset.validationFraction,
  };
}

/** The run's dataset, rebuilt from its spec (seeded, so the same samples the run trained on) in the data worker. */
async function runDataset(run: RunRecord, notes: string[]): Promise<Dataset | null> {
  try {
    return await dataWorker.loadDataset(run.settings.dataset);
  } catch (error) {
    notes.push(`the dataset was left out (${error instanceof Error ? error.message : String(error)})`);
    return null;
  }
}

/** Builds the package's files; rejects with the exporter's message (naming the nodes at fault) when it cannot. */
export async function buildPytorchBundle(design: DesignCore, sources: PytorchSources = {}): Promise<PytorchBundle> {
  const { exportPytorchPackage, datasetForExport, nodeWeightsFromNamed, PytorchExportError } = await import('../../src/export/pytorch');
  const { checkDatasetFitsDesign, fitDesignToDataset } = await import('../../src/engine/datasets/fit');
  const notes: string[] = [];
  const run = sources.run ?? null;
  let exported = design;
  let dataset: Dataset | null = null;
  if (run) {
    dataset = await runDataset(run, notes);
    // The engine trained the fitted design when the run asked for it; export that one, so weights and data fit.
    if (dataset && run.settings.fitDesignToDataset) exported = fitDesignToDataset(design, dataset);
    if (dataset && checkDatasetFitsDesign(dataset, exported).some((p) => p.severity === 'error')) {
      notes.push(`the dataset "${dataset.name}" was left out: it does not fit the design's Input or Output`);
      dataset = null;
    }
  }
  const weights = sources.weights ? nodeWeightsFromNamed(sources.weights) : undefined;
  let files;
  try {
    files = exportPytorchPackage(exported, weights, {
      config: run ? trainConfigFrom(run, notes) : undefined,
      dataset: dataset ? datasetForExport(dataset) : undefined,
    }).files;
  } catch (error) {
    if (error instanceof PytorchExportError) throw new Error(error.problems.join('; '));
    throw error;
  }
  if (serializeDesign(exported) !== serializeDesign(design)) notes.push('Input and Output were fitted to the dataset, as for training');
  return { bundle: { suggestedName: folderName(design.metadata.name, 'pytorch'), files }, trained: Boolean(weights), notes };
}

/**
 * What the Export menu and the desktop menu call. Weights come from the engine only when its model is
 * the last run's and the network has not been edited since; else from an import or a sidecar kept
 * with the document while they still fit; otherwise the package says it is untrained.
 */
export async function exportPytorch(design: DesignCore = appStore.getState().design, engine: () => EngineConnection = getEngine): Promise<ExportOutcome> {
  const { run } = lastRun(design);
  let built: PytorchBundle;
  let choice;
  try {
    // The PyTorch package fits a run's dataset-fitted design itself, so trained weights of either form fit it.
    choice = await chooseWeights(design, 'PyTorch package', engine, () => true);
    if (choice.kind === 'cancelled') return { ok: true, message: 'PyTorch package export cancelled' };
    const weights = choice.kind === 'trained' || choice.kind === 'kept' ? choice.weights : null;
    built = await buildPytorchBundle(design, { run, weights });
  } catch (error) {
    return {
      ok: false,
      message: `Could not export PyTorch package: ${(error instanceof Error ? error.message : String(error)).split('\n').slice(0, 4).join('; ')}`,
    };
  }
  const result = await getHost().exportFiles(built.bundle);
  if (result.status === 'cancelled') return { ok: true, message: 'PyTorch package export cancelled' };
  if (result.status === 'error') return { ok: false, message: `Could not export PyTorch package: ${result.message}` };
  const weights =
    choice.kind === 'trained'
      ? 'with the trained weights'
      : choice.kind === 'kept'
        ? `with the weights ${choice.source}`
        : `untrained (PyTorch initializes the weights${choice.kind === 'fresh' && choice.instead ? `; the weights ${choice.instead} no longer fit the edited network` : '; train once, then export, to carry them over'})`;
  const notes = built.notes.length ? `; ${built.notes.join('; ')}` : '';
  return { ok: true, message: `Exported PyTorch package to ${result.file.name}, ${weights}${notes}` };
}
