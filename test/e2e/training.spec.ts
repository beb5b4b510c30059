import { expect, test, type Locator, type Page } from './fixtures';
import { startWithNewDesign } from './welcomeHelpers';

/**
 * Training from the UI on the web host: the engine runs in a Web Worker on wasm. Driven through the
 * names in ui-contract.md. Runs are kept short (few epochs, a few hundred points).
 */

/** The parts of the page's store these tests read (main.tsx exposes it as window.__rescanvasStore). */
interface StoreView {
  getState(): {
    design: { nodes: { id: string; type: string }[]; edges: { id: string; source: string }[] };
    runs: { steps: { loss: number }[]; epochs: { loss: number }[] }[];
    loadDesign(design: unknown, name: string, handle: null): void;
  };
}
/** Typed locally (not as a global) so it does not clash with the canvas tests' view of the same store. */
type PageWindow = { __rescanvasStore: StoreView };

const training = (page: Page) => page.getByRole('region', { name: 'Training' });
const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Main toolbar' });
const progress = (page: Page) => training(page).getByRole('progressbar', { name: 'Training progress' });
const status = (page: Page) => training(page).getByRole('status');
const overlay = (page: Page) => page.getByRole('radiogroup', { name: 'Overlay' });
const flowNodes = (page: Page): Locator => page.locator('.react-flow__node');

async function openExample(page: Page, name: string): Promise<void> {
  await toolbar(page).getByRole('button', { name: 'Examples', exact: true }).click();
  await page
    .getByRole('dialog', { name: 'Examples' })
    .getByRole('button', { name: `Open example ${name}`, exact: true })
    .click();
  await expect(page.getByRole('dialog', { name: 'Examples' })).toBeHidden();
}

async function setField(page: Page, name: string, value: string): Promise<void> {
  const field = training(page).getByRole('spinbutton', { name, exact: true });
  await field.fill(value);
}

/** Sets a short run on Spirals; the engine must be ready (Train enabled) before. */
async function configure(page: Page, { epochs, samples, lr = '0.01' }: { epochs: number; samples: number; lr?: string }): Promise<void> {
  await training(page).getByRole('combobox', { name: 'Dataset' }).selectOption({ label: 'Spirals' });
  await setField(page, 'Samples', String(samples));
  await setField(page, 'Epochs', String(epochs));
  await setField(page, 'Batch size', '32');
  await setField(page, 'Learning rate', lr);
}

async function train(page: Page, timeoutMs = 90_000): Promise<void> {
  const button = toolbar(page).getByRole('button', { name: 'Train', exact: true });
  await expect(button).toBeEnabled({ timeout: 30_000 });
  await button.click();
  await expect(status(page)).toContainText(/Done after \d+ epochs? · loss [\d.e+-]+ · accuracy/, { timeout: timeoutMs });
}

async function statValues(page: Page): Promise<{ id: string; value: string | null }[]> {
  return flowNodes(page).evaluateAll((els) => els.map((el) => ({ id: el.getAttribute('data-id') ?? '', value: el.getAttribute('data-stat-value') })));
}

test.beforeEach(async ({ page }) => {
  await page.goto('/?host=memory');
  await startWithNewDesign(page);
  await expect(training(page)).toBeVisible();
});

