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
export async function openPage(browser, viewport = VIEWPORTS[0]) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
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

/** Opens `rel` (relative to the served build) and waits until the wasm app has started. */
export async function gotoApp(page, rel = '', timeout = 15000) {
  await page.goto(url(rel), { waitUntil: 'load' });
  await page.waitForFunction(() => window.__spacetimeStarted === true, null, { timeout });
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
