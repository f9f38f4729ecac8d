// Shared helpers for the end-to-end tests: Debian's Chromium driven by playwright-core
// (installed in tools/node_modules by scripts/ensure-tools.sh; never a downloaded browser).
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../tools/package.json'));
const { chromium } = require('playwright-core');

export const OUTPUT_DIR = path.resolve(here, '../output');
export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
// Chromium as root in a closed network. playwright gives every launch a fresh, empty
// --user-data-dir of its own (a temporary profile), deleted on close.
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The two screen sizes every test is checked at: a projector and a small laptop window. */
export const VIEWPORTS = [
  { width: 1920, height: 1080 },
  { width: 800, height: 580 },
];

/** A phone held upright, as a student on the bus has it: touch, no mouse, two device pixels a CSS pixel. */
export const PHONE = { width: 390, height: 844 };
export const PHONE_OPTIONS = { deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** URL of the served build (set by tests/e2e/run.mjs); `rel` is resolved against it. */
export function url(rel = '') {
  const base = process.env.SPACETIME_BASE_URL;
  if (!base) throw new Error('SPACETIME_BASE_URL is not set: run the tests with `node tests/e2e/run.mjs`');
  return new URL(rel, base).href;
}

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * A new page in its own context. `problems` collects every console error, uncaught exception,
 * failed request and HTTP error status: tests end with `assert.deepEqual(problems, [])`.
 */
export async function openPage(browser, viewport = VIEWPORTS[0], options = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, ...options });
  // Trunk's loader dispatches `TrunkApplicationStarted` once the wasm module has run main().
  await context.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', () => {
      window.__spacetimeStarted = true;
    });
  });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return { context, page, problems };
}

/**
 * Opens `rel` (relative to the served build) and waits until the wasm app has started and shows
 * the page, the welcome or why a lesson did not load. Without `rel` it opens the first lesson
 * (`?lesson=clocks`): the bare page shows the welcome (see `welcome.test.mjs`).
 */
export async function gotoApp(page, rel = '?lesson=clocks', timeout = 15000) {
  await page.goto(url(rel || '?lesson=clocks'), { waitUntil: 'load' });
  await page.waitForFunction(() => window.__spacetimeStarted === true, null, { timeout });
  await page.waitForSelector(
    '[data-testid="app"], [data-testid="welcome"], [data-testid="load-failed"]',
    { timeout },
  );
}

/** Waits until the element with this data-testid has exactly this text. */
export async function waitForText(page, testid, text, timeout = 5000) {
  await page.waitForFunction(
    ([id, want]) => document.querySelector(`[data-testid="${id}"]`)?.textContent === want,
    [testid, text],
    { timeout },
  );
}

/** Saves a screenshot of the viewport as tests/output/<name>-<width>x<height>.png; returns its path. */
export async function screenshot(page, name) {
  await mkdir(OUTPUT_DIR, { recursive: true });
  const { width, height } = page.viewportSize();
  const file = path.join(OUTPUT_DIR, `${name}-${width}x${height}.png`);
  await page.screenshot({ path: file });
  return file;
}

// ---------------------------------------------------------------------------------------------
// Polling and app-specific helpers for the behaviour tests (app.test.mjs).
// ---------------------------------------------------------------------------------------------

/** CSS selector of the element with this data-testid. */
export const tid = (id) => `[data-testid="${id}"]`;

/**
 * Polls `probe` (sync or async) every `interval` ms until `ok(value)` holds; returns that value.
 * On timeout it fails with `what` and the last value seen, so a failure says what the page showed.
 */
