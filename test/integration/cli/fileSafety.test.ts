import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDesign } from '../../../src/export';
import { exampleDesigns } from '../../../src/graph/examples';
import { serializeDesign } from '../../../src/graph/parse';

const root = join(import.meta.dirname, '..', '..', '..');
const cli = join(root, 'bin', 'rescanvas.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'rescanvas-file-safety-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything in `folder`, hidden entries included: what a command left behind. */
const contents = (folder: string) => readdirSync(folder).sort();

/** A fresh folder holding a tf.js export (model.json + weights.bin) of Residual MLP-20. */
let modelFiles: { name: string; data: Uint8Array | string }[] = [];
function modelFolder(name: string): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  for (const f of modelFiles) writeFileSync(join(folder, f.name), f.data);
  return folder;
}
function editManifest(
  folder: string,
  edit: (manifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string; group?: string }[] }[]) => void,
): void {
  const path = join(folder, 'model.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as { weightsManifest: Parameters<typeof edit>[0] };
  edit(json.weightsManifest);
  writeFileSync(path, JSON.stringify(json));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  const design = exampleDesigns()['residual-mlp-20.rescanvas.json'];
  modelFiles = (await exportDesign('tfjs', design, tf)).files;
});

describe('import reads only files inside the model folder, measured before read', () => {
  it('a link "root -> /" and a manifest path "root/etc/passwd" (padded with a bool optimizer weight) is refused; nothing is written', () => {
    const folder = modelFolder('passwd');
    symlinkSync('/', join(folder, 'root'));
    const passwdBytes = statSync('/etc/passwd').size;
    editManifest(folder, (m) => m.push({ paths: ['root/etc/passwd'], weights: [{ name: 'pad', shape: [passwdBytes], dtype: 'bool', group: 'optimizer' }] }));
    const out = join(dir, 'passwd-out');
    mkdirSync(out);
    const r = run('import', join(folder, 'model.json'), '--out', join(out, 'm.rescanvas.json'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('weights file "root/etc/passwd" named in the manifest is a symbolic link that does not lead to a file inside the folder');
    expect(r.stderr).not.toContain('root:');
    expect(contents(out)).toEqual([]);
  });

  it('a weights.bin linked to a file outside is refused without its size', () => {
    const folder = modelFolder('linked');
    const secret = join(dir, 'secret.bin');
    writeFileSync(secret, new Uint8Array(98_765));
    rmSync(join(folder, 'weights.bin'));
    symlinkSync(secret, join(folder, 'weights.bin'));
    const out = join(dir, 'linked-out');
    mkdirSync(out);
    const r = run('import', join(folder, 'model.json'), '--out', join(out, 'm.rescanvas.json'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('weights file "weights.bin" named in the manifest is a symbolic link that does not lead to a file inside the folder');
    expect(r.stderr).not.toMatch(/98765|98,765|96\.5|0\.1 MB|bytes/);
    expect(contents(out)).toEqual([]);
  });

  it('one file listed 1,000 times is refused before reading, in a short message', () => {
    const folder = modelFolder('repeats');
    editManifest(folder, (m) => {
      m[0].paths = Array.from({ length: 1000 }, () => 'weights.bin');
    });
    const out = join(dir, 'repeats-out');
    mkdirSync(out);
    const r = run('import', join(folder, 'model.json'), '--out', join(out, 'm.rescanvas.json'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/the manifest names "weights\.bin" 1000 times/);
    expect(r.stderr.length).toBeLessThan(2000);
    expect(contents(out)).toEqual([]);
  });
});

describe('text files: BOM accepted, invalid UTF-8 refused', () => {
  const design = serializeDesign(exampleDesigns()['residual-mlp-20.rescanvas.json']);

  it('validate accepts a design saved with a UTF-8 BOM', () => {
    const file = join(dir, 'bom.rescanvas.json');
    writeFileSync(file, `\ufeff${design}`);
    const r = run('validate', file);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('validate refuses a design with invalid UTF-8 instead of replacing the bytes', () => {
    const file = join(dir, 'latin1.rescanvas.json');
    const bytes = Buffer.from(design.replace('"name":', '"name_\u00e9":'), 'latin1');
    writeFileSync(file, bytes);
    const r = run('validate', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}: not a text file (invalid UTF-8), so not a ResCanvas design`);
  });
});

describe('summary', () => {
  it('exits 2 when the design has errors, after printing them', () => {
    const file = join(dir, 'broken.rescanvas.json');
    writeFileSync(file, JSON.stringify({ format: 'rescanvas.design', version: 1, nodes: [{ id: 'd', type: 'Dense' }], edges: [] }));
    const r = run('summary', file);
    expect(r.stdout).toContain('[no-input]');
    expect(r.stderr).toMatch(/broken\.rescanvas\.json: \d+ errors?/);
    expect(r.status).toBe(2);
  });
});

describe('--out: clear messages, exit 2, nothing left behind', () => {
  const example = join(root, 'assets', 'examples', 'residual-mlp-20.rescanvas.json');

  it.each([
    ['an empty path', '', /--out is empty; name the folder to create/],
    ['a place no folder can be made (/proc)', '/proc/rescanvas-x', /cannot write --out \/proc\/rescanvas-x: /],
  ])('export --out %s', (_label, out, message) => {
    const r = run('export', example, '--format', 'design', '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('internal error');
  });

  it('export --out an existing file', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'keep me');
    const r = run('export', example, '--format', 'design', '--out', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--out ${file} exists and is not a folder`);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('import --out DIR/ --force and --out "" are refused before importing; no sidecar is left', () => {
    const folder = modelFolder('out-cases');
    const out = join(dir, 'import-out');
    mkdirSync(out);
    const r = run('import', join(folder, 'model.json'), '--out', `${out}/`, '--force');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--out ${out}/ is a folder; name the file to write in it`);
    const empty = run('import', join(folder, 'model.json'), '--out', '');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('--out is empty; name the file to write');
    expect(contents(out)).toEqual([]);
    expect(contents(dir).filter((n) => n.includes('weights'))).toEqual([]);
  });

  it('import --out under /proc is refused with the reason, and nothing is left', () => {
    const folder = modelFolder('proc-case');
    const r = run('import', join(folder, 'model.json'), '--out', '/proc/rescanvas-x.rescanvas.json');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot write --out \/proc\/rescanvas-x\.rescanvas\.json: /);
    expect(existsSync('/proc/rescanvas-x.weights.json')).toBe(false);
  });
});

describe('interrupted exports leave nothing behind', () => {
  const example = join(root, 'assets', 'examples', 'resnet-20-cifar.rescanvas.json');

  it('SIGINT while the package is being written removes the partial folder', async () => {
    const parent = join(dir, 'sigint');
    mkdirSync(parent);
    const child = spawn(process.execPath, [cli, 'export', example, '--format', 'pytorch', '--dataset', 'shapes', '--out', join(parent, 'pkg')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let sawPartial = false;
    const watcher = watch(parent, (_event, name) => {
      if (!sawPartial && name?.startsWith('.pkg.partial-')) {
        sawPartial = true;
        child.kill('SIGINT');
      }
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    watcher.close();
    expect(sawPartial).toBe(true);
    expect(contents(parent).filter((n) => n.includes('partial'))).toEqual([]);
    if (code === 130) {
      expect(stderr).toContain('interrupted (SIGINT); nothing was written');
      expect(existsSync(join(parent, 'pkg'))).toBe(false);
    } else {
      // The rename won the race: then the package must be whole.
      expect(code).toBe(0);
      expect(contents(join(parent, 'pkg'))).toContain('data.npz');
    }
  }, 120_000);

  it('partial folders a killed run left are swept by the next run; a live one is kept', () => {
    const parent = join(dir, 'stale');
    mkdirSync(join(parent, '.model.partial-999999999-abc123'), { recursive: true });
    writeFileSync(join(parent, '.model.partial-999999999-abc123', 'weights.bin'), new Uint8Array(1024));
    mkdirSync(join(parent, '.model.partial-Xy12Zq'));
    const live = `.model.partial-${process.pid}-keep`;
    mkdirSync(join(parent, live));
    const r = run('export', join(root, 'assets', 'examples', 'residual-mlp-20.rescanvas.json'), '--format', 'design', '--out', join(parent, 'model'));
    expect(r.status).toBe(0);
    expect(contents(parent)).toEqual([live, 'model']);
  });
});
