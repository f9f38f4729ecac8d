// The classroom features of the release build (issue 9), in headless Chromium: a copied link
// reopens the same diagram; a corrupted link opens the default lesson and says what it ignored;
// the embedded view and presentation mode, with screenshots in tests/output/; a guided tour plays
// through its stops; the exported SVG (and PNG, trace and scenario) are what they claim; files
// dropped on the page open; the page works offline once loaded.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import {
  assertSameMarkup,
  drawnMarkup,
  clickSvg,
  diagramState,
  gotoApp,
  launchBrowser,
  openPage,
  position,
  press,
  screenshot,
  tid,
  until,
  url,
  waitForStep,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/**
 * A fresh page at `viewport` opened at `query` (relative to the build); runs `body(page,
 * context)`, then fails on any console error or failed request, except those `allowed` matches.
 */
async function at(query, body, { viewport = { width: 1920, height: 1080 }, allowed = null } = {}) {
  const { context, page, problems } = await openPage(browser, viewport);
  try {
    await gotoApp(page, query);
    await page.locator(tid('diagram')).waitFor();
    await body(page, context);
    const left = problems.filter((p) => !(allowed && allowed.test(p)));
    if (left.length) throw new Error(`the page reported problems:\n${left.join('\n')}`);
  } finally {
    await context.close();
  }
}

const banner = (page) => page.locator(tid('error-banner')).textContent();
const isVisible = (page, selector) => page.locator(selector).first().isVisible();

/** Steps forward until some arrow is in flight; returns its id. */
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

// -------------------------------------------------------------------------------------------
// Links
// -------------------------------------------------------------------------------------------

test('a link copied after a drop and a crash reopens to an identical diagram', () =>
  at('?s=gossip-one-rumour', async (page) => {
    // Drop a message in flight (select it, d), then crash a process (select its lane, c).
    const id = await stepToInFlight(page);
    await clickSvg(page, `msg-${id}`);
    await until('the message is selected', () => page.locator(tid(`msg-${id}`)).getAttribute('class'),
      (c) => /\bselected\b/.test(c ?? ''));
    const { step: before } = await position(page);
    await page.keyboard.press('d');
    await waitForStep(page, before + 1);
    await until('the message died', async () => (await diagramState(page)).messages.find((m) => m.id === id)?.fate,
      (f) => f === 'Died');
    await press(page, 'btn-forward', before + 2);
    await clickSvg(page, 'lane-2');
    await until('lane 2 is selected', () => page.locator(tid('lane-2')).getAttribute('class'),
      (c) => /\bselected\b/.test(c ?? ''));
    await page.keyboard.press('c');
    await waitForStep(page, before + 3);
    await until('process 2 is down', async () => (await diagramState(page)).down.length, (n) => n > 0);
    await press(page, 'btn-forward', before + 4);
    await page.locator(tid('clocks-vector')).click();
    const diagram = await drawnMarkup(page, 'diagram');
    const shown = await position(page);

    // The address bar follows the view.
    await until('the address holds the interventions', () => page.url(), (u) => /[?&]iv=/.test(u));
    await page.locator(tid('copy-link')).click();
    const link = await until('the link is shown', () => page.locator(tid('link-field')).inputValue(),
      (v) => v.includes('iv='));
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/course\/spacetime\/\?s=gossip-one-rumour&/);
    assert.match(link, new RegExp(`iv=\\d+:drop:${id},\\d+:crash:`));
    assert.match(link, new RegExp(`step=${shown.step}`));
    assert.match(link, /labels=vector/);
    assert.match(link, /sel=p2/);

    // A fresh browser context (nothing shared) opens the link: the same diagram, the same step.
    const { context, page: again, problems } = await openPage(browser, page.viewportSize());
    try {
      await again.goto(link, { waitUntil: 'load' });
      await again.waitForFunction(() => window.__spacetimeStarted === true);
      await waitForStep(again, shown.step);
      assert.deepEqual(await position(again), shown);
      assert.equal(await again.locator(tid('error-banner')).count(), 0, 'nothing was ignored');
      const reopened = await until('the diagram is drawn', () => drawnMarkup(again, 'diagram'), (d) => d === diagram,
        { timeout: 3000 }).catch(() => null);
      assertSameMarkup(reopened ?? await drawnMarkup(again, 'diagram'), diagram, 'the reopened diagram');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  }));

