import { expect, type Page } from '@playwright/test';

/** Shared by the canvas-at-depth browser tests (blocks, layout direction). */

export const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Main toolbar' });

/** A start screen may greet the user at launch; it is not what these tests are about. */
export async function dismissWelcome(page: Page): Promise<void> {
  const welcome = page.getByRole('dialog', { name: 'Welcome' });
  if (await welcome.isVisible().catch(() => false)) {
    await page.keyboard.press('Escape');
    if (await welcome.isVisible().catch(() => false))
      await welcome
        .getByRole('button', { name: /close|start|new design/i })
        .first()
        .click();
    await expect(welcome).toBeHidden();
  }
}

export async function exampleNames(page: Page): Promise<string[]> {
  await toolbar(page).getByRole('button', { name: 'Examples', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Examples' });
  const labels = await dialog.getByRole('button', { name: /^Open example / }).evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''));
  await page.keyboard.press('Escape');
  return labels.map((l) => l.replace(/^Open example /, ''));
}

export async function openExample(page: Page, name: string): Promise<void> {
  await toolbar(page).getByRole('button', { name: 'Examples', exact: true }).click();
  await page
    .getByRole('dialog', { name: 'Examples' })
    .getByRole('button', { name: `Open example ${name}`, exact: true })
    .click();
  // Opening another example over an edited one asks first.
  const discard = page.getByRole('button', { name: 'Discard changes' });
  if (await discard.isVisible({ timeout: 1000 }).catch(() => false)) await discard.click();
  await expect(page.getByRole('dialog', { name: 'Examples' })).toBeHidden();
  // Opening lays the network out (ELK, loaded on first use, asynchronous): give it time to start,
  // then wait until the viewport stops moving.
  await page.waitForTimeout(2000);
  let last = '';
  await expect
    .poll(
      async () => {
        const now = await page.locator('.react-flow__viewport').getAttribute('style');
        const stable = now === last;
        last = now ?? '';
        return stable;
      },
      { intervals: [400, 400, 400, 600, 800], timeout: 20_000 },
    )
    .toBe(true);
}
