// Browser benchmark (not a test): big runs in the release build, in headless Chromium at 1920x1080.
//
//   node tests/bench/big.mjs [--only link|import] [--runs N]   # after `trunk build --release --offline`
//
// Two inputs, each opened in a fresh browser context:
//   - link: `gossip-busy-sixteen` grown to 64 processes, 400 rumours, fanout 4 and 60,000 steps
//     (about 120,000 events), opened from a link `?sc=<base64url scenario JSON>&step=60000`;
//   - import: a generated 100,000-event GoVector log pasted into the Clocks lesson's Import.
// For each it reports, from timestamps taken inside the page:
//   - first draw: from navigation start (link) or the press of Import (import) to the end of the
//     first frame whose diagram shows the run (the step count shows its total, and its events are
//     drawn). "End of a frame" here and below: a message posted from that frame's
//     requestAnimationFrame callback, which runs after the frame's style, layout and paint;
//   - long tasks (PerformanceObserver 'longtask', installed before navigation): the longest and
//     the number over 50 ms, before the first draw and in the 3 s after it;
//   - the number of event elements in the diagram at fit (the zoom's "fit" button);
//   - frame times (median, 95th percentile, worst, in ms): scrubbing (the scrubber set to 200
//     positions, a sweep then random jumps, each timed to the end of the next frame), playing
//     (the gaps between frames over 3 s, and 8 frames at least, at 64 steps a second, from the
//     middle of the run) and
//     zooming (the zoom-in and zoom-out buttons clicked alternately 30 times, each timed to the
//     end of the next frame); and the same for ctrl+wheel over the diagram, if it zooms;
//   - and the same acts done once a frame, at the frame's start, where Chromium delivers the
//     input of a drag or a wheel ("drag", "zooms", "wheels"): the gaps between frames, as for
//     playing. This is the rate a hand dragging the scrubber sees; the timings above add the
//     wait for the next frame to each act, so that a page that keeps up still shows about a
//     frame (16.7 ms) for each.
// Each series stops early after SERIES_BUDGET_MS, so that a build that freezes for seconds a
// frame still finishes in a few minutes. It prints two tables, then one JSON line. Nothing asserts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../e2e/server.mjs';
import { launchBrowser } from '../e2e/helpers.mjs';
import { BIG_GOSSIP, govectorLog, linkTo } from './inputs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = process.env.BENCH_DIST || path.join(root, 'dist');
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const only = option('--only');
const runs = Number(option('--runs') || 1) || 1;
const SERIES_BUDGET_MS = 60000;
const LOAD_TIMEOUT_MS = 180000;

const SCENARIO = BIG_GOSSIP;
const LINK = linkTo(SCENARIO);
// 16 hosts, not 64: a vector clock of 64 hosts makes the log about 75 MB of text to paste; with
// 16 it is about 20 MB, still 100,000 events.
const IMPORT_EVENTS = 100000;
const IMPORT_HOSTS = 16;


function stats(samples) {
  if (!samples.length) return { n: 0, median: null, p95: null, max: null };
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] * 10) / 10;
  return { n: s.length, median: at(0.5), p95: at(0.95), max: at(1) };
}

