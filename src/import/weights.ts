import { elementCount, type WeightArray } from '../export/weights';
import { ImportError, type ImportProblem } from './errors';
import { issueText } from './flatten';
import { WeightsManifestSchema } from './schemas';

/** Reads a file the manifest names (relative to the model file); null when it does not exist. */
export type ReadWeightFile = (path: string) => Promise<Uint8Array | null> | Uint8Array | null;

/** Relative, inside the model's folder: a manifest must not reach `../../secret` or a URL. */
export function checkWeightPath(path: string): string | null {
  if (path.includes('\0')) return 'contains a NUL character';
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return 'is a URL or drive path; only files beside the model are read';
  if (path.startsWith('/') || path.startsWith('\\')) return 'is an absolute path; only files beside the model are read';
  if (path.split(/[\\/]/).some((part) => part === '..')) return 'leaves the model folder ("..")';
  return null;
}

/**
 * A tf.js weights manifest and its files → float32 arrays by weight name. Every group's files
 * must hold exactly the bytes its specs describe; optimizer state (group "optimizer") is skipped.
 */
export async function readWeights(manifestValue: unknown, read: ReadWeightFile, source: string): Promise<Map<string, WeightArray>> {
  const parsed = WeightsManifestSchema.safeParse(manifestValue);
  if (!parsed.success) throw new ImportError([{ message: `weightsManifest is malformed: ${issueText(parsed.error)}` }], source);
  const problems: ImportProblem[] = [];
  for (const group of parsed.data) {
    for (const path of group.paths) {
      const bad = checkWeightPath(path);
      if (bad) problems.push({ message: `weights path "${path}" ${bad}` });
    }
    for (const spec of group.weights) {
      if (spec.group === 'optimizer') continue;
      if (spec.dtype !== 'float32') problems.push({ message: `weight "${spec.name}" has dtype ${spec.dtype}; only float32 weights are supported` });
      if (spec.quantization !== undefined && spec.quantization !== null) problems.push({ message: `weight "${spec.name}" is quantized; re-save the model without quantization` });
    }
  }
  if (problems.length) throw new ImportError(problems, source);

  const out = new Map<string, WeightArray>();
  for (const group of parsed.data) {
    const parts: Uint8Array[] = [];
    for (const path of group.paths) {
      const bytes = await read(path);
      if (!bytes) problems.push({ message: `weights file "${path}" named in the manifest was not found` });
      else parts.push(bytes);
    }
    if (parts.length !== group.paths.length) continue;
    const total = parts.reduce((n, p) => n + p.byteLength, 0);
    const bytesPerValue = (dtype: string) => (dtype === 'float32' || dtype === 'int32' ? 4 : dtype === 'bool' ? 1 : 4);
    const expected = group.weights.reduce((n, s) => n + bytesPerValue(s.dtype) * elementCount(s.shape), 0);
    if (total !== expected) {
      problems.push({ message: `${group.paths.join(' + ')}: ${total} bytes, but the manifest describes ${expected} bytes (${total < expected ? 'the file is too short: truncated or from another model' : 'the file is too long: it does not belong to this manifest'})` });
      continue;
    }
    const joined = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.byteLength;
    }
    let offset = 0;
    for (const spec of group.weights) {
      const size = bytesPerValue(spec.dtype) * elementCount(spec.shape);
      if (spec.group !== 'optimizer') {
        if (out.has(spec.name)) problems.push({ message: `weight "${spec.name}" appears twice in the manifest` });
        const data = new Float32Array(elementCount(spec.shape));
        new Uint8Array(data.buffer).set(joined.subarray(offset, offset + size));
        out.set(spec.name, { shape: [...spec.shape], dtype: 'float32', data });
      }
      offset += size;
    }
  }
  if (problems.length) throw new ImportError(problems, source);
  return out;
}
