/**
 * What `train` and `landscape` share before the engine starts: the training flags, the design's
 * preset under them, the backend, and the resource check that refuses a design before it is built.
 */
import type { Command } from 'commander';
import { totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { readDesignFile } from './designFile';
import { UsageError } from './errors';
import { explicitPresetFields } from './presetFlags';
import { datasetFlags, datasetFromFlags, designInputShape, type DatasetFlags } from './datasetFlags';
import { inProcessEngine, type InProcessEngine } from '../src/engine/inProcess';
import { selectBackend, describeBackend } from '../src/engine/backends/select';
import { portableCandidates } from '../src/engine/backends/portable';
import { designConvolves, nodeBackendCandidates } from '../node/nodeBackends';
import { BackendName, Optimizer, TrainSettings, type TrainSettingsInput } from '../src/schema/settings';
import { describePreset, withPreset } from '../src/graph/presetSettings';
import { describeIssues, type BackendReport } from '../src/protocol/messages';
import type { Design } from '../src/graph/design';
import { validateDesign } from '../src/graph/validate';
import { checkResources } from '../src/compile/resources';

export interface TrainingFlags extends DatasetFlags {
  epochs: string;
  optimizer: string;
  lr: string;
  batch: string;
  seed: string;
  backend?: string;
  fit?: boolean;
  statsIntervalMs: string;
}

export function number(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value)) throw new UsageError(`--${name}: "${text}" is not a number`);
  return value;
}

/** The training flags; those left out come from the design's training preset, if it has one. */
export function trainingFlags(command: Command): Command {
  command
    .option('--epochs <n>', 'epochs', '20')
    .option('--optimizer <name>', 'sgd, momentum, nesterov, adam, adamw or rmsprop', 'adam')
    .option('--lr <rate>', 'learning rate', '1e-3')
    .option('--batch <n>', 'batch size', '64')
    .option('--seed <n>', 'seed for data order, weights and dropout', '1')
    .option('--backend <name>', 'force a backend: tensorflow-gpu, tensorflow, wasm or cpu')
    .option('--fit', "set the design's Input shape and Output units from the dataset")
    .option('--stats-interval-ms <ms>', 'stats frame cadence in wall-time milliseconds', '100');
  return datasetFlags(command, 'spirals');
}

export interface TrainingSetup {
  design: Design;
  settings: TrainSettings;
  backend: BackendReport;
}

export async function trainingSetup(file: string, options: TrainingFlags, command: Command): Promise<TrainingSetup> {
  const design = await readDesignFile(file);
  const dataset = await datasetFromFlags(options, { inputShape: designInputShape(design), fit: options.fit ?? false });
  const optimizer = Optimizer.safeParse(options.optimizer);
  if (!optimizer.success) throw new UsageError(`--optimizer: "${options.optimizer}" is not one of ${Optimizer.options.join(', ')}`);
  const backend = options.backend === undefined ? undefined : BackendName.safeParse(options.backend);
  if (backend && !backend.success) throw new UsageError(`--backend: "${options.backend}" is not one of ${BackendName.options.join(', ')}`);
  const fromFlags: TrainSettingsInput = {
    dataset,
    epochs: number('epochs', options.epochs),
    batchSize: number('batch', options.batch),
    seed: number('seed', options.seed),
    optimizer: { name: optimizer.data, learningRate: number('lr', options.lr) },
    instrumentation: { cadence: 'interval', intervalMs: number('stats-interval-ms', options.statsIntervalMs) },
    fitDesignToDataset: options.fit ?? false,
  };
  const explicit = explicitPresetFields(command);
  if (design.preset)
    console.log(`preset from the design file: ${describePreset(design.preset)}${explicit.size ? ` (flags override ${[...explicit].join(', ')})` : ''}`);
  const settings = TrainSettings.safeParse(withPreset(fromFlags, design.preset, explicit));
  if (!settings.success) throw new UsageError(`invalid settings: ${describeIssues(settings.error)}`);

  const report = await selectBackend([...nodeBackendCandidates(tf, { preferWasmThreads: designConvolves(design) }), ...portableCandidates(tf)], backend?.data);
  console.log(`backend: ${describeBackend(report)}`);
  // The engine refuses these too, but only after loadDesign has built every weight: say so first.
  const validation = validateDesign(design);
  if (validation.valid) {
    const context = {
      run: { batchSize: settings.data.batchSize, optimizer: settings.data.optimizer.name, evaluationBatch: 256 },
      backend: report.active,
      machineBytes: totalmem(),
    };
    const problems = checkResources(design, validation.nodeShapes, context);
    if (problems.length) throw new UsageError(problems.map((p) => p.message).join('; '));
  }
  return { design, settings: settings.data, backend: report };
}

/** An engine in this process, on the chosen backend, yielding to Node's event loop between steps. */
export function cliEngine(backend: BackendReport): InProcessEngine {
  return inProcessEngine(tf, {
    backend,
    machineBytes: totalmem(),
    statsMaxInFlight: Infinity,
    clock: { now: () => performance.now(), yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) },
  });
}
