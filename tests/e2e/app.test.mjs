// Behaviour of the release build in headless Chromium, one fresh page per test: it loads
// cleanly, plays, takes dropped messages and crashed processes (by button and by key), keeps an
// intervention when stepping back and forth, opens its help, switches clock labels, reports bad
// input without losing the run, and leaves screenshots of a broken run in tests/output/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  VIEWPORTS,
  clickSvg,
  diagramState,
  assertSameMarkup,
  drawnMarkup,
  eventsOn,
  launchBrowser,
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
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const app = (body, viewport) => withApp(browser, body, viewport);

/** Steps forward until some arrow is in flight; returns the first such message's id. */
async function stepToInFlight(page) {
  const { total } = await position(page);
  for (let i = 0; i < total; i++) {
    const { step } = await position(page);
    await press(page, 'btn-forward', step + 1);
    const flying = (await diagramState(page)).messages.find((m) => m.fate === 'InFlight');
    if (flying) return flying.id;
  }
  throw new Error('no message was ever in flight');
}

/** Selects message `id` in the diagram and waits for the inspector to show it in flight. */
async function selectMessage(page, id) {
  await clickSvg(page, `msg-${id}`);
  await until(`message #${id} is inspected`, () => page.locator('.inspector-title').textContent(),
    (t) => t?.includes(`#${id}`));
  await until('its fate reads "in flight"', () => page.locator(tid('message-fate')).textContent(),
    (t) => t === 'in flight');
}

/** Selects process `p` by clicking its lane and waits for the inspector's process panel. */
async function selectLane(page, p) {
  await clickSvg(page, `lane-${p}`);
  await page.locator(tid('inspect-process')).waitFor();
  await until(`lane ${p} is selected`, () => page.locator(tid(`lane-${p}`)).getAttribute('class'),
    (c) => /\bselected\b/.test(c ?? ''));
}

/**
 * Which message each shown receive event received, read from the inspector by selecting every
 * receive dot in turn (the DOM does not otherwise link a dot to its message).
 */
