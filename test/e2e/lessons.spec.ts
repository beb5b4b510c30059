import { expect, test, type Page } from '@playwright/test';
import { startWithNewDesign } from './welcomeHelpers';

/**
 * Lessons from the UI on the web host: open one from the Lessons dialog, run its quick form on the
 * app's engine (a Web Worker on wasm), and read the outcome card's verdict and numbers.
 */

// Traces go to the shared test-results folder, which parallel runs by others may clear mid-test.
test.use({ trace: 'off' });

const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Main toolbar' });
const lessonPanel = (page: Page) => page.getByRole('complementary', { name: 'Lesson' });

async function openLesson(page: Page, title: string): Promise<void> {
  await toolbar(page).getByRole('button', { name: 'Lessons', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Lessons' });
  await expect(dialog.getByRole('listitem')).toHaveCount(11);
  await dialog.getByRole('button', { name: `Open lesson ${title}`, exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(lessonPanel(page).getByRole('heading', { name: new RegExp(title) })).toBeVisible();
}

test('a lesson opens from the gallery, loads its design and shows its steps', async ({ page }) => {
  await page.goto('/');
  await startWithNewDesign(page);
  await openLesson(page, 'Residuals fix it');
  await expect(lessonPanel(page).getByRole('listitem').first()).toContainText('plain-20, plain-56, residual-20 and residual-56');
  // The first run's design is on the canvas: plain-20 has 20 Dense-like weighted layers.
  await expect(page.locator('.react-flow__node').first()).toBeVisible();
  await expect(
    page
      .getByRole('region', { name: 'Canvas' })
      .getByLabel(/^Dense /)
      .first(),
  ).toBeVisible();
});

test('running a lesson through the engine shows an outcome card with numbers', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/');
  await startWithNewDesign(page);
  await openLesson(page, 'Gradients travel further');
  await lessonPanel(page).getByRole('button', { name: 'Run quick lesson' }).click();
  const card = lessonPanel(page).getByRole('region', { name: 'Lesson outcome' });
  await expect(card).toBeVisible({ timeout: 150_000 });
  await expect(card).toContainText('Outcome: held');
  await expect(card).toContainText(/measured \d/);
  await expect(card.getByRole('row')).toHaveCount(4);
  await page.screenshot({ path: 'test-results/lessons-outcome.png' });
});
