import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { resizeInto } from '../../../src/engine/datasets/images';
import { loadDataset } from '../../../src/engine/datasets/load';
import { DesignBuilder } from '../../../src/graph/builder';
import { serializeDesign } from '../../../src/graph/parse';
import { readImageFolder } from '../../../cli/imageFolder';

const root = join(import.meta.dirname, '..', '..', '..');
const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'rescanvas.mjs'), ...args], { cwd: root, encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'rescanvas-images-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIDE = 16;
const CLASSES = ['top', 'left', 'centre'];

/** Class k lights a different region (top half, left half, centre square) over noise; some images are colour. */
function picture(k: number, i: number): Uint8Array {
  let s = k * 1000 + i + 1;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const rgba = new Uint8Array(SIDE * SIDE * 4);
  const tint = i % 2 === 0 ? [1, 0.6, 0.3] : [1, 1, 1];
  for (let y = 0; y < SIDE; y++)
    for (let x = 0; x < SIDE; x++) {
      const lit = k === 0 ? y < SIDE / 2 : k === 1 ? x < SIDE / 2 : Math.abs(x - 7.5) < 4 && Math.abs(y - 7.5) < 4;
      const v = (lit ? 180 : 40) + 50 * rand();
      for (let c = 0; c < 3; c++) rgba[(y * SIDE + x) * 4 + c] = Math.round(v * tint[c]);
      rgba[(y * SIDE + x) * 4 + 3] = 255;
    }
  return rgba;
}

function writePicture(path: string, rgba: Uint8Array, side = SIDE): void {
  if (path.endsWith('.png')) {
    const png = new PNG({ width: side, height: side });
    png.data = Buffer.from(rgba);
    writeFileSync(path, PNG.sync.write(png));
  } else {
    writeFileSync(path, jpeg.encode({ data: rgba, width: side, height: side }, 95).data);
  }
}

/** 40 images per class, PNG and JPEG alternating, plus one corrupt PNG. */
function makeFolder(name: string, perClass = 40): string {
  const folder = join(dir, name);
  CLASSES.forEach((c, k) => {
    mkdirSync(join(folder, c), { recursive: true });
    for (let i = 0; i < perClass; i++) writePicture(join(folder, c, `img${i}.${i % 2 ? 'jpg' : 'png'}`), picture(k, i));
  });
  writeFileSync(join(folder, 'left', 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\nthis is not a picture'));
  return folder;
}

function convNet(path: string): void {
  const b = new DesignBuilder('image net');
  const x = b.add('Input', { shape: [8, 8, 1] });
  const c = b.add('Conv2D', { filters: 8, kernelSize: 3, strides: 2, activation: 'relu' }, { from: x });
  // Flatten, not global pooling: the classes differ in where the light is.
  const p = b.add('Flatten', {}, { from: c });
  const f = b.add('Dense', { units: 16, activation: 'relu' }, { from: p });
  b.add('Output', { units: 2 }, { from: f });
  writeFileSync(path, serializeDesign(b.build()));
}

describe('image folders: reading and resizing', () => {
  it('resizes bilinearly: same size is the identity; grey replicates into RGB; RGB averages into grey', () => {
    const img = { width: 2, height: 2, channels: 3 as const, data: Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]) };
    const same = new Uint8Array(12);
    resizeInto(img, 2, 2, 3, same, 0);
    expect(Array.from(same)).toEqual(Array.from(img.data));
    const grey = new Uint8Array(4);
    resizeInto(img, 2, 2, 1, grey, 0);
    expect(grey[0]).toBe(Math.round(0.299 * 10 + 0.587 * 20 + 0.114 * 30));
    const up = new Uint8Array(12);
    resizeInto({ width: 1, height: 1, channels: 1, data: Uint8Array.of(77) }, 2, 2, 3, up, 0);
    expect(Array.from(up)).toEqual(new Array(12).fill(77));
  });

  it('reads PNG and JPEG, names and skips the corrupt file when asked, and loads as a split [0, 1] dataset', async () => {
    const folder = makeFolder('read', 6);
    const warnings: string[] = [];
    await expect(readImageFolder(folder, { target: null, badImages: 'refuse', scale: 'unit' })).rejects.toThrow(
      /broken\.png: cannot decode.*--bad-images skip/,
    );
    const spec = await readImageFolder(folder, { target: [8, 8, 3], badImages: 'skip', scale: 'unit', warn: (m) => warnings.push(m) });
    expect(warnings.join('\n')).toMatch(/skipping .*left\/broken\.png: cannot decode/);
    expect(spec.classNames).toEqual(['centre', 'left', 'top']);
    expect(spec.labels.length).toBe(18);
    const data = await loadDataset(spec);
    expect(data.sampleShape).toEqual([8, 8, 3]);
    expect(data.train.count + data.validation.count).toBe(18);
    expect(Math.max(...data.train.x)).toBeLessThanOrEqual(1);
    const standardized = await loadDataset({ ...spec, scale: 'standardize' });
    expect(standardized.scaling?.offset.length).toBe(3);
  });

  it('refuses links out of the folder, empty classes and (with --fit) mixed sizes, naming the path', async () => {
    const folder = makeFolder('limits', 2);
    mkdirSync(join(dir, 'outside'), { recursive: true });
    symlinkSync(join(dir, 'outside'), join(folder, 'sneaky'));
    await expect(readImageFolder(folder, { target: [8, 8, 3], badImages: 'skip', scale: 'unit' })).rejects.toThrow(/sneaky leads outside/);
    rmSync(join(folder, 'sneaky'));
    mkdirSync(join(folder, 'empty'));
    await expect(readImageFolder(folder, { target: [8, 8, 3], badImages: 'skip', scale: 'unit' })).rejects.toThrow(
      /class folder .*empty holds no PNG or JPEG images/,
    );
    rmSync(join(folder, 'empty'), { recursive: true });
    writePicture(join(folder, 'top', 'big.png'), new Uint8Array(32 * 32 * 4).fill(200), 32);
    await expect(readImageFolder(folder, { target: null, badImages: 'skip', scale: 'unit' })).rejects.toThrow(
      /mixed sizes: .* is 16×16 but .*big\.png is 32×32/,
    );
  });
});

describe('rescanvas train / export --images', () => {
  const folder = makeFolder('train');
  const design = join(dir, 'net.rescanvas.json');
  convNet(design);

  it('trains on the folder (--fit, corrupt file skipped) to ≥ 0.9 validation accuracy', () => {
    const r = run('train', design, '--images', folder, '--bad-images', 'skip', '--fit', '--epochs', '25', '--batch', '16', '--lr', '0.01', '--backend', 'cpu');
    expect(r.stderr).toMatch(/warning: skipping .*broken\.png: cannot decode/);
    expect(r.status).toBe(0);
    const accuracies = [...r.stdout.matchAll(/validation loss [\d.]+, accuracy ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(accuracies.length).toBe(25);
    expect(accuracies.at(-1)).toBeGreaterThanOrEqual(0.9);
  }, 240_000);

  it('bad files and options exit 2 naming the file; the PyTorch export writes the images into data.npz', () => {
    const refused = run('train', design, '--images', folder, '--fit', '--epochs', '1');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/broken\.png: cannot decode/);
    const options = run('train', design, '--images', folder, '--size', '10', '--scale', 'loud');
    expect(options.status).toBe(2);
    expect(options.stderr).toMatch(/--size does not apply to --images/);
    expect(options.stderr).toMatch(/--scale: "loud"/);

    const rgb = join(dir, 'rgb.rescanvas.json');
    const b = new DesignBuilder('rgb');
    const x = b.add('Input', { shape: [12, 12, 3] });
    b.add('Output', { units: 3 }, { from: b.add('Flatten', {}, { from: x }) });
    writeFileSync(rgb, serializeDesign(b.build()));
    const out = join(dir, 'torch');
    const exported = run('export', rgb, '--format', 'pytorch', '--out', out, '--images', folder, '--bad-images', 'skip', '--fresh-weights');
    expect(exported.status).toBe(0);
    expect(readdirSync(out)).toContain('data.npz');
  }, 180_000);
});
