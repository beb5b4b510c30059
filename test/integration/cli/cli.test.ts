import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'rescanvas.mjs'), ...args], { cwd: root, encoding: 'utf8' });
const example = (name: string) => join(root, 'assets', 'examples', name);

describe('rescanvas CLI', () => {
  it('summary prints the per-layer table of ResNet-20', () => {
    const r = run('summary', example('resnet-20-cifar.rescanvas.json'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/conv2d_1\s+Conv2D\s+\[\?, 32, 32, 16\]\s+432/);
    expect(r.stdout).toContain('Total params: 274,042');
    expect(r.stdout).toContain('weighted layers: 20');
  });

  it('validate exits 0 on a valid design, 2 with diagnostics on an invalid one', () => {
    expect(run('validate', example('residual-mlp-1002-repeat.rescanvas.json')).status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'rescanvas-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ format: 'rescanvas.design', version: 1, nodes: [{ id: 'd', type: 'Dense' }], edges: [] }));
    const r = run('validate', file);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('[no-input]');
    expect(r.stdout).toContain('[arity] node d');
  });

  it.each([
    ['malformed JSON', '{"format": '],
    ['a foreign format', '{"format": "layers-model"}'],
    ['an unknown layer', '{"format":"rescanvas.design","version":1,"nodes":[{"id":"a","type":"Magic"}],"edges":[]}'],
  ])('explains %s in one message, without a stack trace, exit 2', (_label, text) => {
    const dir = mkdtempSync(join(tmpdir(), 'rescanvas-'));
    const file = join(dir, 'x.json');
    writeFileSync(file, text);
    const r = run('validate', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('explains a missing file and an unknown command', () => {
    const r = run('summary', '/nonexistent/design.json');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('ENOENT');
    expect(run('frobnicate').status).toBe(2);
  });
});
