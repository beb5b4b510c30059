import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { effectiveChannels, resizeInto } from '../../src/engine/datasets/images';
import { startWithNewDesign } from './welcomeHelpers';

/**
 * An image folder picked in the web app through the fallback `<input webkitdirectory>` (the test
 * removes `showDirectoryPicker`, as in browsers without File System Access), decoded in the engine
 * worker, previewed per class, and trained on; and the worker's pixels against Node's decoders.
 */

const SIDE = 8;
const COLOURS: Record<string, [number, number, number]> = { blue: [30, 40, 220], green: [40, 200, 50], red: [220, 30, 40] };

/** Deterministic noise, so a failure reproduces. */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 60;
}

function picture(colour: [number, number, number], seed: number): Uint8Array {
  const r = noise(seed);
  const data = new Uint8Array(SIDE * SIDE * 4);
  for (let p = 0; p < SIDE * SIDE; p++) {
    for (let c = 0; c < 3; c++) data[p * 4 + c] = Math.max(0, Math.min(255, Math.round(colour[c] + r())));
    data[p * 4 + 3] = 255;
  }
  return data;
}

/** 3 classes × 30 images, PNG and JPEG alternating, plus one corrupt .png. */
function makeFolder(): string {
  const root = join(mkdtempSync(join(tmpdir(), 'rescanvas-images-')), 'colours');
  for (const [k, [name, colour]] of Object.entries(COLOURS).entries()) {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < 30; i++) {
      const data = picture(colour, k * 1000 + i);
      if (i % 2 === 0) {
        const png = new PNG({ width: SIDE, height: SIDE });
        png.data = Buffer.from(data);
        writeFileSync(join(root, name, `img${String(i).padStart(2, '0')}.png`), PNG.sync.write(png));
      } else {
        writeFileSync(join(root, name, `img${String(i).padStart(2, '0')}.jpg`), jpeg.encode({ data, width: SIDE, height: SIDE }, 95).data);
      }
    }
  }
  writeFileSync(join(root, 'red', 'broken.png'), Buffer.from('this is not a PNG file at all'));
  return root;
}

/** Node's decoding of one file, as the command line does it (cli/imageFolder.ts: pngjs, jpeg-js, resizeInto). */
function nodePixels(path: string): Uint8Array {
  const bytes = readFileSync(path);
  const raw = path.endsWith('.png')
    ? (() => {
        const png = PNG.sync.read(bytes);
        return { width: png.width, height: png.height, channels: 4 as const, data: new Uint8Array(png.data) };
      })()
    : (() => {
        const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
        return { width: img.width, height: img.height, channels: 3 as const, data: img.data };
      })();
  const out = new Uint8Array(SIDE * SIDE * 3);
  resizeInto(effectiveChannels(raw), SIDE, SIDE, 3, out, 0);
  return out;
}

const training = (page: Page) => page.getByRole('region', { name: 'Training' });
const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Main toolbar' });

interface DecodedView {
  classNames: string[];
  counts: number[];
  pixels: number[];
  labels: number[];
  height: number;
  width: number;
}

async function pickFolder(page: Page, folder: string): Promise<void> {
  await training(page).getByRole('combobox', { name: 'Dataset' }).selectOption({ label: 'Image folder' });
  await training(page).getByLabel('Image folder files').setInputFiles(folder);
  await expect(training(page).getByLabel('Image folder preview')).toBeVisible({ timeout: 30_000 });
}

test.beforeEach(async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors?: string[] }).errors = errors;
  await page.addInitScript(() => {
    delete (window as { showDirectoryPicker?: unknown }).showDirectoryPicker;
  });
  await page.goto('/');
  await startWithNewDesign(page);
  await expect(training(page)).toBeVisible();
});

test.afterEach(async ({ page }) => {
  expect((page as Page & { errors?: string[] }).errors ?? []).toEqual([]);
});

interface ImageStore {
  getState(): { loadDesign(design: unknown, name: string, handle: null): void };
}

