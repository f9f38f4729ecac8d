// The gossip lesson's coverage plot, at both screen sizes: measured on demand, cell by cell, it
// draws every size and fanout, and its summary states what the lesson text says (about 80%
// reached with a fanout of two in a large network, rarely everyone).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  VIEWPORTS, gotoApp, launchBrowser, openPage, screenshot, tid, until,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  test(`${size}: the coverage plot measures 4 to 256 processes on demand`, async () => {
    const { context, page, problems } = await openPage(browser, viewport);
    try {
      await gotoApp(page, '?s=gossip-one-rumour');
      await page.locator(tid('diagram')).waitFor();
      const plots = page.locator(tid('plots-gossip'));
      await plots.locator('summary').click();
      await page.locator(tid('plot-gossip-sweep')).click();
      const plot = page.locator(tid('plot-gossip-coverage'));
      // Seven sizes by three fanouts, two marks each, once the last cell is in.
      await until('every cell is measured', () => plot.getAttribute('data-points'), (n) => Number(n) === 42,
        { timeout: 30000 });
      await until('the button is free again', () => page.locator(tid('plot-gossip-sweep')).isDisabled(), (d) => !d);
      const summary = await page.locator(tid('plot-gossip-summary')).textContent();
      const two = /fanout 2: (\d+)% reached on average among 256, everyone in (\d+)% of runs/.exec(summary);
      assert.ok(two, summary);
      assert.ok(Math.abs(Number(two[1]) - 80) <= 4, summary);
      assert.ok(Number(two[2]) <= 5, summary);
      await plot.scrollIntoViewIfNeeded();
      await screenshot(page, 'gossip-coverage-plot');
      if (problems.length) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
    } finally {
      await context.close();
    }
  });
}
