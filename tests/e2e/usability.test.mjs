// The page as people use it (issue 21), each test the steps a student, a teacher or a phone user
// took when the problem was seen: a diagram built by hand survives its link and the browser's
// Back; the faults for a selection are in view at once; menus close on Esc and outside clicks;
// the documented keys work after a drop-down; nothing overflows sideways at three sizes; and the
// smaller rough edges (labels after a tour, counts in words, exercises).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  PHONE,
  PHONE_OPTIONS,
  VIEWPORTS,
  clickSvg,
  diagramState,
  gotoApp,
  launchBrowser,
  openLesson,
  openPage,
  position,
  press,
  screenshot,
  tid,
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

const SIZES = [...VIEWPORTS, PHONE];
const sizeName = (v) => `${v.width}x${v.height}`;
const optionsFor = (v) => (v === PHONE ? PHONE_OPTIONS : {});
const app = (body, viewport = VIEWPORTS[0]) => withApp(browser, body, viewport, optionsFor(viewport));
/** Like `app`, on the address `rel`. */
const appAt = (rel, body, viewport = VIEWPORTS[0]) =>
  withApp(browser, body, viewport, { ...optionsFor(viewport), rel });

/** Presses on lane `from` at diagram x `x1` and releases on lane `to` at `x2` (Build's gestures). */
async function drawOn(page, from, x1, to, x2) {
  const box = await page.locator(tid('diagram')).boundingBox();
  const lanes = (await diagramState(page)).lanes;
  const y = (p) => box.y + lanes.find((l) => l.p === p).y;
  await page.mouse.move(box.x + x1, y(from));
  await page.mouse.down();
  await page.mouse.move(box.x + (x1 + x2) / 2, (y(from) + y(to)) / 2, { steps: 4 });
  await page.mouse.move(box.x + x2, y(to), { steps: 4 });
  await page.mouse.up();
}

const buildStatus = (page) => page.locator(tid('build-status')).textContent();

/** Whether the element's box lies inside the viewport. */
async function inViewport(locator) {
  const box = await locator.boundingBox();
  const { width, height } = locator.page().viewportSize();
  return box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height;
}

// -------------------------------------------------------------------------------------------

