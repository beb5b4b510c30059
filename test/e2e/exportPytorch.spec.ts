/**
 * Export ▸ PyTorch on the web host without the File System Access API: the package arrives as one
 * .zip download (browsers cap automatic downloads at ten); a design the exporter cannot take downloads nothing and the status line says why.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Download, type Page } from '@playwright/test';
import { withoutFilePickers } from './fixtures';
import { strFromU8, unzipSync } from 'fflate';
import { startWithNewDesign } from './welcomeHelpers';

const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Main toolbar' });
const appStatus = (page: Page) => page.getByRole('contentinfo').getByRole('status');

test.beforeEach(async ({ page }) => {
  // The dev server's hot reload (others edit the shared tree) would reset the page mid-test.
  await page.routeWebSocket(/./, () => undefined);
  await withoutFilePickers(page);
  await page.goto('/');
  await startWithNewDesign(page);
  await expect(page.getByRole('region', { name: 'Canvas' })).toBeVisible();
});

test('Export ▸ PyTorch downloads a PyTorch package of the open design', async ({ page }) => {
  test.setTimeout(120_000);
  await toolbar(page).getByRole('button', { name: 'Examples', exact: true }).click();
  await page.getByRole('dialog', { name: 'Examples' }).getByRole('button', { name: 'Open example Residual MLP-20', exact: true }).click();
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await toolbar(page).getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByRole('menuitem')).toHaveText(['tf.js model', 'Keras JSON', 'Design JSON', 'PyTorch', 'ONNX']);
  await page.getByRole('menuitem', { name: 'PyTorch', exact: true }).click();
  await expect(appStatus(page)).toContainText(/Exported PyTorch package to [\w-]+-pytorch\.zip, untrained/, { timeout: 60_000 });
  await expect.poll(() => downloads.length).toBe(1);
  expect(downloads[0].suggestedFilename()).toMatch(/-pytorch\.zip$/);
  const zip = unzipSync(readFileSync(await downloads[0].path()));
  const names = Object.keys(zip).map((n) => n.split('/').slice(1).join('/'));
  expect(names).toEqual(expect.arrayContaining(['README.md', 'config.json', 'data.py', 'design.rescanvas.json', 'model.py', 'train.py']));
  // No run yet: no trained weights and no dataset go in.
  expect(names).not.toContain('weights.bin');
  expect(names).not.toContain('data.npz');
  const model = strFromU8(zip[Object.keys(zip).find((n) => n.endsWith('/model.py'))!]);
  expect(model).toContain('nn.Module');
  expect(model).toContain('nn.Linear');
});

test('a design the exporter cannot translate downloads nothing and names the problem', async ({ page }) => {
  await page.evaluate(() => {
    const store = window.__rescanvasStore;
    if (!store) throw new Error('no store on the page');
    store.getState().loadDesign(
      {
        format: 'rescanvas.design',
        version: 1,
        metadata: { name: 'broken', description: '', tags: [] },
        groups: [],
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
      } as never,
      'broken.rescanvas.json',
      null,
    );
  });
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await toolbar(page).getByRole('button', { name: 'Export', exact: true }).click();
  await page.getByRole('menuitem', { name: 'PyTorch', exact: true }).click();
  await expect(appStatus(page)).toContainText(/Could not export PyTorch package: .*dense_after_conv/, { timeout: 60_000 });
  expect(downloads).toEqual([]);
});
