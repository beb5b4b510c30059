/**
 * The globals tests and benchmarks use, and the in-memory `?host=memory` host, exist only on a page
 * driven by automation. Chromium with `--disable-blink-features=AutomationControlled` reports
 * `navigator.webdriver === false`, as a person's browser (or the desktop app) does.
 */
import { expect, test } from '@playwright/test';

const HOOKS = ['__rescanvasStore', '__rescanvasStats', '__rescanvasBadgeRenders', '__rescanvasParse', '__rescanvasTestHost'] as const;

const present = () => (names: readonly string[]) => names.filter((n) => n in window);

test('a page driven by automation has the test hooks', async ({ page }) => {
  await page.goto('/?host=memory');
  await expect(page.getByRole('region', { name: 'Canvas' })).toBeVisible();
  expect(await page.evaluate(() => navigator.webdriver)).toBe(true);
  expect(await page.evaluate(present(), HOOKS)).toEqual([...HOOKS]);
});

test('a page a person opens has none of them, and ?host=memory is ignored', async ({ playwright, baseURL }, testInfo) => {
  const launch = testInfo.project.use.launchOptions ?? {};
  const browser = await playwright.chromium.launch({ ...launch, args: [...(launch.args ?? []), '--disable-blink-features=AutomationControlled'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(new URL('/?host=memory', baseURL).href);
    await expect(page.getByRole('region', { name: 'Canvas' })).toBeVisible();
    expect(await page.evaluate(() => navigator.webdriver)).toBe(false);
    expect(await page.evaluate(present(), HOOKS)).toEqual([]);
  } finally {
    await browser.close();
  }
});