test('a hand-written link with every parameter opens that view', () =>
  at('?s=clocks-busy-four&seed=3&step=9&labels=names&sel=e2', async (page) => {
    await waitForStep(page, 9);
    assert.equal(await page.locator(tid('scenario-select')).inputValue(), 'clocks-busy-four');
    assert.equal(await page.locator(tid('clocks-names')).getAttribute('aria-pressed'), 'true');
    assert.match(await page.locator(tid('event-2')).locator('circle').getAttribute('class'), /\bselected\b/);
    assert.equal(await page.locator(tid('seed-label')).textContent(), 'seed 3');
    assert.equal(await page.locator(tid('error-banner')).count(), 0);
  }));

describe('a corrupted link opens the default lesson and says what was ignored', () => {
  test('an unknown scenario, a bad seed and a bad intervention', () =>
    at('?s=clocks-no-such-thing&seed=12abc&iv=3:zap:1&step=7', async (page) => {
      const text = await until('the banner shows', () => banner(page), Boolean);
      assert.match(text, /there is no scenario "clocks-no-such-thing", so "clocks-three-events" opened instead/);
      assert.match(text, /seed "12abc" is not a whole number/);
      assert.match(text, /intervention "3:zap:1" was ignored: "zap" is not a kind of intervention/);
      assert.match(text, /the step given for it was ignored/);
      assert.match(await page.locator(tid('lesson-clocks')).getAttribute('class'), /\bactive\b/);
      assert.equal(await page.locator(tid('scenario-select')).inputValue(), 'clocks-three-events');
      assert.deepEqual(await position(page), { step: 0, total: 4 });
      assert.equal((await diagramState(page)).lanes.length, 2);
      await screenshot(page, 'classroom-corrupted-link');
    }));

  test('an intervention that no longer applies, on a scenario that exists', () =>
    at('?s=clocks-three-events&iv=2:drop:0,2:drop:0,1:crash:P9&step=3', async (page) => {
      const text = await until('the banner shows', () => banner(page), Boolean);
      assert.match(text, /intervention "1:crash:P9" was ignored: there is no process named "P9"; the processes are P1, P2/);
      assert.match(text, /intervention "2:drop:0" no longer applies and was ignored: message 0 \(m1\) is not in flight at step 2: it was dropped by you/);
      // The first drop applied: m1 died.
      await waitForStep(page, 3);
      assert.equal((await diagramState(page)).messages[0].fate, 'Died');
      assert.equal(await page.locator(tid('scenario-select')).inputValue(), 'clocks-three-events');
    }));

  test('garbage', () =>
    at('?%%%=&s=&sc=!!!&sel=zz&flavour=mint', async (page) => {
      const text = await until('the banner shows', () => banner(page), Boolean);
      assert.match(text, /^Parts of this link were ignored: /);
      assert.match(text, /the scenario in the link \(sc=\) is not base64url text/);
      assert.match(text, /the parameter "flavour" means nothing here/);
      assert.match(await page.locator(tid('lesson-clocks')).getAttribute('class'), /\bactive\b/);
      assert.equal((await diagramState(page)).lanes.length, 2);
    }));
});

// -------------------------------------------------------------------------------------------
// Embed and presentation
// -------------------------------------------------------------------------------------------

test('the embedded view at 800x580: the diagram, the narration and the playback bar', () =>
  at('?s=clocks-busy-four&step=12&embed', async (page) => {
    await waitForStep(page, 12);
    assert.equal(await isVisible(page, '.header'), false, 'no header');
    assert.equal(await isVisible(page, '.side'), false, 'no side column');
    for (const id of ['diagram', 'playback', 'narration', 'embed-open']) {
      assert.ok(await page.locator(tid(id)).isVisible(), `${id} shows`);
    }
    const pane = await page.locator(tid('diagram-pane')).boundingBox();
    assert.ok(pane.height > 400 && pane.width > 780, `the diagram takes the room: ${JSON.stringify(pane)}`);
    const bar = await page.locator(tid('playback')).boundingBox();
    assert.ok(bar.y + bar.height <= 580, 'the playback bar is on screen');
    // The link out opens the same run in the full page.
    const href = await page.locator(tid('embed-open')).getAttribute('href');
    assert.match(href, /\?s=clocks-busy-four&step=12$/);
    // Keys still work inside the frame.
    await page.keyboard.press('ArrowRight');
    await waitForStep(page, 13);
    await press(page, 'btn-back', 12);
    await screenshot(page, 'classroom-embed');
  }, { viewport: { width: 800, height: 580 } }));

