import { elementCount, type WeightArray } from '../schema/weights';
import { clip, ImportError, shownPath, type ImportProblem } from './errors';
import { issueText } from './flatten';
import { WeightsManifestSchema } from './schemas';

/** Reads a file the manifest names (relative to the model file); null when it does not exist. For bytes already in memory. */
export type ReadWeightFile = (path: string) => Promise<Uint8Array | null> | Uint8Array | null;

/**
 * The files a manifest names, measured before any is read: a host that reads from disk provides
 * this (node/confinedFolder.ts), so sizes are summed from the file system, not from reads.
 */
export interface WeightFiles {
  /** The file's size in bytes, or why it is refused (missing, outside the folder, not a file). */
  measure(path: string): Promise<{ bytes: number } | { refused: string }>;
  /** The bytes of a file `measure` accepted. */
  read(path: string): Promise<Uint8Array>;
}

/**
 * One byte budget per import, for every weight file together (repeats counted each time they
 * appear): ten times a 1000-layer ResNet, and about VGG-16's 528 MB twice over.
 */
export const MAX_IMPORT_WEIGHT_BYTES = 1024 ** 3;

/** Bytes per value for the dtypes tf.js writes into manifests; anything else (e.g. "string") is refused. */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, float16: 2, uint16: 2, uint8: 1, bool: 1, complex64: 8 };

/** Relative, inside the model's folder: a manifest must not reach `../../secret` or a URL. */
export function checkWeightPath(path: string): string | null {
  if (path.includes('\0')) return 'contains a NUL character';
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return 'is a URL or drive path; only files beside the model are read';
  if (path.startsWith('/') || path.startsWith('\\')) return 'is an absolute path; only files beside the model are read';
  if (path.split(/[\\/]/).some((part) => part === '..')) return 'leaves the model folder ("..")';
  return null;
}

/** Files already in memory (tests, a browser that was handed the files): measuring is reading. */
function inMemory(read: ReadWeightFile): WeightFiles {
  const cache = new Map<string, Uint8Array>();
  return {
    measure: async (path) => {
      const bytes = await read(path);
      if (!bytes) return { refused: 'was not found' };
      cache.set(path, bytes);
      return { bytes: bytes.byteLength };
    },
    read: async (path) => cache.get(path) ?? (await read(path)) ?? new Uint8Array(0),
  };
}

const MB = 1024 * 1024;
const megabytes = (bytes: number) => (bytes >= 10 * MB ? `${Math.round(bytes / MB)} MB` : bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${bytes} bytes`);

/**
 * A tf.js weights manifest and its files → float32 arrays by weight name. Every group's files
 * must hold exactly the bytes its specs describe; optimizer state (group "optimizer") is checked
 * like any weight, then skipped. Nothing is read until every file has been measured and the total
 * fits `budgetBytes`.
 */
export async function readWeights(
  manifestValue: unknown,
  files: ReadWeightFile | WeightFiles,
  source: string,
  budgetBytes = MAX_IMPORT_WEIGHT_BYTES,
): Promise<Map<string, WeightArray>> {
  const parsed = WeightsManifestSchema.safeParse(manifestValue);
  if (!parsed.success) throw new ImportError([{ message: `weightsManifest is malformed: ${issueText(parsed.error)}` }], source);
  const reader = typeof files === 'function' ? inMemory(files) : files;
  const problems: ImportProblem[] = [];
  const occurrences = new Map<string, number>();
  let described = 0;
  for (const group of parsed.data) {
    for (const path of group.paths) {
      const bad = checkWeightPath(path);
      if (bad) problems.push({ message: `weights path ${shownPath(path)} ${bad}` });
      occurrences.set(path, (occurrences.get(path) ?? 0) + 1);
    }
    for (const spec of group.weights) {
      const size = DTYPE_BYTES[spec.dtype];
      if (size === undefined) problems.push({ message: `weight ${shownPath(spec.name)} has dtype ${shownPath(spec.dtype)}, which a weights file cannot hold` });
      else if (spec.group !== 'optimizer' && spec.dtype !== 'float32')
        problems.push({ message: `weight ${shownPath(spec.name)} has dtype ${spec.dtype}; only float32 weights are supported` });
      if (spec.quantization !== undefined && spec.quantization !== null)
        problems.push({ message: `weight ${shownPath(spec.name)} is quantized; re-save the model without quantization` });
      described += (size ?? 4) * elementCount(spec.shape);
    }
  }
  const repeated = [...occurrences].filter(([, n]) => n > 1);
  if (repeated.length) {
    const [path, n] = repeated[0];
    problems.push({
      message: `the manifest names ${shownPath(path)} ${n} times${repeated.length > 1 ? ` (and ${repeated.length - 1} other files more than once)` : ''}; each weights file holds one shard and is listed once`,
    });
  }
  if (described > budgetBytes)
    problems.push({ message: `the manifest describes ${megabytes(described)} of weights; an import reads at most ${megabytes(budgetBytes)}` });
  if (problems.length) throw new ImportError(problems, source);

  // Measure everything (each occurrence counts against the budget) before reading anything.
  const sizes = new Map<string, number>();
  let total = 0;
  for (const path of occurrences.keys()) {
    const measured = await reader.measure(path);
    if ('refused' in measured) problems.push({ message: `weights file ${shownPath(path)} named in the manifest ${measured.refused}` });
    else {
      sizes.set(path, measured.bytes);
      total += measured.bytes * (occurrences.get(path) ?? 1);
    }
  }
  if (total > budgetBytes) problems.push({ message: `the weight files add up to ${megabytes(total)}; an import reads at most ${megabytes(budgetBytes)}` });
  if (problems.length) throw new ImportError(problems, source);
  for (const group of parsed.data) {
    const actual = group.paths.reduce((n, p) => n + (sizes.get(p) ?? 0), 0);
    const expected = group.weights.reduce((n, s) => n + (DTYPE_BYTES[s.dtype] ?? 4) * elementCount(s.shape), 0);
    if (actual !== expected) {
      const names =
        group.paths
          .slice(0, 3)
          .map((p) => clip(p))
          .join(' + ') + (group.paths.length > 3 ? ` + ${group.paths.length - 3} more files` : '');
      problems.push({
        message: `${names}: ${actual} bytes, but the manifest describes ${expected} bytes (${actual < expected ? 'the file is too short: truncated or from another model' : 'the file is too long: it does not belong to this manifest'})`,
      });
    }
  }
  if (problems.length) throw new ImportError(problems, source);

  const out = new Map<string, WeightArray>();
  for (const group of parsed.data) {
    const expected = group.paths.reduce((n, p) => n + (sizes.get(p) ?? 0), 0);
    const joined = new Uint8Array(expected);
    let at = 0;
    for (const path of group.paths) {
      let bytes: Uint8Array;
      try {
        bytes = await reader.read(path);
      } catch (error) {
        throw new ImportError(
          [{ message: `weights file ${shownPath(path)} could not be read: ${error instanceof Error ? clip(error.message, 200) : 'unknown error'}` }],
          source,
        );
      }
      if (bytes.byteLength !== sizes.get(path))
        throw new ImportError([{ message: `weights file ${shownPath(path)} changed while it was being read; try again` }], source);
      joined.set(bytes, at);
      at += bytes.byteLength;
    }
    let offset = 0;
    for (const spec of group.weights) {
      const size = (DTYPE_BYTES[spec.dtype] ?? 4) * elementCount(spec.shape);
      if (spec.group !== 'optimizer') {
        if (out.has(spec.name)) problems.push({ message: `weight ${shownPath(spec.name)} appears twice in the manifest` });
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