async function receivedMessages(page) {
  const ids = (await diagramState(page)).events.filter((e) => e.kind === 'receive').map((e) => e.id);
  const received = [];
  for (const id of ids) {
    await clickSvg(page, `event-${id}`);
    const text = await until(`receive event #${id} is inspected`, async () => {
      const title = await page.locator('.inspector-title').textContent();
      if (!title?.includes(`#${id} `)) return null;
      return page.locator(tid('inspect-message')).textContent();
    });
    received.push(Number(/^#(\d+)/.exec(text)[1]));
  }
  await page.keyboard.press('Escape');
  return received;
}


// -------------------------------------------------------------------------------------------

test('loads with no console error and draws a lane per process in every lesson', () =>
  app(async (page) => {
    // The first lesson's first scenario: two processes, nothing drawn yet.
    let state = await diagramState(page);
    assert.equal(state.lanes.length, 2);
    assert.equal(state.events.length, 0);
    assert.deepEqual(await position(page), { step: 0, total: 4 });
    await until('the narration invites to press play', () => page.locator(tid('narration')).textContent(),
      (t) => /press play/i.test(t ?? ''));
    // The lesson text, open beside the diagram, names each scenario once it is loaded.
    await page.locator(tid('lesson-button')).click();
    const lessons = await page.locator('.lesson-tabs button').evaluateAll((bs) =>
      bs.map((b) => b.dataset.testid.slice('lesson-'.length)));
    assert.ok(lessons.length >= 7, `every lesson has a tab: ${lessons}`);
    for (const lesson of lessons) {
      await openLesson(page, lesson);
      const options = await page.locator(`${tid('scenario-select')} option`)
        .evaluateAll((os) => os.map((o) => ({ name: o.value, title: o.textContent })));
      assert.ok(options.length > 0, `the ${lesson} lesson lists scenarios`);
      for (const { name, title } of options) {
        await page.locator(tid('scenario-select')).selectOption(name);
        await until(`scenario ${name} is loaded`, () => page.locator(tid('lesson-scenario-title')).textContent(),
          (t) => t === title);
        state = await diagramState(page);
        const nodes = await page.locator('.topo-node').count();
        assert.ok(state.lanes.length >= 2, `${name}: lanes drawn`);
        assert.deepEqual(state.lanes.map((l) => l.p), state.lanes.map((_, i) => i), `${name}: lanes 0..n`);
        assert.equal(nodes, state.lanes.length, `${name}: as many nodes in the ring as lanes`);
        assert.equal(state.events.length, 0, `${name}: nothing drawn at step 0`);
        assert.equal((await position(page)).step, 0, `${name} starts at step 0`);
      }
    }
  }));

describe('play advances the diagram', () => {
  for (const how of ['button', 'Space']) {
    test(`with the ${how}`, () =>
      app(async (page) => {
        await openLesson(page, 'gossip');
        assert.equal((await diagramState(page)).events.length, 0);
        if (how === 'button') await page.locator(tid('btn-play')).click();
        else await page.keyboard.press(' ');
        await until('the play button turns to pause', () => page.locator(tid('btn-play')).getAttribute('aria-label'),
          (l) => l === 'Pause');
        const playing = await until('two steps have played', () => position(page), (p) => p.step >= 2);
        const drawn = (await diagramState(page)).events.length;
        assert.ok(drawn > 0, 'events are drawn');
        // Pause the same way; the cursor then stays put.
        if (how === 'button') await page.locator(tid('btn-play')).click();
        else await page.keyboard.press(' ');
        await until('the button turns back to play', () => page.locator(tid('btn-play')).getAttribute('aria-label'),
          (l) => l === 'Play');
        const paused = await position(page);
        assert.ok(paused.step >= playing.step);
        await page.waitForTimeout(700); // more than one step at the default 2 steps/s
        assert.deepEqual(await position(page), paused, 'paused playback stays where it is');
        const later = (await diagramState(page)).events.length;
        assert.ok(later >= drawn && later > 0);
      }));
  }

  test('the whole-run speed jumps to the end, and the events drawn follow the cursor', () =>
    app(async (page) => {
      await openLesson(page, 'gossip');
      const speed = page.locator(tid('speed'));
      await speed.fill(await speed.getAttribute('max'));
      await until('the speed reads "whole run"', () => page.locator(tid('speed-label')).textContent(),
        (t) => t === 'whole run');
      await page.locator(tid('btn-play')).click();
      const { total } = await until('the run is at its end', () => position(page), (p) => p.step === p.total);
      const all = (await diagramState(page)).events.length;
      // Step back from the end: one step fewer never draws more events.
      let previous = all;
      for (let n = total - 1; n >= total - 4; n--) {
        await press(page, 'btn-back', n);
        const count = (await diagramState(page)).events.length;
        assert.ok(count <= previous, `step ${n} draws no more events than step ${n + 1}`);
        previous = count;
      }
      assert.ok(previous < all);
      await press(page, 'btn-rewind', 0);
      assert.equal((await diagramState(page)).events.length, 0);
    }));
});

describe('dropping an in-flight message', () => {
  for (const how of ['button', 'key d']) {
    test(`with the ${how}: it dies in a cross and is never received`, () =>
      app(async (page) => {
        await openLesson(page, 'gossip');
        const id = await stepToInFlight(page);
        const at = (await position(page)).step;
        await selectMessage(page, id);
        if (how === 'button') await page.locator(tid('btn-drop')).click();
        else await page.keyboard.press('d');
        // The intervention shows at once: the cursor moves one step on.
        await waitForStep(page, at + 1);
        await until('the inspector says it was dropped', () => page.locator(tid('message-fate')).textContent(),
          (t) => t === 'dropped by you');
        await until('its arrow is drawn dead', () => page.locator(tid(`msg-${id}`)).getAttribute('data-fate'),
          (f) => f === 'Died');
        assert.equal(await page.locator(tid('interventions')).locator('li').count(), 1);

        await toEnd(page);
        const end = await diagramState(page);
        const arrow = end.messages.find((m) => m.id === id);
        assert.deepEqual(arrow, { id, fate: 'Died', cross: true });
        assert.equal(await page.locator(tid(`cross-${id}`)).count(), 1);
        assert.equal(await page.locator(tid('message-fate')).textContent(), 'dropped by you');
        const receipts = await receivedMessages(page);
        assert.ok(!receipts.includes(id), `no receive event for message #${id}`);
        // Every receive dot belongs to an arrow drawn as received, and vice versa.
        assert.equal(receipts.length, end.messages.filter((m) => m.fate === 'Received').length);

        // The same run without the drop (undo keeps the cursor; the run is longer again): the
        // message is received.
        await page.locator(tid('btn-undo')).click();
        await until('the drop is undone', () => page.locator(tid('interventions')).locator('li').count(),
          (n) => n === 0);
        await toEnd(page);
        assert.equal(await page.locator(tid(`msg-${id}`)).getAttribute('data-fate'), 'Received');
        assert.equal(await page.locator(tid(`cross-${id}`)).count(), 0);
        const baseline = await receivedMessages(page);
        assert.ok(baseline.includes(id), `without the drop, message #${id} is received`);
        assert.ok(receipts.length < baseline.length,
          `fewer receipts with the drop (${receipts.length}) than without (${baseline.length})`);
      }));
  }

  test('in a scripted run: exactly one receive event fewer', () =>
    app(async (page) => {
      await openLesson(page, 'clocks');
      await toEnd(page);
      const before = await diagramState(page);
      const receives = (s) => s.events.filter((e) => e.kind === 'receive').length;
      await press(page, 'btn-rewind', 0);
      const id = await stepToInFlight(page);
      await selectMessage(page, id);
      await page.locator(tid('btn-drop')).click();
      await until('dropped', () => page.locator(tid('message-fate')).textContent(), (t) => t === 'dropped by you');
      await toEnd(page);
      const afterDrop = await diagramState(page);
      assert.equal(receives(afterDrop), receives(before) - 1);
      assert.equal(afterDrop.events.length, before.events.length - 1);
    }));
});

describe('crashing a process', () => {
  const P = 3; // P4: in gossip-one-rumour it hears the rumour at step 3, so it has work to miss

  test('with the buttons: its lane greys and stays silent until it recovers', () =>
    app(async (page) => {
      await openLesson(page, 'gossip');
      await press(page, 'btn-forward', 1);
      await selectLane(page, P);
      assert.equal(await page.locator(tid('process-status')).textContent(), 'up');
      await page.locator(tid('btn-crash')).click();
      await waitForStep(page, 2);
      await page.locator(tid(`down-${P}`)).waitFor();
      await until('the inspector says it is down', () => page.locator(tid('process-status')).textContent(),
        (t) => t === 'down (crashed)');
      let state = await diagramState(page);
      const silent = eventsOn(state, P);
      assert.deepEqual(silent.map((e) => e.kind), ['crash'], 'the crash is the only dot on its lane');
      const span = state.down.find((d) => d.p === P);
      assert.ok(Math.abs(span.y - state.lanes[P].y) < 1, 'the grey span sits on its lane');

      // Five steps on: the others go on, P4 does nothing.
      const othersBefore = state.events.length - silent.length;
      for (let n = 3; n <= 6; n++) {
        await press(page, 'btn-forward', n);
        state = await diagramState(page);
        assert.deepEqual(eventsOn(state, P), silent, `no new event on the crashed lane at step ${n}`);
        assert.ok(state.down.some((d) => d.p === P), `still greyed at step ${n}`);
      }
      assert.ok(state.events.length - silent.length > othersBefore, 'the other processes went on');

      await page.locator(tid('btn-recover')).click();
      await waitForStep(page, 7);
      await until('it is up again', () => page.locator(tid('process-status')).textContent(), (t) => t === 'up');
      await page.locator(tid('btn-crash')).waitFor();
      await toEnd(page);
      state = await diagramState(page);
      const lane = eventsOn(state, P);
      assert.deepEqual(lane.slice(0, 2).map((e) => e.kind), ['crash', 'recover']);
      // The grey span runs from the crash to the recovery, and no dot lies inside it.
      const down = state.down.filter((d) => d.p === P);
      assert.equal(down.length, 1);
      const [crash, recover] = lane;
      assert.ok(Math.abs(down[0].x - crash.x) < 0.1 && Math.abs(down[0].x + down[0].width - recover.x) < 0.1,
        `span ${JSON.stringify(down[0])} from ${crash.x} to ${recover.x}`);
      assert.ok(lane.every((e) => e.x <= crash.x || e.x >= recover.x));
    }));

  test('with the key c: crash, then recover', () =>
    app(async (page) => {
      await openLesson(page, 'gossip');
      await press(page, 'btn-forward', 1);
      await selectLane(page, P);
      await page.keyboard.press('c');
      await waitForStep(page, 2);
      await page.locator(tid(`down-${P}`)).waitFor();
      await page.locator(tid('btn-recover')).waitFor();
      const silent = eventsOn(await diagramState(page), P);
      await page.keyboard.press('ArrowRight');
      await waitForStep(page, 3);
      await page.keyboard.press('ArrowRight');
      await waitForStep(page, 4);
      assert.deepEqual(eventsOn(await diagramState(page), P), silent);
      await page.keyboard.press('c');
      await waitForStep(page, 5);
      await page.locator(tid('btn-crash')).waitFor();
      assert.deepEqual(eventsOn(await diagramState(page), P).map((e) => e.kind), ['crash', 'recover']);
      assert.equal(await page.locator(tid('interventions')).locator('li').count(), 2);
      // Undo takes back the recovery: down again, to the end of what is shown.
      await page.keyboard.press('u');
      await page.locator(tid('btn-recover')).waitFor();
      await page.locator(tid('btn-clear')).click();
      await until('no grey span once every intervention is cleared',
        () => page.locator(tid(`down-${P}`)).count(), (n) => n === 0);
    }));
});

test('the property badges follow the run: flooding covers everyone until a process crashes', () =>
  app(async (page) => {
    const badge = async (name) => {
      const b = page.locator(tid(`badge-${name}`));
      return { state: await b.getAttribute('data-state'), detail: await b.locator('.badge-detail').textContent() };
    };
    await openLesson(page, 'gossip');
    await page.locator(tid('scenario-select')).selectOption('gossip-flood');
    await until('the flood variant is chosen', () => page.locator(tid('variant-select')).inputValue(), (v) => v === 'flood');
    await toEnd(page);
    await until('coverage holds', () => badge('coverage'), (b) => b.state === 'ok');
    assert.equal((await badge('integrity')).state, 'ok');

    await press(page, 'btn-rewind', 0);
    await press(page, 'btn-forward', 1);
    await selectLane(page, 4);
    await page.keyboard.press('c');
    await waitForStep(page, 2);
    await toEnd(page);
    const coverage = await until('coverage is broken', () => badge('coverage'), (b) => b.state === 'bad');
    assert.match(coverage.detail, /P5/);
    assert.equal((await badge('integrity')).state, 'ok');
    // "show" selects the event that shows it.
    await page.locator(tid('badge-show-coverage')).click();
    await page.locator(tid('inspect-event')).waitFor();
  }));

test('stepping back after interventions and forward again shows the same diagram', () =>
  app(async (page) => {
    await openLesson(page, 'gossip');
    await press(page, 'btn-forward', 1);
    await press(page, 'btn-forward', 2);
    await press(page, 'btn-forward', 3);
    const flying = (await diagramState(page)).messages.filter((m) => m.fate === 'InFlight');
    assert.ok(flying.length > 0);
    await selectMessage(page, flying[0].id);
    await page.locator(tid('btn-drop')).click();
    await waitForStep(page, 4);
    await selectLane(page, 5);
    await page.locator(tid('btn-crash')).click();
    await waitForStep(page, 5);
    await press(page, 'btn-forward', 6);

    const views = async () => ({ diagram: await drawnMarkup(page, 'diagram'), topology: await drawnMarkup(page, 'topology') });
    const at6 = await views();
    assert.match(at6.diagram, /data-testid="cross-/);
    assert.match(at6.diagram, /data-testid="down-5"/);
    // Back three steps with the button and the key, to before the crash...
    await press(page, 'btn-back', 5);
    await page.keyboard.press('ArrowLeft');
    await waitForStep(page, 4);
    await press(page, 'btn-back', 3);
    const at3 = await views();
    assert.notEqual(at3.diagram, at6.diagram);
    assert.doesNotMatch(at3.diagram, /data-testid="down-5"/);
    // ...and forward again: the interventions are still there, and every element is as before.
    await page.keyboard.press('ArrowRight');
    await waitForStep(page, 4);
    await press(page, 'btn-forward', 5);
    await press(page, 'btn-forward', 6);
    const again = await views();
    assertSameMarkup(again.diagram, at6.diagram, 'the diagram at step 6');
    assertSameMarkup(again.topology, at6.topology, 'the ring at step 6');
    // The scrubber gets there too.
    await press(page, 'btn-rewind', 0);
    await page.locator(tid('scrubber')).fill('6');
    await waitForStep(page, 6);
    assertSameMarkup(await drawnMarkup(page, 'diagram'), at6.diagram, 'the diagram at step 6, scrubbed to');
  }));

describe('the help overlay', () => {
  const SHORTCUTS = ['space', 'arrows', 'home', 'd', 'c', 'speed', 'l', 'u', 'help', 'esc'];
  for (const [open, close] of [['?', 'Escape'], ['?', 'the close button'], ['the ? button', '?']]) {
    test(`${open} opens it, ${close} closes it`, () =>
      app(async (page) => {
        const overlay = page.locator(tid('help-overlay'));
        assert.equal(await overlay.count(), 0);
        if (open === '?') await page.keyboard.press('?');
        else await page.locator(tid('help-button')).click();
        await overlay.waitFor({ state: 'visible' });
        for (const key of SHORTCUTS) {
          assert.equal(await overlay.locator(tid(`shortcut-${key}`)).count(), 1, `lists ${key}`);
        }
        if (close === 'the close button') await page.locator(tid('help-close')).click();
        else await page.keyboard.press(close);
        await overlay.waitFor({ state: 'detached' });
      }));
  }

  test('Esc closes the help and keeps the selection; a second Esc clears it', () =>
    app(async (page) => {
      await selectLane(page, 1);
      await page.keyboard.press('?');
      await page.locator(tid('help-overlay')).waitFor({ state: 'visible' });
      await page.keyboard.press('Escape');
      await page.locator(tid('help-overlay')).waitFor({ state: 'detached' });
      assert.equal(await page.locator(tid('inspect-process')).count(), 1, 'process P2 is still selected');
      await page.keyboard.press('Escape');
      await page.locator(tid('inspector-hint')).waitFor();
    }));
});

test('the clock toggle shows Lamport numbers or vectors on the events', () =>
  app(async (page) => {
    await openLesson(page, 'clocks');
    assert.equal(await page.locator(tid('scenario-select')).inputValue(), 'clocks-three-events');
    await toEnd(page);
    const labels = async () => {
      const s = await diagramState(page);
      const lane = (p) => eventsOn(s, p).sort((a, b) => a.x - b.x).map((e) => e.clock);
      return [lane(0), lane(1)];
    };
    assert.equal(await page.locator(tid('clocks-lamport')).getAttribute('aria-pressed'), 'true');
    // P2's receipt of m1 carries 2: max(1, 2) + 1 = 3.
    assert.deepEqual(await labels(), [['1', '2'], ['1', '3']]);

    await page.locator(tid('clocks-vector')).click();
    const vectors = await until('vector labels', labels, ([a]) => a[0]?.startsWith('['));
    assert.deepEqual(vectors, [['[1,0]', '[2,0]'], ['[0,1]', '[2,2]']]);

    await page.locator(tid('clocks-none')).click();
    await until('no labels', labels, ([a, b]) => [...a, ...b].every((l) => l === ''));

    await page.keyboard.press('l'); // none → names
    await until('event names', labels, ([a, b]) => a.join() === 'a,b' && b.join() === 'c,d');
    await page.keyboard.press('l'); // names → Lamport
    await until('Lamport labels again', labels, ([a, b]) => a.join() === '1,2' && b.join() === '1,3');
  }));

describe('errors say what is wrong and keep the run', () => {
  test('a latency range with min above max: inline error, run unchanged', () =>
    app(async (page) => {
      await openLesson(page, 'gossip');
      for (let n = 1; n <= 4; n++) await press(page, 'btn-forward', n);
      const before = await drawnMarkup(page, 'diagram');
      await page.locator('details.network > summary').click();
      const min = page.locator(tid('net-lat-min'));
      const max = await page.locator(tid('net-lat-max')).inputValue();
      await min.fill(String(Number(max) + 100));
      await min.press('Enter');
      const error = page.locator(tid('net-lat-error'));
      await error.waitFor();
      assert.match(await error.textContent(), /min \(\d+\) is larger than max \(\d+\)/);
      assert.equal(await min.getAttribute('aria-invalid'), 'true');
      assert.deepEqual(await position(page), { step: 4, total: 13 });
      assertSameMarkup(await drawnMarkup(page, 'diagram'), before, 'the run stays on screen');
      // A good value applies, re-runs and clears the error.
      await min.fill('5');
      await min.press('Enter');
      await error.waitFor({ state: 'detached' });
      await until('the diagram re-runs', () => drawnMarkup(page, 'diagram'), (d) => d !== before);
    }));

  test('d on a message that has arrived: the banner says why, the run stays', () =>
    app(async (page) => {
      await openLesson(page, 'gossip');
      await toEnd(page);
      await clickSvg(page, 'msg-0');
      await until('message #0 is inspected', () => page.locator(tid('message-fate')).textContent(),
        (t) => t === 'delivered');
      const before = await drawnMarkup(page, 'diagram');
      assert.ok(await page.locator(tid('btn-drop')).isDisabled());
      await page.keyboard.press('d');
      const banner = page.locator(tid('error-banner'));
      await banner.waitFor({ state: 'visible' });
      assert.match(await banner.textContent(), /Only a message still in flight can be dropped/);
      assertSameMarkup(await drawnMarkup(page, 'diagram'), before, 'the run stays on screen');
      assert.equal(await page.locator(tid('interventions')).locator('li').count(), 0);
      await page.locator(tid('error-dismiss')).click();
      await banner.waitFor({ state: 'detached' });
    }));
});

describe('screenshots of a broken gossip run', () => {
  for (const viewport of VIEWPORTS) {
    test(`${viewport.width}x${viewport.height}`, () =>
      app(async (page) => {
        await openLesson(page, 'gossip');
        for (let n = 1; n <= 3; n++) await press(page, 'btn-forward', n);
        // The oldest message in flight, so that its arrow is long before it dies.
        const id = Math.min(...(await diagramState(page)).messages.filter((m) => m.fate === 'InFlight').map((m) => m.id));
        await selectMessage(page, id);
        await page.keyboard.press('d');
        await waitForStep(page, 4);
        await selectLane(page, 4);
        await page.keyboard.press('c');
        await waitForStep(page, 5);
        for (let n = 6; n <= 7; n++) await press(page, 'btn-forward', n);
        await page.locator(tid(`cross-${id}`)).waitFor();
        await page.locator(tid('down-4')).waitFor();
        const state = await diagramState(page);
        assert.ok(state.messages.some((m) => m.fate === 'InFlight'), 'mid-run: something is in flight');
        // No element of the page sticks out sideways at this size.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
        assert.ok(overflow <= 0, `the page is ${overflow}px wider than the window`);
        // Clicks scroll their target into view; show the page as it opens, from the top.
        await page.locator(tid('diagram-pane')).evaluate((el) => {
          for (let e = el.parentElement; e; e = e.parentElement) e.scrollTop = 0;
        });
        await screenshot(page, 'gossip-faults');
        await page.keyboard.press('?');
        await page.locator(tid('help-overlay')).waitFor({ state: 'visible' });
        await screenshot(page, 'help');
      }, viewport));
  }
});
