import { readFile } from 'node:fs/promises';
import { compileDesign, CompileError } from '../../src/compile/toTfjs';
import {
  datasetForExport,
  exportPytorchPackage,
  PytorchExportError,
  TrainConfig,
  weightsFromLayers,
  nodeWeightsFromNamed,
  type ExportedFile,
  type NodeWeights,
} from '../../src/export/pytorch';
import type { NamedWeights } from '../../src/export';
import { planModel } from '../../src/export/pytorch/translate';
import type { Design } from '../../src/graph/design';
import { loadDataset } from '../../src/engine/datasets/load';
import { DatasetError, type Dataset } from '../../src/engine/datasets/types';
import { UsageError } from '../errors';
import { datasetFromFlags, designInputShape, type DatasetFlags } from '../datasetFlags';

/** `rescanvas export --format pytorch`: the PyTorch package's files, from the design and the command's options. */

async function readConfig(path: string): Promise<TrainConfig> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${path}: ${code ? `cannot read the training settings (${code})` : `the training settings are not JSON (${(error as Error).message})`}`,
    );
  }
  const parsed = TrainConfig.safeParse(value);
  if (!parsed.success) throw new UsageError(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

async function loadFromFlags(flags: DatasetFlags, design: Design): Promise<Dataset> {
  const spec = await datasetFromFlags(flags, { inputShape: designInputShape(design), fit: false });
  try {
    return await loadDataset(spec);
  } catch (error) {
    if (error instanceof DatasetError)
      throw new UsageError(
        `${spec.kind === 'csv' ? `--csv ${spec.name}` : spec.kind === 'images' ? `--images ${spec.name}` : `--dataset ${spec.kind}`}: ${error.message}`,
      );
    throw error;
  }
}

export interface PytorchOptions {
  weights?: NamedWeights;
  dataset?: DatasetFlags;
  config?: string;
}

export async function pytorchFiles(file: string, design: Design, options: PytorchOptions): Promise<ExportedFile[]> {
  const config = options.config ? await readConfig(options.config) : undefined;
  const dataset = options.dataset ? await loadFromFlags(options.dataset, design) : undefined;
  try {
    // The exporter's own check first: it names every node PyTorch cannot take, before tf.js compiles anything.
    planModel(design);
    let weights: NodeWeights;
    if (options.weights) {
      weights = nodeWeightsFromNamed(options.weights);
    } else {
      // Loaded here, not at the top: tf.js takes a while to start and is only needed for fresh weights.
      const tf = await import('@tensorflow/tfjs');
      tf.enableProdMode();
      await tf.setBackend('cpu');
      const compiled = compileDesign(design, tf);
      weights = weightsFromLayers(compiled.nodeLayers);
      compiled.dispose();
    }
    return exportPytorchPackage(design, weights, { config, dataset: dataset && datasetForExport(dataset) }).files;
  } catch (error) {
    if (error instanceof PytorchExportError || error instanceof CompileError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
}
