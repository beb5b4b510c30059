import { expect, type Page } from '@playwright/test';

/** The start screen opens at launch; tests that begin from an empty canvas choose New design on it. */
export async function startWithNewDesign(page: Page): Promise<void> {
  const welcome = page.getByRole('dialog', { name: 'Welcome' });
  await welcome.getByRole('button', { name: 'New design', exact: true }).click();
  await expect(welcome).toBeHidden();
}
