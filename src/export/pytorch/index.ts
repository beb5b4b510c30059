/**
 * Export a design as a PyTorch package: model.py (an nn.Module), train.py (torchrun / DDP), data.py,
 * runlog.py + stats_layout.json, config.json, design.rescanvas.json, README.md, and optionally the tf.js weights and a dataset. Everything is
 * generated in memory first, so a design that cannot be exported produces no files at all.
 */
import { serializeDesign } from '../../graph/parse';
import type { Design } from '../../graph/design';
import type { Dataset } from '../../engine/datasets/types';
import { modelPy } from './modelPy';
import { npz } from './npz';
import { DATA_PY, RUNLOG_PY, TRAIN_PY } from './python/parts';
import { readme } from './readme';
import { statsLayout } from './statsLayout';
import { TrainConfig, type TrainConfigInput } from './trainConfig';
import { planModel, PytorchExportError } from './translate';
import { packWeights, type NodeWeights } from './weights';

export { PytorchExportError } from './translate';
export { weightsFromLayers, nodeWeightsFromNamed, type NodeWeights, type TensorData } from './weights';
export { TrainConfig, type TrainConfigInput } from './trainConfig';

export interface ExportedFile {
  name: string;
  data: string | Uint8Array;
}

/** Samples as the app's datasets hold them: row-major, images channels-last. */
export interface ExportDataset {
  name: string;
  sampleShape: readonly number[];
  x: Float32Array;
  y: Int32Array;
  validation?: { x: Float32Array; y: Int32Array };
}

/** An app dataset (src/engine/datasets) as the package's data.npz holds it, splits kept. */
export function datasetForExport(d: Dataset): ExportDataset {
  return { name: d.name, sampleShape: d.sampleShape, x: d.train.x, y: d.train.y, validation: { x: d.validation.x, y: d.validation.y } };
}

export interface PytorchExportOptions {
  config?: TrainConfigInput;
  dataset?: ExportDataset;
}

function checkDataset(d: ExportDataset, inputShape: readonly number[]): void {
  const size = d.sampleShape.reduce((a, b) => a * b, 1);
  const problems: string[] = [];
  if (d.sampleShape.length !== inputShape.length || d.sampleShape.some((v, i) => v !== inputShape[i])) {
    problems.push(`dataset "${d.name}" has samples of shape [${d.sampleShape.join(', ')}] but the design's Input takes [${inputShape.join(', ')}]`);
  }
  for (const [part, s] of [
    ['training', d],
    ['validation', d.validation],
  ] as const) {
    if (s && s.x.length !== s.y.length * size) problems.push(`dataset "${d.name}" (${part}): ${s.x.length} values for ${s.y.length} samples of size ${size}`);
  }
  if (problems.length) throw new PytorchExportError(problems);
}

export function exportPytorchPackage(design: Design, weights?: NodeWeights, options: PytorchExportOptions = {}): { files: ExportedFile[] } {
  const plan = planModel(design);
  const parsedConfig = TrainConfig.safeParse(options.config ?? {});
  if (!parsedConfig.success)
    throw new PytorchExportError(parsedConfig.error.issues.map((i) => `training settings: ${i.path.join('.') || 'value'}: ${i.message}`));
  const config = parsedConfig.data;
  const packed = weights ? packWeights(plan, weights) : undefined;
  const dataset = options.dataset;
  if (dataset) checkDataset(dataset, plan.inputShape);

  const files: ExportedFile[] = [
    { name: 'model.py', data: modelPy(plan) },
    { name: 'train.py', data: TRAIN_PY },
    { name: 'data.py', data: DATA_PY },
    { name: 'runlog.py', data: RUNLOG_PY },
    { name: 'stats_layout.json', data: `${JSON.stringify(statsLayout(design, plan))}\n` },
    { name: 'config.json', data: `${JSON.stringify(config, null, 2)}\n` },
    { name: 'design.rescanvas.json', data: serializeDesign(design) },
    {
      name: 'README.md',
      data: readme({
        plan,
        config,
        hasWeights: Boolean(packed),
        dataset: dataset && { name: dataset.name, count: dataset.y.length + (dataset.validation?.y.length ?? 0) },
      }),
    },
  ];
  if (packed) files.push({ name: 'weights.json', data: packed.index }, { name: 'weights.bin', data: packed.bin });
  if (dataset) {
    const count = (y: Int32Array) => y.length;
    files.push({
      name: 'data.npz',
      data: npz([
        { name: 'x', shape: [count(dataset.y), ...dataset.sampleShape], data: dataset.x },
        { name: 'y', shape: [count(dataset.y)], data: dataset.y },
        ...(dataset.validation
          ? [
              { name: 'x_val', shape: [count(dataset.validation.y), ...dataset.sampleShape], data: dataset.validation.x },
              { name: 'y_val', shape: [count(dataset.validation.y)], data: dataset.validation.y },
            ]
          : []),
      ]),
    });
  }
  return { files };
}
