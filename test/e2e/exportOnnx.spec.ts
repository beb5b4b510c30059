/**
 * Export ▸ ONNX on the web host: one model.onnx download, valid by the structural checker, that ONNX
 * Runtime (wasm, in Node) runs; the menu shown open at the test viewport for a look.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Download, type Page } from '@playwright/test';
import { withoutFilePickers } from './fixtures';
import * as ort from 'onnxruntime-web';
import { checkOnnxModel, decodeModel } from '../../src/export/onnx';
import { startWithNewDesign } from './welcomeHelpers';

const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Main toolbar' });
const appStatus = (page: Page) => page.getByRole('contentinfo').getByRole('status');

test.beforeEach(async ({ page }) => {
  await withoutFilePickers(page);
  await page.goto('/');
  await startWithNewDesign(page);
  await expect(page.getByRole('region', { name: 'Canvas' })).toBeVisible();
});

test('Export ▸ ONNX downloads a model.onnx that ONNX Runtime runs, named after the design nodes', async ({ page }) => {
  test.setTimeout(120_000);
  await toolbar(page).getByRole('button', { name: 'Examples', exact: true }).click();
  await page.getByRole('dialog', { name: 'Examples' }).getByRole('button', { name: 'Open example ResNet-20 (CIFAR)', exact: true }).click();
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await toolbar(page).getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByRole('menuitem', { name: 'ONNX', exact: true })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('export-menu-onnx.png') });
  await page.getByRole('menuitem', { name: 'ONNX', exact: true }).click();
  await expect(appStatus(page)).toContainText(/Exported ONNX to .*\(untrained: freshly initialized weights\)/, { timeout: 60_000 });
  await page.screenshot({ path: test.info().outputPath('export-onnx-done.png') });
  await expect.poll(() => downloads.length).toBe(1);
  const bytes = new Uint8Array(readFileSync(await downloads[0].path()));
  expect(downloads[0].suggestedFilename()).toMatch(/model\.onnx$|\.onnx$/);
  expect(checkOnnxModel(bytes)).toEqual([]);
  const names = (decodeModel(bytes).graph?.node ?? []).map((n) => n.name);
  const design = await page.evaluate(() => window.__rescanvasStore?.getState().design.nodes.map((n) => n.id) ?? []);
  for (const id of design.filter((id) => !/input/i.test(id))) expect(names).toContain(id);
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array(3 * 32 * 32).fill(0.5), [1, 3, 32, 32]) });
  const probabilities = Array.from(out[session.outputNames[0]].data as Float32Array);
  expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
});
