import { z } from 'zod';

/** One weight array as the engine and the importer hand it over: float32 values in row-major order. */
export interface WeightArray {
  shape: number[];
  dtype: 'float32';
  data: Float32Array;
}

/**
 * Weights keyed by the tf.js weight name the LayersModel gives them (`dense_1/kernel`,
 * `batchnorm_1/moving_mean`). A Map, not an object: names come from files, and `__proto__`
 * must stay data.
 */
export type NamedWeights = ReadonlyMap<string, WeightArray>;

/** A tf.js weight spec as written in `weightsManifest[].weights` (quantization is never written by us). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

export class WeightsError extends Error {
  constructor(readonly problems: string[]) {
    super(`the weights do not fit the model:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'WeightsError';
  }
}

/** tf.js stores weights little-endian; on such machines (all we ship to) bytes are copied as they are. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export const elementCount = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Packs `weights` in the order of `specs` into one little-endian float32 buffer, checking that every
 * spec has exactly one array of its shape and that nothing is left over: a half-matching set of
 * trained weights would silently export a different network.
 */
export function packWeights(specs: readonly WeightSpec[], weights: NamedWeights): Uint8Array {
  const problems: string[] = [];
  const wanted = new Set(specs.map((s) => s.name));
  for (const spec of specs) {
    const w = weights.get(spec.name);
    if (!w) problems.push(`"${spec.name}" is missing (expected shape [${spec.shape.join(', ')}])`);
    else if (w.dtype !== 'float32') problems.push(`"${spec.name}" has dtype ${String(w.dtype)}; expected float32`);
    else if (!sameShape(w.shape, spec.shape)) problems.push(`"${spec.name}" has shape [${w.shape.join(', ')}]; the model expects [${spec.shape.join(', ')}]`);
    else if (w.data.length !== elementCount(spec.shape))
      problems.push(`"${spec.name}" holds ${w.data.length} values; shape [${spec.shape.join(', ')}] needs ${elementCount(spec.shape)}`);
  }
  for (const name of weights.keys()) if (!wanted.has(name)) problems.push(`"${name}" is not a weight of this model`);
  if (problems.length) throw new WeightsError(problems);

  const total = specs.reduce((n, s) => n + 4 * elementCount(s.shape), 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const spec of specs) {
    const data = (weights.get(spec.name) as WeightArray).data;
    if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
      offset += data.byteLength;
    } else {
      for (let i = 0; i < data.length; i++, offset += 4) view.setFloat32(offset, data[i], true);
    }
  }
  return out;
}

/** Splits one concatenated float32 buffer back into named arrays (inverse of packWeights). */
export function unpackWeights(specs: readonly WeightSpec[], bytes: Uint8Array): Map<string, WeightArray> {
  const expected = specs.reduce((n, s) => n + 4 * elementCount(s.shape), 0);
  if (bytes.byteLength !== expected) throw new WeightsError([`the weight data is ${bytes.byteLength} bytes; the manifest describes ${expected}`]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, WeightArray>();
  let offset = 0;
  for (const spec of specs) {
    const data = new Float32Array(elementCount(spec.shape));
    if (LITTLE_ENDIAN) {
      // A copy, not a view: the caller's buffer may be unaligned or reused.
      new Uint8Array(data.buffer).set(bytes.subarray(offset, offset + data.byteLength));
      offset += data.byteLength;
    } else {
      for (let i = 0; i < data.length; i++, offset += 4) data[i] = view.getFloat32(offset, true);
    }
    out.set(spec.name, { shape: [...spec.shape], dtype: 'float32', data });
  }
  return out;
}

export function specsOf(weights: NamedWeights): WeightSpec[] {
  return [...weights].map(([name, w]) => ({ name, shape: [...w.shape], dtype: 'float32' as const }));
}

/**
 * Weights stored beside a design (`x.rescanvas.json` + `x.weights.json` + `x.weights.bin`), so an
 * imported or trained model can be reopened and fine-tuned. The manifest is tf.js' own
 * `weightsManifest`, so the same reader serves model.json files and these sidecars.
 */
export const WEIGHTS_FORMAT = 'rescanvas.weights';
export const WEIGHTS_VERSION = 1;

export const WeightsSidecar = z.looseObject({
  format: z.literal(WEIGHTS_FORMAT),
  version: z.literal(WEIGHTS_VERSION),
  /** How the weights came to be: an import, a training run, fresh initialization. */
  source: z.string().max(500).optional(),
  weightsManifest: z.array(z.unknown()),
});

export function weightsSidecarPaths(designFileName: string): { manifest: string; bin: string } {
  const stem = designFileName.replace(/\.rescanvas\.json$|\.json$/i, '');
  return { manifest: `${stem}.weights.json`, bin: `${stem}.weights.bin` };
}

/** The sidecar's two files; `binName` is the name the manifest refers to (same folder). */
export function encodeWeightsSidecar(weights: NamedWeights, binName: string, source: string): { manifest: string; bin: Uint8Array } {
  const specs = specsOf(weights);
  const manifest = { format: WEIGHTS_FORMAT, version: WEIGHTS_VERSION, source, weightsManifest: [{ paths: [binName], weights: specs }] };
  return { manifest: `${JSON.stringify(manifest, null, 1)}\n`, bin: packWeights(specs, weights) };
}
