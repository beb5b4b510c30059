import { readFileSync } from 'node:fs';
import { expect, test, type Page } from './fixtures';

/** The start screen: shown at launch, every action reachable from the keyboard, and an example that trains. */

const welcome = (page: Page) => page.getByRole('dialog', { name: 'Welcome' });
const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Main toolbar' });
const training = (page: Page) => page.getByRole('region', { name: 'Training' });
const problems = (page: Page) => page.getByRole('region', { name: 'Problems' });
const nodes = (page: Page) => page.locator('.react-flow__node');

/** Tabs from the focused element until `name` has focus, then presses Enter: the keyboard path. */
async function activateByKeyboard(page: Page, name: string | RegExp): Promise<void> {
  const target = welcome(page).getByRole('button', { name, exact: typeof name === 'string' });
  for (let i = 0; i < 80; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached the Welcome button ${String(name)}`);
}

test.beforeEach(async ({ page }) => {
  await page.goto('/?host=memory');
  await expect(welcome(page)).toBeVisible();
});

test('appears at launch with the lessons, the examples, New design and Open…', async ({ page }) => {
  await expect(welcome(page).getByRole('button', { name: /^Open lesson / })).toHaveCount(11);
  await expect(welcome(page).getByRole('button', { name: /^Open example / })).toHaveCount(8);
  await expect(welcome(page).getByRole('button', { name: 'New design', exact: true })).toBeFocused();
  await expect(welcome(page).getByRole('button', { name: 'Open…', exact: true })).toBeVisible();
  await expect(welcome(page)).toContainText('1000 layers');
  await expect(welcome(page).locator('svg.graph-sketch')).toHaveCount(8);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.screenshot({ path: 'test-results/welcome.png' });
});

test('Escape leaves a small valid starter design, not an empty canvas full of errors', async ({ page }) => {
  await page.keyboard.press('Escape');
  await expect(welcome(page)).toBeHidden();
  await expect(nodes(page)).toHaveCount(3);
  await expect(problems(page)).toContainText('No problems');
  await expect(training(page).getByRole('note', { name: 'Training preset' })).toContainText('Settings from the design file (Starter design)');
});

test('New design from the keyboard gives an empty canvas', async ({ page }) => {
  await activateByKeyboard(page, 'New design');
  await expect(welcome(page)).toBeHidden();
  await expect(nodes(page)).toHaveCount(0);
});

test('Open… from the keyboard opens the picked file', async ({ page }) => {
  const text = readFileSync('assets/examples/projection-shortcut.rescanvas.json', 'utf8');
  await page.evaluate((t) => {
    window.__rescanvasTestHost!.files.set('picked.rescanvas.json', t);
    window.__rescanvasTestHost!.nextOpen = 'picked.rescanvas.json';
  }, text);
  await activateByKeyboard(page, 'Open…');
  await expect(welcome(page)).toBeHidden();
  await expect(page.getByRole('contentinfo').getByRole('status')).toContainText('Opened picked.rescanvas.json');
  await expect(nodes(page).first()).toBeVisible();
});

test('a lesson opens from the keyboard', async ({ page }) => {
  await activateByKeyboard(page, 'Open lesson 1000 layers');
  await expect(welcome(page)).toBeHidden();
  await expect(page.getByRole('complementary', { name: 'Lesson' })).toContainText('1000 layers');
});

test('an example opens from the keyboard with its training preset', async ({ page }) => {
  await activateByKeyboard(page, 'Open example Residual MLP-56');
  await expect(welcome(page)).toBeHidden();
  await expect(nodes(page).first()).toBeVisible();
  const note = training(page).getByRole('note', { name: 'Training preset' });
  await expect(note).toContainText('Settings from the design file (Residual MLP-56)');
  await expect(training(page).getByRole('spinbutton', { name: 'Turns', exact: true })).toHaveValue('1.25');
  // Changing a field is allowed; the note says what changed and offers the file's settings back.
  await training(page).getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('3');
  await expect(note).toContainText('changed: epochs');
  await note.getByRole('button', { name: "Use the file's settings" }).click();
  await expect(training(page).getByRole('spinbutton', { name: 'Epochs', exact: true })).toHaveValue('20');
});

test('Residual MLP-20 from the start screen, Train with nothing changed: validation accuracy ≥ 95 %', async ({ page }) => {
  test.setTimeout(600_000);
  await welcome(page).getByRole('button', { name: 'Open example Residual MLP-20', exact: true }).click();
  const train = toolbar(page).getByRole('button', { name: 'Train', exact: true });
  await expect(train).toBeEnabled({ timeout: 60_000 });
  await train.click();
  const status = training(page).getByRole('status');
  await expect(status).toContainText(/validation loss [\d.e+-]+, accuracy [\d.]+%/, { timeout: 540_000 });
  const text = (await status.textContent()) ?? '';
  const accuracy = Number(/validation loss [\d.e+-]+, accuracy ([\d.]+)%/.exec(text)?.[1]);
  expect(accuracy, text).toBeGreaterThanOrEqual(95);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.screenshot({ path: 'test-results/welcome-trained.png' });
});
