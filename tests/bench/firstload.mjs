// Browser benchmark (not a test): the first visit and the first opening of a lesson, on a
// phone-like profile (the method of ../shared/bench/firstload.mjs: Lighthouse's mobile throttling,
// 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, CPU 4x slower, set through the DevTools
// protocol), the built site served gzipped as a static host would, over HTTP/1.1.
//
//   node tests/bench/firstload.mjs [--runs 3] [--lessons]   # after a release build (make bench does it)
//
// For each page below it opens a fresh context (empty cache, no service worker), navigates and
// reports the median time until the page shows what it is for (the welcome's lessons, or a
// diagram's events), and the bytes transferred. For a link, the first diagram is the picture of
// its run drawn at build time (assets/preview.js), if the link has one, and then the live
// diagram: both times are reported. Then, from a link to the first lesson, it clicks each other
// lesson's tab and times, in the page, from the click until that lesson's lanes are drawn (its
// chunks fetched over the throttled network); and from the welcome, the first lesson's card
// clicked at once or after a few seconds of reading. Nothing asserts the numbers: they go in
// closing notes.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../e2e/helpers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = process.env.BENCH_DIST || path.join(root, 'dist');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 3) || 3;
// `--lessons`: only the openings of other lessons.
const onlyLessons = args.includes('--lessons');

const LIVE = '[data-testid="diagram"] g.event';
const FIRST = `[data-testid="preview"] g.event, ${LIVE}`;
const PAGES = [
  ['./', '.welcome-lesson'],
  ['?s=clocks-busy-four&step=12', FIRST, LIVE],
  ['?lesson=paxos&step=8', FIRST, LIVE],
  ['?s=mapreduce-word-count&step=20', FIRST, LIVE],
  ['?lesson=raft&step=30', FIRST, LIVE],
];

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json' };
const server = http.createServer(async (req, res) => {
  let p = decodeURIComponent(req.url.split('?')[0]);
  if (p.endsWith('/')) p += 'index.html';
  const file = path.join(dist, path.normalize(p));
  if (!file.startsWith(dist)) { res.writeHead(403); return res.end(); }
  try {
    const body = zlib.gzipSync(await readFile(file), { level: 6 });
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream', 'content-encoding': 'gzip', 'cache-control': 'no-store' });
    res.end(body);
  } catch { res.writeHead(404); res.end(); }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

async function phone(browser) {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 0.75e6 / 8 });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  return { context, page, bytes: () => bytes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const browser = await launchBrowser();
try {
  for (const [query, selector, live] of onlyLessons ? [] : PAGES) {
    const times = [];
    const lives = [];
    let kb = 0;
    for (let i = 0; i < runs; i++) {
      const { context, page, bytes } = await phone(browser);
      const t0 = Date.now();
      await page.goto(base + query, { waitUntil: 'commit' });
      await page.waitForSelector(selector, { timeout: 120000 });
      times.push(Date.now() - t0);
      if (live) {
        await page.waitForSelector(live, { timeout: 120000 });
        lives.push(Date.now() - t0);
      }
      kb = Math.round(bytes() / 1024);
      await context.close();
    }
    const what = live ? 'first diagram' : selector;
    console.log(`${query.padEnd(34)} ${what.padEnd(16)} median ${median(times)} ms (runs: ${times.join(', ')}), ${kb} KB transferred`);
    if (live) console.log(`${''.padEnd(34)} live diagram     median ${median(lives)} ms (runs: ${lives.join(', ')})`);
  }
  // A first-time student's path: the welcome, then the first lesson's card, clicked at once or
  // after reading the welcome for a few seconds (while the workbench arrives in the background).
  for (const wait of onlyLessons ? [] : [0, 3000]) {
    const times = [];
    for (let i = 0; i < runs; i++) {
      const { context, page } = await phone(browser);
      await page.goto(base, { waitUntil: 'commit' });
      await page.waitForSelector('.welcome-lesson', { timeout: 120000 });
      await page.waitForTimeout(wait);
      const t0 = Date.now();
      await page.locator('.welcome-lesson').first().click();
      // The lesson opens at step 0: its lanes, before any event.
      await page.waitForSelector('g.lane', { timeout: 120000 });
      times.push(Date.now() - t0);
      await context.close();
    }
    console.log(`welcome, first card clicked after ${wait} ms: lanes drawn in median ${median(times)} ms (runs: ${times.join(', ')})`);
  }
  // Opening each other lesson for the first time, from a link to the first one: each time in a
  // fresh page, the median per lesson. Without a service worker: the DevTools protocol slows
  // only the page's own requests, so a service worker's background caching would arrive at full
  // speed and answer the page from its cache.
  const openings = {};
  for (let i = 0; i < runs; i++) {
    const { context, page } = await phone(browser);
    await page.goto(base + '?lesson=clocks', { waitUntil: 'commit' });
    await page.waitForSelector('g.lane', { timeout: 120000 });
    const ids = await page.locator('.lesson-tabs [data-testid^="lesson-"]').evaluateAll((els) =>
      els.map((e) => e.dataset.testid.slice('lesson-'.length)).filter((id) => id !== 'clocks'));
    for (const id of ids) {
      // Timed in the page, from the click event to the first frame that shows the lesson's
      // lanes: what the student waits for, without the test driver's own latency (on this
      // slowed CPU, 150-200 ms between asking for a click and the click).
      const done = page.evaluate((id) => new Promise((resolve) => {
        addEventListener('click', () => {
          const clicked = performance.now();
          const look = () => {
            const tab = document.querySelector(`[data-testid="lesson-${id}"]`);
            if (/\bactive\b/.test(tab?.className ?? '') && document.querySelectorAll('g.lane').length > 0) {
              resolve(Math.round(performance.now() - clicked));
            } else requestAnimationFrame(look);
          };
          look();
        }, { capture: true, once: true });
      }), id);
      await page.locator(`[data-testid="lesson-${id}"]`).click();
      (openings[id] ??= []).push(await done);
    }
    await context.close();
  }
  console.log(`opening each other lesson for the first time, median: ${Object.entries(openings)
    .map(([id, times]) => `${id} ${median(times)} ms`).join(', ')}`);
  console.log(`  (runs: ${Object.entries(openings).map(([id, times]) => `${id} ${times.join('/')}`).join(', ')})`);
} finally {
  await browser.close();
  server.close();
}
