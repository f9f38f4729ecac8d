// The clocks lesson in the release build: building a diagram by hand with the mouse (clocks
// update live, undo / redo, delete), comparing two events, doing exercises right and wrong with
// progress kept across a reload, and importing logs (GoVector, ShiViz, a file, a broken one).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  VIEWPORTS,
  clickSvg,
  diagramState,
  eventsOn,
  launchBrowser,
  openLesson,
  screenshot,
  tid,
  until,
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

/** Page coordinates of diagram point (x, y). */
async function pagePoint(page, x, y) {
  const box = await page.locator(tid('diagram')).boundingBox();
  return { x: box.x + x, y: box.y + y };
}

/** The y of lane `p` in the diagram. */
async function laneY(page, p) {
  const state = await diagramState(page);
  return state.lanes.find((l) => l.p === p).y;
}

/** Presses the mouse on lane `from` at diagram x `x1` and releases it on lane `to` at `x2`. */
async function drawOn(page, from, x1, to, x2) {
  // On a small screen the panel's buttons sit below the diagram: bring the lanes back in view.
  await page.locator(tid('diagram-pane')).scrollIntoViewIfNeeded();
  const a = await pagePoint(page, x1, await laneY(page, from));
  const b = await pagePoint(page, x2, await laneY(page, to));
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
}

const eventCount = async (page) => (await diagramState(page)).events.length;
const waitForEvents = (page, n) => until(`${n} events are drawn`, () => eventCount(page), (c) => c === n);

/** Lamport labels per lane, left to right. */
async function labelsByLane(page) {
  const state = await diagramState(page);
  return state.lanes.map((l) => eventsOn(state, l.p).sort((a, b) => a.x - b.x).map((e) => e.clock));
}

/** Opens the playground on a blank canvas of three lanes. */
async function blankCanvas(page) {
  await openLesson(page, 'clocks');
  await page.locator(tid('activity-build')).click();
  await page.locator(tid('build-panel')).waitFor();
  await page.locator(tid('build-clear')).click();
  await waitForEvents(page, 0);
  while ((await diagramState(page)).lanes.length < 3) {
    const lanes = (await diagramState(page)).lanes.length;
    await page.locator(tid('build-add-lane')).click();
    await until('a lane is added', async () => (await diagramState(page)).lanes.length, (n) => n === lanes + 1);
  }
}