for (const viewport of [{ width: 1920, height: 1080 }, { width: 1024, height: 768 }]) {
  test(`presentation mode at ${viewport.width}x${viewport.height}: big, bold, no chrome, clicker keys`, () =>
    at('?s=clocks-busy-four&step=12&labels=lamport', async (page) => {
      await waitForStep(page, 12);
      const laneBefore = await page.locator('.lane-line').first().evaluate((l) => getComputedStyle(l).strokeWidth);
      await page.keyboard.press('p');
      await until('presentation mode is on', () => page.locator(tid('app')).getAttribute('class'),
        (c) => /\bpresentation\b/.test(c ?? ''));
      assert.equal(await isVisible(page, '.header'), false, 'no header');
      assert.equal(await isVisible(page, '.side'), false, 'no side column');
      assert.ok(await page.locator(tid('present-exit')).isVisible());
      const style = await page.evaluate(() => {
        const px = (sel, prop) => parseFloat(getComputedStyle(document.querySelector(sel))[prop]);
        return {
          lane: px('.lane-line', 'strokeWidth'),
          arrow: px('.arrow-line', 'strokeWidth'),
          label: px('.clock-label', 'fontSize'),
          name: px('.lane-name', 'fontSize'),
          narration: px('[data-testid="narration"]', 'fontSize'),
          dot: px('.event-dot', 'r'),
        };
      });
      assert.ok(style.lane >= 5 && parseFloat(laneBefore) < style.lane, `thick lanes: ${JSON.stringify(style)}`);
      assert.ok(style.arrow >= 3, 'thick arrows');
      assert.ok(style.label >= 20 && style.name >= 26 && style.narration >= 24, `large type: ${JSON.stringify(style)}`);
      assert.ok(style.dot >= 11, 'big dots');
      // The diagram has the whole width.
      const pane = await page.locator(tid('diagram-pane')).boundingBox();
      assert.ok(pane.width >= viewport.width - 2, 'the diagram spans the screen');
      // A lecture's pace: at most one step a second.
      assert.match(await page.locator(tid('speed-label')).textContent(), /^(1 step|1 step \/ \d+ s|1 steps\/s)/);
      await screenshot(page, 'classroom-presentation');
      // A presentation clicker sends Page Down / Page Up.
      await page.keyboard.press('PageDown');
      await waitForStep(page, 13);
      await page.keyboard.press('PageUp');
      await page.keyboard.press('PageUp');
      await waitForStep(page, 11);
      await until('the address says so', () => page.url(), (u) => /[?&]present(&|$)/.test(u));
      // Escape leaves, and p comes back and leaves again.
      await page.keyboard.press('Escape');
      await until('presentation mode is off', () => page.locator(tid('app')).getAttribute('class'),
        (c) => !/\bpresentation\b/.test(c ?? ''));
      assert.ok(await isVisible(page, '.header'));
      await page.keyboard.press('p');
      await page.keyboard.press('p');
      assert.doesNotMatch(await page.locator(tid('app')).getAttribute('class'), /\bpresentation\b/);
    }, { viewport }));
}

// -------------------------------------------------------------------------------------------
// Tours
// -------------------------------------------------------------------------------------------

