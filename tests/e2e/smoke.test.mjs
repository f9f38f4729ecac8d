// Smoke test of the release build, whatever the app shows: it loads from a sub-folder, the wasm
// app starts, its name is visible, a click on a button reaches it, and nothing logs an error or
// fails to load. Screenshots at both screen sizes: tests/output/smoke-<width>x<height>.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VIEWPORTS, gotoApp, launchBrowser, openPage, screenshot } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

for (const viewport of VIEWPORTS) {
  test(`loads, starts and takes a click with no error (${viewport.width}x${viewport.height})`, async () => {
    const { context, page, problems } = await openPage(browser, viewport);
    try {
      await gotoApp(page);
      assert.match(await page.title(), /Spacetime/);
      // The page is up: its lessons are on screen (below 900px the brand gives way to them).
      await page.locator('[data-testid="lesson-clocks"]').waitFor({ state: 'visible' });
      if (viewport.width > 900) {
        await page.getByText('Spacetime', { exact: true }).first().waitFor({ state: 'visible' });
      }

      const button = page.locator('button[data-testid]:visible').first();
      await button.waitFor({ state: 'visible' });
      await button.click();

      await page.waitForTimeout(300); // let a frame or two render
      await screenshot(page, 'smoke');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}
