import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  EXPORT_FORMATS,
  exportDesign,
  WeightsError,
  WeightsSidecar,
  weightsSidecarPaths,
  WEIGHTS_FORMAT,
  type ExportFormat,
  type NamedWeights,
} from '../../src/export';
import { ImportError, MAX_MODEL_JSON_BYTES } from '../../src/import';
import { parseModelJsonText } from '../../src/import/json';
import { readWeights, type WeightFiles } from '../../src/import/weights';
import { weightFilesIn } from '../../node/confinedFolder';
import { totalmem } from 'node:os';
import { checkResources } from '../../src/compile/resources';
import type { Design } from '../../src/graph/design';
import { validateDesign } from '../../src/graph/validate';
import { readDesignFile } from '../designFile';
import { UsageError } from '../errors';
import { checkOutFolder, describeFsCode, readTextFile } from '../files';
import { writeFolderAtomically } from '../output';
import { pytorchFiles } from './exportPytorch';
import { datasetFlags, hasDatasetFlags, type DatasetFlags } from '../datasetFlags';

/** The library's formats, and the PyTorch package (written by src/export/pytorch, which needs more options). */
const FORMATS = [...EXPORT_FORMATS, 'pytorch'] as const;

interface ExportOptions extends DatasetFlags {
  format: string;
  out: string;
  weights?: string;
  freshWeights?: boolean;
  keras3?: boolean;
  force?: boolean;
  config?: string;
}

export { writeFilesAtomically, writeFolderAtomically } from '../output';

/** Reads the files a manifest in `baseDir` names: measured first, confined to that folder by resolution. */
export function weightFileReader(baseDir: string): Promise<WeightFiles> {
  return weightFilesIn(baseDir).catch((error: unknown) => {
    throw new UsageError(`${baseDir}: cannot open the folder of the weights: ${describeFsCode(error)}`);
  });
}

