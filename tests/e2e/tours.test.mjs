// Every lesson's guided tour plays from its first stop to its last in the release build: it
// pauses at each stop's step, its injected faults apply without an error, and what its last stop
// says holds on screen (Gossip's P2 never hears the rumour; Paxos chooses x; MapReduce is right).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  launchBrowser, openLesson, position, tid, until, withApp,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const LESSONS = {
  clocks: [3, 5, 6, 10, 14, 19],
  delivery: null,
  broadcast: null,
  gossip: [1, 2, 5, 10],
  paxos: [1, 2, 11, 22],
  mapreduce: [2, 18, 19, 48, 68, 98],
};

for (const [lesson, stops] of Object.entries(LESSONS)) {
  test(`the ${lesson} tour plays through every stop`, () =>
    withApp(browser, async (page) => {
      await openLesson(page, lesson);
      await page.locator(tid('tour-button')).click();
      await page.locator(tid('tour-panel')).waitFor();
      await page.locator(tid('speed')).fill('8');
      await page.locator(tid('tour-next')).click(); // Start
      const total = Number(/of (\d+)/.exec(await until('the first stop', () =>
        page.locator(tid('tour-progress')).textContent(), (t) => /^Stop 1 of/.test(t ?? '')))[1]);
      if (stops) assert.equal(total, stops.length);
      for (let i = 0; i < total; i++) {
        await until(`stop ${i + 1}`, () => page.locator(tid('tour-progress')).textContent(),
          (t) => t === `Stop ${i + 1} of ${total}`);
        const step = await until(`paused at stop ${i + 1}`, async () => {
          const travelling = await page.locator('.tour-travelling').count();
          return travelling === 0 ? (await position(page)).step : null;
        }, (s) => s !== null && (!stops || s === stops[i]), { timeout: 10000 });
        assert.ok(step >= 0);
        assert.equal(await page.locator(tid('error-banner')).count(), 0, `no error at stop ${i + 1}`);
        if (i === total - 1) {
          if (lesson === 'gossip') {
            assert.equal(await page.locator(tid('badge-coverage')).getAttribute('data-holds'), 'false',
              'P2 never heard the rumour');
          }
          if (lesson === 'paxos') {
            assert.equal(await page.locator(tid('chosen-value')).textContent(), 'x');
          }
          if (lesson === 'mapreduce') {
            assert.equal(await page.locator(tid('badge-correct-output')).getAttribute('data-holds'), 'true');
            assert.ok((await page.locator('[data-testid="map-2"]').getAttribute('data-starts')) === '2',
              'map 2 ran again after W3 died');
          }
        }
        await page.locator(tid('tour-next')).click();
      }
      await until('the tour is over', () => page.locator(tid('tour-panel')).count(), (n) => n === 0);
    }));
}
