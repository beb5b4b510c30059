/**
 * Runs saved with the design file, on the web host without the File System Access API (Save
 * downloads the file, Open reads it through <input type=file>): train twice, save, start a new
 * document, open the saved file and compare the two runs it brought back.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page, withoutFilePickers } from './fixtures';
import { unzipSync } from 'fflate';
import { startWithNewDesign } from './welcomeHelpers';

const training = (page: Page) => page.getByRole('region', { name: 'Training' });
const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Main toolbar' });
const appStatus = (page: Page) => page.getByRole('contentinfo').getByRole('status');
const runsList = (page: Page) => training(page).getByRole('list', { name: 'Runs' });

async function train(page: Page, learningRate: string): Promise<void> {
  await training(page).getByRole('spinbutton', { name: 'Learning rate', exact: true }).fill(learningRate);
  const button = toolbar(page).getByRole('button', { name: 'Train', exact: true });
  await expect(button).toBeEnabled({ timeout: 60_000 });
  await button.click();
  await expect(training(page).getByRole('status')).toContainText(/Done after 2 epochs/, { timeout: 90_000 });
}

test('two runs are saved with the design, come back when it is opened, and compare', async ({ page }) => {
  test.setTimeout(240_000);
  await withoutFilePickers(page);
  // Other people edit the shared working tree while this runs; the dev server's hot reload would wipe
  // the page's runs mid-test, so its socket is answered here and never told about changes.
  await page.routeWebSocket(/./, () => undefined);
  await page.goto('/');
  await startWithNewDesign(page);
  await expect(training(page)).toBeVisible();

  await toolbar(page).getByRole('button', { name: 'Examples', exact: true }).click();
  await page.getByRole('dialog', { name: 'Examples' }).getByRole('button', { name: 'Open example Residual MLP-20', exact: true }).click();
  await training(page).getByRole('combobox', { name: 'Dataset' }).selectOption({ label: 'Spirals' });
  await training(page).getByRole('spinbutton', { name: 'Samples', exact: true }).fill('200');
  await training(page).getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('2');
  await train(page, '0.01');
  // A finished run is unsaved work: the title carries the marker.
  await expect(page).toHaveTitle(/•/);
  await train(page, '0.001');
  await expect(runsList(page).getByRole('listitem')).toHaveCount(2);

  const download = page.waitForEvent('download');
  await toolbar(page).getByRole('button', { name: 'Save', exact: true }).click();
  const text = readFileSync(await (await download).path(), 'utf8');
  writeFileSync(test.info().outputPath('two-runs.rescanvas.json'), text);
  const saved = JSON.parse(text) as { runs: { label: string; steps: unknown[]; epochs: unknown[]; outcome: { reason: string } }[] };
  expect(saved.runs).toHaveLength(2);
  expect(saved.runs.map((r) => r.outcome.reason)).toEqual(['completed', 'completed']);
  for (const run of saved.runs) {
    expect(run.steps.length).toBeGreaterThan(0);
    expect(run.epochs).toHaveLength(2);
  }
  await expect(page).not.toHaveTitle(/•/);

  // Export ▸ PyTorch after the last run (saving does not change the engine's model) carries the engine's
  // trained weights and the run's dataset, in one .zip (browsers cap automatic downloads at ten).
  const exported = page.waitForEvent('download');
  await toolbar(page).getByRole('button', { name: 'Export', exact: true }).click();
  await page.getByRole('menuitem', { name: 'PyTorch', exact: true }).click();
  await expect(appStatus(page)).toContainText(/Exported PyTorch package to [\w-]+-pytorch\.zip, with the trained weights/, { timeout: 60_000 });
  const names = Object.keys(unzipSync(readFileSync(await (await exported).path()))).map((n) => n.split('/').slice(1).join('/'));
  expect(names).toEqual(expect.arrayContaining(['model.py', 'train.py', 'config.json', 'weights.json', 'weights.bin', 'data.npz']));

  await toolbar(page).getByRole('button', { name: 'New', exact: true }).click();
  await expect(training(page).getByText('No runs yet', { exact: false })).toBeVisible();

  const chooser = page.waitForEvent('filechooser');
  await toolbar(page).getByRole('button', { name: 'Open', exact: true }).click();
  await (await chooser).setFiles({ name: 'two-runs.rescanvas.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect(appStatus(page)).toHaveText('Opened two-runs.rescanvas.json');
  await expect(page.locator('.react-flow__node[data-id="dense_1"]')).toHaveCount(1);
  await expect(runsList(page).getByRole('listitem')).toHaveCount(2);
  await expect(runsList(page)).toContainText(saved.runs[0].label);
  await expect(runsList(page)).toContainText(/Done after 2 epochs/);

  await runsList(page)
    .getByRole('checkbox', { name: /Compare run 1/ })
    .check();
  await runsList(page)
    .getByRole('checkbox', { name: /Compare run 2/ })
    .check();
  await expect(training(page).getByText(/Comparing 2 runs/)).toBeVisible();
  const legend = training(page).getByRole('figure', { name: 'Loss curve' }).locator('.u-legend');
  await expect(legend).toContainText('1. residual-mlp-20');
  await expect(legend).toContainText('2. residual-mlp-20');
  await training(page).screenshot({ path: test.info().outputPath('reopened-runs-compare.png') });

  // A damaged run record costs that run only: the design and the other run open, and the status names it.
  const damaged = JSON.parse(text) as { runs: { steps: { loss: unknown }[] }[] };
  damaged.runs[0].steps[0].loss = 'low';
  const again = page.waitForEvent('filechooser');
  await toolbar(page).getByRole('button', { name: 'Open', exact: true }).click();
  await (await again).setFiles({ name: 'damaged.rescanvas.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(damaged)) });
  await expect(appStatus(page)).toContainText(/Opened damaged\.rescanvas\.json, but some saved runs were left out — run 1 .* runs\[0\]\.steps\[0\]\.loss/);
  await expect(runsList(page).getByRole('listitem')).toHaveCount(1);
  await expect(page.locator('.react-flow__node[data-id="dense_1"]')).toHaveCount(1);
});