/** Input → Flatten → Dense 32 → Output 3: the smallest design that classifies images. */
function imageClassifier(): unknown {
  const at = (y: number) => ({ x: 0, y });
  return {
    format: 'rescanvas.design',
    version: 1,
    metadata: { name: 'Image classifier', description: '', tags: [] },
    nodes: [
      { id: 'in', type: 'Input', params: { shape: [16, 16, 1] }, position: at(0) },
      { id: 'flat', type: 'Flatten', params: {}, position: at(120) },
      { id: 'hidden', type: 'Dense', params: { units: 32, activation: 'relu', useBias: true, kernelInitializer: 'heNormal' }, position: at(240) },
      { id: 'out', type: 'Output', params: { units: 3, activation: 'softmax', loss: 'categoricalCrossentropy' }, position: at(360) },
    ],
    edges: [
      { id: 'e1', source: 'in', target: 'flat', targetPort: 0 },
      { id: 'e2', source: 'flat', target: 'hidden', targetPort: 0 },
      { id: 'e3', source: 'hidden', target: 'out', targetPort: 0 },
    ],
    groups: [],
  };
}

test('an image folder picked through the file input is previewed per class, names its corrupt file and trains', async ({ page }) => {
  test.setTimeout(180_000);
  const folder = makeFolder();
  // A small image classifier drawn for 16×16 grey images: fitting makes the 8×8 colour images its input.
  await page.evaluate(
    (design) => (window as unknown as { __rescanvasStore: ImageStore }).__rescanvasStore.getState().loadDesign(design, 'image-classifier.rescanvas.json', null),
    imageClassifier(),
  );
  await training(page)
    .getByRole('checkbox', { name: /Fit design to dataset/ })
    .check();
  await pickFolder(page, folder);
  const preview = training(page).getByLabel('Image folder preview');
  await expect(preview).toContainText('colours: 90 images in 3 classes, 8×8×3');
  await expect(training(page).getByText('Skipped 1 file that could not be decoded.')).toBeVisible();
  await training(page).getByText('Skipped files (1)').click();
  await expect(training(page).getByText(/colours\/red\/broken\.png: cannot be decoded/)).toBeVisible();
  for (const name of Object.keys(COLOURS)) await expect(preview.getByRole('img', { name: `6 of the 30 images of class ${name}` })).toBeVisible();
  await page.screenshot({ path: 'test-results/image-folder-panel.png' });

  await training(page).getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
  await training(page).getByRole('spinbutton', { name: 'Batch size', exact: true }).fill('8');
  await training(page).getByRole('spinbutton', { name: 'Learning rate', exact: true }).fill('0.01');
  const train = toolbar(page).getByRole('button', { name: 'Train', exact: true });
  await expect(train).toBeEnabled({ timeout: 30_000 });
  await train.click();
  const status = training(page)
    .getByRole('status')
    .filter({ hasText: /Done after|Failed after|Training failed|could not be compiled|Training settings/ });
  await expect(status).toContainText(/Done after 1 epoch · loss [\d.e+-]+ · accuracy/, { timeout: 120_000 });
  const accuracy = Number(/accuracy ([\d.]+)/.exec((await status.textContent()) ?? '')?.[1] ?? Number.NaN);
  // Three well-separated colours: one epoch of 9 steps is enough to sort most of them.
  expect(accuracy).toBeGreaterThanOrEqual(0.8);
});

test('the worker decodes PNG exactly as Node does, and JPEG within 3 levels per byte', async ({ page }) => {
  const folder = makeFolder();
  await training(page)
    .getByRole('checkbox', { name: /Fit design to dataset/ })
    .check();
  await pickFolder(page, folder);
  const decoded = await page.evaluate(async () => {
    const d = window.__rescanvasImageFolder?.getState().decoded;
    if (!d) return null;
    return {
      classNames: d.classNames,
      counts: d.counts,
      pixels: Array.from(d.pixels),
      labels: Array.from(d.labels),
      height: d.height,
      width: d.width,
    } satisfies DecodedView;
  });
  expect(decoded).not.toBeNull();
  const view = decoded as DecodedView;
  expect(view.classNames).toEqual(['blue', 'green', 'red']);
  const per = SIDE * SIDE * 3;
  let i = 0;
  let worstJpeg = 0;
  for (const name of view.classNames) {
    const files = readdirSync(join(folder, name))
      .filter((f) => f !== 'broken.png')
      .sort();
    for (const f of files) {
      const node = nodePixels(join(folder, name, f));
      const browser = view.pixels.slice(i * per, (i + 1) * per);
      if (f.endsWith('.png')) expect(browser, `${name}/${f}`).toEqual(Array.from(node));
      else for (let b = 0; b < per; b++) worstJpeg = Math.max(worstJpeg, Math.abs(browser[b] - node[b]));
      i++;
    }
  }
  expect(i).toBe(90);
  // Chromium's libjpeg-turbo and jpeg-js round their IDCT and chroma upsampling differently.
  expect(worstJpeg).toBeLessThanOrEqual(3);
});
