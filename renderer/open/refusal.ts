import type { Diagnostic } from '../../src/graph/diagnostics';

/** The message a refused design file shows: its first problems, and how many more there are. */
export function refusalMessage(name: string, diagnostics: readonly Diagnostic[]): string {
  const shown = diagnostics.slice(0, 5).map((d) => d.message);
  const more = diagnostics.length > 5 ? ` (and ${diagnostics.length - 5} more problems)` : '';
  return `${name} could not be opened: ${shown.join('; ')}${more}`;
}