test('trains a residual MLP on Spirals: progress advances, loss falls, overlays show every node', async ({ page }) => {
  test.setTimeout(180_000);
  await openExample(page, 'Residual MLP-20');
  await configure(page, { epochs: 6, samples: 400, lr: '0.003' });
  await expect(training(page).getByText(/Backend: wasm/)).toBeVisible({ timeout: 30_000 });

  await toolbar(page).getByRole('button', { name: 'Train', exact: true }).click();
  await expect(status(page)).toContainText(/Epoch \d+\/6/, { timeout: 30_000 });
  const first = Number(await progress(page).getAttribute('aria-valuenow'));
  await expect.poll(async () => Number(await progress(page).getAttribute('aria-valuenow')), { timeout: 30_000 }).toBeGreaterThan(first);
  expect(Number(await progress(page).getAttribute('aria-valuemax'))).toBeGreaterThan(0);
  await expect(status(page)).toContainText(/Done after 6 epochs · loss [\d.]+ · accuracy [\d.]+%/, { timeout: 150_000 });
  await expect(progress(page)).toHaveAttribute('aria-valuenow', (await progress(page).getAttribute('aria-valuemax')) ?? '');

  // Loss falls: the first and last recorded training losses of the run.
  const losses = await page.evaluate(() => {
    const s = (window as unknown as PageWindow).__rescanvasStore.getState();
    const run = s.runs[s.runs.length - 1];
    return { first: run.steps[0].loss, last: run.epochs[run.epochs.length - 1].loss };
  });
  expect(losses.last).toBeLessThan(losses.first * 0.8);
  await expect(training(page).getByRole('figure', { name: 'Loss curve' }).locator('canvas')).toBeVisible();
  await expect(training(page).getByRole('figure', { name: 'Accuracy curve' }).locator('canvas')).toBeVisible();

  for (const mode of ['Forward', 'Backward'] as const) {
    await overlay(page).getByRole('radio', { name: mode }).check();
    // Every node carries a number in both modes (the engine also measures the gradient at the Input).
    await expect.poll(async () => (await statValues(page)).filter((n) => n.value === null || n.value === '').map((n) => n.id), { timeout: 10_000 }).toEqual([]);
    const values = await statValues(page);
    // The example opens with its 9 residual blocks folded: 14 nodes on the canvas.
    expect(values.length).toBeGreaterThan(10);
    for (const v of values) if (v.value) expect(Number.isFinite(Number(v.value))).toBe(true);
    // The number is visible text inside each node too.
    const texts = await flowNodes(page).locator('.overlay-badge-value').allInnerTexts();
    expect(texts.filter((t) => /\d/.test(t)).length).toBeGreaterThanOrEqual(values.filter((v) => v.value).length);
    if (mode === 'Backward') {
      const norms = await page
        .locator('.react-flow__edge')
        .evaluateAll((els) => els.map((el) => ({ id: el.getAttribute('data-id'), norm: el.getAttribute('data-grad-norm') })));
      expect(norms.length).toBeGreaterThan(10);
      // Every edge carries the gradient norm flowing back along it, those leaving the Input included.
      expect(norms.filter((n) => !(n.norm !== null && Number.isFinite(Number(n.norm)) && Number(n.norm) > 0)).map((n) => n.id)).toEqual([]);
    }
    await page.screenshot({ path: test.info().outputPath(`overlay-${mode.toLowerCase()}.png`) });
    await page.screenshot({ path: `test-results/training-overlay-${mode.toLowerCase()}.png` });
  }
});

/** A plain 20-layer ReLU MLP without normalization or shortcuts: the textbook vanishing-gradient net. */
function plainDesign(depth: number) {
  const nodes: unknown[] = [{ id: 'input_1', type: 'Input', params: { shape: [2] }, position: { x: 0, y: 0 } }];
  const edges: unknown[] = [];
  let previous = 'input_1';
  for (let i = 1; i <= depth; i++) {
    nodes.push({
      id: `dense_${i}`,
      type: 'Dense',
      params: { units: 32, activation: 'relu', useBias: true, kernelInitializer: 'glorotUniform' },
      position: { x: 0, y: i * 90 },
    });
    edges.push({ id: `e_${i}`, source: previous, target: `dense_${i}`, targetPort: 0 });
    previous = `dense_${i}`;
  }
  nodes.push({
    id: 'output_1',
    type: 'Output',
    params: { units: 2, activation: 'softmax', loss: 'categoricalCrossentropy' },
    position: { x: 0, y: (depth + 1) * 90 },
  });
  edges.push({ id: 'e_out', source: previous, target: 'output_1', targetPort: 0 });
  return { format: 'rescanvas.design', version: 1, metadata: { name: 'Plain ReLU MLP-20', description: '', tags: [] }, nodes, edges, groups: [] };
}

