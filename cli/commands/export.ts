import type { Command } from 'commander';
import { dirname } from 'node:path';
import { EXPORT_FORMATS, exportDesign, WeightsError, WeightsSidecar, WEIGHTS_FORMAT, type ExportFormat, type NamedWeights } from '../../src/export';
import { ImportError, MAX_MODEL_JSON_BYTES } from '../../src/import';
import { parseModelJsonText } from '../../src/import/json';
import { readWeights, type WeightFiles } from '../../src/import/weights';
import { weightFilesIn } from '../../electron/files/confinedFolder';
import { readDesignFile } from '../designFile';
import { UsageError } from '../errors';
import { checkOutFolder, describeFsCode, readTextFile } from '../files';
import { writeFolderAtomically } from '../output';
import { pytorchFiles, SYNTHETIC } from './exportPytorch';

/** The library's formats, and the PyTorch package (written by src/export/pytorch, which needs more options). */
const FORMATS = [...EXPORT_FORMATS, 'pytorch'] as const;

interface ExportOptions {
  format: string;
  out: string;
  weights?: string;
  keras3?: boolean;
  force?: boolean;
  dataset?: string;
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

async function runExport(file: string, options: ExportOptions): Promise<void> {
  if (!(FORMATS as readonly string[]).includes(options.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${options.format}"`);
  if (options.keras3 && options.format !== 'keras') throw new UsageError('--keras3 only applies to --format keras');
  if ((options.dataset || options.config) && options.format !== 'pytorch') throw new UsageError('--dataset and --config only apply to --format pytorch');
  await checkOutFolder(options.out);
  const design = await readDesignFile(file);
  const weights = options.weights ? await readWeightsFile(options.weights) : undefined;
  if (options.format === 'pytorch') {
    const files = await pytorchFiles(file, design, { weights, dataset: options.dataset, config: options.config });
    await writeFolderAtomically(options.out, files, options.force ?? false);
    console.log(`wrote ${options.out}: ${files.map((f) => f.name).join(', ')}${weights ? '' : ' (freshly initialized weights: no --weights given)'}`);
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
    if (error instanceof WeightsError) throw new UsageError(`${options.weights}: ${error.message}`);
    if (error instanceof Error && error.name === 'CompileError') throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
  await writeFolderAtomically(options.out, bundle.files, options.force ?? false);
  console.log(`wrote ${options.out}: ${bundle.files.map((f) => f.name).join(', ')}${format !== 'design' && !weights ? ' (freshly initialized weights: no --weights given)' : ''}`);
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export a design: a tf.js model (model.json + weights.bin), Keras JSON, design JSON, or a PyTorch package (model.py, train.py for torchrun / DDP, data.py)')
    .argument('<design>', 'a .rescanvas.json design file')
    .requiredOption('--format <format>', `one of ${FORMATS.join(', ')}`)
    .requiredOption('--out <dir>', 'folder to create with the exported files')
    .option('--weights <file>', "trained weights: a design's .weights.json sidecar or a tf.js model.json (default: fresh initial weights)")
    .option('--keras3', 'Keras JSON with the Keras 3 module/registered_name keys')
    .option('--dataset <kind>', `pytorch: also write data.npz with a built-in dataset (${SYNTHETIC.join(', ')})`)
    .option('--config <file.json>', 'pytorch: training settings for train.py (optimizer, learningRate, schedule, batchSize, epochs, statsEvery, seed)')
    .option('--force', 'replace --out if it already exists')
    .action((file: string, options: ExportOptions) => runExport(file, options));
  // The command's name before PyTorch joined `export`; kept so existing scripts still run.
  program
    .command('export-pytorch', { hidden: true })
    .argument('<design>')
    .requiredOption('--out <dir>')
    .option('--weights <file>')
    .option('--dataset <kind>')
    .option('--config <file.json>')
    .option('--force')
    .action((file: string, options: Omit<ExportOptions, 'format'>) => runExport(file, { ...options, format: 'pytorch' }));
}
