import { readFile, stat } from 'node:fs/promises';
import type { Design } from '../src/graph/design';
import { formatDiagnostic } from '../src/graph/diagnostics';
import { MAX_DESIGN_BYTES, parseDesignText } from '../src/graph/parse';
import { splitRuns } from '../src/graph/savedRuns';
import { UsageError } from './errors';

/**
 * Reads and parses a design file; every failure becomes a UsageError naming the file and the place.
 * Saved runs (the app keeps them in the file) are left out: commands work on the network.
 */
export async function readDesignFile(path: string): Promise<Design> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`${path}: not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (size > MAX_DESIGN_BYTES) throw new UsageError(`${path}: ${(size / 1048576).toFixed(1)} MB is larger than the ${MAX_DESIGN_BYTES / 1048576} MB a design may be`);
  const parsed = parseDesignText(await readFile(path, 'utf8'));
  if (!parsed.ok) throw new UsageError(`${path}: not a valid design\n${parsed.diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join('\n')}`);
  return splitRuns(parsed.design).design;
}
