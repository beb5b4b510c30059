import type { Design } from '../graph/design';
import { entryFor } from '../graph/layerTable';
import { validateDesign } from '../graph/validate';
import type { NamedWeights, WeightArray } from '../schema/weights';
import { ImportError, type ImportProblem } from './errors';
import { flattenModel, type FlatLayer } from './flatten';
import { parseModelJsonText } from './json';
import { KerasObject, TfjsModelFile, TrainingConfig, WeightsManifestSchema } from './schemas';
import { IMPORT_WEIGHTS } from './layers';
import { buildDesign } from './toDesign';
import { readWeights, type ReadWeightFile, type WeightFiles } from './weights';

export { ImportError, formatProblem, type ImportProblem } from './errors';
export { MAX_MODEL_JSON_BYTES } from './json';
export { checkWeightPath, MAX_IMPORT_WEIGHT_BYTES, readWeights, type ReadWeightFile, type WeightFiles } from './weights';

export interface ImportSource {
  /** The text of a tf.js `model.json` or a Keras model JSON (`model.to_json()`). */
  text: string;
  /** Shown in messages and used as the design name when the model has none. */
  fileName: string;
  /**
   * The weight files a tf.js manifest names: measured then read from a confined folder
   * (WeightFiles), or a plain reader for bytes already in memory; without it weights are not imported.
   */
  readFile?: ReadWeightFile | WeightFiles;
  /** For a Keras JSON topology: the tf.js-style weights manifest that goes with it (parsed JSON text). */
  weightsManifestText?: string;
}

export interface ImportResult {
  design: Design;
  /** Keyed by the design's tf.js weight names (`<node id>/kernel`); null when the file has no weights. */
  weights: NamedWeights | null;
  kind: 'tfjs-layers' | 'keras';
  /** What was dropped or changed on the way (regularizers, initializers, folded layers). */
  warnings: string[];
}

/**
 * Model file → Design (+ weights). All or nothing: every problem is collected and thrown as one
 * ImportError, and no partial design is ever returned.
 */
export async function importModel(source: ImportSource): Promise<ImportResult> {
  const where = source.fileName;
  const value = parseModelJsonText(source.text, where);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ImportError([{ message: 'the file holds no JSON object' }], where);
  const record = value as Record<string, unknown>;

  let topology: unknown;
  let kind: ImportResult['kind'];
  let manifest: unknown;
  let loss: unknown;
  if (record.format === 'graph-model' || (typeof record.modelTopology === 'object' && record.modelTopology !== null && 'node' in record.modelTopology)) {
    throw new ImportError(
      [
        {
          message:
            'this is a tf.js graph model (a frozen TensorFlow graph of ops, format "graph-model"); only layers models ("layers-model") and Keras JSON can become designs',
        },
      ],
      where,
    );
  }
  if (record.format === 'rescanvas.design')
    throw new ImportError([{ message: 'this is a ResCanvas design; open it with Open instead of importing it' }], where);
  if ('modelTopology' in record) {
    const file = TfjsModelFile.safeParse(record);
    if (!file.success) throw new ImportError([{ message: `not a readable tf.js model.json: ${file.error.issues[0]?.message ?? 'bad structure'}` }], where);
    if (file.data.format !== undefined && file.data.format !== 'layers-model')
      throw new ImportError([{ message: `unknown tf.js model format "${file.data.format}"; expected "layers-model"` }], where);
    const t = file.data.modelTopology;
    // Files converted from Keras HDF5 wrap the model: {keras_version, model_config, training_config}.
    topology = 'model_config' in t ? t.model_config : t;
    loss = TrainingConfig.safeParse(t.training_config).data?.loss;
    kind = 'tfjs-layers';
    manifest = file.data.weightsManifest;
  } else if (KerasObject.safeParse(record).success) {
    topology = record;
    kind = 'keras';
  } else {
    throw new ImportError([{ message: 'not a tf.js model.json (no "modelTopology") nor a Keras model JSON (no "class_name"/"config")' }], where);
  }
  if (source.weightsManifestText !== undefined) {
    const extra = parseModelJsonText(source.weightsManifestText, `${where} weights manifest`);
    const holder = extra as { weightsManifest?: unknown };
    manifest = Array.isArray(extra) ? extra : holder.weightsManifest;
    if (!WeightsManifestSchema.safeParse(manifest).success)
      throw new ImportError([{ message: 'the weights manifest is not a tf.js weightsManifest (a list of {paths, weights})' }], where);
  }

  const flat = flattenModel(topology);
  if (!flat.model) throw new ImportError(flat.problems, where);
  const draft = buildDesign(flat.model, {
    name: flat.model.name ?? source.fileName.replace(/\.json$/i, ''),
    description: `Imported from ${source.fileName} (${kind === 'keras' ? 'Keras JSON' : 'tf.js layers model'}, ${flat.model.layers.length} layers).`,
    loss,
  });
  if (!draft.draft) throw new ImportError(draft.problems, where);
  const { design, nodes, warnings } = draft.draft;

  let weights: Map<string, WeightArray> | null = null;
  if (manifest !== undefined && source.readFile) {
    const found = await readWeights(manifest, source.readFile, where);
    weights = matchWeights(design, nodes, found, where);
  } else if (manifest === undefined) {
    warnings.push('the file has no weights: the design starts from freshly initialized weights');
  } else {
    warnings.push('weights were not read: the design starts from freshly initialized weights');
  }
  return { design, weights, kind, warnings };
}

/** Renames file weights to the design's names, checking every node gets exactly what its layer needs. */
function matchWeights(design: Design, owners: Map<string, FlatLayer>, found: Map<string, WeightArray>, where: string): Map<string, WeightArray> {
  const problems: ImportProblem[] = [];
  const used = new Set<string>();
  const out = new Map<string, WeightArray>();
  const { nodeShapes } = validateDesign(design);
  const sourceOf = new Map(design.edges.map((e) => [e.target, e.source]));
  for (const node of design.nodes) {
    const layer = owners.get(node.id) as FlatLayer;
    const input = nodeShapes.get(sourceOf.get(node.id) ?? '') ?? [];
    // An unknown input width (NaN) matches no file shape, so such a weight is reported, never taken on trust.
    const needed = entryFor(IMPORT_WEIGHTS, node)(node, input[input.length - 1] ?? NaN);
    for (const [suffix, expected] of Object.entries(needed)) {
      const name = layer.weightPrefixes.map((p) => `${p}/${suffix}`).find((n) => found.has(n) && !used.has(n));
      if (!name) {
        problems.push({
          layer: layer.where,
          className: layer.className,
          message: `weight "${layer.weightPrefixes[0]}/${suffix}" is missing from the weights manifest`,
        });
        continue;
      }
      used.add(name);
      const weight = found.get(name) as WeightArray;
      if (expected.length !== weight.shape.length || expected.some((d, i) => d !== weight.shape[i])) {
        problems.push({
          layer: layer.where,
          className: layer.className,
          message: `weight "${name}" has shape [${weight.shape.join(', ')}]; the layer needs [${expected.join(', ')}]`,
        });
        continue;
      }
      out.set(`${node.id}/${suffix}`, weight);
    }
  }
  for (const name of found.keys()) if (!used.has(name)) problems.push({ message: `weight "${name}" in the manifest belongs to no imported layer` });
  if (problems.length) throw new ImportError(problems, where);
  return out;
}
