/**
 * The engine worker's wasm thread count follows the design in the isolated web host: threads for
 * designs with convolutions, one thread for the rest (src/engine/backends/threadChoice.ts says why),
 * switched when Train meets the other kind, without losing the runs already made; `?threads=N` wins.
 */
import { expect, test, type Page } from '@playwright/test';
import { dismissWelcome, openExample, toolbar } from './blocksHelpers';

const training = (page: Page) => page.getByRole('region', { name: 'Training' });
const backendLine = (page: Page) => training(page).locator('.backend-line');
const appStatus = (page: Page) => page.getByRole('contentinfo').getByRole('status');
const DENSE_REASON = 'SIMD on, threads off: without convolutions the thread pool costs more than it saves';

async function trainUntilFirstEpochShows(page: Page): Promise<void> {
  await toolbar(page).getByRole('button', { name: 'Train', exact: true }).click();
  await expect(training(page).getByRole('status').first()).toContainText(/Epoch \d+\/\d+/, { timeout: 240_000 });
}

async function stop(page: Page): Promise<void> {
  await toolbar(page).getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(training(page).getByRole('status').first()).toContainText(/Stopped after/, { timeout: 120_000 });
}

test.describe('wasm threads per design in the isolated web host', () => {
  test.describe.configure({ timeout: 600_000 });

  test('a dense example trains on one thread and a convolutional one on one per core, each saying why, runs kept', async ({ page }) => {
    await page.goto('/');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    await dismissWelcome(page);

    await openExample(page, 'Residual MLP-20');
    await expect(appStatus(page)).toContainText('Opened example Residual MLP-20');
    await trainUntilFirstEpochShows(page);
    await expect(backendLine(page)).toContainText(`Backend: wasm (${DENSE_REASON})`);
    // The status line follows the run instead of keeping what it said before.
    await expect(appStatus(page)).not.toContainText('Opened example');
    await expect(appStatus(page)).toContainText(/^Training .*: epoch \d+\/20/);
    await page.screenshot({ path: test.info().outputPath('dense-one-thread.png') });
    await stop(page);

    await openExample(page, 'ResNet-20 (CIFAR)');
    await trainUntilFirstEpochShows(page);
    const threads = Math.min(cores, 8);
    await expect(backendLine(page)).toContainText(
      `Backend: wasm (SIMD on, ${threads} thread${threads === 1 ? '' : 's'} (${cores} core${cores === 1 ? '' : 's'}), one per core for the convolutions)`,
    );
    await page.screenshot({ path: test.info().outputPath('conv-threads.png') });
    await stop(page);
    // The first run is still listed: replacing the worker lost nothing the user had.
    await expect(training(page).getByRole('list', { name: 'Runs' }).getByRole('listitem')).toHaveCount(2);
  });

  test('?threads=N wins over the design', async ({ page }) => {
    await page.goto('/?threads=2');
    await dismissWelcome(page);
    await openExample(page, 'Residual MLP-20');
    await trainUntilFirstEpochShows(page);
    await expect(backendLine(page)).toContainText('Backend: wasm (SIMD on, 2 threads');
    await expect(backendLine(page)).toContainText('set by ?threads=2');
    await stop(page);
  });
});
