import type { Command } from 'commander';
import { basename, dirname } from 'node:path';
import { exportDesignJson } from '../../src/export';
import { ImportError, importModel, MAX_MODEL_JSON_BYTES } from '../../src/import';
import { UsageError } from '../errors';
import { checkOutFile, readTextFile } from '../files';
import { writeFilesAtomically } from '../output';
import { weightFileReader } from './export';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('turn a tf.js layers model.json or a Keras model JSON into a design (weights kept beside it)')
    .argument('<model>', 'tf.js model.json or Keras JSON (model.to_json())')
    .requiredOption('--out <design>', 'design file to write, e.g. model.rescanvas.json')
    .option('--weights-manifest <file>', 'for Keras JSON: the tf.js weights manifest that goes with it (e.g. weights_manifest.json)')
    .option('--force', 'replace existing output files')
    .action(async (file: string, options: { out: string; weightsManifest?: string; force?: boolean }) => {
      // Checked first: a bad --out should not cost the user a long import before it is refused.
      await checkOutFile(options.out, 'model.rescanvas.json');
      const text = await readTextFile(file, MAX_MODEL_JSON_BYTES, 'a model file');
      const weightsManifestText = options.weightsManifest ? await readTextFile(options.weightsManifest, MAX_MODEL_JSON_BYTES, 'a weights manifest') : undefined;
      const baseDir = dirname(options.weightsManifest ?? file);
      let result;
      try {
        result = await importModel({ text, fileName: basename(file), readFile: await weightFileReader(baseDir), weightsManifestText });
      } catch (error) {
        if (error instanceof ImportError) throw new UsageError(error.message);
        throw error;
      }
      const bundle = exportDesignJson(result.design, result.weights ?? undefined, {
        fileName: basename(options.out),
        source: `imported from ${basename(file)}`,
      });
      const written = await writeFilesAtomically(options.out, bundle.files, options.force ?? false);
      for (const w of result.warnings) console.log(`note: ${w}`);
      console.log(`wrote ${written.join(', ')} (${result.design.nodes.length} nodes${result.weights ? `, ${result.weights.size} weight arrays` : ''})`);
    });
}
