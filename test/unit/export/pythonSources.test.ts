import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHON_SOURCES } from '../../../src/export/pytorch/python/sources';
import { DATA_PY, MODEL_RUNTIME, MODEL_TAIL, RUNLOG_PY, TRAIN_PY } from '../../../src/export/pytorch/python/parts';
import { exportPytorchPackage } from '../../../src/export/pytorch';
import { exampleDesigns } from '../../../src/graph/examples';

const root = join(import.meta.dirname, '..', '..', '..');
const folder = join(root, 'src', 'export', 'pytorch', 'python');

describe("the exported package's Python comes from the .py files", () => {
  it('sources.ts matches the .py files beside it (else: npm run python:sources)', () => {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'python-sources.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const files = readdirSync(folder)
      .filter((f) => f.endsWith('.py'))
      .sort();
    expect(Object.keys(PYTHON_SOURCES).sort()).toEqual(files);
    for (const f of files) expect(PYTHON_SOURCES[f as keyof typeof PYTHON_SOURCES], f).toBe(readFileSync(join(folder, f), 'utf8'));
  });

  it("copies data.py, runlog.py and train.py whole, and model.py's fixed parts without the lint-only lines", () => {
    const design = exampleDesigns()['residual-mlp-20.rescanvas.json'];
    const { files } = exportPytorchPackage(design);
    const text = (name: string): string => {
      const data = files.find((f) => f.name === name)?.data;
      return typeof data === 'string' ? data : new TextDecoder().decode(data);
    };
    expect(text('data.py')).toBe(DATA_PY);
    expect(text('runlog.py')).toBe(RUNLOG_PY);
    expect(text('train.py')).toBe(TRAIN_PY);
    const model = text('model.py');
    expect(model).toContain(MODEL_RUNTIME);
    expect(model.trimEnd().endsWith(MODEL_TAIL)).toBe(true);
    expect(model).not.toContain('ResCanvas: runtime begins');
    expect(model).not.toContain('from model import Model');
  });
});
