import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { Design } from '../../../src/graph/design';
import { parseDesignText } from '../../../src/graph/parse';

export const EXAMPLE_PATH = join(__dirname, '../../../assets/examples/residual-mlp-20.rescanvas.json');

export function sampleDesign(name = 'Sample'): Design {
  const parsed = parseDesignText(readFileSync(EXAMPLE_PATH, 'utf8'));
  if (!parsed.ok) throw new Error(`example does not parse: ${parsed.diagnostics[0].message}`);
  return { ...parsed.design, metadata: { ...parsed.design.metadata, name } };
}

const dirs: string[] = [];
/** A fresh directory removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rescanvas-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
