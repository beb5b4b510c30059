import type { Command } from 'commander';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { exportDesignJson } from '../../src/export';
import { ImportError, importModel, MAX_MODEL_JSON_BYTES } from '../../src/import';
import { UsageError } from '../errors';
import { weightFileReader, writeFilesAtomically } from './export';

async function readText(path: string, what: string): Promise<string> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new UsageError(`${path}: cannot read the ${what}`);
  if (info.size > MAX_MODEL_JSON_BYTES) throw new UsageError(`${path}: the file is ${(info.size / 1048576).toFixed(1)} MB; model files are read up to ${MAX_MODEL_JSON_BYTES / 1048576} MB`);
  return readFile(path, 'utf8');
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('turn a tf.js layers model.json or a Keras model JSON into a design (weights kept beside it)')
    .argument('<model>', 'tf.js model.json or Keras JSON (model.to_json())')
    .requiredOption('--out <design>', 'design file to write, e.g. model.rescanvas.json')
    .option('--weights-manifest <file>', 'for Keras JSON: the tf.js weights manifest that goes with it (e.g. weights_manifest.json)')
    .option('--force', 'replace existing output files')
    .action(async (file: string, options: { out: string; weightsManifest?: string; force?: boolean }) => {
      const text = await readText(file, 'model file');
      const weightsManifestText = options.weightsManifest ? await readText(options.weightsManifest, 'weights manifest') : undefined;
      const baseDir = dirname(options.weightsManifest ?? file);
      let result;
      try {
        result = await importModel({ text, fileName: basename(file), readFile: weightFileReader(baseDir), weightsManifestText });
      } catch (error) {
        if (error instanceof ImportError) throw new UsageError(error.message);
        throw error;
      }
      const bundle = exportDesignJson(result.design, result.weights ?? undefined, { fileName: basename(options.out), source: `imported from ${basename(file)}` });
      const written = await writeFilesAtomically(dirname(options.out), bundle.files, options.force ?? false);
      for (const w of result.warnings) console.log(`note: ${w}`);
      console.log(`wrote ${written.join(', ')} (${result.design.nodes.length} nodes${result.weights ? `, ${result.weights.size} weight arrays` : ''})`);
    });
}
