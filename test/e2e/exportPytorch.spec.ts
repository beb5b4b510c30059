/**
 * Export ▸ PyTorch on the web host without the File System Access API: the package's files arrive as
 * downloads; a design the exporter cannot take downloads nothing and the status line says why.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Download, type Page } from '@playwright/test';

const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Main toolbar' });
const appStatus = (page: Page) => page.getByRole('contentinfo').getByRole('status');

test.beforeEach(async ({ page }) => {
  // The dev server's hot reload (others edit the shared tree) would reset the page mid-test.
  await page.routeWebSocket(/./, () => undefined);
  await page.addInitScript(() => {
    for (const name of ['showOpenFilePicker', 'showSaveFilePicker', 'showDirectoryPicker']) delete (window as unknown as Record<string, unknown>)[name];
  });
  await page.goto('/');
  await expect(page.getByRole('region', { name: 'Canvas' })).toBeVisible();
});

test('Export ▸ PyTorch downloads a PyTorch package of the open design', async ({ page }) => {
  test.setTimeout(120_000);
  await toolbar(page).getByRole('button', { name: 'Examples', exact: true }).click();
  await page.getByRole('dialog', { name: 'Examples' }).getByRole('button', { name: 'Open example Residual MLP-20', exact: true }).click();
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await toolbar(page).getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByRole('menuitem')).toHaveText(['tf.js model', 'Keras JSON', 'Design JSON', 'PyTorch']);
  await page.getByRole('menuitem', { name: 'PyTorch', exact: true }).click();
  await expect(appStatus(page)).toContainText(/Exported PyTorch package to [\w-]+-pytorch, untrained/, { timeout: 60_000 });
  await expect.poll(() => downloads.map((d) => d.suggestedFilename())).toEqual(expect.arrayContaining(['README.md', 'config.json', 'data.py', 'design.rescanvas.json', 'model.py', 'train.py']));
  // No run yet: no trained weights and no dataset go in.
  expect(downloads.map((d) => d.suggestedFilename())).not.toContain('weights.bin');
  expect(downloads.map((d) => d.suggestedFilename())).not.toContain('data.npz');
  const model = readFileSync(await downloads.find((d) => d.suggestedFilename() === 'model.py')!.path(), 'utf8');
  expect(model).toContain('nn.Module');
  expect(model).toContain('nn.Linear');
});

test('a design the exporter cannot translate downloads nothing and names the problem', async ({ page }) => {
  await page.evaluate(() => {
    const store = window.__rescanvasStore;
    if (!store) throw new Error('no store on the page');
    store.getState().loadDesign({
      format: 'rescanvas.design', version: 1, metadata: { name: 'broken', description: '', tags: [] }, groups: [],
      nodes: [
        { id: 'input_1', type: 'Input', params: { shape: [8, 8, 3] }, position: { x: 0, y: 0 } },
        { id: 'conv_1', type: 'Conv2D', params: { filters: 4 }, position: { x: 0, y: 100 } },
        { id: 'dense_after_conv', type: 'Dense', params: { units: 4 }, position: { x: 0, y: 200 } },
        { id: 'output_1', type: 'Output', params: { units: 2 }, position: { x: 0, y: 300 } },
      ],
      edges: [
        { id: 'e1', source: 'input_1', target: 'conv_1', targetPort: 0 },
        { id: 'e2', source: 'conv_1', target: 'dense_after_conv', targetPort: 0 },
        { id: 'e3', source: 'dense_after_conv', target: 'output_1', targetPort: 0 },
      ],
    } as never, 'broken.rescanvas.json', null);
  });
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await toolbar(page).getByRole('button', { name: 'Export', exact: true }).click();
  await page.getByRole('menuitem', { name: 'PyTorch', exact: true }).click();
  await expect(appStatus(page)).toContainText(/Could not export PyTorch package: .*dense_after_conv/, { timeout: 60_000 });
  expect(downloads).toEqual([]);
});