describe('building a diagram by hand', () => {
  for (const viewport of VIEWPORTS) {
    test(`clicks and drags make events and messages, with live clocks (${viewport.width}x${viewport.height})`, async () => {
      await app(async (page) => {
        await blankCanvas(page);
        const width = (await page.locator(tid('diagram-pane')).boundingBox()).width;
        const x = (f) => 70 + f * (width - 200);
        // A local event on P1, a message P1 -> P2, then P2 -> P3.
        await drawOn(page, 0, x(0.1), 0, x(0.1));
        await waitForEvents(page, 1);
        await drawOn(page, 0, x(0.25), 1, x(0.45));
        await waitForEvents(page, 3);
        await drawOn(page, 1, x(0.6), 2, x(0.8));
        await waitForEvents(page, 5);
        assert.equal((await diagramState(page)).messages.length, 2);
        await page.locator(tid('clocks-lamport')).click();
        assert.deepEqual(await labelsByLane(page), [['1', '2'], ['3', '4'], ['5']]);
        await page.locator(tid('clocks-vector')).click();
        await until('vector labels', () => labelsByLane(page),
          (l) => JSON.stringify(l) === JSON.stringify([['[1,0,0]', '[2,0,0]'], ['[2,1,0]', '[2,2,0]'], ['[2,2,1]']]));
        await screenshot(page, 'build');

        // Undo the last message, redo it, undo it by key.
        await page.locator(tid('build-undo')).click();
        await waitForEvents(page, 3);
        await page.locator(tid('build-redo')).click();
        await waitForEvents(page, 5);
        await page.keyboard.press('Control+z');
        await waitForEvents(page, 3);
        await page.keyboard.press('Control+y');
        await waitForEvents(page, 5);

        // Compare P1's local event with P3's receipt: a chain of two messages orders them.
        const state = await diagramState(page);
        const first = eventsOn(state, 0).sort((a, b) => a.x - b.x)[0];
        const last = eventsOn(state, 2)[0];
        await clickSvg(page, `event-${first.id}`);
        await page.locator(tid(`event-${last.id}`)).dispatchEvent('click', { shiftKey: true });
        const relation = await until('the pair is compared', () => page.locator(tid('pair-relation')).textContent(), Boolean);
        assert.match(relation, /^\w+ → \w+$/);
        const reasons = await page.locator(`${tid('pair-reasons')} li`).allTextContents();
        assert.equal(reasons.length, 4, reasons.join(' | '));
        assert.match(reasons.join(' '), /sends the message m1/);
        assert.equal(await page.locator('.event-dot.chain').count(), 3, 'the chain between them is highlighted');
        assert.equal(await page.locator('.arrow.selected').count(), 2);

        // A concurrent pair, with the compare button instead of shift.
        await page.keyboard.press('Escape');
        await drawOn(page, 2, x(0.1), 2, x(0.1));
        await waitForEvents(page, 6);
        // Event ids follow time, so the new event renumbers some: read them again.
        const now = await diagramState(page);
        const [fresh, receipt] = eventsOn(now, 2).sort((a, b) => a.x - b.x);
        const local = eventsOn(now, 0).sort((a, b) => a.x - b.x)[0];
        await clickSvg(page, `event-${fresh.id}`);
        await page.locator(tid('compare-button')).click();
        await clickSvg(page, `event-${local.id}`);
        assert.match(await until('concurrent', () => page.locator(tid('pair-relation')).textContent(), (t) => t?.includes('∥')), /∥/);

        // Delete the receipt on P3 of the second message: its send on P2 goes too.
        await clickSvg(page, `event-${receipt.id}`);
        await page.locator(tid('build-delete')).click();
        await waitForEvents(page, 4);
        assert.equal((await diagramState(page)).messages.length, 1);
      }, viewport);
    });
  }
});

/**
 * The Lamport clocks of the diagram on screen, computed here from what is drawn (dots, and the
 * arrows joining them) by the course's rule, keyed by each event's label (its name).
 */
async function lamportFromDrawing(page) {
  const drawn = await page.evaluate(() => {
    const svg = document.querySelector('[data-testid="diagram"]');
    const events = [...svg.querySelectorAll('g.event')].map((g) => {
      const c = g.querySelector('circle');
      return { name: g.querySelector('.clock-label')?.textContent, x: +c.getAttribute('cx'), y: +c.getAttribute('cy') };
    });
    const arrows = [...svg.querySelectorAll('.arrow-line')].map((l) => ({
      x1: +l.getAttribute('x1'), y1: +l.getAttribute('y1'), x2: +l.getAttribute('x2'), y2: +l.getAttribute('y2'),
    }));
    return { events, arrows };
  });
  const near = (e, x, y) => Math.hypot(e.x - x, e.y - y) < 1;
  const clock = new Map();
  const last = new Map();
  for (const e of [...drawn.events].sort((a, b) => a.x - b.x)) {
    const before = last.get(e.y) ?? 0;
    const arrow = drawn.arrows.find((a) => near(e, a.x2, a.y2));
    const sender = arrow && drawn.events.find((s) => near(s, arrow.x1, arrow.y1));
    const value = sender ? Math.max(before, clock.get(sender.name)) + 1 : before + 1;
    clock.set(e.name, value);
    last.set(e.y, value);
  }
  return clock;
}

