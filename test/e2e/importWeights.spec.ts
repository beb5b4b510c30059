/**
 * Import model keeps the model's weights for Export: a tf.js model built and saved in the test
 * (Node, tf.js' own serializer) is imported through the toolbar's file input, exported as a tf.js
 * model with no changes, loaded back with tf.loadLayersModel and must predict exactly what the
 * original predicted. Adding a layer then makes the export say the weights no longer fit.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { unzipSync, strFromU8 } from 'fflate';
import { expect, test, withoutFilePickers, type Download, type Page } from './fixtures';
import { startWithNewDesign } from './welcomeHelpers';

const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Main toolbar' });
const appStatus = (page: Page) => page.getByRole('contentinfo').getByRole('status');

/** A small conv net with every kind of weight an import carries: kernels, biases, BatchNorm statistics. */
function buildModel(): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 2], name: 'pixels' });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flat' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 8, activation: 'tanh', name: 'hidden' }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 3, activation: 'softmax', name: 'probs' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: 'imported_net' });
  // Moving statistics away from 0/1, so an export that dropped them could not pass by chance.
  const bn = model.getLayer('bn');
  bn.setWeights(bn.getWeights().map((w, i) => tf.randomUniform(w.shape, i === 3 ? 0.5 : -0.5, i === 3 ? 2 : 0.5, 'float32', 7 + i)));
  return model;
}

/** Saves `model` as model.json + weights.bin into a fresh folder, the way tf.js' file savers lay them out. */
async function saveModel(model: tf.LayersModel): Promise<{ dir: string; files: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'rescanvas-import-'));
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightsManifest = [{ paths: ['./weights.bin'], weights: artifacts.weightSpecs ?? [] }];
      writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest }));
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return { dir, files: [join(dir, 'model.json'), join(dir, 'weights.bin')] };
}

/** The model.json + weights.bin inside an export's zip, loaded with tf.loadLayersModel. */
async function loadExported(download: Download): Promise<tf.LayersModel> {
  const entries = unzipSync(readFileSync(await download.path()));
  const find = (name: string) => {
    const key = Object.keys(entries).find((k) => k.endsWith(`/${name}`));
    if (!key) throw new Error(`${name} not in the export (${Object.keys(entries).join(', ')})`);
    return entries[key];
  };
  const modelJson = JSON.parse(strFromU8(find('model.json'))) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const bin = find(modelJson.weightsManifest[0].paths[0].replace(/^\.\//, ''));
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer,
    }),
  );
}

const predict = (model: tf.LayersModel, x: tf.Tensor): number[] => Array.from(tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync()));

test.beforeEach(async ({ page }) => {
  await withoutFilePickers(page);
  await page.goto('/');
  await startWithNewDesign(page);
  await expect(page.getByRole('region', { name: 'Canvas' })).toBeVisible();
});

test('an imported tf.js model exports with its own weights, and says when an edit makes them no longer fit', async ({ page }) => {
  test.setTimeout(120_000);
  await tf.setBackend('cpu');
  const original = buildModel();
  const { files } = await saveModel(original);
  const x = tf.randomNormal([5, 6, 6, 2], 0, 1, 'float32', 3);
  const expected = predict(original, x);

  const chooser = page.waitForEvent('filechooser');
  await toolbar(page).getByRole('button', { name: 'Import model', exact: true }).click();
  await (await chooser).setFiles(files);
  await expect(appStatus(page)).toContainText('Export uses the weights imported from model.json');
  await expect(page.getByRole('region', { name: 'Canvas' }).locator('.react-flow__node')).toHaveCount(6);
  await page.screenshot({ path: test.info().outputPath('imported.png') });

  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  const exportTfjs = async () => {
    await toolbar(page).getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByRole('menuitem', { name: 'tf.js model', exact: true }).click();
  };
  await exportTfjs();
  await expect(appStatus(page)).toContainText(/Exported tf\.js model to .*, with the weights imported from model\.json/, { timeout: 60_000 });
  await expect.poll(() => downloads.length).toBe(1);
  const exported = await loadExported(downloads[0]);
  expect(predict(exported, x)).toEqual(expected);

  // Moving a node is not an edit of the network: the weights still go with the export.
  await page.evaluate(() => {
    const store = window.__rescanvasStore;
    const state = store?.getState();
    if (!store || !state) throw new Error('no store');
    const [first, ...rest] = state.design.nodes;
    store.setState({ design: { ...state.design, nodes: [{ ...first, position: { x: first.position.x + 40, y: first.position.y } }, ...rest] } });
  });
  await exportTfjs();
  await expect(appStatus(page)).toContainText(/Exported tf\.js model to .*, with the weights imported from model\.json/, { timeout: 60_000 });
  await expect.poll(() => downloads.length).toBe(2);

  // Adding a layer changes the network: the export asks before writing fresh weights.
  await page.getByRole('complementary', { name: 'Layer palette' }).getByRole('button', { name: 'Dense', exact: true }).click();
  await exportTfjs();
  const question = page.getByRole('alertdialog', { name: 'Weights no longer fit' });
  await expect(question).toContainText('The weights imported from model.json no longer fit');
  await page.screenshot({ path: test.info().outputPath('weights-no-longer-fit.png') });
  await question.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(appStatus(page)).toContainText('tf.js model export cancelled');
  expect(downloads.length).toBe(2);

  // Undo brings the imported network back, and with it the weights.
  await toolbar(page).getByRole('button', { name: 'Undo', exact: true }).click();
  await exportTfjs();
  await expect(appStatus(page)).toContainText(/Exported tf\.js model to .*, with the weights imported from model\.json/, { timeout: 60_000 });
  await expect.poll(() => downloads.length).toBe(3);
  expect(predict(await loadExported(downloads[2]), x)).toEqual(expected);

  // Changing a layer's size: the user may export with fresh weights, and the message says why they are fresh.
  const canvas = page.getByRole('region', { name: 'Canvas' });
  await canvas.click({ position: { x: 60, y: 200 } });
  await canvas.getByLabel('Dense hidden', { exact: true }).click();
  const units = page.getByRole('complementary', { name: 'Inspector' }).getByLabel('Units', { exact: true });
  await units.fill('12');
  await units.press('Enter');
  await exportTfjs();
  await question.getByRole('button', { name: 'Export with fresh weights', exact: true }).click();
  await expect(appStatus(page)).toContainText(/freshly initialized weights.*the weights imported from model\.json no longer fit the edited network/, {
    timeout: 60_000,
  });
  await expect.poll(() => downloads.length).toBe(4);
  const fresh = await loadExported(downloads[3]);
  expect(fresh.getWeights().map((w) => w.shape)).toContainEqual([144, 12]);
});
