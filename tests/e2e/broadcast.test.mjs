// The broadcast lesson in the release build: a sender crashing mid-broadcast breaks agreement
// under best-effort broadcast and not under reliable broadcast, on the badge and in the table.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  clickSvg, diagramState, launchBrowser, openLesson, position, press, screenshot, tid, toEnd, until, waitForStep, withApp,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('a crash mid-broadcast: agreement breaks under best-effort, holds under reliable', () =>
  withApp(browser, async (page) => {
    await openLesson(page, 'broadcast');
    await page.locator(tid('scenario-select')).selectOption('broadcast-best-effort-sender-crash');
    await waitForStep(page, 0);
    assert.equal(await page.locator(tid('variant-select')).inputValue(), 'best-effort');
    // Best-effort does not promise agreement: at the end the badge shows it broken, amber.
    await toEnd(page);
    const agreement = page.locator(tid('badge-agreement'));
    await until('agreement breaks', () => agreement.getAttribute('data-holds'), (h) => h === 'false');
    assert.match(await agreement.getAttribute('class'), /\bbroken\b/);
    assert.equal(await page.locator(tid('variant-best-effort-agreement')).getAttribute('data-holds'), 'false');
    await screenshot(page, 'broadcast-best-effort');

    // Reliable broadcast on the same scenario: the relays reach everyone; agreement is green.
    await page.locator(tid('variant-select')).selectOption('reliable');
    await toEnd(page);
    await until('agreement holds', () => agreement.getAttribute('data-state'), (s) => s === 'ok');
    assert.equal(await page.locator(tid('variant-reliable-agreement')).getAttribute('data-holds'), 'true');
    await screenshot(page, 'broadcast-reliable');
  }));

test('the lesson sweeps the cost of each variant and has exercises', () =>
  withApp(browser, async (page) => {
    await openLesson(page, 'broadcast');
    await page.locator('details.plot summary', { hasText: 'Messages per broadcast' }).click();
    await page.locator(tid('plot-broadcast-sweep')).click();
    const cost = page.locator(tid('plot-broadcast-cost'));
    await cost.waitFor();
    // Seven variants, three to ten processes each.
    assert.equal(Number(await cost.getAttribute('data-points')), 7 * 8);

    await page.locator(tid('activity-exercises')).click();
    await page.locator(tid('exercise-kind')).selectOption('causal-order');
    const choices = page.locator(`${tid('exercise-choices')} button`);
    await until('choices', () => choices.count(), (n) => n >= 2);
    await choices.first().click();
    const feedback = await until('feedback', () => page.locator(tid('exercise-feedback')).textContent(), Boolean);
    assert.match(feedback, /^(Right|Not)\b/);
    assert.doesNotMatch(feedback, /^Right\. Right/);
    assert.equal(await page.locator(tid('badges')).count(), 0, 'the badges would give the answer away');
    assert.equal(await page.locator(tid('delivered')).count(), 0, 'so would the delivery order');
    await screenshot(page, 'broadcast-exercise');
  }));

test('crashing the sender by hand mid-broadcast breaks agreement under best-effort', () =>
  withApp(browser, async (page) => {
    await openLesson(page, 'broadcast');
    await page.locator(tid('scenario-select')).selectOption('broadcast-fifo-overtake');
    await page.locator(tid('variant-select')).selectOption('best-effort');
    await waitForStep(page, 0);
    // Step until P1's first copy is on its way, and not yet its second.
    const { total } = await position(page);
    for (let i = 0; i < total; i++) {
      const sent = (await diagramState(page)).messages.length;
      if (sent === 1) break;
      await press(page, 'btn-forward', i + 1);
    }
    assert.equal((await diagramState(page)).messages.length, 1);
    await clickSvg(page, 'lane-0');
    await page.keyboard.press('c');
    await toEnd(page);
    const agreement = page.locator(tid('badge-agreement'));
    await until('agreement breaks', () => agreement.getAttribute('data-holds'), (h) => h === 'false');
    assert.match(await agreement.getAttribute('class'), /\bbroken\b/);
    assert.match(await agreement.textContent(), /never did/);
  }));

test('gossip reports its rounds to full coverage', () =>
  withApp(browser, async (page) => {
    await openLesson(page, 'broadcast');
    await page.locator(tid('scenario-select')).selectOption('broadcast-gossip-coverage');
    await toEnd(page);
    const lines = await page.locator(`${tid('gossip-coverage')} li`).allTextContents();
    assert.ok(lines.length > 0);
    for (const line of lines) assert.match(line, /^P\d+#\d+ reached all 8 processes within \d+ rounds?$/);
  }));
