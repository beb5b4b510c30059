/**
 * The web host in real Chromium, through the app's own toolbar: <input type=file> and downloads
 * (browsers without the File System Access API), File System Access handles backed by the
 * origin-private file system (real createWritable writes; only the picker UI, which no browser
 * lets a test drive, is replaced), and unsaved work kept in IndexedDB.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { withoutFilePickers } from './fixtures';
import { startWithNewDesign } from './welcomeHelpers';

const EXAMPLE = join(import.meta.dirname, '../../assets/examples/residual-mlp-20.rescanvas.json');
const exampleText = readFileSync(EXAMPLE, 'utf8');
const status = (page: Page) => page.getByRole('contentinfo').getByRole('status');

async function chooseFileWithInput(page: Page, name: string, content: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await (await chooser).setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(content) });
}

test.describe('without the File System Access API (input and downloads)', () => {
  test.beforeEach(async ({ page }) => {
    await withoutFilePickers(page);
    await page.goto('/');
    await startWithNewDesign(page);
    await expect(page.getByRole('region', { name: 'Canvas' })).toBeVisible();
  });

  test('opens a design picked in the file chooser', async ({ page }) => {
    await chooseFileWithInput(page, 'residual-mlp-20.rescanvas.json', exampleText);
    await expect(status(page)).toContainText('Opened residual-mlp-20.rescanvas.json');
    await expect(page.locator('.react-flow__node[data-id="dense_1"]')).toHaveCount(1);
    await expect(page).toHaveTitle(/^residual-mlp-20\.rescanvas\.json — ResCanvas$/);
  });

  test('saves by downloading a valid design file', async ({ page }) => {
    await chooseFileWithInput(page, 'residual-mlp-20.rescanvas.json', exampleText);
    await expect(status(page)).toContainText('Opened');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.rescanvas\.json$/);
    const saved = JSON.parse(readFileSync(await file.path(), 'utf8'));
    expect(saved.format).toBe('rescanvas.design');
    expect(saved.nodes).toHaveLength(JSON.parse(exampleText).nodes.length);
  });

  test('a corrupt file shows a clear error and keeps the current design', async ({ page }) => {
    await chooseFileWithInput(page, 'residual-mlp-20.rescanvas.json', exampleText);
    await expect(status(page)).toContainText('Opened');
    // The design's own nodes: opening may fold blocks on screen a moment later, which changes what is drawn, not the design.
    const designNodes = () => page.evaluate(() => window.__rescanvasStore?.getState().design.nodes.length ?? -1);
    const before = await designNodes();
    expect(before).toBe(68);
    await chooseFileWithInput(page, 'broken.rescanvas.json', exampleText.slice(0, 200));
    await expect(status(page)).toContainText('broken.rescanvas.json could not be opened: not valid JSON');
    await chooseFileWithInput(page, 'package.json', '{"name": "not-a-design", "version": "1.0.0"}');
    await expect(status(page)).toContainText('not a ResCanvas design');
    expect(await designNodes()).toBe(before);
    await expect(page.locator('.react-flow__node[data-id="dense_1"]')).toHaveCount(1);
  });
});

test.describe('with File System Access handles', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
    await startWithNewDesign(page);
    await expect(page.getByRole('region', { name: 'Canvas' })).toBeVisible();
    // The pickers answer with handles in the origin-private file system: real handles, real writes.
    await page.evaluate(async (text) => {
      const root = await navigator.storage.getDirectory();
      for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) await root.removeEntry(name);
      const handle = await root.getFileHandle('picked.rescanvas.json', { create: true });
      const writable = await handle.createWritable();
      await writable.write(text);
      await writable.close();
      const w = window as unknown as Record<string, unknown>;
      w.showOpenFilePicker = async () => [await root.getFileHandle('picked.rescanvas.json')];
      w.showSaveFilePicker = async (options: { suggestedName: string }) => root.getFileHandle(`saved-${options.suggestedName}`, { create: true });
    }, exampleText);
  });

  async function readOpfs(page: Page, name: string): Promise<string> {
    return page.evaluate(async (n) => (await (await (await navigator.storage.getDirectory()).getFileHandle(n)).getFile()).text(), name);
  }

  test('opens through a handle and saves back to the same file', async ({ page }) => {
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(status(page)).toContainText('Opened picked.rescanvas.json');
    await page.getByRole('complementary', { name: 'Layer palette' }).getByRole('button', { name: 'Dense', exact: true }).click();
    await expect(page).toHaveTitle(/•/);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(status(page)).toContainText('Saved picked.rescanvas.json');
    const saved = JSON.parse(await readOpfs(page, 'picked.rescanvas.json'));
    expect(saved.nodes).toHaveLength(JSON.parse(exampleText).nodes.length + 1);
    await expect(page).not.toHaveTitle(/•/);
  });

  test('keeps unsaved work in IndexedDB for recovery', async ({ page }) => {
    await page.getByRole('complementary', { name: 'Layer palette' }).getByRole('button', { name: 'Dense', exact: true }).click();
    const readStored = () =>
      page.evaluate(
        () =>
          new Promise<string | null>((resolve) => {
            const open = indexedDB.open('rescanvas', 1);
            open.onupgradeneeded = () => open.result.createObjectStore('recovery');
            open.onsuccess = () => {
              const get = open.result.transaction('recovery').objectStore('recovery').get('rescanvas.recovery');
              get.onsuccess = () => resolve(typeof get.result === 'string' ? get.result : null);
              get.onerror = () => resolve(null);
            };
            open.onerror = () => resolve(null);
          }),
      );
    // The renderer writes recovery a couple of seconds after the last edit.
    await expect.poll(readStored, { timeout: 15_000, intervals: [500] }).not.toBeNull();
    const entry = JSON.parse((await readStored()) as string);
    expect(entry.design.nodes.some((n: { type: string }) => n.type === 'Dense')).toBe(true);
  });
});
