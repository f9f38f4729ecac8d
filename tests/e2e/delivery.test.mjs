// The delivery lesson in the release build: TCP recovers from a dropped data segment (the
// timer runs out, the segment goes again, the stream completes) and from a dropped ACK (the
// copy is discarded and acknowledged again); the Two Generals' last messenger can be killed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  clickSvg,
  diagramState,
  openLesson,
  position,
  press,
  screenshot,
  tid,
  toEnd,
  until,
  waitForStep,
  withApp,
} from './helpers.mjs';

let browser;
before(async () => {
  const { launchBrowser } = await import('./helpers.mjs');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const app = (body, viewport) => withApp(browser, body, viewport);

/** The messages drawn, with their labels and fates. */
function arrows(page) {
  return page.evaluate(() => [...document.querySelectorAll('[data-testid="diagram"] g[data-fate]')].map((g) => ({
    id: Number(g.dataset.testid.slice('msg-'.length)),
    fate: g.dataset.fate,
    label: g.querySelector('.msg-label')?.textContent ?? '',
    again: g.classList.contains('again'),
    y2: Number(g.querySelector('.arrow-line').getAttribute('y2')),
  })));
}

/** Opens the delivery lesson on scenario `name`, at step 0. */
async function openScenario(page, name) {
  await openLesson(page, 'delivery');
  await page.locator(tid('scenario-select')).selectOption(name);
  await waitForStep(page, 0);
}

/** Steps forward until a message whose label matches `pattern` is in flight; returns it. */
async function stepUntilInFlight(page, pattern) {
  const { total } = await position(page);
  for (let i = 0; i < total; i++) {
    const flying = (await arrows(page)).find((a) => a.fate === 'InFlight' && pattern.test(a.label));
    if (flying) return flying;
    const { step } = await position(page);
    await press(page, 'btn-forward', step + 1);
  }
  throw new Error(`no message matching ${pattern} was ever in flight`);
}

/** Steps from the start until the narration matches `pattern`; returns its text. */
async function stepUntilNarration(page, pattern) {
  await press(page, 'btn-rewind', 0);
  const { total } = await position(page);
  for (let i = 0; i < total; i++) {
    const text = await page.locator(tid('narration')).textContent();
    if (pattern.test(text)) return text;
    await press(page, 'btn-forward', i + 1);
  }
  throw new Error(`no step's narration matches ${pattern}`);
}

const badge = async (page, name) => page.locator(tid(`badge-${name}`)).getAttribute('data-state');
/** Whether a property holds in the run as far as shown (promised or not). */
const holds = async (page, name) => (await page.locator(tid(`badge-${name}`)).getAttribute('data-holds')) === 'true';

describe('TCP over a network that loses what the learner drops', () => {
  test('a dropped data segment times out, goes again, and the stream completes', async () => {
    await app(async (page) => {
      await openScenario(page, 'tcp-handshake');
      const segment = await stepUntilInFlight(page, /^DATA \d+\.\.\d+$/);
      await clickSvg(page, `msg-${segment.id}`);
      await page.keyboard.press('d');
      await until('the segment is dropped', async () => (await arrows(page)).find((a) => a.id === segment.id)?.fate,
        (f) => f === 'Died');
      // Its timer is running on the client's lane, counting down.
      await until('a timer counts down', () => page.locator('.timer.running').count(), (n) => n > 0);
      await toEnd(page);
      const all = await arrows(page);
      const again = all.filter((a) => a.again);
      assert.ok(again.some((a) => a.label === `${segment.label} (again)`), JSON.stringify(again));
      assert.ok(await page.locator('.timer:not(.running)').count() > 0, 'the timer that went off stays drawn');
      assert.match(await page.locator('.timer:not(.running) .timer-label').first().textContent(), /fired$/);
      assert.equal((await page.locator(tid('delivered-1')).textContent()).length, 300);
      assert.equal(await badge(page, 'exact-stream'), 'ok');
      assert.equal(await badge(page, 'complete'), 'ok');
      // The time / sequence plot has a mark per DATA segment sent and per ACK the client got.
      const clientY = (await diagramState(page)).lanes.find((l) => l.p === 0).y;
      const expected = all.filter((a) => /^DATA /.test(a.label)).length
        + all.filter((a) => /^ACK \d+$/.test(a.label) && a.fate === 'Received' && Math.abs(a.y2 - clientY) < 1).length;
      const sequence = page.locator(tid('plot-sequence'));
      assert.equal(Number(await sequence.getAttribute('data-points')), expected);
      assert.ok(await sequence.locator('svg text').count() > 0, 'the plot has its axes labelled');
      assert.ok(Number(await page.locator(tid('plot-timers')).getAttribute('data-points')) > 0);
      await page.locator('details.plot summary', { hasText: 'Goodput' }).click();
      await page.locator(tid('plot-sweep')).click();
      await until('the goodput sweep', async () => Number(await page.locator(tid('plot-goodput')).getAttribute('data-points')), (n) => n >= 6);
      await screenshot(page, 'tcp-plots');
      await stepUntilNarration(page, /ran out before its ACK came/);
      await screenshot(page, 'tcp-timeout');
    });
  });

  test('a dropped ACK makes a duplicate that the server discards and acknowledges again', async () => {
    await app(async (page) => {
      await openScenario(page, 'tcp-handshake');
      const ack = await stepUntilInFlight(page, /^ACK \d+$/);
      // The ACK of the handshake's SYN-ACK leaves the client; wait for one the server sends.
      const fromServer = ack.label !== 'ACK 301' ? ack : await (async () => {
        await press(page, 'btn-forward', (await position(page)).step + 1);
        return stepUntilInFlight(page, /^ACK (?!301$)\d+$/);
      })();
      await clickSvg(page, `msg-${fromServer.id}`);
      await page.keyboard.press('d');
      await toEnd(page);
      const text = await stepUntilNarration(page, /this is a copy/);
      assert.match(text, /discards it, delivering nothing twice, and acknowledges again/);
      await toEnd(page);
      assert.equal((await page.locator(tid('delivered-1')).textContent()).length, 300);
      assert.equal(await badge(page, 'exact-stream'), 'ok');
    });
  });
});

describe('the Two Generals', () => {
  test('killing the last messenger leaves one general attacking alone', async () => {
    await app(async (page) => {
      await openScenario(page, 'generals-acknowledge');
      await toEnd(page);
      assert.ok(await holds(page, 'agreement'));
      await page.locator(tid('action-kill-last-messenger')).click();
      await until('the intervention is recorded', () => page.locator(`${tid('interventions')} li`).count(), (n) => n === 1);
      // With resending, the waiting general asks again: keep killing the new last messenger.
      for (let i = 0; i < 8; i++) {
        await toEnd(page);
        if (!(await holds(page, 'agreement'))) break;
        await page.locator(tid('action-kill-last-messenger')).click();
      }
      await toEnd(page);
      assert.equal(await holds(page, 'agreement'), false);
      assert.match(await page.locator(tid('badge-agreement')).getAttribute('class'), /\bbroken\b/);
      assert.match(await page.locator(tid('badge-agreement')).textContent(), /messenger/);
      await screenshot(page, 'generals');
    });
  });
});

test('the inspector runs a timeout out early: the client retransmits at once', () =>
  app(async (page) => {
    await openScenario(page, 'tcp-handshake');
    // After step 3 the client's first data segment is out and its retransmission timer runs.
    await press(page, 'btn-forward');
    await press(page, 'btn-forward');
    await press(page, 'btn-forward', 3);
    await clickSvg(page, 'lane-0');
    await page.locator(tid('inspect-process')).waitFor();
    const fire = page.locator(tid('btn-fire'), { hasText: 'rto' });
    await fire.waitFor();
    await fire.click();
    await waitForStep(page, 4);
    assert.match(await page.locator(tid('narration')).textContent(), /You make client's rto run out now\./);
    await until('the link holds the hurried timeout', () => decodeURIComponent(page.url()),
      (u) => /iv=3:fire:client:rto/.test(u));
    assert.match(await page.locator(tid('narration')).textContent(), /client sends DATA 101\.\.200 \(again\)/);
    assert.equal(await page.locator(tid('error-banner')).count(), 0);
    await screenshot(page, 'tcp-rto-hurried');
  }));
