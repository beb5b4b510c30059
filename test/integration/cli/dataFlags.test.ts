import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerTrain } from '../../../cli/commands/train';
import { datasetSpecFromOptions } from '../../../src/engine/datasets/options';
import { DesignBuilder } from '../../../src/graph/builder';
import { serializeDesign } from '../../../src/graph/parse';

const root = join(import.meta.dirname, '..', '..', '..');
const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'rescanvas.mjs'), ...args], { cwd: root, encoding: 'utf8' });
/** `rescanvas train` in this process: option errors are thrown before any backend starts. */
async function trainError(...args: string[]): Promise<Error & { exitCode?: number }> {
  const program = new Command().exitOverride();
  registerTrain(program);
  try {
    await program.parseAsync(['train', ...args], { from: 'user' });
  } catch (error) {
    return error as Error & { exitCode?: number };
  }
  throw new Error(`train ${args.join(' ')} did not fail`);
}

const dir = mkdtempSync(join(tmpdir(), 'rescanvas-data-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Three well-separated classes in four features, with a header and a text label column in the middle. */
function writeCsv(path: string, rows = 240): void {
  let s = 5;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
  const lines = ['a;b;kind;c;d'];
  for (let i = 0; i < rows; i++) {
    const k = i % 3;
    const f = [k * 2 + rand(), -k + rand(), k === 1 ? 1 + rand() : rand(), 3 * rand()].map((v) => v.toFixed(4));
    lines.push([f[0], f[1], ['red', 'green', 'blue'][k], f[2], f[3]].join(';'));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

function mlp(path: string): void {
  const b = new DesignBuilder('csv mlp');
  const x = b.add('Input', { shape: [4] });
  const h = b.add('Dense', { units: 16, activation: 'relu' }, { from: x });
  b.add('Output', { units: 3 }, { from: h });
  writeFileSync(path, serializeDesign(b.build()));
}

describe('dataset options → dataset spec (the parser the CLI and the app share)', () => {
  it('sets built-in options and names the flag of every bad value', () => {
    const ok = datasetSpecFromOptions({ dataset: 'spirals', size: '800', noise: '0.2', classes: '3', validation: '0.1' });
    expect(ok).toMatchObject({ ok: true, spec: { kind: 'spirals', size: 800, noise: 0.2, classes: 3, validationFraction: 0.1 } });
    expect(datasetSpecFromOptions({ dataset: 'shapes', side: '24' })).toMatchObject({ ok: true, spec: { kind: 'shapes', side: 24 } });
    const bad = (o: Parameters<typeof datasetSpecFromOptions>[0]) => {
      const r = datasetSpecFromOptions(o);
      return r.ok ? '' : r.problems.join('\n');
    };
    expect(bad({ dataset: 'spirals', size: 'lots' })).toBe('--size: "lots" is not a number');
    expect(bad({ dataset: 'spirals', size: '5' })).toMatch(/^--size: .*10/);
    expect(bad({ dataset: 'xor', classes: '3' })).toMatch(/--classes does not apply to --dataset xor/);
    expect(bad({ dataset: 'twoMoons', side: '32' })).toMatch(/--side does not apply to --dataset twoMoons/);
    expect(bad({ dataset: 'nope' })).toMatch(/--dataset: "nope" is not a dataset/);
    expect(bad({ dataset: 'spirals', labelColumn: 'y' })).toMatch(/--label-column only applies to --csv/);
    expect(bad({ csv: { name: 'f.csv', text: 'a,b\n1,2\n' }, delimiter: 'pipe' })).toMatch(/^--delimiter: /);
    expect(datasetSpecFromOptions({ csv: { name: 'f.csv', text: 'a,b\n1,2\n' }, labelColumn: '0' })).toMatchObject({
      ok: true,
      spec: { kind: 'csv', labelColumn: 0 },
    });
  });
});

describe('rescanvas train / export with dataset options', () => {
  it('trains on a CSV (label column by name, semicolons, min-max) to ≥ 0.9 validation accuracy', () => {
    const csv = join(dir, 'three.csv');
    const design = join(dir, 'mlp.rescanvas.json');
    writeCsv(csv);
    mlp(design);
    const r = run(
      'train',
      design,
      '--csv',
      csv,
      '--label-column',
      'kind',
      '--delimiter',
      'semicolon',
      '--normalization',
      'minmax',
      '--epochs',
      '30',
      '--batch',
      '16',
      '--lr',
      '0.01',
      '--backend',
      'cpu',
    );
    expect(r.stderr).not.toMatch(/rescanvas:|error/i);
    expect(r.status).toBe(0);
    const accuracies = [...r.stdout.matchAll(/validation loss [\d.]+, accuracy ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(accuracies.length).toBe(30);
    expect(accuracies.at(-1)).toBeGreaterThanOrEqual(0.9);
  }, 180_000);

  it('bad CSV cells and bad options exit 2 with the file, row and column named', async () => {
    const csv = join(dir, 'broken.csv');
    writeFileSync(csv, 'a,b,label\n1,2,x\n3,4,y\n5,oops,x\n');
    const design = join(dir, 'mlp-errors.rescanvas.json');
    mlp(design);
    const r = run('train', design, '--csv', csv, '--epochs', '1');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--csv ${csv}: row 4, column "b" holds "oops", which is not a number`);
    const missing = await trainError(design, '--csv', join(dir, 'absent.csv'));
    expect(missing.exitCode).toBe(2);
    expect(missing.message).toMatch(/absent\.csv: cannot read the file/);
    const label = await trainError(design, '--csv', csv, '--label-column', 'colour');
    expect(label.exitCode).toBe(2);
    expect(label.message).toMatch(/colour/);
    const size = await trainError(design, '--dataset', 'circles', '--size', '-3');
    expect(size.exitCode).toBe(2);
    expect(size.message).toMatch(/--size: /);
  }, 300_000);

  it('export --format pytorch writes the CSV dataset into data.npz; dataset options refuse other formats', () => {
    const csv = join(dir, 'three.csv');
    const design = join(dir, 'mlp.rescanvas.json');
    const out = join(dir, 'torch');
    const r = run('export', design, '--format', 'pytorch', '--out', out, '--csv', csv, '--label-column', 'kind', '--fresh-weights');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(out)).toContain('data.npz');
    const wrong = run('export', design, '--format', 'onnx', '--out', join(dir, 'x'), '--size', '100');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/only apply to --format pytorch/);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  }, 120_000);
});