test('a lesson tour plays to each stop, pauses there, asks its question, and ends', () =>
  at('?s=clocks-three-events', async (page) => {
    await page.locator(tid('tour-button')).click();
    await page.locator(tid('tour-panel')).waitFor();
    // A quicker pace than a lecture's for the test: 64 steps a second.
    await page.locator(tid('speed')).fill('6');
    // The stops' steps (each within its leg), from the lesson's tour file.
    const stops = JSON.parse(await readFile(new URL('../../app/src/lessons/clocks/tour.json', import.meta.url), 'utf8')).stops.map((s) => s.step);
    await page.locator(tid('tour-next')).click(); // Start
    for (const [i, step] of stops.entries()) {
      await until(`stop ${i + 1} is reached`, () => page.locator(tid('tour-progress')).textContent(),
        (t) => t === `Stop ${i + 1} of ${stops.length}`);
      await until(`it pauses at step ${step}`, async () => {
        const p = await position(page);
        const travelling = await page.locator('.tour-travelling').count();
        return travelling === 0 && p.step;
      }, (s) => s === step);
      await page.waitForTimeout(150);
      assert.equal((await position(page)).step, step, 'and stays paused');
      assert.equal(await page.locator(tid('btn-play')).getAttribute('aria-label'), 'Play');
      if (await page.locator(tid('tour-question')).count()) {
        await page.locator(tid('tour-choice-0')).click();
        const feedback = await page.locator(tid('tour-feedback')).textContent();
        assert.match(feedback, /^(✓ Right\.|✗ Not quite: the answer is)/);
      }
      // The keyboard walks the tour: focus sits on Next at each stop.
      if (i % 2 === 0) {
        await page.locator(tid('tour-next')).focus();
        await page.keyboard.press('Enter');
      } else {
        await page.locator(tid('tour-next')).click();
      }
    }
    await until('the tour is over', () => page.locator(tid('tour-panel')).count(), (n) => n === 0);
    assert.equal((await position(page)).step, 19);
  }));

test('a tour file named in the link is fetched and played; a bad one says which stop', () =>
  at('?s=clocks-three-events', async (page) => {
    const tour = {
      title: 'A fetched tour',
      scenario: 'broadcast-best-effort-sender-crash',
      variant: 'reliable',
      stops: [
        { step: 1, say: 'One.' },
        { step: 3, say: 'Two, and P3 goes down.', inject: { action: 'crash', process: 'P3' } },
      ],
    };
    await page.route('**/tours/week3.json', (route) => route.fulfill({ body: JSON.stringify(tour), contentType: 'application/json' }));
    const bad = { ...tour, stops: [{ step: 3, say: 'a' }, { step: 2, say: 'b' }] };
    await page.route('**/tours/bad.json', (route) => route.fulfill({ body: JSON.stringify(bad), contentType: 'application/json' }));
    await page.goto(url('?tour=tours/week3.json'), { waitUntil: 'load' });
    await page.locator(tid('tour-panel')).waitFor();
    assert.equal(await page.locator(tid('tour-title')).textContent(), 'A fetched tour');
    assert.equal(await page.locator(tid('scenario-select')).inputValue(), 'broadcast-best-effort-sender-crash');
    await page.locator(tid('speed')).fill('6');
    await page.locator(tid('tour-next')).click();
    await until('stop 1', () => page.locator(tid('tour-text')).textContent(), (t) => t === 'One.');
    await page.locator(tid('tour-next')).click();
    await until('stop 2', () => page.locator(tid('tour-text')).textContent(), (t) => t === 'Two, and P3 goes down.');
    assert.match(await page.locator(tid('tour-fault')).textContent(), /P3 crashes/);
    assert.match(page.url(), /\?tour=tours\/week3\.json$/);
    await page.goto(url('?tour=tours/bad.json'), { waitUntil: 'load' });
    const text = await until('the banner shows', () => banner(page), Boolean);
    assert.match(text, /The tour "tours\/bad\.json" could not start: stop 2 \(step 2\): the stops are out of order/);
  }));

// -------------------------------------------------------------------------------------------
// Export and drop
// -------------------------------------------------------------------------------------------

/** Clicks an export item and returns the downloaded file's name and bytes. */
async function exported(page, id) {
  await page.locator(tid('export-button')).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(tid(id)).click()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), bytes: await readFile(file) };
}

