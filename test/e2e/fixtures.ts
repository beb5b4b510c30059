/**
 * The `test` and `expect` of the browser specs. `test` fails any test whose page threw an uncaught
 * error (collected from the first navigation to the end of the test, checked after the test's own
 * steps), so no spec repeats that bookkeeping in its hooks. Specs import `test`, `expect` and the
 * Playwright types from here.
 */
import { test as base, expect, type Page } from '@playwright/test';

export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await use(errors);
      expect(errors, 'uncaught errors in the page').toEqual([]);
    },
    { auto: true },
  ],
});

/** Everything else (expect, Page, Locator, …) as Playwright has it; `test` above takes the place of its own. */
export * from '@playwright/test';

/**
 * Removes the File System Access pickers before the app loads, so it falls back to `<input type=file>`
 * and downloads, which Playwright can drive (the pickers it cannot).
 */
export async function withoutFilePickers(page: Page): Promise<void> {
  await page.addInitScript(() => {
    for (const name of ['showOpenFilePicker', 'showSaveFilePicker', 'showDirectoryPicker']) delete (window as unknown as Record<string, unknown>)[name];
  });
}