describe('a teacher’s diagram survives its link', () => {
  test('Build opens the linked diagram, undo goes back, and Back returns to the view before', async () => {
    let link;
    await app(async (page) => {
      await openLesson(page, 'clocks');
      await page.locator(tid('activity-build')).click();
      await page.locator(tid('build-clear')).click();
      await until('the canvas is blank', () => buildStatus(page), (t) => /^0 events, 0 messages on \d lanes$/.test(t));
      while (!/on 4 lanes$/.test(await buildStatus(page))) {
        const before = await buildStatus(page);
        await page.locator(tid('build-add-lane')).click();
        await until('a lane is added', () => buildStatus(page), (t) => t !== before);
      }
      const width = (await page.locator(tid('diagram-pane')).boundingBox()).width;
      const x = (f) => 90 + f * (width - 220);
      await drawOn(page, 0, x(0.05), 0, x(0.05)); // a local event
      await drawOn(page, 3, x(0.1), 3, x(0.1)); // another
      await drawOn(page, 0, x(0.2), 1, x(0.35));
      await drawOn(page, 1, x(0.5), 2, x(0.65));
      await drawOn(page, 2, x(0.75), 3, x(0.9));
      const built = await until('two local events and three messages', () => buildStatus(page),
        (t) => t === '8 events, 3 messages on 4 lanes');
      // The address follows the view a quarter second behind: let it catch up.
      await page.waitForTimeout(600);
      link = await until('the address holds the drawing', () => page.evaluate(() => location.href),
        (u) => u.includes('sc='));
      assert.equal(built, '8 events, 3 messages on 4 lanes');
    });
    // Someone else opens the link in a browser of their own, and presses Build.
    await appAt(link, async (page) => {
      await until('the linked diagram is drawn', async () => (await diagramState(page)).events.length, (n) => n === 8);
      await page.locator(tid('activity-build')).click();
      assert.equal(await until('Build shows it', () => buildStatus(page), (t) => t.startsWith('8 events')),
        '8 events, 3 messages on 4 lanes');
      // Edit it, then undo: back to the linked diagram, and one more undo reaches the canvas before.
      const width = (await page.locator(tid('diagram-pane')).boundingBox()).width;
      await drawOn(page, 1, 90 + 0.95 * (width - 220), 1, 90 + 0.95 * (width - 220));
      await until('the edit', () => buildStatus(page), (t) => t.startsWith('9 events'));
      assert.ok(await page.locator(tid('build-undo')).isEnabled());
      await page.locator(tid('build-undo')).click();
      await until('undo gives the linked diagram back', () => buildStatus(page), (t) => t === '8 events, 3 messages on 4 lanes');
      assert.ok(await page.locator(tid('build-undo')).isEnabled(), 'undo can still go back');

      // Another scenario is a new view: Back returns to the diagram, Forward to the scenario.
      await page.locator(tid('scenario-select')).selectOption('clocks-crossing-messages');
      await until('the other scenario is in the address', () => page.evaluate(() => location.search),
        (q) => q.includes('s=clocks-crossing-messages'), { timeout: 3000 });
      await page.goBack();
      await until('Back shows the drawing again', async () => (await diagramState(page)).events.length, (n) => n === 8);
      await page.goForward();
      await until('Forward shows the scenario', () => page.locator(tid('scenario-select')).inputValue(),
        (v) => v === 'clocks-crossing-messages');
    });
  });

  test('Back from a lesson returns to the welcome, and from a lesson to the one before', async () => {
    const { context, page, problems } = await openPage(browser);
    try {
      await gotoApp(page, '?');
      await page.locator(tid('welcome')).waitFor();
      await page.locator(tid('welcome-clocks')).click();
      await page.locator(tid('diagram')).waitFor();
      const first = await until('a lesson opens', () => page.evaluate(() => location.search), (q) => q.length > 1);
      await openLesson(page, 'gossip');
      await until('the gossip lesson is in the address', () => page.evaluate(() => location.search),
        (q) => q !== first && q.includes('gossip'), { timeout: 3000 });
      await page.goBack();
      await until('Back opens the lesson before', () => page.evaluate(() => location.search), (q) => q === first);
      await page.locator(tid('diagram')).waitFor();
      await page.goBack();
      await page.locator(tid('welcome')).waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('the faults for a selection are in view', () => {
  for (const size of SIZES) {
    test(`a lane clicked in paxos-five-acceptors shows Crash in the viewport (${sizeName(size)})`, () =>
      appAt('?s=paxos-five-acceptors', async (page) => {
        await press(page, 'btn-forward', 1);
        await clickSvg(page, 'lane-2');
        const crash = page.locator(tid('quick-crash'));
        await crash.waitFor();
        assert.ok(await inViewport(crash), 'the crash button is on screen');
        await screenshot(page, 'selection-bar');
        await crash.click();
        await page.locator(tid('quick-recover')).waitFor();
        assert.ok(await inViewport(page.locator(tid('quick-recover'))));
        assert.match(await page.locator(tid('quick-recover')).textContent(), /^Recover /);
        // Esc (or ✕) puts the bar away with the selection.
        await page.locator(tid('quick-close')).click();
        await until('the bar is gone', () => page.locator(tid('selection-bar')).count(), (n) => n === 0);
      }, size));
  }

  test('a message can be clicked, and dropped, at the very step it is sent', () =>
    appAt('?s=clocks-three-events', async (page) => {
      // Step until a message has just been sent.
      for (;;) {
        const { step, total } = await position(page);
        assert.ok(step < total, 'some message is sent');
        await press(page, 'btn-forward', step + 1);
        if ((await diagramState(page)).messages.some((m) => m.fate === 'InFlight')) break;
      }
      const id = (await diagramState(page)).messages.find((m) => m.fate === 'InFlight').id;
      const line = page.locator(`${tid(`msg-${id}`)} .arrow-line`);
      const length = await line.evaluate((l) => Math.hypot(l.x2.baseVal.value - l.x1.baseVal.value,
        l.y2.baseVal.value - l.y1.baseVal.value));
      assert.ok(length >= 20, `the arrow just sent is drawn ${length} px long`);
      // A real click near its head, clear of the dot it leaves from.
      const end = await line.evaluate((l) => {
        const m = l.getScreenCTM();
        const at = (f) => ({
          x: l.x1.baseVal.value + f * (l.x2.baseVal.value - l.x1.baseVal.value),
          y: l.y1.baseVal.value + f * (l.y2.baseVal.value - l.y1.baseVal.value),
        });
        const p = at(0.85);
        return { x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f };
      });
      await page.mouse.click(end.x, end.y);
      await page.locator(tid('quick-drop')).click();
      await until('it is dropped', async () => (await diagramState(page)).messages.find((m) => m.id === id)?.fate,
        (f) => f === 'Died');
    }));
});

describe('menus close', () => {
  for (const size of SIZES) {
    test(`Export closes on Esc and on a click outside, and stays on screen (${sizeName(size)})`, () =>
      app(async (page) => {
        const menu = page.locator(tid('export-menu'));
        const isOpen = () => menu.evaluate((d) => d.open);
        await page.locator(tid('export-button')).click();
        await until('the menu opens', isOpen);
        assert.ok(await inViewport(page.locator(`${tid('export-menu')} .menu-body`)), 'the open menu is on screen');
        await screenshot(page, 'export-menu');
        await page.keyboard.press('Escape');
        await until('Esc closes it', isOpen, (o) => o === false);
        await page.locator(tid('export-button')).click();
        await until('it opens again', isOpen);
        await page.locator(`${tid('export-menu')} .menu-hint`).click();
        assert.equal(await isOpen(), true, 'a click inside keeps it open');
        await page.locator(tid('narration')).click({ position: { x: 5, y: 5 } });
        await until('a click outside closes it', isOpen, (o) => o === false);
        // So does the link's popover.
        await page.locator(tid('copy-link')).click();
        await page.locator(tid('link-popover')).waitFor();
        await page.locator(tid('narration')).click({ position: { x: 5, y: 5 } });
        await until('a click outside closes the link popover', () => page.locator(tid('link-popover')).count(), (n) => n === 0);
        await page.locator(tid('copy-link')).click();
        await page.locator(tid('link-field')).waitFor();
        await page.keyboard.press('Escape');
        await until('Esc closes it too', () => page.locator(tid('link-popover')).count(), (n) => n === 0);
      }, size));
  }
});

describe('the diagram keeps its pane', () => {
  for (const size of SIZES) {
    test(`at fit every lane is in view, and reaching + lane keeps the diagram there (${sizeName(size)})`, () =>
      appAt('?s=paxos-five-acceptors', async (page) => {
        const lanesInView = async () => {
          const pane = await page.locator(tid('diagram-pane')).boundingBox();
          const { height } = page.viewportSize();
          const ys = await page.locator('g.lane .lane-line').evaluateAll((ls) => ls.map((l) => l.getBoundingClientRect().top));
          return ys.every((y) => y >= Math.max(0, pane.y) && y <= Math.min(height, pane.y + pane.height));
        };
        await page.locator(tid('zoom-fit')).click();
        assert.ok(await lanesInView(), 'every lane is in the pane, on screen');
        await openLesson(page, 'clocks');
        await page.locator(tid('activity-build')).click();
        await page.locator(tid('build-add-lane')).click();
        await until('the lane is added', async () => (await diagramState(page)).lanes.length, (n) => n === 3);
        assert.ok(await lanesInView(), 'the diagram stayed in view while + lane was reached');
        await screenshot(page, 'build-add-lane');
      }, size));
  }
});

describe('keys do what the screen says', () => {
  test('→ steps after a scenario is chosen from the drop-down', () =>
    app(async (page) => {
      const select = page.locator(tid('scenario-select'));
      await select.focus();
      await select.selectOption('clocks-crossing-messages');
      await waitForStep(page, 0);
      await page.keyboard.press('ArrowRight');
      await waitForStep(page, 1);
      assert.equal(await select.inputValue(), 'clocks-crossing-messages', '→ did not change the scenario');
      await page.keyboard.press(' ');
      await until('Space plays', () => page.locator(tid('btn-play')).getAttribute('aria-label'), (l) => l === 'Pause');
      // Keys typed into a field still belong to it.
      await page.keyboard.press(' ');
      await until('Space pauses', () => page.locator(tid('btn-play')).getAttribute('aria-label'), (l) => l === 'Play');
      await page.locator('details.network > summary').click();
      const seed = page.locator(tid('seed-input'));
      await seed.focus();
      const before = await position(page);
      await page.keyboard.press('ArrowRight');
      assert.deepEqual(await position(page), before, '→ in a field moves its caret, not the run');
    }));
});

describe('nothing overflows sideways', () => {
  const lessons = ['clocks', 'delivery', 'models', 'broadcast', 'gossip', 'paxos', 'mapreduce', 'raft'];
  for (const size of SIZES) {
    test(`every lesson, with its text open, fits ${sizeName(size)}`, () =>
      app(async (page) => {
        const listed = await page.locator(`.lesson-tabs button`).evaluateAll((bs) =>
          bs.map((b) => b.dataset.testid.slice('lesson-'.length)));
        assert.deepEqual(listed, lessons, 'every lesson is checked');
        for (const lesson of lessons) {
          await openLesson(page, lesson);
          for (const reading of [false, true]) {
            const pressed = (await page.locator(tid('lesson-button')).getAttribute('aria-pressed')) === 'true';
            if (pressed !== reading) await page.locator(tid('lesson-button')).click();
            // Play a little, so that the tables and panels have content.
            await page.locator(tid('btn-end')).click();
            const over = await page.evaluate(() => {
              const out = [];
              const doc = document.documentElement;
              if (doc.scrollWidth > window.innerWidth + 1) out.push(`page ${doc.scrollWidth} > ${window.innerWidth}`);
              // (The narration is cut to one line with an ellipsis on purpose: a tap opens it.)
              for (const sel of ['.header', '.side', '.playback']) {
                const el = document.querySelector(sel);
                if (el && el.scrollWidth > el.clientWidth + 1) out.push(`${sel} ${el.scrollWidth} > ${el.clientWidth}`);
              }
              const side = document.querySelector('.side')?.getBoundingClientRect();
              for (const el of document.querySelectorAll('.side *')) {
                const r = el.getBoundingClientRect();
                // What scrolls inside its own box (a wide table in its card) is not overflow.
                let scrolls = false;
                for (let a = el.parentElement; a && !a.classList.contains('side'); a = a.parentElement) {
                  if (getComputedStyle(a).overflowX !== 'visible') scrolls = true;
                }
                if (side && r.width > 0 && r.right > side.right + 1 && !scrolls) {
                  out.push(`${el.tagName.toLowerCase()}.${el.className?.baseVal ?? el.className} ends at ${Math.round(r.right)} > ${Math.round(side.right)}`);
                  break;
                }
              }
              return out;
            });
            assert.deepEqual(over, [], `${lesson}${reading ? ' (reading)' : ''} at ${page.viewportSize().width}px`);
          }
          await page.locator(tid('btn-rewind')).click();
          await screenshot(page, `lesson-${lesson}`);
        }
      }, size));
  }
});

describe('a phone can use it', () => {
  test('touch wording, a narration that opens, and a tour that leaves the diagram in view', () =>
    appAt('?s=paxos-five-acceptors', async (page) => {
      const narration = page.locator(tid('narration'));
      assert.match(await narration.textContent(), /Tap play/);
      assert.doesNotMatch(await narration.textContent(), /space/);
      await page.locator(tid('btn-forward')).tap();
      await waitForStep(page, 1);
      const oneLine = (await narration.boundingBox()).height;
      await narration.click();
      await until('the narration shows all of its sentence', async () => (await narration.boundingBox()).height,
        (h) => h > oneLine + 4);
      await page.locator(tid('tour-button')).click();
      await page.locator(tid('tour-panel')).waitFor();
      const pane = await page.locator(tid('diagram-pane')).boundingBox();
      const panel = await page.locator(tid('tour-panel')).boundingBox();
      const covered = Math.max(0, Math.min(pane.y + pane.height, panel.y + panel.height) - Math.max(pane.y, panel.y));
      assert.ok(covered < pane.height / 2, `the tour panel covers ${covered} of the diagram's ${pane.height} px`);
      await screenshot(page, 'phone-tour');
    }, PHONE));
});

describe('small rough edges', () => {
  test('leaving a tour gives the labels back; counts and speeds read in words', () =>
    app(async (page) => {
      await openLesson(page, 'gossip');
      const pressed = (mode) => page.locator(tid(`clocks-${mode}`)).getAttribute('aria-pressed');
      assert.equal(await pressed('lamport'), 'true');
      await page.locator(tid('tour-button')).click();
      await until('the tour hides the labels', () => pressed('none'), (p) => p === 'true');
      await page.locator(tid('tour-leave')).click();
      await until('leaving gives them back', () => pressed('lamport'), (p) => p === 'true');
      // One step a second reads as one step.
      const speed = page.locator(tid('speed'));
      await speed.fill('0');
      assert.equal(await page.locator(tid('speed-label')).textContent(), '1 step/s');
    }));

  test('zoomed in, the lane names stay in view and the zoom buttons stay off the lanes', () =>
    appAt('?s=paxos-five-acceptors', async (page) => {
      await page.locator(tid('btn-end')).click();
      const toolbar = await page.locator('.diagram-toolbar').boundingBox();
      const svg = await page.locator(tid('diagram')).boundingBox();
      const first = (await diagramState(page)).lanes[0].y;
      assert.ok(svg.y + first > toolbar.y + toolbar.height, 'the first lane runs below the zoom buttons');
      for (let i = 0; i < 4; i++) await page.locator(tid('zoom-in')).click();
      const pane = page.locator(tid('diagram-pane'));
      await pane.evaluate((el) => { el.scrollLeft = el.scrollWidth / 2; });
      const paneBox = await pane.boundingBox();
      await until('every lane name is at the pane’s left edge', () =>
        page.locator('.lane-name').evaluateAll((ts) => ts.map((t) => t.getBoundingClientRect().left)),
      (xs) => xs.length > 0 && xs.every((x) => x >= paneBox.x && x < paneBox.x + 40));
      await screenshot(page, 'zoomed-lanes');
    }));

  test('exercises: an empty Check is no attempt, New loads the number typed, duplicate is offered', () =>
    app(async (page) => {
      await page.locator(tid('activity-exercises')).click();
      await page.locator(tid('exercise-fill')).waitFor();
      const progress = await page.locator(tid('exercise-progress')).textContent();
      await page.locator(tid('exercise-check')).click();
      assert.match(await page.locator(tid('exercise-feedback')).textContent(), /Type a value for every event first/);
      assert.equal(await page.locator(tid('exercise-progress')).textContent(), progress, 'nothing was counted');
      // Exercise after exercise is one entry of the browser's history: Back leaves them all.
      await page.waitForTimeout(400);
      const entries = await page.evaluate(() => history.length);
      for (let i = 0; i < 2; i++) {
        await page.locator(tid('exercise-new')).click();
        await page.waitForTimeout(400);
      }
      assert.equal(await page.evaluate(() => history.length), entries, 'New adds no history entry');
      // The number typed, then New: that exercise, the same as Enter gives.
      await page.locator(tid('exercise-seed')).fill('7');
      await page.locator(tid('exercise-seed')).press('Enter');
      const seven = await page.locator(tid('exercise-prompt')).textContent() + await page.locator(tid('exercise-fill')).textContent();
      await page.locator(tid('exercise-new')).click();
      await page.locator(tid('exercise-seed')).fill('7');
      await page.locator(tid('exercise-new')).click();
      assert.equal(await page.locator(tid('exercise-seed')).inputValue(), '7');
      assert.equal(await page.locator(tid('exercise-prompt')).textContent() + await page.locator(tid('exercise-fill')).textContent(), seven);
      // An intervene exercise (Paxos) offers what its prompt names: drop, delay and duplicate.
      await page.locator(tid('activity-exercises')).click();
      await openLesson(page, 'paxos');
      await page.locator(tid('activity-exercises')).click();
      await page.locator(tid('exercise-kind')).selectOption('break-agreement');
      await page.locator(tid('exercise-intervene')).waitFor();
      await page.locator(tid('exercise-check')).click();
      assert.match(await page.locator(tid('exercise-feedback')).textContent(), /Change the run first/);
      assert.equal((await position(page)).step, 0, 'an empty check moves nothing');
      const { total } = await position(page);
      for (let step = 1; step <= total; step++) {
        await press(page, 'btn-forward', step);
        const flying = (await diagramState(page)).messages.find((m) => m.fate === 'InFlight');
        if (flying) {
          await clickSvg(page, `msg-${flying.id}`);
          break;
        }
      }
      for (const key of ['drop', 'duplicate', 'delay']) await page.locator(tid(`exercise-${key}`)).waitFor();
      // Drop it and check at once: the events the feedback points at are drawn.
      await page.locator(tid('exercise-drop')).click();
      await page.locator(tid('exercise-check')).click();
      await page.locator(tid('exercise-feedback')).waitFor();
      // (The selection is in the address, a quarter second behind.)
      await page.waitForTimeout(500);
      const sel = new URL(await page.evaluate(() => location.href)).searchParams.get('sel') ?? '';
      const pointed = sel.split(',').filter((x) => x.startsWith('e')).map((x) => Number(x.slice(1)));
      const drawn = (await diagramState(page)).events.map((e) => e.id);
      for (const e of pointed) assert.ok(drawn.includes(e), `event ${e}, which the feedback points at, is drawn`);
    }));
});
