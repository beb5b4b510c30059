/**
 * The import-direction rules (.dependency-cruiser.cjs) bite: a scratch tree with one back-edge per rule
 * is cruised with the project's own configuration, and each edge is reported under its rule's name.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'rescanvas-depcruise-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

function cruise(files: Record<string, string>): Violation[] {
  const dir = mkdtempSync(join(scratch, 'tree-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, dirname(path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const folders = [...new Set(Object.keys(files).map((p) => p.split('/')[0]))];
  const run = spawnSync(join(root, 'node_modules/.bin/depcruise'), [...folders, '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'json'], {
    cwd: dir,
    encoding: 'utf8',
  });
  const report = JSON.parse(run.stdout) as { summary: { violations: Violation[] } };
  return report.summary.violations;
}

const leaf = 'export const value = 1;\nexport type Shape = { n: number };\n';

const BACK_EDGES = [
  ['src/graph/a.ts', "import { value } from '../engine/b';\nexport const a = value;\n", 'src/engine/b.ts', 'src-graph-imports-upward'],
  ['src/schema/a.ts', "import type { Shape } from '../graph/b';\nexport const a: Shape = { n: 1 };\n", 'src/graph/b.ts', 'src-schema-imports-upward'],
  ['src/compile/a.ts', "import { value } from '../protocol/b';\nexport const a = value;\n", 'src/protocol/b.ts', 'src-compile-imports-upward'],
  ['src/engine/a.ts', "import { value } from '../export/b';\nexport const a = value;\n", 'src/export/b.ts', 'src-engine-imports-upward'],
  ['src/import/a.ts', "import { value } from '../export/b';\nexport const a = value;\n", 'src/export/b.ts', 'src-lessons-export-import-are-peers'],
  ['src/graph/r.ts', "import { value } from '../../renderer/b';\nexport const a = value;\n", 'renderer/b.ts', 'src-stays-below-the-apps'],
  ['cli/a.ts', "import { value } from '../electron/b';\nexport const a = value;\n", 'electron/b.ts', 'apps-do-not-import-each-other'],
  ['node/a.ts', "import { value } from '../cli/b';\nexport const a = value;\n", 'cli/b.ts', 'node-shared-below-the-apps'],
] as const;

describe('import direction (dependency-cruiser)', () => {
  // One tree holding every back-edge (and a cycle), cruised once: each edge is named under its own rule.
  const violations = cruise({
    ...Object.fromEntries(
      BACK_EDGES.flatMap(([from, text, to]) => [
        [to, leaf],
        [from, text],
      ]),
    ),
    'src/lessons/c1.ts': "import { c2 } from './c2';\nexport const c1 = () => c2;\n",
    'src/lessons/c2.ts': "import { c1 } from './c1';\nexport const c2 = () => c1;\n",
  });

  it.each(BACK_EDGES)('%s importing %s is a violation', (from, _text, to, rule) => {
    expect(violations.filter((v) => v.from === from).map((v) => [v.to, v.rule.name])).toEqual([[to, rule]]);
  });

  it('reports an import cycle inside src/', () => {
    // dependency-cruiser reports a cycle once, at the first module it meets on it.
    expect(violations.filter((v) => v.rule.name === 'no-circular-in-src').map((v) => [v.from, v.to])).toEqual([['src/lessons/c1.ts', 'src/lessons/c2.ts']]);
  });

  it('accepts imports that go down the layers, and sideways within one', () => {
    expect(
      cruise({
        'src/engine/a.ts': "import { value } from '../graph/b';\nimport { c } from './c';\nexport const a = value + c;\n",
        'src/graph/b.ts': "import type { Shape } from '../schema/s';\nexport const value = 1;\nexport const s: Shape | null = null;\n",
        'src/schema/s.ts': leaf,
        'src/engine/c.ts': 'export const c = 2;\n',
        'cli/main.ts': "import { value } from '../node/n';\nexport const m = value;\n",
        'node/n.ts': leaf,
      }),
    ).toEqual([]);
  });
});