describe('exercises', () => {
  test('a right answer and a wrong one, with progress kept across a reload and reset', async () => {
    await app(async (page) => {
      await openLesson(page, 'clocks');
      await page.locator(tid('activity-exercises')).click();
      await page.locator(tid('exercise-panel')).waitFor();
      assert.equal(await page.locator(tid('exercise-kind')).inputValue(), 'lamport');
      assert.equal(await page.locator(tid('inspector')).count(), 0, 'the inspector would give the answers away');
      assert.ok(await page.locator(tid('clocks-lamport')).isDisabled());
      await page.locator(tid('exercise-seed')).fill('7');
      await page.locator(tid('exercise-seed')).press('Enter');
      await page.locator(tid('exercise-fill')).waitFor();

      // Right: the clocks computed from the drawing itself.
      const clocks = await lamportFromDrawing(page);
      const inputs = await page.locator(`${tid('exercise-fill')} input`).all();
      assert.equal(inputs.length, clocks.size);
      for (const [name, value] of clocks) await page.locator(tid(`answer-${name}`)).fill(String(value));
      await page.locator(tid('exercise-check')).click();
      const right = page.locator(tid('exercise-feedback'));
      await until('the answer is judged right', () => right.getAttribute('class'), (c) => /\bcorrect\b/.test(c ?? ''));
      await screenshot(page, 'exercise-right');

      // Wrong: every clock 1 (some event is not a first event).
      await page.locator(tid('exercise-next')).click();
      await until('a new exercise', () => page.locator(tid('exercise-feedback')).count(), (n) => n === 0);
      for (const input of await page.locator(`${tid('exercise-fill')} input`).all()) await input.fill('1');
      await page.locator(tid('exercise-check')).click();
      await until('the answer is judged wrong', () => right.getAttribute('class'), (c) => /\bwrong\b/.test(c ?? ''));
      const why = await right.textContent();
      assert.match(why, /L\(\w+\)/, why);
      await screenshot(page, 'exercise-wrong');
      assert.match(await page.locator(tid('exercise-progress')).textContent(), /^score 1 of 2 · streak 0 \(best 1\) · done: easy/);

      // A relation exercise answers with buttons.
      await page.locator(tid('exercise-kind')).selectOption('relation');
      await page.locator(tid('exercise-choices')).waitFor();
      assert.equal(await page.locator(`${tid('exercise-choices')} button`).count(), 3);

      // Progress survives a reload, and resets on a double click.
      await page.reload();
      await page.waitForFunction(() => window.__spacetimeStarted === true);
      await page.locator(tid('activity-exercises')).click();
      await page.locator(tid('exercise-kind')).selectOption('lamport');
      const progress = () => page.locator(tid('exercise-progress')).textContent();
      await until('the score is read back', progress, (t) => /^score 1 of 2/.test(t));
      await page.locator(tid('progress-reset')).click();
      await page.locator(tid('progress-reset')).click();
      await until('the score is reset', progress, (t) => /^score 0 of 0/.test(t));
    });
  });
});

const GOVECTOR_LOG = `alice {"alice":1}
Initialization Complete
alice {"alice":2}
Sending ping to bob
bob {"bob":1}
Initialization Complete
bob {"alice":2, "bob":2}
Received ping from alice
bob {"alice":2, "bob":3}
Sending pong to carol
carol {"carol":1}
Initialization Complete
carol {"alice":2, "bob":3, "carol":2}
Received pong from bob
`;

/** A ShiViz file: its parser regex, a delimiter regex, and two executions. */
const TWO_EXECUTIONS = `(?<host>\\S*) (?<clock>{.*})\\n(?<event>.*)
^=== run \\d+ ===$
=== run 1 ===
${GOVECTOR_LOG}=== run 2 ===
server {"server":1}
start
client10 {"client10":1}
send request
server {"client10":1, "server":2}
got request
client2 {"client2":1}
start
server {"client10":1, "server":3}
send reply
client2 {"client10":1, "client2":2, "server":3}
got reply
`;

/** Records among other text, one with characters the browser counts in two UTF-16 units. */
const WITH_NOISE = `Trace of a run — café ☕ 😀
alice {"alice":1} start 😀
  the network delayed this one
bob {"bob":1} start
alice {"alice":2} send ☕

bob {"alice":2, "bob":2} receive
The end.
12 states found.
`;

/** Two executions of one exchange that differ: bob logs his receipt in other words, alice's third
 * event is only in the first, and carol hears from alice in the first but from bob in the second. */
