// A big log imported: read in slices, a progress card saying how far, the page painting all the
// while; then drawn at its end. (The 100,000-event log of the browser benchmark.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { VIEWPORTS, gotoApp, launchBrowser, openPage, tid, until } from './helpers.mjs';
import { govectorLog } from '../bench/inputs.mjs';

const EVENTS = 100000;
const LOG = govectorLog(EVENTS, 16);
/** Reading and replaying the log: a few seconds here, more on a busy machine. */
const LOAD_MS = 120000;

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

describe('a big log is read in slices, a progress card showing', () => {
  test('the card counts the lines read while the page keeps painting; then the log is drawn', async () => {
    const { context, page, problems } = await openPage(browser, VIEWPORTS[0]);
    page.setDefaultTimeout(LOAD_MS);
    try {
      await gotoApp(page, '?lesson=clocks', LOAD_MS);
      await page.locator(tid('activity-import')).click();
      await page.locator(tid('import-text')).waitFor();
      await page.$eval(tid('import-text'), (el, text) => {
        el.value = text;
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, LOG);
      // From the press of Import: each text the card shows, the frames painted while it shows,
      // and the long tasks.
      await page.evaluate(() => {
        window.__card = { texts: [], framesWhileShown: 0 };
        window.__long = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.__long.push(Math.round(e.duration));
        }).observe({ type: 'longtask' });
        const look = () => {
          const card = document.querySelector('[data-testid="run-progress"]');
          if (card) {
            const text = card.textContent;
            if (window.__card.texts.at(-1) !== text) window.__card.texts.push(text);
            window.__card.framesWhileShown++;
          }
          requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
        document.querySelector('[data-testid="import-run"]').click();
      });
      await until('the log is drawn at its last step', () => page.locator(tid('step-count')).textContent(),
        (t) => t === `step ${EVENTS} / ${EVENTS}`, { timeout: LOAD_MS, interval: 100 });
      const card = await page.evaluate(() => window.__card);
      const reading = card.texts.filter((t) => /^Reading the log: [\d,]+ of [\d,]+ lines$/.test(t));
      assert.ok(reading.length >= 2, `the card counted the lines read: ${JSON.stringify(card.texts)}`);
      assert.ok(card.texts.some((t) => /^Running \u201c.*\u201d: [\d,]+ of at most [\d,]+ steps/.test(t)),
        `then the replay: ${JSON.stringify(card.texts)}`);
      assert.ok(card.framesWhileShown >= 5, `frames painted while the log was read: ${card.framesWhileShown}`);
      assert.equal(await page.locator(tid('run-progress')).count(), 0, 'the card is gone once the log shows');
      assert.match(await page.locator(tid('import-summary')).textContent(), /^Imported 100000 events on 16 hosts/);
      const long = await page.evaluate(() => window.__long);
      console.log(`long tasks during the import (ms): ${JSON.stringify(long)}`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
