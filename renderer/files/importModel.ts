/**
 * File ▸ Import model: the files a user picks together become a design, and their weights are kept
 * for the exporters (renderer/store/weightsSlice.ts), out of the design file and the undo history.
 * Accepted together: a tf.js model.json with its .bin shards; a Keras model JSON with its tf.js
 * weights manifest and shards; or a design (.rescanvas.json) with its weights sidecar
 * (NAME.weights.json + NAME.weights.bin, as `rescanvas import` and Export ▸ Design JSON write them).
 * The same src/ readers as the CLI check every file; a bad file changes nothing the user had.
 */
import { parseDesignText } from '../../src/graph/parse';
import type { Design } from '../../src/graph/design';
import { ImportError, importModel, MAX_IMPORT_WEIGHT_BYTES, MAX_MODEL_JSON_BYTES, readWeights, type WeightFiles } from '../../src/import';
import { parseModelJsonText } from '../../src/import/json';
import { WeightsSidecar, WEIGHTS_FORMAT, type NamedWeights } from '../../src/schema/weights';
import { DESIGN_FORMAT } from '../../src/graph/design';
import { refusalMessage } from '../open/refusal';

/** What a picked set of files became: a design to open and, when they came with it, its weights. */
export interface ImportedDocument {
  design: Design;
  /** The name the document takes (the model or design file's name). */
  name: string;
  weights: NamedWeights | null;
  /** "imported from model.json", "from net.weights.json": completes "the weights …". */
  source: string;
  warnings: string[];
}

export class ImportFilesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFilesError';
  }
}

type JsonRole = 'design' | 'sidecar' | 'tfjs' | 'keras' | 'manifest';

/** The last path segment: manifests name shards relative to their folder ("./group1-shard1of1.bin"). */
const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/** Picked files as the readers' WeightFiles: measured by File.size, read only after all fit the budget. */
export function pickedWeightFiles(files: readonly File[]): WeightFiles {
  const byName = new Map(files.map((f) => [f.name, f]));
  return {
    measure: async (path) => {
      const file = byName.get(baseName(path));
      return file ? { bytes: file.size } : { refused: `was not among the chosen files (pick it together with the model file)` };
    },
    read: async (path) => new Uint8Array(await (byName.get(baseName(path)) as File).arrayBuffer()),
  };
}

function roleOf(value: unknown): JsonRole | null {
  if (Array.isArray(value)) return 'manifest';
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  if (record.format === DESIGN_FORMAT) return 'design';
  if (record.format === WEIGHTS_FORMAT) return 'sidecar';
  if ('modelTopology' in record) return 'tfjs';
  if ('class_name' in record && 'config' in record) return 'keras';
  if ('weightsManifest' in record) return 'manifest';
  return null;
}

async function readText(file: File): Promise<string> {
  if (file.size > MAX_MODEL_JSON_BYTES)
    throw new ImportFilesError(
      `${file.name}: ${(file.size / 1048576).toFixed(1)} MB; model and design files are read up to ${MAX_MODEL_JSON_BYTES / 1048576} MB`,
    );
  return file.text();
}

/** Reads the picked files; throws ImportFilesError naming the file and what is wrong. */
export async function readImportFiles(files: readonly File[]): Promise<ImportedDocument> {
  const jsonFiles = files.filter((f) => /\.json$/i.test(f.name));
  const others = files.filter((f) => !/\.json$/i.test(f.name) && !/\.bin$/i.test(f.name));
  if (others.length) throw new ImportFilesError(`${others[0].name}: not a model file (.json) nor a weights file (.bin)`);
  if (!jsonFiles.length) throw new ImportFilesError('choose a model.json (with its .bin files), a Keras model JSON, or a .rescanvas.json design');
  const weightBytes = files.filter((f) => /\.bin$/i.test(f.name)).reduce((n, f) => n + f.size, 0);
  if (weightBytes > MAX_IMPORT_WEIGHT_BYTES)
    throw new ImportFilesError(
      `the .bin files add up to ${Math.round(weightBytes / 1048576)} MB; an import reads at most ${MAX_IMPORT_WEIGHT_BYTES / 1048576} MB`,
    );

  const roles = new Map<JsonRole, { file: File; text: string; value: unknown }>();
  for (const file of jsonFiles) {
    const text = await readText(file);
    let value: unknown;
    try {
      value = parseModelJsonText(text, file.name);
    } catch (error) {
      throw new ImportFilesError(error instanceof Error ? error.message : String(error));
    }
    const role = roleOf(value);
    if (!role) throw new ImportFilesError(`${file.name}: not a tf.js model.json, a Keras model JSON, a weights manifest, a design nor a weights sidecar`);
    const twice = roles.get(role);
    if (twice)
      throw new ImportFilesError(`${twice.file.name} and ${file.name} are both ${role === 'design' ? 'designs' : `${role} files`}; import one model at a time`);
    roles.set(role, { file, text, value });
  }
  const weightFiles = pickedWeightFiles(files);
  try {
    const design = roles.get('design');
    if (design) return await designWithSidecar(design.file, design.text, roles.get('sidecar'), weightFiles);
    const model = roles.get('tfjs') ?? roles.get('keras');
    if (!model) throw new ImportFilesError(`${jsonFiles[0].name}: a weights file alone; choose the model file with it`);
    const manifest = roles.get('manifest');
    const result = await importModel({ text: model.text, fileName: model.file.name, readFile: weightFiles, weightsManifestText: manifest?.text });
    return {
      design: result.design,
      name: model.file.name.replace(/\.json$/i, '.rescanvas.json'),
      weights: result.weights,
      source: `imported from ${model.file.name}`,
      warnings: result.warnings,
    };
  } catch (error) {
    if (error instanceof ImportError || error instanceof ImportFilesError) throw new ImportFilesError(error.message);
    throw error;
  }
}

async function designWithSidecar(
  file: File,
  text: string,
  sidecar: { file: File; value: unknown } | undefined,
  weightFiles: WeightFiles,
): Promise<ImportedDocument> {
  const parsed = parseDesignText(text);
  if (!parsed.ok) throw new ImportFilesError(refusalMessage(file.name, parsed.diagnostics));
  if (!sidecar) return { design: parsed.design, name: file.name, weights: null, source: '', warnings: [] };
  const checked = WeightsSidecar.safeParse(sidecar.value);
  if (!checked.success) throw new ImportFilesError(`${sidecar.file.name}: not a readable ${WEIGHTS_FORMAT} file`);
  const weights = await readWeights(checked.data.weightsManifest, weightFiles, sidecar.file.name);
  return { design: parsed.design, name: file.name, weights, source: `from ${sidecar.file.name}`, warnings: [] };
}