export async function until(what, probe, ok = Boolean, { timeout = 5000, interval = 20 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await probe();
    if (ok(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting until ${what}; last seen: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Opens a fresh page at `viewport` (on `options.rel`, or the first lesson), starts the app, runs
 * `body(page)`, then checks that nothing
 * logged an error or failed to load; always closes the page's context.
 */
export async function withApp(browser, body, viewport = VIEWPORTS[0], options = {}) {
  // `rel`: the address to open (the first lesson if none); the rest are the context's options.
  const { rel, ...contextOptions } = options;
  const { context, page, problems } = await openPage(browser, viewport, contextOptions);
  try {
    await gotoApp(page, rel);
    await page.locator(tid('diagram')).waitFor();
    await body(page);
    if (problems.length) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
  } finally {
    await context.close();
  }
}

/** The playback position, from the "step N / M" label: `{ step, total }`. */
export async function position(page) {
  const text = await page.locator(tid('step-count')).textContent();
  const m = /^step (\d+) \/ (\d+)$/.exec(text ?? '');
  if (!m) throw new Error(`step-count reads "${text}"`);
  return { step: Number(m[1]), total: Number(m[2]) };
}

/** Waits until the playback shows step `n`. */
export async function waitForStep(page, n, timeout = 5000) {
  return until(`step ${n} is shown`, () => position(page), (p) => p.step === n, { timeout });
}

/** Clicks a button by test id and waits for the step counter to read `expected` (if given). */
export async function press(page, id, expected) {
  await page.locator(tid(id)).click();
  if (expected !== undefined) await waitForStep(page, expected);
}

/**
 * Clicks an element inside the SVG views by dispatching the event to it: arrows, lanes and dots
 * overlap, so a real pointer click at the element's centre may land on another one.
 */
export async function clickSvg(page, id) {
  await page.locator(tid(id)).dispatchEvent('click');
}

/** Loads a lesson by its tab and waits until the run is at step 0 with `lanes` lanes (if given). */
export async function openLesson(page, lesson) {
  await page.locator(tid(`lesson-${lesson}`)).click();
  await until(`the ${lesson} lesson is active`, () =>
    page.locator(tid(`lesson-${lesson}`)).getAttribute('class'), (c) => /\bactive\b/.test(c ?? ''));
  await waitForStep(page, 0);
}

/**
 * What the diagram draws, read from the DOM in one go: the lanes (with their y), the dots (id,
 * kind, x, y, clock label, lane), the arrows (id, fate, whether a cross ends it), the down spans.
 */
export function diagramState(page) {
  return page.evaluate(() => {
    const svg = document.querySelector('[data-testid="diagram"]');
    const num = (el, attr) => Number(el.getAttribute(attr));
    const lanes = [...svg.querySelectorAll('g.lane')].map((g) => ({
      p: Number(g.dataset.testid.slice('lane-'.length)),
      y: num(g.querySelector('.lane-line'), 'y1'),
    }));
    const laneOf = (y) => lanes.find((l) => Math.abs(l.y - y) < 0.05)?.p ?? null;
    const events = [...svg.querySelectorAll('g.event')].map((g) => {
      const c = g.querySelector('circle');
      const kind = /\bkind-(\w+)/.exec(c.getAttribute('class'))?.[1];
      return {
        id: Number(g.dataset.testid.slice('event-'.length)),
        kind,
        x: num(c, 'cx'),
        y: num(c, 'cy'),
        lane: laneOf(num(c, 'cy')),
        clock: g.querySelector('.clock-label')?.textContent ?? '',
      };
    });
    const messages = [...svg.querySelectorAll('g[data-fate]')].map((g) => ({
      id: Number(g.dataset.testid.slice('msg-'.length)),
      fate: g.dataset.fate,
      cross: !!g.querySelector('[data-testid^="cross-"]'),
    }));
    const down = [...svg.querySelectorAll('rect.down-span')].map((r) => ({
      p: Number(r.dataset.testid.slice('down-'.length)),
      x: num(r, 'x'),
      width: num(r, 'width'),
      y: num(r, 'y') + num(r, 'height') / 2,
    }));
    return { lanes, events, messages, down };
  });
}

/** The dots on lane `p`, in the diagram state `state`. */
export const eventsOn = (state, p) => state.events.filter((e) => e.lane === p);

/** Jumps to the end of the run (the ⏭ button) and waits until it is shown; returns the position. */
export async function toEnd(page) {
  await page.locator(tid('btn-end')).click();
  return until('the end of the run is shown', () => position(page), (p) => p.step === p.total);
}

/**
 * The outer markup of the element with test id `id` as drawn. A layer of slots (`data-slots`,
 * app/src/pool.rs) keeps its children in no meaningful order and hides those with nothing to
 * show: those are left out, the rest put in test-id order with their attributes sorted, so that
 * the same picture reached by different paths gives the same markup.
 */
export const drawnMarkup = (page, id) => page.locator(tid(id)).evaluate((el) => {
  const copy = el.cloneNode(true);
  for (const layer of copy.querySelectorAll('[data-slots]')) {
    const shown = [...layer.children].filter((c) => c.getAttribute('display') !== 'none');
    shown.sort((a, b) => (a.dataset.testid ?? '').localeCompare(b.dataset.testid ?? ''));
    layer.replaceChildren(...shown);
    for (const e of layer.querySelectorAll('*')) {
      const attrs = [...e.attributes].map((a) => [a.name, a.value]).sort(([a], [b]) => a.localeCompare(b));
      for (const [name] of attrs) e.removeAttribute(name);
      for (const [name, value] of attrs) e.setAttribute(name, value);
    }
  }
  return copy.outerHTML;
});

/**
 * Fails unless two serialized views are identical, showing only where they first differ (the
 * whole SVG would bury the difference).
 */
export function assertSameMarkup(actual, expected, what) {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const around = (s) => JSON.stringify(s.slice(Math.max(0, i - 160), i + 160));
  throw new Error(`${what}: the markup differs at character ${i} (of ${actual.length} vs ${expected.length})\n`
    + `  now:    ${around(actual)}\n  before: ${around(expected)}`);
}
