// Big runs (issue 20): a gossip run of about 120,000 events on 64 lanes, opened from a link. Past
// 400 dots in the pane's window the view is dense: a canvas draws the dots and lines, the SVG
// keeps only what is selected or marked. A dot is still picked and hovered by its position; the
// zoom (keys, buttons, ctrl+wheel about the pointer) and the overview strip under the pane lead
// to a readable part of the run. Screenshots in tests/output/bigrun-*.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { VIEWPORTS, gotoApp, launchBrowser, openPage, screenshot, tid, until } from './helpers.mjs';
import { BIG_GOSSIP, linkTo } from '../bench/inputs.mjs';

const SCENARIO = BIG_GOSSIP;
const STEPS = SCENARIO.limits.max_steps;
const LINK = linkTo(SCENARIO);
/** Opening the run computes all of it: a few seconds here, more on a busy machine. */
const LOAD_MS = 60000;

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const DIAGRAM = tid('diagram');
const SELECTED = `${DIAGRAM} g.event circle.selected`;

/** Whether the diagram is dense (its class) and how many dots the SVG holds. */
const view = (page) => page.evaluate(() => {
  const svg = document.querySelector('[data-testid="diagram"]');
  const pane = document.querySelector('[data-testid="diagram-pane"]');
  return {
    dense: svg.classList.contains('dense'),
    layerOn: !!document.querySelector('.dense-layer.on [data-testid="dense-canvas"]'),
    events: svg.querySelectorAll('g.event').length,
    width: Number(svg.getAttribute('width')),
    paneWidth: pane.clientWidth,
    scrollLeft: pane.scrollLeft,
  };
});

/**
 * Opens the big run at `viewport` from its link, waits until it is drawn at its last step (dense),
 * runs `body(page)`, then checks that nothing logged an error; always closes the context.
 */
async function withBigRun(viewport, body) {
  const { context, page, problems } = await openPage(browser, viewport);
  page.setDefaultTimeout(LOAD_MS);
  try {
    await gotoApp(page, LINK, LOAD_MS);
    await until('the big run is loaded at its last step', () => page.locator(tid('step-count')).textContent(),
      (t) => t === `step ${STEPS} / ${STEPS}`, { timeout: LOAD_MS, interval: 100 });
    await until('the dense view is drawn', () => view(page), (v) => v.dense && v.layerOn, { timeout: LOAD_MS });
    await body(page);
    if (problems.length) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
  } finally {
    await context.close();
  }
}

/** Where the diagram's point (x, y) is on the screen. */
async function onScreen(page, x, y) {
  const box = await page.locator(DIAGRAM).boundingBox();
  return { x: box.x + x, y: box.y + y };
}

/** The y of each lane's line, in diagram pixels, by process number. */
const laneYs = (page) => page.$$eval(`${DIAGRAM} g.lane line.lane-line`, (lines) => lines.map((l) => Number(l.getAttribute('y1'))));

/** Where the "now" line is on the screen (its x). */
const nowLineX = (page) => page.locator(tid('now-line')).evaluate((l) => l.getBoundingClientRect().x + l.getBoundingClientRect().width / 2);

/** How many pixels the dense view's canvases have painted (not transparent): the base (the
 * whole run, shown left of the cut) and the frontier's strip. */
const canvasPainted = (page) => page.evaluate(() => {
  let painted = 0;
  for (const c of document.querySelectorAll('[data-testid=dense-base], [data-testid=dense-canvas]')) {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  }
  return painted;
});

/** Ctrl + wheel at the screen point `at`: the zoom about the pointer (a trackpad's pinch). */
async function ctrlWheel(page, at, deltaY) {
  await page.mouse.move(at.x, at.y);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, deltaY);
  await page.keyboard.up('Control');
}

/**
 * In the dense view, clicks on lanes at a few places across the run until a dot is picked (the
 * click lands within 8 px of one); returns the screen point clicked and the event's id.
 */
