/**
 * The weights sidecar beside a design being opened (`net.rescanvas.json` → `net.weights.json` +
 * `net.weights.bin`, the names `rescanvas import` and the CLI's export use): read with the CLI's
 * readers (src/import, node/confinedFolder), so its files stay inside the design's folder and within
 * the import budget, then packed for the page. A missing sidecar is no problem; a broken one is
 * named, and the design still opens.
 */
import { basename, dirname, join } from 'node:path';
import { ImportError, MAX_MODEL_JSON_BYTES, readWeights } from '../../src/import';
import { parseModelJsonText } from '../../src/import/json';
import { packWeights, specsOf, WeightsSidecar, weightsSidecarPaths, WEIGHTS_FORMAT } from '../../src/schema/weights';
import { readChosenFile, weightFilesIn } from '../../node/confinedFolder';

export interface SidecarRead {
  weights?: { file: string; specs: { name: string; shape: number[]; dtype: 'float32' }[]; data: Uint8Array };
  weightsProblem?: string;
}

const fsCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

export async function readSidecarBeside(designPath: string): Promise<SidecarRead> {
  const name = weightsSidecarPaths(basename(designPath)).manifest;
  const path = join(dirname(designPath), name);
  let read;
  try {
    read = await readChosenFile(path, MAX_MODEL_JSON_BYTES);
  } catch (error) {
    if (fsCode(error) === 'ENOENT') return {};
    return { weightsProblem: `${name} could not be read (${fsCode(error) ?? (error instanceof Error ? error.message : String(error))})` };
  }
  if (read.kind === 'not-a-file') return { weightsProblem: `${name} is not a file` };
  if (read.kind === 'too-large')
    return { weightsProblem: `${name} is ${Math.round(read.bytes / 1048576)} MB; a weights manifest is read up to ${MAX_MODEL_JSON_BYTES / 1048576} MB` };
  try {
    const value = parseModelJsonText(new TextDecoder().decode(read.bytes), name);
    const sidecar = WeightsSidecar.safeParse(value);
    if (!sidecar.success) return { weightsProblem: `${name} is not a readable ${WEIGHTS_FORMAT} file` };
    const weights = await readWeights(sidecar.data.weightsManifest, await weightFilesIn(dirname(designPath)), name);
    const specs = specsOf(weights);
    return { weights: { file: name, specs, data: packWeights(specs, weights) } };
  } catch (error) {
    if (error instanceof ImportError) return { weightsProblem: error.message.split('\n').slice(0, 4).join('; ') };
    throw error;
  }
}