const DIFFERING = `(?<host>\\S*) (?<clock>{.*})\\n(?<event>.*)
^=== run \\d+ ===$
=== run 1 ===
alice {"alice":1}
ping
bob {"alice":1, "bob":1}
got ping
bob {"alice":1, "bob":2}
pong
alice {"alice":2, "bob":2}
got pong
alice {"alice":3, "bob":2}
tell carol
carol {"alice":3, "bob":2, "carol":1}
told
=== run 2 ===
alice {"alice":1}
ping
bob {"alice":1, "bob":1}
received ping
bob {"alice":1, "bob":2}
pong
alice {"alice":2, "bob":2}
got pong
bob {"alice":1, "bob":3}
tell carol
carol {"alice":1, "bob":3, "carol":1}
told
`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The trace `spacetime import` prints for `text` with these extra arguments (the CLI is built if
 * it is not yet). */
function cliImport(text, args) {
  const dir = mkdtempSync(path.join(tmpdir(), 'spacetime-'));
  const file = path.join(dir, 'log.txt');
  writeFileSync(file, text);
  const out = execFileSync('cargo', ['run', '-q', '-p', 'spacetime-cli', '--', 'import', file, ...args],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 });
  return JSON.parse(out);
}

/** The page's trace, as its export menu saves it. */
async function pageTrace(page) {
  await page.locator(tid('export-button')).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(tid('export-trace')).click()]);
  return JSON.parse(readFileSync(await download.path(), 'utf8'));
}

