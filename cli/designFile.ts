import type { Design } from '../src/graph/design';
import { formatDiagnostic } from '../src/graph/diagnostics';
import { MAX_DESIGN_BYTES, parseDesignText } from '../src/graph/parse';
import { splitRuns } from '../src/graph/savedRuns';
import { UsageError } from './errors';
import { readTextFile } from './files';

/**
 * Reads and parses a design file; every failure becomes a UsageError naming the file and the place.
 * Saved runs (the app keeps them in the file) are left out: commands work on the network.
 */
export async function readDesignFile(path: string): Promise<Design> {
  const text = await readTextFile(path, MAX_DESIGN_BYTES, 'a ResCanvas design');
  const parsed = parseDesignText(text);
  if (!parsed.ok) throw new UsageError(`${path}: not a valid design\n${parsed.diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join('\n')}`);
  return splitRuns(parsed.design).design;
}
