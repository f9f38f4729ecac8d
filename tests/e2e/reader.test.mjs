// The lesson text beside the live diagram, at both screen sizes: the "Lesson" button opens it
// in the side column (under the diagram on a narrow screen) while the diagram stays in view, and
// a "show me" link loads its scenario, moves the cursor to its step and selects its event.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  VIEWPORTS, gotoApp, launchBrowser, openPage, position, screenshot, tid, until, waitForStep,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Whether the box lies inside the viewport, at least `min` pixels of it each way. */
const onScreen = (box, v, min = 40) => box && box.width >= min && box.height >= Math.min(min, 14)
  && box.x >= -1 && box.y >= -1 && box.x + min <= v.width && box.y + Math.min(min, 14) <= v.height;

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  test(`${size}: the lesson text reads beside the diagram, and "show me" shows it`, async () => {
    const { context, page, problems } = await openPage(browser, viewport);
    try {
      await gotoApp(page, '?lesson=clocks');
      await page.locator(tid('diagram')).waitFor();
      await page.locator(tid('lesson-button')).click();
      const reader = page.locator(tid('lesson-reader'));
      await reader.waitFor();
      assert.equal(await page.locator(tid('lesson-button')).getAttribute('aria-pressed'), 'true');

      // The link about a concurrent pair: it opens that scenario at step 5 with b selected.
      const link = reader.locator(`${tid('show-me')}[data-query^="s=clocks-concurrent-pair"]`);
      await link.scrollIntoViewIfNeeded();
      const diagram = page.locator('.diagram-pane');
      // Both the text and the diagram are on screen together.
      const linkBox = await link.boundingBox();
      assert.ok(onScreen(linkBox, viewport, 20), `the link is on screen: ${JSON.stringify(linkBox)}`);
      const diagramBox = await diagram.boundingBox();
      assert.ok(onScreen(diagramBox, viewport), `the diagram is on screen while reading: ${JSON.stringify(diagramBox)}`);
      await screenshot(page, 'reader-open');

      await link.click();
      await waitForStep(page, 5);
      await until('the pair\'s scenario is loaded', () => page.locator(tid('lesson-scenario-title')).textContent(),
        (t) => t === 'Concurrent, yet ordered by Lamport');
      await page.locator(tid('inspect-event')).waitFor();
      assert.match(await page.locator(tid('inspect-event')).textContent(), /Event #4 on P3.*Labelb.*Lamport3/);
      await until('the address follows', () => decodeURIComponent(page.url()),
        (u) => /s=clocks-concurrent-pair.*step=5.*sel=e4/.test(u));
      // The text stays open, and the diagram in view.
      assert.equal(await reader.count(), 1);
      assert.ok(onScreen(await diagram.boundingBox(), viewport), 'the diagram is still on screen');
      assert.equal((await position(page)).step, 5);
      await screenshot(page, 'reader-show-me');

      // Closing it gives the side column back.
      await page.locator(tid('lesson-reader-close')).click();
      await until('the text closes', () => reader.count(), (n) => n === 0);
      if (problems.length) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
    } finally {
      await context.close();
    }
  });
}