/** `--weights`: a design's weights sidecar (`x.weights.json`) or a tf.js model.json with weights. */
async function readWeightsFile(path: string): Promise<NamedWeights> {
  const text = await readTextFile(path, MAX_MODEL_JSON_BYTES, 'a weights file');
  try {
    const value = parseModelJsonText(text, path);
    const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    let manifest: unknown;
    if (record.format === WEIGHTS_FORMAT) {
      const sidecar = WeightsSidecar.safeParse(record);
      if (!sidecar.success) throw new UsageError(`${path}: not a readable ${WEIGHTS_FORMAT} file`);
      manifest = sidecar.data.weightsManifest;
    } else if ('weightsManifest' in record) {
      manifest = record.weightsManifest;
    } else {
      throw new UsageError(`${path}: not a weights file (expected a .weights.json sidecar or a tf.js model.json)`);
    }
    return await readWeights(manifest, await weightFileReader(dirname(path)), path);
  } catch (error) {
    if (error instanceof ImportError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Where the export's weights come from: `--weights`, else the design's sidecar (`net.weights.json`
 * beside `net.rescanvas.json`, as `import` and the app write it) unless `--fresh-weights`.
 */
async function weightsSource(designPath: string, options: ExportOptions): Promise<{ path: string; sidecar: boolean } | undefined> {
  if (options.weights) return { path: options.weights, sidecar: false };
  if (options.freshWeights) return undefined;
  const path = join(dirname(designPath), weightsSidecarPaths(basename(designPath)).manifest);
  return (await stat(path).catch(() => null))?.isFile() ? { path, sidecar: true } : undefined;
}

/** Model exports build every weight on tf.js' CPU backend: refuse, before allocating, what cannot fit. */
function refuseOversized(file: string, design: Design): void {
  const validation = validateDesign(design);
  if (!validation.valid) return; // the exporters name these
  const problems = checkResources(design, validation.nodeShapes, { purpose: 'export', backend: 'cpu', machineBytes: totalmem() });
  if (problems.length) throw new UsageError(`${file}: ${problems.map((p) => p.message).join('; ')}`);
}

async function runExport(file: string, options: ExportOptions): Promise<void> {
  if (!(FORMATS as readonly string[]).includes(options.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${options.format}"`);
  if (options.keras3 && options.format !== 'keras') throw new UsageError('--keras3 only applies to --format keras');
  if ((hasDatasetFlags(options) || options.config) && options.format !== 'pytorch')
    throw new UsageError('dataset options (--dataset, --csv, --size, …) and --config only apply to --format pytorch');
  if (options.weights && options.freshWeights) throw new UsageError('--weights and --fresh-weights contradict each other; pass one');
  await checkOutFolder(options.out);
  const design = await readDesignFile(file);
  if (options.format !== 'design') refuseOversized(file, design);
  const source = await weightsSource(file, options);
  const weights = source ? await readWeightsFile(source.path) : undefined;
  if (source?.sidecar) console.log(`using the weights beside the design: ${source.path} (pass --fresh-weights for freshly initialized ones)`);
  const unfit = (error: unknown): never => {
    const message = error instanceof Error ? error.message : String(error);
    const hint = source?.sidecar ? '; the design was edited after they were saved: pass --fresh-weights to export freshly initialized weights' : '';
    throw new UsageError(`${source?.path}: ${message}${hint}`);
  };
  const fresh = weights
    ? ''
    : ` (freshly initialized weights: ${options.freshWeights ? '--fresh-weights' : 'no --weights given and no weights file beside the design'})`;
  if (options.format === 'pytorch') {
    let files;
    try {
      files = await pytorchFiles(file, design, { weights, dataset: hasDatasetFlags(options) ? options : undefined, config: options.config });
    } catch (error) {
      if (weights && error instanceof Error && error.name === 'PytorchExportError' && /weight/.test(error.message)) unfit(error);
      throw error;
    }
    await writeFolderAtomically(options.out, files, options.force ?? false);
    console.log(`wrote ${options.out}: ${files.map((f) => f.name).join(', ')}${fresh}`);
    return;
  }
  const format = options.format as ExportFormat;
  let tf = null;
  if (format !== 'design') {
    tf = await import('@tensorflow/tfjs');
    // Prod mode also silences tf.js' "install tfjs-node" banner, which is noise on a CLI's stderr.
    tf.enableProdMode();
    await tf.setBackend('cpu');
  }
  let bundle;
  try {
    bundle = await exportDesign(format, design, tf, { weights, keras3: options.keras3 });
  } catch (error) {
    if (error instanceof WeightsError) unfit(error);
    if (weights && error instanceof Error && error.name === 'OnnxExportError' && /weight/.test(error.message)) unfit(error);
    if (error instanceof Error && (error.name === 'CompileError' || error.name === 'OnnxExportError')) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
  await writeFolderAtomically(options.out, bundle.files, options.force ?? false);
  console.log(`wrote ${options.out}: ${bundle.files.map((f) => f.name).join(', ')}${format !== 'design' && !weights ? fresh : ''}`);
}

export function registerExport(program: Command): void {
  const command = program
    .command('export')
    .description(
      'export a design: a tf.js model (model.json + weights.bin), Keras JSON, ONNX (model.onnx, opset 17, NCHW), design JSON, or a PyTorch package (model.py, train.py for torchrun / DDP, data.py)',
    )
    .argument('<design>', 'a .rescanvas.json design file')
    .requiredOption('--format <format>', `one of ${FORMATS.join(', ')}`)
    .requiredOption('--out <dir>', 'folder to create with the exported files')
    .option('--weights <file>', "trained weights: a design's .weights.json sidecar or a tf.js model.json (default: the sidecar beside the design, if any)")
    .option('--fresh-weights', 'freshly initialized weights even when a weights sidecar lies beside the design')
    .option('--keras3', 'Keras JSON with the Keras 3 module/registered_name keys')
    .option('--config <file.json>', 'pytorch: training settings for train.py (optimizer, learningRate, schedule, batchSize, epochs, statsEvery, seed)')
    .option('--force', 'replace --out if it already exists');
  // pytorch: the dataset written into data.npz, with the options `train` takes.
  datasetFlags(command).action((file: string, options: ExportOptions) => runExport(file, options));
  // The command's name before PyTorch joined `export`; kept so existing scripts still run.
  program
    .command('export-pytorch', { hidden: true })
    .argument('<design>')
    .requiredOption('--out <dir>')
    .option('--weights <file>')
    .option('--fresh-weights')
    .option('--dataset <kind>')
    .option('--config <file.json>')
    .option('--force')
    .action((file: string, options: Omit<ExportOptions, 'format'>) => runExport(file, { ...options, format: 'pytorch' }));
}