test('plain 20-layer net shows vanishing gradients; two runs compare; block drop charts a residual net', async ({ page }) => {
  test.setTimeout(240_000);
  // The plain net is built in code (the gallery's plain MLPs use BatchNorm, which keeps gradients up).
  await page.evaluate((design) => {
    const store = (window as unknown as PageWindow).__rescanvasStore;
    store.getState().loadDesign(design, 'plain-relu-20.rescanvas.json', null);
  }, plainDesign(20));
  await configure(page, { epochs: 1, samples: 200, lr: '0.001' });
  await train(page);
  await overlay(page).getByRole('radio', { name: 'Backward' }).check();
  const stat = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
  await expect(stat('dense_1')).toHaveAttribute('data-stat-value', /\d/);
  const first = Number(await stat('dense_1').getAttribute('data-stat-value'));
  const last = Number(await stat('dense_20').getAttribute('data-stat-value'));
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThan(last / 10);
  await expect(stat('dense_1').locator('.overlay-badge-value')).toHaveText(/\d/);
  await page.screenshot({ path: test.info().outputPath('plain-20-backward.png') });

  await overlay(page).getByRole('radio', { name: 'Off' }).check();
  await openExample(page, 'Residual MLP-20');
  await train(page);

  const runs = training(page).getByRole('list', { name: 'Runs' });
  await expect(runs.getByRole('listitem')).toHaveCount(2);
  await runs.getByRole('checkbox', { name: /Compare run 1/ }).check();
  await runs.getByRole('checkbox', { name: /Compare run 2/ }).check();
  await expect(training(page).getByText(/Comparing 2 runs/)).toBeVisible();
  const lossLegend = training(page).getByRole('figure', { name: 'Loss curve' }).locator('.u-legend');
  await expect(lossLegend).toContainText('1. plain-relu-20');
  await expect(lossLegend).toContainText('2. residual-mlp-20');

  await training(page).getByRole('button', { name: 'Drop each block' }).click();
  const chart = training(page).getByRole('figure', { name: 'Block-drop accuracy change' });
  await expect(chart).toBeVisible({ timeout: 60_000 });
  const bars = chart.getByRole('list', { name: 'Dropped blocks' }).getByRole('listitem');
  await expect(bars.first()).toContainText(/\d\.\d pts \d+\.\d%/);
  const singles = await bars.count();
  expect(singles).toBeGreaterThan(2);

  // Two blocks dropped together: one more bar, named by both blocks, with its own accuracy.
  const [a, b] = [await bars.nth(0).getAttribute('data-dropped'), await bars.nth(2).getAttribute('data-dropped')];
  expect(a && b).toBeTruthy();
  const firstAccuracy = (await bars.nth(0).getAttribute('data-accuracy')) ?? '';
  const together = training(page).getByRole('button', { name: 'Drop selected together' });
  await expect(together).toBeDisabled();
  await chart.getByRole('checkbox', { name: a ?? '', exact: true }).check();
  await chart.getByRole('checkbox', { name: b ?? '', exact: true }).check();
  await together.click();
  await expect(bars).toHaveCount(singles + 1, { timeout: 60_000 });
  const combined = bars.last();
  await expect(combined).toHaveAttribute('data-dropped', `${a}+${b}`);
  await expect(combined).toContainText(`${a} + ${b}`);
  await expect(combined).toContainText(/\d\.\d pts \d+\.\d%/);
  const accuracy = Number(await combined.getAttribute('data-accuracy'));
  expect(accuracy).toBeGreaterThanOrEqual(0);
  expect(accuracy).toBeLessThanOrEqual(1);
  // The single-block bars stay beside it, with the same values as before.
  await expect(bars.first()).toHaveAttribute('data-dropped', a ?? '');
  await expect(bars.first()).toHaveAttribute('data-accuracy', firstAccuracy);
  await chart.screenshot({ path: test.info().outputPath('block-drop-combined.png') });
  await training(page).screenshot({ path: test.info().outputPath('training-panel-compare.png') });
});