/** Runs in the page before its scripts: the long-task log and the frame helpers. */
function instrument(watchMin) {
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  /** Resolves to the time at the end of the next frame. */
  window.__frameEnd = () => new Promise((done) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => done(performance.now());
    channel.port2.postMessage(0);
  }));
  const total = () => Number(document.querySelector('[data-testid=step-count]')?.textContent.split('/')[1]);
  /** Whether the diagram shows a run of at least `min` steps: its total, and its events if past step 0. */
  window.__shows = (min) => {
    const diagram = document.querySelector('[data-testid=diagram]');
    const count = document.querySelector('[data-testid=step-count]')?.textContent ?? '';
    if (!diagram || !(total() >= min)) return false;
    // Dots in the SVG, or (a dense view) on the canvas.
    return count.startsWith('step 0 ') || !!diagram.querySelector('[data-testid^=event-]') || !!document.querySelector('.dense-layer.on');
  };
  /** Resolves to the end of the first frame at whose start the diagram shows such a run (null on timeout). */
  window.__drawn = (min, timeout) => new Promise((done) => {
    const until = performance.now() + timeout;
    const frame = () => {
      if (window.__shows(min)) window.__frameEnd().then(done);
      else if (performance.now() > until) done(null);
      else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  window.__firstDraw = watchMin ? window.__drawn(watchMin, 1e9) : null;
}

/** Times `act(i)` (in the page), `count` times or until the budget runs out: each from the act to
 * the end of the next frame, or with `perFrame` one act a frame, in the frame's
 * requestAnimationFrame callback (where Chromium delivers drag and wheel input), as the gaps
 * between successive frames. */
async function series(page, name, count, perFrame = false) {
  return page.evaluate(async ({ name, count, perFrame, budget }) => {
    const scrubber = document.querySelector('[data-testid=scrubber]');
    const total = Number(scrubber.max);
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const acts = {
      // A sweep forward, then random jumps: what a teacher dragging the handle does.
      scrub: (i) => {
        scrubber.value = String(i < count / 2 ? Math.round((i / (count / 2)) * total) : Math.floor(random() * total));
        scrubber.dispatchEvent(new Event('input', { bubbles: true }));
      },
      zoom: (i) => document.querySelector(`[data-testid=zoom-${i % 2 ? 'out' : 'in'}]`).click(),
      wheel: (i) => {
        // On whatever is under the middle of the pane (a dot, an arrow, the lanes): it bubbles up.
        const r = document.querySelector('[data-testid=diagram-pane]').getBoundingClientRect();
        document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2).dispatchEvent(new WheelEvent('wheel', {
          bubbles: true, cancelable: true, ctrlKey: true, deltaMode: 0,
          deltaY: (i % 2 ? 1 : -1) * 100, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2,
        }));
      },
    };
    const end = performance.now() + budget;
    const times = [];
    if (perFrame) {
      // One act a frame, at the frame's start, and the gaps between the frames' starts.
      await new Promise((done) => {
        let i = 0;
        let last = null;
        const frame = (now) => {
          if (last !== null) times.push(now - last);
          last = now;
          if (i < count && performance.now() < end) {
            acts[name](i++);
            requestAnimationFrame(frame);
          } else done();
        };
        requestAnimationFrame(frame);
      });
      return times;
    }
    for (let i = 0; i < count && performance.now() < end; i++) {
      const start = performance.now();
      acts[name](i);
      times.push((await window.__frameEnd()) - start);
    }
    return times;
  }, { name, count, perFrame, budget: SERIES_BUDGET_MS });
}

/** The diagram's drawn width, the measure of its zoom. */
const diagramWidth = (page) => page.$eval('[data-testid=diagram]', (svg) => svg.getBoundingClientRect().width);
/** Back to the zoom that fits the run, and the frame after it. */
const fit = (page) => page.click('[data-testid=zoom-fit]').then(() => page.evaluate(() => window.__frameEnd()));

/** Long tasks before the first draw (ending after `from`: the press of Import is inside one) and
 * starting in the 3 s after it. */
async function longTasks(page, from, drawn) {
  const all = await page.evaluate(() => window.__longtasks);
  const summary = (list) => ({ longest: Math.round(Math.max(0, ...list.map((t) => t.duration))), over50: list.filter((t) => t.duration > 50).length });
  return {
    before: summary(all.filter((t) => t.start + t.duration > from && t.start < drawn)),
    after: summary(all.filter((t) => t.start >= drawn && t.start < drawn + 3000)),
  };
}

/** Everything after the first draw: events at fit, then scrubbing, playing and zooming. */
async function interactions(page) {
  const out = {};
  await fit(page);
  out.eventsAtFit = await page.$$eval('[data-testid=diagram] [data-testid^=event-]', (e) => e.length);
  out.scrub = stats(await series(page, 'scrub', 200));
  out.drag = stats(await series(page, 'scrub', 200, true));
  // Playing at 64 steps a second, from the middle of the run.
  out.play = stats(await page.evaluate(async () => {
    const scrubber = document.querySelector('[data-testid=scrubber]');
    scrubber.value = String(Math.floor(Number(scrubber.max) / 2));
    scrubber.dispatchEvent(new Event('input', { bubbles: true }));
    await window.__frameEnd();
    const speed = document.querySelector('[data-testid=speed]');
    speed.value = '6';
    speed.dispatchEvent(new Event('input', { bubbles: true }));
    document.querySelector('[data-testid=btn-play]').click();
    const gaps = [];
    let last = performance.now();
    await new Promise((done) => {
      // 3 s and 8 frames at least (a slow build paints few), 20 s at most.
      const [end, stop] = [last + 3000, last + 20000];
      const frame = (now) => {
        gaps.push(now - last);
        last = now;
        if ((now < end || gaps.length < 10) && now < stop) requestAnimationFrame(frame);
        else done();
      };
      requestAnimationFrame(frame);
    });
    document.querySelector('[data-testid=btn-play]').click();
    return gaps.slice(2);
  }));
  await fit(page);
  out.zoom = stats(await series(page, 'zoom', 30));
  await fit(page);
  out.zooms = stats(await series(page, 'zoom', 30, true));
  // Ctrl+wheel over the diagram: measured only if one such wheel changes the zoom.
  await fit(page);
  const before = await diagramWidth(page);
  await series(page, 'wheel', 1);
  await page.waitForTimeout(500); // in case the zoom follows the wheel after a pause
  if (Math.abs((await diagramWidth(page)) - before) < 1) {
    out.wheel = 'not supported';
  } else {
    await fit(page);
    out.wheel = stats(await series(page, 'wheel', 30));
    await fit(page);
    out.wheels = stats(await series(page, 'wheel', 30, true));
  }
  return out;
}

async function newPage(browser, watchMin) {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
  await context.addInitScript(instrument, watchMin);
  const page = await context.newPage();
  page.setDefaultTimeout(LOAD_TIMEOUT_MS);
  page.on('pageerror', (err) => console.error(`  page error: ${err.message}`));
  page.on('crash', () => console.error('  the page crashed'));
  return { context, page };
}

async function benchLink(browser, base) {
  const { context, page } = await newPage(browser, 1000);
  try {
    await page.goto(base + LINK, { waitUntil: 'commit' });
    const drawn = await page.evaluate(() => window.__firstDraw);
    const steps = await page.$eval('[data-testid=step-count]', (e) => e.textContent);
    await page.waitForTimeout(3000);
    const tasks = await longTasks(page, 0, drawn);
    return { part: 'link', firstDraw: Math.round(drawn), steps, longTasks: tasks, ...(await interactions(page)) };
  } finally {
    await context.close();
  }
}

async function benchImport(browser, base, log) {
  const { context, page } = await newPage(browser, 0);
  try {
    await page.goto(`${base}?lesson=clocks`);
    await page.click('[data-testid=activity-import]');
    await page.waitForSelector('[data-testid=import-text]');
    // Pasting: from the input event to the end of the next frame (the draft may be read at once).
    const paste = await page.$eval('[data-testid=import-text]', async (el, text) => {
      const start = performance.now();
      el.value = text;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      return (await window.__frameEnd()) - start;
    }, log);
    await page.waitForTimeout(1000);
    const { start, drawn } = await page.evaluate(async (timeout) => {
      const start = performance.now();
      document.querySelector('[data-testid=import-run]').click();
      return { start, drawn: await window.__drawn(1000, timeout) };
    }, LOAD_TIMEOUT_MS);
    if (drawn === null) throw new Error('the imported run was not drawn');
    const steps = await page.$eval('[data-testid=step-count]', (e) => e.textContent);
    const summary = await page.$eval('[data-testid=import-summary]', (e) => e.textContent);
    await page.waitForTimeout(3000);
    const tasks = await longTasks(page, start, drawn);
    return {
      part: 'import', firstDraw: Math.round(drawn - start), paste: Math.round(paste), steps, summary,
      longTasks: tasks, ...(await interactions(page)),
    };
  } finally {
    await context.close();
  }
}

const server = await startServer(dist, { prefix: '/spacetime/' });
const base = `http://127.0.0.1:${server.address().port}/spacetime/`;
const browser = await launchBrowser();
const results = [];
try {
  const log = only === 'link' ? null : govectorLog(IMPORT_EVENTS, IMPORT_HOSTS);
  for (let run = 1; run <= runs; run++) {
    if (only !== 'import') results.push({ run, ...(await benchLink(browser, base)) });
    if (only !== 'link') results.push({ run, ...(await benchImport(browser, base, log)) });
  }
} finally {
  await browser.close();
  server.close();
}

const pad = (v, n) => String(v ?? '-').padStart(n);
const lt = (r, when, key) => r.longTasks?.[when][key];
console.log(`link: ${SCENARIO.processes.length} processes, ${LINK.length} characters; import: ${IMPORT_EVENTS} events on ${IMPORT_HOSTS} hosts`);
console.log('part    run  first draw ms  longest task before/after ms  tasks>50ms before/after  events at fit  steps');
for (const r of results) {
  console.log(`${r.part.padEnd(6)} ${pad(r.run, 4)} ${pad(r.firstDraw, 14)} ${pad(`${lt(r, 'before', 'longest')} / ${lt(r, 'after', 'longest')}`, 29)} ${pad(`${lt(r, 'before', 'over50')} / ${lt(r, 'after', 'over50')}`, 24)} ${pad(r.eventsAtFit, 14)}  ${r.steps}${r.paste !== undefined ? `  (paste ${r.paste} ms; ${r.summary})` : ''}`);
}
console.log('part    run  action   frames  median ms  p95 ms  max ms');
for (const r of results) {
  for (const action of ['scrub', 'drag', 'play', 'zoom', 'zooms', 'wheel', 'wheels']) {
    const s = r[action];
    if (s === undefined) continue;
    if (typeof s === 'string') console.log(`${r.part.padEnd(6)} ${pad(r.run, 4)}  ${action.padEnd(6)}  ${s}`);
    else console.log(`${r.part.padEnd(6)} ${pad(r.run, 4)}  ${action.padEnd(6)} ${pad(s.n, 7)} ${pad(s.median, 10)} ${pad(s.p95, 7)} ${pad(s.max, 7)}`);
  }
}
console.log(JSON.stringify({ bench: 'big', results }));
