import { test } from './fixtures';

test('an uncaught error in the page fails the test, in every spec that uses the shared test', async ({ page }) => {
  test.fail();
  await page.setContent('<p>page</p>');
  const thrown = page.waitForEvent('pageerror');
  await page.evaluate(() => {
    setTimeout(() => {
      throw new Error('deliberate page error');
    }, 0);
  });
  await thrown;
});
