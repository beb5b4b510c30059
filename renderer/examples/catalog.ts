import { parseDesignValue } from '../../src/graph/parse';
import type { Design } from '../../src/graph/design';

export interface ExampleEntry {
  file: string;
  design: Design | null;
  /** Why the file could not be used, when it could not. */
  error: string | null;
}

// Bundled at build time: the gallery works offline and in both hosts.
const modules = import.meta.glob<unknown>('../../assets/examples/*.json', { eager: true, import: 'default' });

let cache: ExampleEntry[] | null = null;

/** The examples shipped in assets/examples, each validated like any other file. */
export function examples(): ExampleEntry[] {
  cache ??= Object.entries(modules)
    .map(([path, raw]) => {
      const file = path.split('/').pop() ?? path;
      const parsed = parseDesignValue(raw);
      return parsed.ok ? { file, design: parsed.design, error: null } : { file, design: null, error: parsed.diagnostics.map((d) => d.message).join('; ') };
    })
    .sort((a, b) => (a.design?.nodes.length ?? 0) - (b.design?.nodes.length ?? 0));
  return cache;
}