async function pickDenseDot(page) {
  const ys = await laneYs(page);
  const { paneWidth } = await view(page);
  const tried = [];
  for (const lane of [9, 20, 3, 40, 30]) {
    for (const f of [0.45, 0.3, 0.6, 0.75]) {
      const at = await onScreen(page, Math.round(paneWidth * f), ys[lane]);
      await page.mouse.click(at.x, at.y);
      const picked = await page.waitForSelector(SELECTED, { timeout: 1000 })
        .then((c) => c.evaluate((el) => el.closest('g.event').dataset.testid.slice('event-'.length)))
        .catch(() => '');
      if (picked) return { at, id: Number(picked) };
      tried.push(`P${lane + 1} at ${Math.round(f * 100)}%`);
    }
  }
  throw new Error(`no click on a lane of the dense view selected a dot (tried ${tried.join(', ')})`);
}

describe('a big run (120,000 events) is drawn dense', () => {
  for (const viewport of VIEWPORTS) {
    test(`it opens dense: dots on a canvas, a note for the messages (${viewport.width}x${viewport.height})`, () =>
      withBigRun(viewport, async (page) => {
        const v = await view(page);
        assert.equal(v.events, 0, 'no dots in the SVG: the canvas draws them');
        assert.ok(await canvasPainted(page) > 1000, 'the canvas has dots and lines painted on it');
        // Far too many messages in view to draw each: a note says so.
        const note = await page.locator(tid('dense-note')).textContent();
        // In full where there is room; short in a narrow pane, the full text its tooltip.
        const full = /^[\d,]+ messages in this stretch of the run: zoom in to draw them$/;
        assert.match(note, viewport.width >= 1920 ? full : /^[\d,]+ messages not drawn: zoom in$/);
        assert.match(await page.locator(tid('dense-note')).getAttribute('title'), full);
        assert.ok(Number(note.split(' ')[0].replaceAll(',', '')) > 5000, note);
        // In a narrow pane it wraps short of the zoom buttons rather than running under them.
        const [n, zoom] = await Promise.all([tid('dense-note'), '.diagram-toolbar'].map((s) => page.locator(s).boundingBox()));
        assert.ok(n.x + n.width <= zoom.x || n.y >= zoom.y + zoom.height, `the note ${JSON.stringify(n)} clears the zoom buttons ${JSON.stringify(zoom)}`);
        await screenshot(page, 'bigrun-dense');
      }));

    test(`at fit the whole run fits the pane's width (${viewport.width}x${viewport.height})`, () =>
      withBigRun(viewport, async (page) => {
        const v = await view(page);
        // Zoomed in, then back to fit (the zoom the run opens at).
        await page.keyboard.press(']');
        await until('zoomed in', () => view(page), (w) => w.width > v.width * 1.15);
        await page.keyboard.press('0');
        const fit = await until('back at fit', () => view(page), (w) => w.width < v.width * 1.1);
        assert.equal(fit.width, v.width, 'fit is the zoom the run opened at');
        assert.ok(fit.dense, 'still dense at fit');
        assert.ok(fit.width <= fit.paneWidth + 2,
          `at fit the diagram is ${fit.width} px wide, the pane ${fit.paneWidth} px`);
        // The overview stays (its coming and going would change the lanes' height), its window
        // spanning the strip; a small screen takes its height back.
        const [strip, mark] = await Promise.all(['overview', 'overview-window']
          .map((id) => page.locator(tid(id)).evaluate((e) => e.getBoundingClientRect().toJSON())));
        assert.ok(mark.width >= strip.width - 6, `at fit the window ${JSON.stringify(mark)} spans the strip ${JSON.stringify(strip)}`);
        assert.equal(strip.height > 0, viewport.width > 900 && viewport.height > 640, `the strip's height at fit: ${strip.height}`);
      }));
  }

  test('a click picks a dense dot; zooming in about it shows its label and causal past (1920x1080)', () =>
    withBigRun(VIEWPORTS[0], async (page) => {
      // The pointer over a dot: the diagram says so (a pointer cursor); off the run, it does not.
      const ys = await laneYs(page);
      const overLane = await onScreen(page, 700, ys[12]);
      await page.mouse.move(overLane.x, overLane.y);
      await until('the pointer over a dense dot marks the diagram over-event',
        () => page.locator(DIAGRAM).getAttribute('class'), (c) => /\bover-event\b/.test(c ?? ''));
      const offRun = await onScreen(page, 10, (ys[12] + ys[13]) / 2);
      await page.mouse.move(offRun.x, offRun.y);
      await until('away from the dots it is not', () => page.locator(DIAGRAM).getAttribute('class'),
        (c) => !/\bover-event\b/.test(c ?? ''));

      const { at, id } = await pickDenseDot(page);
      assert.ok((await view(page)).dense, 'the view is dense while the dot is picked');
      // Only the selected dot is in the SVG, with its label.
      assert.equal((await view(page)).events, 1);
      assert.ok(await page.locator(tid(`clock-${id}`)).isVisible(), 'the selected dot shows its clock');
      // The picked dot is near where the click was.
      const dot = await page.locator(`${tid(`event-${id}`)} circle`).boundingBox();
      const centre = { x: dot.x + dot.width / 2, y: dot.y + dot.height / 2 };
      assert.ok(Math.hypot(centre.x - at.x, centre.y - at.y) <= 9, `dot at ${JSON.stringify(centre)}, click at ${JSON.stringify(at)}`);

      // Zoom in about the dot with ctrl+wheel until the view is no longer dense.
      let last = await view(page);
      for (let i = 0; i < 20 && last.dense; i++) {
        const box = await page.locator(`${tid(`event-${id}`)} circle`).boundingBox();
        await ctrlWheel(page, { x: box.x + box.width / 2, y: box.y + box.height / 2 }, -300);
        const before = last.width;
        last = await until('the wheel zooms in', () => view(page), (w) => w.width > before * 1.5);
      }
      assert.equal(last.dense, false, `still dense at ${last.width} px wide`);
      await until('the dots of the window are in the SVG', () => view(page), (w) => w.events > 20);
      // The selected dot stayed in view, its label readable, and the past of it highlighted.
      const selected = page.locator(`${tid(`event-${id}`)} circle.selected`);
      assert.ok(await selected.isVisible(), 'the selected dot is drawn');
      const pane = await page.locator(tid('diagram-pane')).boundingBox();
      const box = await selected.boundingBox();
      assert.ok(box.x >= pane.x && box.x + box.width <= pane.x + pane.width, 'the selected dot is in the pane');
      const label = page.locator(tid(`clock-${id}`));
      assert.ok(await label.isVisible(), 'its clock label shows');
      assert.match(await label.textContent(), /^\d+$/, 'a Lamport time');
      // Every dot in view is drawn as the selected event's past, future or concurrent. (At this
      // zoom the window spans a few ticks of a 64-process gossip: often all of it is concurrent.)
      const classes = await page.$$eval(`${DIAGRAM} circle.event-dot`, (dots) => dots.map((d) => d.getAttribute('class')));
      assert.ok(classes.length > 20);
      const unmarked = classes.filter((c) => !/\b(past|future|concurrent|selected)\b/.test(c));
      assert.deepEqual(unmarked, [], 'every dot is marked against the selected one');
      assert.equal(await page.locator(tid('dense-canvas')).locator('xpath=..').evaluate((l) => l.classList.contains('on')), false,
        'the canvas layer is off');
      await screenshot(page, 'bigrun-zoomed');
    }));

  test('ctrl+wheel zooms about the pointer: the moment under it stays put (1920x1080)', () =>
    withBigRun(VIEWPORTS[0], async (page) => {
      // Halfway through the run, so that the now line has run on both sides of it: at the run's
      // very end a zoom about it can only keep it in place if there is sheet beyond it.
      await page.evaluate(() => {
        const s = document.querySelector('[data-testid=scrubber]');
        s.value = String(Math.floor(Number(s.max) / 2));
        s.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await until('halfway', () => page.locator(tid('step-count')).textContent(), (t) => /^step 30000 /.test(t));
      const pane = await page.locator(tid('diagram-pane')).boundingBox();
      let x = await nowLineX(page);
      assert.ok(x > pane.x && x < pane.x + pane.width, 'the now line is in view');
      let { width } = await view(page);
      for (let i = 0; i < 4; i++) {
        const start = x;
        await ctrlWheel(page, { x: start, y: pane.y + pane.height / 2 }, -300);
        const now = await until('the wheel zooms in', () => view(page), (w) => w.width > width * 1.5);
        x = await nowLineX(page);
        assert.ok(Math.abs(x - start) <= 3, `zoom ${i + 1}: the now line moved from ${start} to ${x} (width ${width} -> ${now.width})`);
        width = now.width;
      }
      // And at a point in the middle of the pane, not on the now line: the moment there stays.
      const middle = pane.x + pane.width / 2;
      // The now line: its x in the diagram (margin + time x scale) and the diagram's left on the screen.
      const nowAt = () => page.evaluate(() => ({
        nowX: Number(document.querySelector('[data-testid="now-line"]').getAttribute('x1')),
        left: document.querySelector('[data-testid="diagram"]').getBoundingClientRect().x,
      }));
      const a = await nowAt();
      await ctrlWheel(page, { x: middle, y: pane.y + pane.height / 2 }, -300);
      const after = await until('the wheel zooms in', () => view(page), (w) => w.width > width * 1.5);
      const b = await nowAt();
      // The now line's distance from the pointer grows by the zoom factor: the zoom is about the
      // pointer (the lanes start at x = 64, the margin for names as short as P64).
      const factor = (b.nowX - 64) / (a.nowX - 64);
      const gapBefore = a.left + a.nowX - middle;
      const gapAfter = b.left + b.nowX - middle;
      assert.ok(Math.abs(gapAfter - gapBefore * factor) <= 3,
        `the now line was ${gapBefore} px from the pointer, is ${gapAfter} px (zoom x${factor.toFixed(3)}, width ${after.width})`);
      // ctrl+wheel the other way zooms out.
      await ctrlWheel(page, { x: middle, y: pane.y + pane.height / 2 }, 300);
      await until('the wheel zooms out', () => view(page), (w) => w.width < after.width / 1.5);
    }));

  test('dragging in the overview scrolls the pane (1920x1080)', () =>
    withBigRun(VIEWPORTS[0], async (page) => {
      for (let i = 0; i < 4; i++) await page.keyboard.press(']');
      const start = await until('zoomed in', () => view(page), (w) => w.width > 4 * w.paneWidth);
      const overview = page.locator(tid('overview'));
      await overview.waitFor();
      const mark = page.locator(tid('overview-window'));
      const markLeft = () => mark.evaluate((m) => parseFloat(m.style.left));
      const strip = await overview.boundingBox();
      const left0 = await markLeft();
      const box = await mark.boundingBox();
      assert.ok(box.width < strip.width / 2, `the mark (${box.width} px) is a part of the strip (${strip.width} px)`);
      assert.ok(Math.abs(box.x - (strip.x + left0)) <= 2, 'the mark sits at its style left');
      // The zoom anchored on the now line, at the run's end: drag the mark to the left.
      const y = strip.y + strip.height / 2;
      const from = box.x + box.width / 2;
      await page.mouse.move(from, y);
      await page.mouse.down();
      for (const step of [1, 2, 3, 4]) await page.mouse.move(from - step * 100, y);
      await page.mouse.up();
      // 400 px along the strip is 400 * (run width / strip width) px of the run.
      const scale = start.width / strip.width;
      const leftward = await until('the pane scrolls left', () => view(page),
        (w) => w.scrollLeft < start.scrollLeft - 300 * scale);
      const left1 = await until('the mark moves left', markLeft, (l) => l < left0 - 300);
      // And to the right again, by half as much.
      const back = (await mark.boundingBox());
      const from2 = back.x + back.width / 2;
      await page.mouse.move(from2, y);
      await page.mouse.down();
      for (const step of [1, 2]) await page.mouse.move(from2 + step * 100, y);
      await page.mouse.up();
      await until('the pane scrolls right', () => view(page), (w) => w.scrollLeft > leftward.scrollLeft + 150 * scale);
      await until('the mark moves right', markLeft, (l) => l > left1 + 150);
      // The mark still says which part of the run the pane shows.
      const end = await view(page);
      const expected = end.scrollLeft * (strip.width / end.width);
      assert.ok(Math.abs((await markLeft()) - expected) <= 3, `mark at ${await markLeft()}, expected ${expected}`);
    }));

  for (const viewport of VIEWPORTS) {
    test(`screenshots: zoomed in, and presenting a dense run (${viewport.width}x${viewport.height})`, () =>
      withBigRun(viewport, async (page) => {
        for (let i = 0; i < 16; i++) {
          if (!(await view(page)).dense) break;
          const before = (await view(page)).width;
          await page.keyboard.press(']');
          await until('zoomed in', () => view(page), (w) => w.width > before * 1.15);
        }
        const zoomed = await until('zoomed in past dense', () => view(page), (w) => !w.dense && w.events > 20);
        assert.ok(zoomed.width > zoomed.paneWidth, 'the run is wider than the pane');
        assert.ok(await page.locator(tid('overview')).isVisible(), 'the overview shows');
        await screenshot(page, 'bigrun-zoomed-keys');
        await page.keyboard.press('0');
        await until('dense again at fit', () => view(page), (w) => w.dense && w.layerOn);
        await page.keyboard.press('p');
        await until('presentation mode is on', () => page.locator(tid('app')).getAttribute('class'),
          (c) => /\bpresentation\b/.test(c ?? ''));
        await until('still dense, on the canvas', () => view(page), (w) => w.dense && w.layerOn);
        // The diagram keeps most of the screen.
        const pane = await until('the pane fills the screen', () => page.locator(tid('diagram-pane')).boundingBox(),
          (b) => b && b.height >= viewport.height * 0.6 && b.width >= viewport.width - 2);
        // (Fitted again to the wider pane a frame or two after the mode changes.)
        const svg = await until('the diagram fills the pane', () => page.locator(DIAGRAM).boundingBox(),
          (b) => b && b.height >= pane.height && b.width >= pane.width * 0.9);
        assert.ok(svg.height >= pane.height, `the diagram (${svg.height} px) fills the pane (${pane.height} px) down`);
        assert.ok(await canvasPainted(page) > 1000, 'the canvas is painted');
        await screenshot(page, 'bigrun-presentation');
      }));
  }
});

describe('the ring of a big run', () => {
  test('its 2,016 links are one drawing; a selected process\'s links can be clicked, and one cut (1920x1080)', () =>
    withBigRun(VIEWPORTS[0], async (page) => {
      const links = () => page.locator('[data-testid^="topo-link-"]').count();
      // Halfway through the run: a cut at its very end would change nothing.
      await page.evaluate(() => {
        const s = document.querySelector('[data-testid=scrubber]');
        s.value = String(Math.floor(Number(s.max) / 2));
        s.dispatchEvent(new Event('input', { bubbles: true }));
      });
      assert.equal(await links(), 0, 'no link is an element of its own');
      assert.equal(await page.locator('.topo-links-all').count(), 1, 'the links are drawn as one path');
      await page.locator(tid('topo-node-5')).dispatchEvent('click'); // (envelopes may lie over it)
      await until('the process\'s links are clickable', links, (n) => n === 63);
      // A click on the link a third of the way along it (its middle is under the ring's centre
      // note).
      const at = await page.locator(`${tid('topo-link-5-37')} line.topo-link-hit`).evaluate((l) => {
        const svg = l.ownerSVGElement;
        const p = svg.createSVGPoint();
        const f = 1 / 3;
        p.x = Number(l.getAttribute('x1')) * (1 - f) + Number(l.getAttribute('x2')) * f;
        p.y = Number(l.getAttribute('y1')) * (1 - f) + Number(l.getAttribute('y2')) * f;
        const s = p.matrixTransform(l.getScreenCTM());
        return { x: s.x, y: s.y };
      });
      await page.mouse.click(at.x, at.y);
      // The selection bar offers to cut it.
      await page.locator(tid('quick-cut')).click();
      // (The click picks the link nearest the pointer: 5-37 or a neighbour of it.)
      const cutLinks = () => page.$$eval('[data-testid^="topo-link-"].cut', (ls) => ls.map((l) => l.dataset.testid));
      const [cut] = await until('a link of P6 is drawn cut', cutLinks, (c) => c.length === 1 && /^topo-link-5-\d+$/.test(c[0]));
      // Another process selected, the cut link stays drawn on its own, marked cut.
      await page.locator(tid('topo-node-20')).dispatchEvent('click');
      await until('the cut link is still drawn apart', () => page.locator(`${tid(cut)}.cut`).count(), (n) => n === 1);
      assert.equal(await links(), 63 + 1, "P21's links and the cut one");
    }));
});

describe('the badges on a big run', () => {
  test('follow the cursor, checked at most a tenth of a second behind it (1920x1080)', () =>
    withBigRun(VIEWPORTS[0], async (page) => {
      const badge = () => page.locator(tid('badge-coverage')).textContent();
      const atEnd = await until('the coverage badge is checked at the end', badge, (t) => /never heard rumour/.test(t));
      await page.locator(tid('btn-rewind')).click();
      await until('the start', () => page.locator(tid('step-count')).textContent(), (t) => /^step 0 /.test(t));
      const atStart = await until('the badge follows to the start', badge, (t) => t !== atEnd, { timeout: 2000 });
      await page.locator(tid('btn-end')).click();
      await until('the badge follows back to the end', badge, (t) => t === atEnd, { timeout: 2000 });
    }));
});

describe('a big run is made in slices, a progress card showing', () => {
  test('the card counts the steps while the page keeps painting; then the run shows at the link\'s step', async () => {
    const { context, page, problems } = await openPage(browser, VIEWPORTS[0]);
    page.setDefaultTimeout(LOAD_MS);
    try {
      // Before the page's scripts: note each text and value the card shows, and count the frames
      // painted while it shows (a page frozen by one long task paints none).
      await page.addInitScript(() => {
        window.__card = { texts: [], values: [], counters: [], told: [], framesWhileShown: 0 };
        const look = () => {
          const card = document.querySelector('[data-testid="run-progress"]');
          if (card) {
            const text = card.textContent;
            if (window.__card.texts.at(-1) !== text) window.__card.texts.push(text);
            const value = Number(card.querySelector('progress')?.value ?? -1);
            if (window.__card.values.at(-1) !== value) window.__card.values.push(value);
            window.__card.framesWhileShown++;
            const counter = document.querySelector('[data-testid="step-count"]')?.textContent;
            if (window.__card.counters.at(-1) !== counter) window.__card.counters.push(counter);
            const told = document.querySelector('[data-testid="narration"]')?.textContent;
            if (window.__card.told.at(-1) !== told) window.__card.told.push(told);
          }
          requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
      });
      await gotoApp(page, LINK, LOAD_MS);
      await until('the big run is loaded at its last step', () => page.locator(tid('step-count')).textContent(),
        (t) => t === `step ${STEPS} / ${STEPS}`, { timeout: LOAD_MS, interval: 100 });
      const card = await page.evaluate(() => window.__card);
      assert.ok(card.texts.length >= 2, `the card showed and moved on: ${JSON.stringify(card.texts)}`);
      for (const text of card.texts) {
        assert.match(text, /^Running \u201cA busy network of sixty-four\u201d: [\d,]+ of at most 60,000 steps, [\d,]+ events so far$/);
      }
      const increasing = card.values.every((v, i) => i === 0 || v > card.values[i - 1]);
      assert.ok(increasing && card.values.at(-1) <= STEPS, `the bar only grows: ${card.values}`);
      assert.deepEqual(card.counters, ['making the run…'], 'the step counter does not count the empty run');
      assert.deepEqual(card.told, ['The run is being made; it shows once it is whole.'], 'nor does the narration narrate it');
      assert.ok(card.framesWhileShown >= 3, `frames painted while the run was made: ${card.framesWhileShown}`);
      assert.equal(await page.locator(tid('run-progress')).count(), 0, 'the card is gone once the run shows');
      // The address kept the link's step while the run was made (it is rewritten from the view).
      await page.waitForTimeout(400);
      assert.match(await page.evaluate(() => location.search), new RegExp(`[?&]step=${STEPS}(&|$)`));
      if (problems.length) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
    } finally {
      await context.close();
    }
  });
});

describe('a run that crowds the window by its end is dense from its first step', () => {
  // `gossip-busy-sixteen` at fit: 2,250 events on 16 lanes, closer than a dot's width. Drawn as
  // SVG while fewer than 400 had happened, it was a heap of overlapping dots and hidden labels,
  // and a scrub across that mark swapped renderers.
  test('scrubbing keeps the canvas; zooming in brings back dots and labels (1920x1080)', async () => {
    const { context, page, problems } = await openPage(browser, VIEWPORTS[0]);
    try {
      await gotoApp(page, '?lesson=gossip&scenario=gossip-busy-sixteen&step=5');
      await until('the start of the run is drawn dense', () => view(page), (v) => v.dense && v.layerOn);
      assert.equal((await view(page)).events, 0, 'no dot in the SVG');
      const total = Number((await page.locator(tid('step-count')).textContent()).split('/')[1]);
      for (const step of [1, 20, 60, Math.round(total / 4), total, 3]) {
        await page.locator(tid('scrubber')).evaluate((s, to) => {
          s.value = String(to);
          s.dispatchEvent(new Event('input', { bubbles: true }));
        }, step);
        await until(`step ${step} is shown`, () => page.locator(tid('step-count')).textContent(),
          (t) => t.startsWith(`step ${step} /`));
        const v = await view(page);
        assert.ok(v.dense && v.events === 0, `at step ${step} the view is dense: ${JSON.stringify(v)}`);
      }
      // Zoomed in, the events stand apart: dots in the SVG, with their clocks.
      await page.keyboard.press('End');
      await until('the end is shown', () => page.locator(tid('step-count')).textContent(),
        (t) => t === `step ${total} / ${total}`);
      let v = await view(page);
      for (let i = 0; i < 12 && v.dense; i++) {
        await page.keyboard.press(']');
        const before = v.width;
        v = await until('zoomed in', () => view(page), (w) => w.width > before * 1.15);
      }
      assert.equal(v.dense, false, `still dense at ${v.width} px wide`);
      await until('the dots in the window are in the SVG', () => view(page), (w) => w.events > 0 && !w.dense);
      const labels = await page.$$eval(`${DIAGRAM} text.clock-label`, (ts) => ts.filter((t) => t.getBoundingClientRect().width > 0).length);
      assert.ok(labels > 0, 'their clocks show');
      if (problems.length) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
    } finally {
      await context.close();
    }
  });
});