/** Drops a file with this name and text on the page, as a person dragging it from a folder. */
function dropFile(page, name, text) {
  return page.evaluate(([name, text]) => {
    const data = new DataTransfer();
    data.items.add(new File([text], name, { type: 'application/json' }));
    const target = document.querySelector('[data-testid="diagram-pane"]');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, [name, text]);
}

test('export: a valid standalone SVG with the run\'s lanes and arrows, a PNG, the trace and the scenario', () =>
  at('?s=clocks-busy-four&iv=6:crash:P3', async (page) => {
    await page.locator(tid('btn-end')).click();
    const { total } = await until('the end is shown', () => position(page), (p) => p.step === p.total);
    const live = await diagramState(page);

    const svg = await exported(page, 'export-svg');
    assert.equal(svg.name, 'clocks-busy-four.svg');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = doc.documentElement;
      return {
        errors: doc.getElementsByTagName('parsererror').length,
        root: root.localName,
        ns: root.namespaceURI,
        lanes: [...doc.querySelectorAll('.lane')].length,
        arrows: doc.querySelectorAll('.message').length,
        died: doc.querySelectorAll('.message.died').length,
        events: doc.querySelectorAll('.event').length,
        styles: doc.querySelectorAll('style, link, script').length,
      };
    }, svg.bytes.toString('utf8'));
    assert.equal(parsed.errors, 0, 'no parser error');
    assert.equal(parsed.root, 'svg');
    assert.equal(parsed.ns, 'http://www.w3.org/2000/svg');
    assert.equal(parsed.lanes, live.lanes.length, 'a lane per process');
    assert.equal(parsed.arrows, live.messages.length, 'an arrow per message');
    assert.equal(parsed.died, live.messages.filter((m) => m.fate === 'Died').length);
    assert.equal(parsed.events, live.events.length);
    assert.equal(parsed.styles, 0, 'standalone: no stylesheet, link or script');
    // It draws outside the page too: as an image, in a fresh document.
    const drawn = await page.evaluate(async (text) => {
      const img = new Image();
      img.src = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
      await img.decode();
      return img.naturalWidth > 300 && img.naturalHeight > 100;
    }, svg.bytes.toString('utf8'));
    assert.ok(drawn, 'the SVG draws as an image');

    const png = await exported(page, 'export-png');
    assert.equal(png.name, 'clocks-busy-four.png');
    assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    assert.ok(png.bytes.length > 5000);

    const trace = JSON.parse((await exported(page, 'export-trace')).bytes.toString('utf8'));
    assert.equal(trace.steps.length, total);
    assert.equal(trace.messages.length, live.messages.length);

    const scenario = (await exported(page, 'export-scenario')).bytes.toString('utf8');
    assert.equal(JSON.parse(scenario).interventions.length, 1);

    // Dropping the scenario back on the page opens it again, from the start.
    await page.locator(tid('lesson-delivery')).click();
    await until('another lesson is on', () => page.locator(tid('scenario-select')).inputValue(), (v) => v !== 'clocks-busy-four');
    await dropFile(page, 'clocks-busy-four.json', scenario);
    await until('the dropped scenario is on', () => page.locator(tid('scenario-select')).inputValue(), (v) => v === 'clocks-busy-four');
    await page.locator(tid('btn-end')).click();
    await until('the same run', () => position(page), (p) => p.step === total);
    assert.equal((await diagramState(page)).down.length, live.down.length, 'with its crash');

    // A malformed file keeps the run and says what is wrong, and where.
    await dropFile(page, 'broken.json', '{\n  "name": "x",\n  oops\n}');
    const text = await until('the banner shows', () => banner(page), Boolean);
    assert.match(text, /broken\.json is not valid JSON: line 3, column 3/);
    assert.equal(await page.locator(tid('scenario-select')).inputValue(), 'clocks-busy-four');
    // A tour file starts.
    await dropFile(page, 'mine.json', JSON.stringify({ title: 'Dropped', scenario: 'clocks-three-events', stops: [{ step: 2, say: 'Hi.' }] }));
    await until('the dropped tour starts', () => page.locator(tid('tour-title')).textContent().catch(() => ''), (t) => t === 'Dropped');
  }));

// -------------------------------------------------------------------------------------------
// Publishing
// -------------------------------------------------------------------------------------------

test('once loaded, the page opens again offline (service worker)', () =>
  at('?s=clocks-three-events', async (page, context) => {
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // The worker has cached the page and the files it names.
    await until('the cache is filled', () => page.evaluate(async () => {
      // The build names its cache: spacetime-<hash of its files>.
      const name = (await caches.keys()).find((k) => k.startsWith('spacetime-'));
      if (!name) return [];
      const cache = await caches.open(name);
      return (await cache.keys()).map((r) => r.url);
    }), (urls) => urls.some((u) => u.endsWith('.wasm')) && urls.some((u) => u.endsWith('/')), { timeout: 10000 });
    await context.setOffline(true);
    await gotoApp(page, '?s=clocks-busy-four&step=4');
    await waitForStep(page, 4);
    assert.equal(await page.locator(tid('scenario-select')).inputValue(), 'clocks-busy-four');
    await context.setOffline(false);
  }, { allowed: /net::ERR_INTERNET_DISCONNECTED/ }));
