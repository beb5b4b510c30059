import type { Command } from 'commander';
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type * as TfNamespace from '@tensorflow/tfjs';
import { z } from 'zod';
import { compileDesign, CompileError } from '../../src/compile/toTfjs';
import { datasetForExport, exportPytorchPackage, PytorchExportError, TrainConfig, weightsFromLayers, type ExportedFile, type NodeWeights } from '../../src/export/pytorch';
import { loadDataset } from '../../src/engine/datasets/load';
import { DatasetError, type Dataset } from '../../src/engine/datasets/types';
import { readDesignFile } from '../designFile';
import { UsageError } from '../errors';

/** The part of a tf.js model.json this command reads; the weights come from the files its manifest names. */
const TfjsModelJson = z.object({
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z.array(z.object({ paths: z.array(z.string().min(1)), weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().min(0)), dtype: z.string() }).loose()) })),
});

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${path}: cannot read ${what} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${path}: ${what} is not JSON (${(error as Error).message})`);
  }
}

/** Trained weights from a tf.js Layers export (model.json + its weight files), keyed by layer name = unrolled node id. */
async function weightsFromTfjsExport(tf: typeof TfNamespace, path: string): Promise<NodeWeights> {
  const parsed = TfjsModelJson.safeParse(await readJson(path, 'the tf.js model'));
  if (!parsed.success) throw new UsageError(`${path}: not a tf.js Layers model.json (${parsed.error.issues[0]?.message ?? 'bad shape'})`);
  const parts: Uint8Array[] = [];
  for (const group of parsed.data.weightsManifest) {
    for (const p of group.paths) {
      const file = resolve(dirname(path), p);
      if (dirname(file) !== resolve(dirname(path))) throw new UsageError(`${path}: weight file "${p}" is outside the model's folder`);
      parts.push(new Uint8Array(await readFile(file).catch(() => { throw new UsageError(`${path}: cannot read weight file ${file}`); })));
    }
  }
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  try {
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: parsed.data.modelTopology, weightSpecs: parsed.data.weightsManifest.flatMap((g) => g.weights) as TfNamespace.io.WeightsManifestEntry[], weightData: data.buffer }),
    );
    return weightsFromLayers(new Map(model.layers.map((l) => [l.name, [l]])));
  } catch (error) {
    throw new UsageError(`${path}: tf.js could not load the model (${(error as Error).message})`);
  }
}

/** Writes into a sibling temporary folder and renames it into place, so a failure leaves no partial package. */
/** The output folder's entries, or null when it does not exist; refuses a folder that holds anything. */
async function checkOutFolder(out: string): Promise<string[] | null> {
  const existing = await readdir(resolve(out)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new UsageError(`${out}: cannot use as the output folder (${error.code ?? String(error)})`);
  });
  if (existing && existing.length) throw new UsageError(`${out}: the folder exists and is not empty; choose a new or empty folder`);
  return existing;
}

async function writePackage(out: string, files: readonly ExportedFile[]): Promise<void> {
  const target = resolve(out);
  const existing = await checkOutFolder(out);
  await mkdir(dirname(target), { recursive: true });
  const staging = join(dirname(target), `.${basename(target)}.partial-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(staging);
    for (const f of files) await writeFile(join(staging, f.name), f.data);
    if (existing) await rmdir(target);
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw new UsageError(`${out}: could not write the package (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

const SYNTHETIC = ['spirals', 'twoMoons', 'circles', 'xor', 'gaussianBlobs', 'shapes'] as const;

async function loadBuiltIn(kind: string): Promise<Dataset> {
  const known = SYNTHETIC.find((k) => k === kind);
  if (!known) throw new UsageError(`--dataset ${kind}: not a built-in dataset (${SYNTHETIC.join(', ')})`);
  try {
    return await loadDataset({ kind: known });
  } catch (error) {
    if (error instanceof DatasetError) throw new UsageError(`--dataset ${kind}: ${error.message}`);
    throw error;
  }
}

export function registerExportPytorch(program: Command): void {
  program
    .command('export-pytorch')
    .description('write a PyTorch package: model.py (nn.Module), train.py (torchrun / DDP), data.py, weights, README')
    .argument('<design>', 'a .rescanvas.json design file')
    .requiredOption('--out <dir>', 'folder to create (must not exist, or be empty)')
    .option('--weights <model.json>', "trained weights from a tf.js export of this design (default: the design's fresh tf.js initialization)")
    .option('--dataset <kind>', `write data.npz with a built-in dataset (${SYNTHETIC.join(', ')}), default settings`)
    .option('--config <file.json>', 'training settings for train.py: optimizer, learningRate, schedule, batchSize, epochs, statsEvery, seed')
    .action(async (file: string, options: { out: string; weights?: string; config?: string; dataset?: string }) => {
      const design = await readDesignFile(file);
      // Fail before the slow part (compiling in tf.js) when the folder is unusable; checked again before writing.
      await checkOutFolder(options.out);
      let config: TrainConfig | undefined;
      if (options.config) {
        const parsed = TrainConfig.safeParse(await readJson(options.config, 'the training settings'));
        if (!parsed.success) throw new UsageError(`${options.config}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`);
        config = parsed.data;
      }
      let files: ExportedFile[];
      try {
        // Loaded here, not at the top: tf.js takes a while to start and other commands do not need it.
        const tf = await import('@tensorflow/tfjs');
        await tf.setBackend('cpu');
        const weights = options.weights ? await weightsFromTfjsExport(tf, options.weights) : weightsFromLayers(compileDesign(design, tf).nodeLayers);
        const dataset = options.dataset ? await loadBuiltIn(options.dataset) : undefined;
        files = exportPytorchPackage(design, weights, { config, dataset: dataset && datasetForExport(dataset) }).files;
      } catch (error) {
        if (error instanceof PytorchExportError || error instanceof CompileError) throw new UsageError(`${file}: ${error.message}`);
        throw error;
      }
      await writePackage(options.out, files);
      console.log(`${options.out}: wrote ${files.map((f) => f.name).join(', ')}`);
    });
}
