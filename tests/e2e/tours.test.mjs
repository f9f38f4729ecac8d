// Every lesson's guided tour plays from its first stop to its last in the release build: it
// pauses at each stop's step (within its leg) and its injected faults apply without an error.
// What each stop claims about the run is checked natively (app/src/tour.rs,
// `every_shipped_tour_plays_end_to_end`, and each lesson's tests).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

// Every lesson's tour, and the step of each of its stops (within its leg: a stop that names a
// scenario starts a new run), read from the tour files themselves.
const lessonsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../app/src/lessons');
const LESSONS = Object.fromEntries(readdirSync(lessonsDir)
  .filter((id) => existsSync(path.join(lessonsDir, id, 'tour.json')))
  .map((id) => [id, JSON.parse(readFileSync(path.join(lessonsDir, id, 'tour.json'), 'utf8')).stops.map((s) => s.step)]));

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
      assert.equal(total, stops.length);
      for (let i = 0; i < total; i++) {
        await until(`stop ${i + 1}`, () => page.locator(tid('tour-progress')).textContent(),
          (t) => t === `Stop ${i + 1} of ${total}`);
        const step = await until(`paused at stop ${i + 1}`, async () => {
          const travelling = await page.locator('.tour-travelling').count();
          return travelling === 0 ? (await position(page)).step : null;
        }, (s) => s !== null && s === stops[i], { timeout: 15000 });
        assert.ok(step >= 0);
        assert.equal(await page.locator(tid('error-banner')).count(), 0, `no error at stop ${i + 1}`);
        await page.locator(tid('tour-next')).click();
      }
      await until('the tour is over', () => page.locator(tid('tour-panel')).count(), (n) => n === 0);
    }));
}
