import { expect, test, type Page } from './fixtures';
import { openExample } from './blocksHelpers';
import { startWithNewDesign } from './welcomeHelpers';

/**
 * The loss landscape in the Training panel, on the production build: train an example, compute the
 * slice around its weights in the engine's worker, see the figure drawn; and Stop ends it early.
 */

const training = (page: Page) => page.getByRole('region', { name: 'Training' });
const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Main toolbar' });
const status = (page: Page) => training(page).getByRole('status');
const figure = (page: Page) => training(page).getByRole('figure', { name: 'Loss landscape' });
const landscapeProgress = (page: Page) => training(page).getByRole('progressbar', { name: 'Loss landscape progress' });

async function trainShort(page: Page): Promise<void> {
  await training(page).getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('4');
  const button = toolbar(page).getByRole('button', { name: 'Train', exact: true });
  await expect(button).toBeEnabled({ timeout: 30_000 });
  await button.click();
  await expect(status(page)).toContainText(/validation loss [\d.e+-]+, accuracy [\d.]+%/, { timeout: 150_000 });
}

/** Every value the landscape's progress bar shows, sampled in the page (it is gone once the figure is drawn). */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { __landscapeProgress: number[] }).__landscapeProgress = seen;
    const sample = () => {
      const bar = document.querySelector<HTMLProgressElement>('progress[aria-label="Loss landscape progress"]');
      if (bar && seen.at(-1) !== bar.value) seen.push(bar.value);
      requestAnimationFrame(sample);
    };
    sample();
  });
}

const progressSeen = (page: Page) => page.evaluate(() => (window as unknown as { __landscapeProgress: number[] }).__landscapeProgress);

test.beforeEach(async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors?: string[] }).errors = errors;
  await page.goto('/?host=memory');
  await startWithNewDesign(page);
});

test.afterEach(async ({ page }) => {
  expect((page as Page & { errors?: string[] }).errors ?? []).toEqual([]);
});

test('after a run, the loss landscape around the trained weights is drawn; Stop ends another one early', async ({ page }) => {
  test.setTimeout(300_000);
  await openExample(page, 'Residual MLP-20');
  await trainShort(page);

  const section = training(page).locator('details', { has: page.locator('summary', { hasText: 'Loss landscape' }) });
  await section.scrollIntoViewIfNeeded();
  await section.getByRole('combobox', { name: 'Grid' }).selectOption({ label: '21×21' });
  await recordProgress(page);
  await section.getByRole('button', { name: 'Compute landscape', exact: true }).click();
  await expect(landscapeProgress(page)).toBeVisible();
  await expect(figure(page)).toBeVisible({ timeout: 120_000 });

  // Progress rose row by row to the last rows, never backwards.
  const seen = await progressSeen(page);
  expect(seen.length).toBeGreaterThan(2);
  expect(seen).toEqual([...seen].sort((a, b) => a - b));
  expect(Math.max(...seen)).toBeGreaterThanOrEqual(18 / 21 - 1e-9);

  // Every one of the 21×21 cells holds a finite loss, and the canvas is painted.
  const map = figure(page).getByRole('img');
  await expect(map).toHaveAttribute('data-cells', String(21 * 21));
  const roughness = Number(await map.getAttribute('data-roughness'));
  expect(roughness).toBeGreaterThanOrEqual(0);
  expect(roughness).toBeLessThanOrEqual(1);
  const painted = await map.evaluate((canvas) => {
    const c = canvas as HTMLCanvasElement;
    const pixels = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
    const colours = new Set<number>();
    let opaque = 0;
    for (let i = 0; i < pixels.length; i += 4)
      if (pixels[i + 3] > 0) {
        opaque++;
        colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
      }
    return { opaque, total: pixels.length / 4, colours: colours.size };
  });
  expect(painted.opaque / painted.total).toBeGreaterThan(0.3);
  // A heat map, not one flat colour.
  expect(painted.colours).toBeGreaterThan(20);
  await expect(figure(page)).toContainText(/Roughness \d\.\d{3}/);
  await expect(figure(page)).toContainText('21×21 grid over ±0.25');
  await expect(status(page)).toContainText(/validation loss [\d.e+-]+, accuracy [\d.]+%/);
  await figure(page).scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/landscape.png' });

  // A finer grid, stopped after its first rows: a note saying where it stopped, the last picture
  // kept, and the panel ready for the next request.
  await section.getByRole('combobox', { name: 'Grid' }).selectOption({ label: '31×31' });
  await section.getByRole('button', { name: 'Compute landscape', exact: true }).click();
  await expect.poll(async () => Number((await landscapeProgress(page).getAttribute('value')) ?? 0), { timeout: 60_000 }).toBeGreaterThan(0);
  await section.getByRole('button', { name: 'Stop landscape', exact: true }).click();
  await expect(section.getByText(/Stopped at \d+%; the weights are as training left them\./)).toBeVisible({ timeout: 30_000 });
  await expect(landscapeProgress(page)).toHaveCount(0);
  await expect(figure(page)).toContainText('21×21 grid over ±0.25');
  await expect(section.getByRole('button', { name: 'Compute landscape', exact: true })).toBeEnabled();
  await page.screenshot({ path: 'test-results/landscape-stopped.png' });
});
