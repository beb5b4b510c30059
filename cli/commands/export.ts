import type { Command } from 'commander';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { totalmem } from 'node:os';
import { EXPORT_FORMATS, exportDesign, WeightsError, WeightsSidecar, WEIGHTS_FORMAT, type ExportedFile, type ExportFormat, type NamedWeights } from '../../src/export';
import { ImportError, MAX_MODEL_JSON_BYTES } from '../../src/import';
import { parseModelJsonText } from '../../src/import/json';
import { checkWeightPath, readWeights } from '../../src/import/weights';
import { checkResources } from '../../src/compile/resources';
import type { Design } from '../../src/graph/design';
import { validateDesign } from '../../src/graph/validate';
import { readDesignFile } from '../designFile';
import { UsageError } from '../errors';
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

/** Weight files larger than this are refused before reading (a 1000-layer ResNet is ~10 MB). */
const MAX_WEIGHT_FILE_BYTES = 2 * 1024 ** 3;

const exists = (path: string) => stat(path).then(() => true, () => false);

function checkFileName(name: string): void {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name === '.' || name === '..') throw new Error(`refusing to write unexpected file name "${name}"`);
}

/**
 * Writes `files` as the folder `out`, all or nothing: into a temporary sibling first, renamed into
 * place at the end, so an interruption never leaves a half-written export behind.
 */
export async function writeFolderAtomically(out: string, files: ExportedFile[], force: boolean): Promise<void> {
  const target = resolve(out);
  if (await exists(target)) {
    const info = await stat(target);
    if (!info.isDirectory()) throw new UsageError(`${out} exists and is not a folder; choose another --out`);
    if ((await readdir(target)).length && !force) throw new UsageError(`${out} already exists and is not empty; pass --force to replace it`);
  }
  files.forEach((f) => checkFileName(f.name));
  await mkdir(dirname(target), { recursive: true });
  const temp = await mkdtemp(join(dirname(target), `.${basename(target)}.partial-`));
  const old = `${temp}-old`;
  try {
    for (const f of files) await writeFile(join(temp, f.name), f.data);
    if (await exists(target)) await rename(target, old);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if ((await exists(old)) && !(await exists(target))) await rename(old, target);
    throw error;
  }
  await rm(old, { recursive: true, force: true });
}

/** Writes several files into one folder, each through a temporary name, renamed only once all are written. */
export async function writeFilesAtomically(folder: string, files: ExportedFile[], force: boolean): Promise<string[]> {
  files.forEach((f) => checkFileName(f.name));
  const targets = files.map((f) => join(folder, f.name));
  if (!force) {
    const clashes = [];
    for (const t of targets) if (await exists(t)) clashes.push(t);
    if (clashes.length) throw new UsageError(`${clashes.join(', ')} already exist${clashes.length === 1 ? 's' : ''}; pass --force to replace`);
  }
  await mkdir(folder, { recursive: true });
  const temps = targets.map((t) => `${join(dirname(t), `.${basename(t)}.partial-${process.pid}`)}`);
  try {
    for (const [i, f] of files.entries()) await writeFile(temps[i], f.data);
    // The design file is last in the list: renamed last, so it never points at missing weights.
    for (const [i, t] of targets.entries()) await rename(temps[i], t);
  } finally {
    for (const t of temps) await rm(t, { force: true });
  }
  return targets;
}

/** Reads a file next to `base` that a manifest names, refusing paths that leave its folder. */
export function weightFileReader(baseDir: string) {
  return async (path: string): Promise<Uint8Array | null> => {
    if (checkWeightPath(path)) return null;
    const full = join(baseDir, path);
    const info = await stat(full).catch(() => null);
    if (!info?.isFile()) return null;
    if (info.size > MAX_WEIGHT_FILE_BYTES) throw new UsageError(`${full}: ${(info.size / 1024 ** 3).toFixed(1)} GB is more than weight files may be`);
    return new Uint8Array(await readFile(full));
  };
}

/** `--weights`: a design's weights sidecar (`x.weights.json`) or a tf.js model.json with weights. */
async function readWeightsFile(path: string): Promise<NamedWeights> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new UsageError(`${path}: cannot read the weights file`);
  if (info.size > MAX_MODEL_JSON_BYTES) throw new UsageError(`${path}: too large for a weights manifest`);
  try {
    const value = parseModelJsonText(await readFile(path, 'utf8'), path);
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
    return await readWeights(manifest, weightFileReader(dirname(path)), path);
  } catch (error) {
    if (error instanceof ImportError) throw new UsageError(error.message);
    throw error;
  }
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
  if ((options.dataset || options.config) && options.format !== 'pytorch') throw new UsageError('--dataset and --config only apply to --format pytorch');
  const design = await readDesignFile(file);
  if (options.format !== 'design') refuseOversized(file, design);
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