describe('importing logs', () => {
  test('GoVector and ShiViz logs draw their hosts; problems name their lines; bad input keeps the run', async () => {
    await app(async (page) => {
      await openLesson(page, 'clocks');
      await page.locator(tid('activity-import')).click();
      await page.locator(tid('import-panel')).waitFor();
      await page.locator(tid('import-text')).fill(GOVECTOR_LOG);
      await page.locator(tid('import-run')).click();
      assert.match(await until('imported', () => page.locator(tid('import-summary')).textContent(), Boolean),
        /^Imported 7 events on 3 hosts, 2 messages\.$/);
      assert.deepEqual(await page.locator('.lane-name').allTextContents(), ['alice', 'bob', 'carol']);
      await waitForEvents(page, 7);
      assert.equal((await diagramState(page)).messages.length, 2);
      const carol = eventsOn(await diagramState(page), 2).sort((a, b) => a.x - b.x);
      assert.equal(carol.at(-1).clock, '[2,3,2]');
      await screenshot(page, 'import');

      // ShiViz's own order (event, then host and clock), read with its default regex; one line
      // with a clock that goes backwards.
      const shiviz = ['start', 'a {"a":1}', 'send', 'a {"a":2}', 'hello', 'b {"a":2, "b":1}', 'oops', 'a {"a":1}', ''].join('\n');
      await page.locator(tid('import-text')).fill(shiviz);
      await page.locator(tid('import-shiviz-default')).click();
      await page.locator(tid('import-run')).click();
      await until('re-imported', () => page.locator('.lane-name').allTextContents(), (n) => n.join() === 'a,b');
      const problems = await page.locator(`${tid('import-problems')} li`).allTextContents();
      assert.equal(problems.length, 1, problems.join(' | '));
      assert.match(problems[0], /^line 7: /);

      // A regex that does not compile: a clear banner, and the run stays.
      await page.locator(tid('import-regex')).fill('(?<host>(\\S*) (?<clock>{.*})\\n(?<event>.*)');
      await page.locator(tid('import-run')).click();
      const banner = await until('the banner', () => page.locator(tid('error-banner')).textContent(), Boolean);
      assert.match(banner, /regular expression/);
      assert.deepEqual(await page.locator('.lane-name').allTextContents(), ['a', 'b']);

      // A file, picked; then export the run and read it back in.
      await page.locator(tid('error-dismiss')).click();
      await page.locator(tid('import-regex')).fill('');
      await page.locator(tid('import-file')).setInputFiles({
        name: 'ping.log', mimeType: 'text/plain', buffer: Buffer.from(GOVECTOR_LOG),
      });
      await until('the file is imported', () => page.locator('.lane-name').allTextContents(), (n) => n.join() === 'alice,bob,carol');
      await page.locator(tid('export-to-text')).click();
      const exported = await page.locator(tid('import-text')).inputValue();
      assert.match(exported, /^alice \{"alice":1\}\n/);
      await page.locator(tid('import-run')).click();
      await until('the export reads back the same', () => page.locator(tid('import-summary')).textContent(),
        (t) => t === 'Imported 7 events on 3 hosts, 2 messages.');
    });
  });

  test('a ShiViz file of two executions: pick one, hide and order hosts; text between records is skipped', async () => {
    for (const viewport of VIEWPORTS) {
      await app(async (page) => {
        await openLesson(page, 'clocks');
        await page.locator(tid('activity-import')).click();
        await page.locator(tid('import-panel')).waitFor();
        await page.locator(tid('import-text')).fill(TWO_EXECUTIONS);
        await page.locator(tid('import-run')).click();
        const lanes = () => page.locator('.lane-name').allTextContents();
        const lanesAre = (what, names) => until(what, lanes, (n) => n.join() === names.join());
        const summary = () => page.locator(tid('import-summary')).textContent();
        await lanesAre('execution 1 is drawn', ['alice', 'bob', 'carol']);
        assert.equal(await summary(), 'Imported 7 events on 3 hosts, 2 messages.');
        const execution = page.locator(tid('import-execution'));
        assert.deepEqual(await execution.locator('option').allTextContents(), ['Execution 1 of 2', 'Execution 2 of 2']);
        assert.equal(await page.locator(tid('import-skipped')).count(), 0);

        // Execution 2: other hosts, other events.
        await execution.selectOption({ label: 'Execution 2 of 2' });
        await lanesAre('execution 2 is drawn', ['server', 'client10', 'client2']);
        await waitForEvents(page, 6);
        assert.equal((await diagramState(page)).messages.length, 2);
        const hosts = page.locator(tid('import-host'));
        const hostLabels = async () => (await page.locator(`${tid('import-hosts')} label:has(${tid('import-host')})`).allTextContents()).map((t) => t.trim());
        assert.deepEqual(await hostLabels(), ['server (3 events)', 'client10 (1 event)', 'client2 (2 events)']);
        const order = page.locator(tid('import-order'));
        await order.selectOption('name');
        await lanesAre('lanes by name, numbers as numbers', ['client2', 'client10', 'server']);
        await order.selectOption('events');
        await lanesAre('the busiest lane first', ['server', 'client2', 'client10']);
        await order.selectOption('log');
        await lanesAre('the log\'s order again', ['server', 'client10', 'client2']);

        // Back to execution 1; hide bob: his lane goes, the chain alice -> carol through him stays an arrow.
        await execution.selectOption({ label: 'Execution 1 of 2' });
        await lanesAre('execution 1 again', ['alice', 'bob', 'carol']);
        await hosts.nth(1).uncheck();
        await lanesAre('bob is hidden', ['alice', 'carol']);
        await waitForEvents(page, 4);
        assert.equal((await diagramState(page)).messages.length, 1, 'alice\'s ping still reaches carol, through bob');
        assert.equal(await summary(), 'Imported 4 events on 2 hosts (1 hidden), 1 message.');
        assert.equal(await hosts.nth(1).isChecked(), false);
        await page.locator(tid('import-hosts')).scrollIntoViewIfNeeded();
        await screenshot(page, 'import-hosts');

        // Hiding every host: the banner says why, and the run and the boxes stay as they were.
        await hosts.nth(0).uncheck();
        await lanesAre('only carol', ['carol']);
        await hosts.nth(2).click(); // not uncheck(): it checks itself again
        const banner = await until('the banner', () => page.locator(tid('error-banner')).textContent(), Boolean);
        assert.match(banner, /hidden/);
        assert.deepEqual(await lanes(), ['carol']);
        assert.equal(await hosts.nth(2).isChecked(), true);
        await page.locator(tid('error-dismiss')).click();

        // Closing the panel keeps the choice: importing again draws carol alone.
        await page.locator(tid('activity-build')).click();
        await page.locator(tid('activity-import')).click();
        await page.locator(tid('import-run')).click();
        await until('imported with the choice kept', summary, (t) => t === 'Imported 2 events on 1 host (2 hidden), 0 messages.');
        assert.deepEqual(await lanes(), ['carol']);
        // A new text resets it.
        await page.locator(tid('import-text')).fill(TWO_EXECUTIONS.replaceAll('carol', 'dave'));
        await page.locator(tid('import-run')).click();
        await lanesAre('everything shown', ['alice', 'bob', 'dave']);

        // A log with other text before, between and after its records, read with a custom regex.
        await page.locator(tid('import-text')).fill(WITH_NOISE);
        await page.locator(tid('import-regex')).fill('(?<host>\\w+) (?<clock>{[^}]*}) (?<event>.*)');
        await page.locator(tid('import-run')).click();
        await until('the noisy log is imported', summary, (t) => t === 'Imported 4 events on 2 hosts, 1 message.');
        assert.equal(await page.locator(tid('import-skipped')).textContent(), 'Skipped 4 lines of other text between the records.');
        assert.equal(await page.locator(tid('import-execution')).count(), 0);
        assert.deepEqual(await lanes(), ['alice', 'bob']);
        assert.equal(await page.locator(tid('import-problems')).count(), 0);
      }, viewport);
    }
  });
  test('two executions side by side with their differences marked; the CLI draws the same traces', async () => {
    for (const viewport of VIEWPORTS) {
      await app(async (page) => {
        await openLesson(page, 'clocks');
        await page.locator(tid('activity-import')).click();
        await page.locator(tid('import-panel')).waitFor();
        await page.locator(tid('import-text')).fill(DIFFERING);
        await page.locator(tid('import-run')).click();
        const lanes = () => page.locator('.lane-name').allTextContents();
        await until('execution 1 is drawn', lanes, (n) => n.join() === 'alice,bob,carol');
        await page.locator(tid('import-compare')).selectOption({ label: 'Execution 2' });
        await until('both are drawn', lanes,
          (n) => n.join() === 'alice #1,bob #1,carol #1,alice #2,bob #2,carol #2');
        await waitForEvents(page, 12);
        const items = await until('the differences are listed',
          () => page.locator(tid('difference')).allTextContents(), (d) => d.length === 4);
        assert.ok(items.includes('bob #1: execution 2 has "received ping" here'), items.join(' | '));
        assert.ok(items.includes('alice #1: alice\'s event 3 is only in execution 1'), items.join(' | '));
        assert.match(await page.locator(tid('differences-summary')).textContent(), /^4 events and 2 arrows differ/);
        await until('the differing events are ringed', () => page.locator('.event-dot.marked').count(), (n) => n === 4);
        assert.equal(await page.locator('.arrow.selected').count(), 2, 'the two arrows to carol are bold');
        // A difference selects its event.
        await page.locator(tid('difference')).first().click();
        await until('an event is selected', () => page.locator('.event-dot.selected').count(), (n) => n === 1);
        await screenshot(page, 'import-compare');
        if (viewport !== VIEWPORTS[0]) return;

        // The CLI reads the same file into the same trace, side by side and one at a time.
        assert.deepEqual(await pageTrace(page), cliImport(DIFFERING, ['--compare', '2']));
        await page.locator(tid('import-compare')).selectOption({ label: 'none' });
        await until('one execution again', lanes, (n) => n.join() === 'alice,bob,carol');
        assert.equal(await page.locator(tid('differences-panel')).count(), 0);
        assert.equal(await page.locator('.event-dot.marked').count(), 0);
        await page.locator(tid('import-text')).fill(WITH_NOISE);
        const regex = '(?<host>\\w+) (?<clock>{[^}]*}) (?<event>.*)';
        await page.locator(tid('import-regex')).fill(regex);
        await page.locator(tid('import-run')).click();
        await until('the noisy log is drawn', lanes, (n) => n.join() === 'alice,bob');
        assert.deepEqual(await pageTrace(page), cliImport(WITH_NOISE, ['--regex', regex]));
      }, viewport);
    }
  });
});
