// The System models lesson in the release build, at the projector's size and an iframe's: a
// detector run switched between synchronous and asynchronous timing (the round marks come and
// go, and the perfect detector's accuracy is promised only with the bound), a false suspicion
// shown on the diagram, an election that survives one, the GST moved, and a badge's definition.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  VIEWPORTS, launchBrowser, screenshot, tid, toEnd, until, waitForStep, withApp,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const badge = (page, name) => page.locator(tid(`badge-${name}`)).getAttribute('data-state');
const marks = (page) => page.locator('[data-testid="diagram"] g.time-mark').evaluateAll((gs) =>
  gs.map((g) => ({ id: g.dataset.testid, gst: g.classList.contains('gst'), label: g.textContent })));

/** Opens the network panel and picks a timing model. */
async function pickTiming(page, value) {
  const details = page.locator('details.network');
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  await page.locator(tid('net-timing')).selectOption(value);
}

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;

  test(`${size}: a detector run switched between synchronous and asynchronous`, () =>
    withApp(browser, async (page) => {
      await toEnd(page);
      const rounds = await marks(page);
      assert.ok(rounds.length >= 2, `round marks: ${JSON.stringify(rounds)}`);
      // Every round is drawn; where they stand close, only every few carry a name.
      assert.ok(rounds.every((m) => /^(round \d+)?$/.test(m.label) && !m.gst), JSON.stringify(rounds));
      assert.ok(rounds.some((m) => m.label !== ''), JSON.stringify(rounds));
      assert.equal(await badge(page, 'strong-accuracy'), 'ok');
      await screenshot(page, `models-sync-${size}`);

      await pickTiming(page, 'asynchronous');
      await until('the rounds are gone', () => marks(page), (m) => m.length === 0);
      await toEnd(page);
      await until('strong accuracy is no longer promised', () => badge(page, 'strong-accuracy'), (s) => s === 'off');
      const why = await page.locator(tid('badge-strong-accuracy')).getAttribute('title');
      assert.match(why, /not promised here/, why);
      assert.match(await page.locator(tid('net-timing-hint')).textContent(), /no bound/);

      await pickTiming(page, 'synchronous');
      await until('the rounds are back', () => marks(page), (m) => m.length >= 2);
      await toEnd(page);
      await until('strong accuracy is promised again', () => badge(page, 'strong-accuracy'), (s) => s === 'ok');
    }, viewport, { rel: '?s=models-sync-detector' }));

  test(`${size}: a false suspicion is shown on the diagram`, () =>
    withApp(browser, async (page) => {
      await toEnd(page);
      const state = page.locator(tid('badge-strong-accuracy'));
      assert.equal(await state.getAttribute('data-state'), 'off');
      assert.match(await state.getAttribute('class'), /\bbroken\b/);
      assert.match(await state.textContent(), /P2 suspected P1/);
      await page.locator(tid('badge-show-strong-accuracy')).click();
      const selected = page.locator('[data-testid="diagram"] g.event circle.selected');
      await until('the suspicion is selected on the diagram', () => selected.count(), (n) => n === 1);
      await selected.scrollIntoViewIfNeeded();
      await screenshot(page, `models-false-suspicion-${size}`);
    }, viewport, { rel: '?s=models-async-false-suspicion' }));

  test(`${size}: an election survives a false suspicion`, () =>
    withApp(browser, async (page) => {
      await toEnd(page);
      assert.equal(await badge(page, 'eventual-agreement'), 'ok');
      assert.equal(await badge(page, 'strong-completeness'), 'ok');
      // The false suspicion before the GST did happen in this run.
      assert.match(await page.locator(tid('badge-strong-accuracy')).textContent(), /suspected P4 at tick 95, but P4 had not crashed/);
      // P4 wrongly turned to a leader of its own while P5 was alive, and turned back.
      assert.match(await page.locator(tid('badge-leader-accuracy')).textContent(), /at tick 122/);
    }, viewport, { rel: '?s=models-election' }));

  test(`${size}: the GST is marked and moves with its field`, () =>
    withApp(browser, async (page) => {
      await toEnd(page);
      await until('the GST is marked at 300', () => marks(page),
        (m) => m.length === 1 && m[0].gst && m[0].id === 'time-mark-300');
      await pickTiming(page, 'partial');
      const field = page.locator(tid('net-timing-number'));
      await field.fill('200');
      await field.press('Enter');
      await waitForStep(page, (await toEnd(page)).total);
      await until('the GST moved to 200', () => marks(page), (m) => m.length === 1 && m[0].id === 'time-mark-200');
      await screenshot(page, `models-gst-${size}`);
    }, viewport, { rel: '?s=models-partial-sync' }));

  test(`${size}: a badge's kind opens its definition`, () =>
    withApp(browser, async (page) => {
      await toEnd(page);
      await page.locator(tid('badge-kind-strong-accuracy')).click();
      const definition = page.locator(tid('badge-definition'));
      assert.match(await definition.textContent(), /finite bad prefix/);
      await page.locator(tid('badge-kind-strong-completeness')).click();
      assert.match(await definition.textContent(), /never happens/);
      await definition.scrollIntoViewIfNeeded();
      await screenshot(page, `models-definition-${size}`);
      await page.locator(tid('badge-definition-close')).click();
      await until('the definition closes', () => definition.count(), (n) => n === 0);
    }, viewport, { rel: '?s=models-sync-detector' }));
}
