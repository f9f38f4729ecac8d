// Browser benchmark (not a test): frame times of the release build in headless Chromium.
//
//   node tests/bench/run.mjs            # after `trunk build --release --offline` (make bench does both)
//
// It serves dist/ on loopback, opens the 2,250-event scenario `gossip-busy-sixteen` at 1920x1080,
// and measures, from requestAnimationFrame timestamps inside the page:
//   - playing: the gap between frames while the run plays at 64 steps a second;
//   - scrubbing: the time from moving the scrubber to the next painted frame, over 300 positions.
// It prints the median, 95th percentile and worst frame in milliseconds (aim: p95 under 16.7 ms;
// the same loop on an empty page, printed beside it, shows this measure's floor: a frame on time
// reads a few tenths over 16.7 ms, the wait for the callback after the frame's start),
// plus what the first visit transferred. Then it imports a generated 10,000-event GoVector log
// (8 hosts; with multicasts, receipts that send on, and receipts of several messages) and measures the time from pressing Import to the first frame that shows it (aim:
// under 200 ms), and the time from each scroll of the diagram to the next frame.
// The numbers go in closing notes; nothing asserts them.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServer } from '../e2e/server.mjs';
import { launchBrowser } from '../e2e/helpers.mjs';
import { govectorLog } from './inputs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = process.env.BENCH_DIST || path.join(root, 'dist');
const SCENARIO = process.env.BENCH_SCENARIO || 'gossip-busy-sixteen';


function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return {
    frames: s.length,
    median: at(0.5).toFixed(2),
    p95: at(0.95).toFixed(2),
    worst: s[s.length - 1].toFixed(2),
  };
}

async function firstVisitBytes() {
  let raw = 0;
  let gz = 0;
  for (const name of await readdir(dist)) {
    if (!/\.(wasm|js|css|html)$/.test(name)) continue;
    const file = path.join(dist, name);
    raw += (await stat(file)).size;
    gz += gzipSync(readFileSync(file), { level: 9 }).length;
  }
  return { raw, gz };
}

/** Sets the slider `selector` to 300 positions, one a frame, each timed from the input event to
 * the next frame: a sweep forward, then random jumps, what a teacher dragging the handle does. */
function scrubTimes(page, selector, total) {
  return page.evaluate(async ([selector, total]) => {
    const slider = document.querySelector(selector);
    const times = [];
    for (let i = 0; i < 300; i++) {
      const to = i < 150 ? Math.round((i / 150) * total) : Math.floor(Math.random() * total);
      const start = performance.now();
      slider.value = String(to);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => r()));
      times.push(performance.now() - start);
    }
    return times;
  }, [selector, total]);
}

const server = await startServer(dist, { prefix: '/spacetime/' });
const base = `http://127.0.0.1:${server.address().port}/spacetime/`;
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const t0 = Date.now();
  // A link to the lesson: the page with no query opens on the welcome, which has no diagram.
  await page.goto(`${base}?lesson=${SCENARIO.split('-')[0]}`);
  await page.waitForSelector('[data-testid=diagram]');
  const startup = Date.now() - t0;
  await page.click(`[data-testid=lesson-${SCENARIO.split('-')[0]}]`);
  await page.selectOption('[data-testid=scenario-select]', SCENARIO);
  await page.waitForFunction(() => document.querySelector('[data-testid=step-count]')?.textContent.includes('/ 1'));
  const total = await page.$eval('[data-testid=step-count]', (e) => Number(e.textContent.split('/')[1]));

  // Playing: 64 steps a second, for four seconds, from the start.
  const playing = await page.evaluate(async () => {
    const speed = document.querySelector('[data-testid=speed]');
    speed.value = '6';
    speed.dispatchEvent(new Event('input', { bubbles: true }));
    document.querySelector('[data-testid=btn-play]').click();
    const gaps = [];
    let last = performance.now();
    await new Promise((done) => {
      const end = last + 4000;
      const frame = (now) => {
        gaps.push(now - last);
        last = now;
        if (now < end) requestAnimationFrame(frame);
        else done();
      };
      requestAnimationFrame(frame);
    });
    document.querySelector('[data-testid=btn-play]').click();
    return gaps.slice(2);
  });
  const shownEvents = await page.$$eval('[data-testid^=event-]', (e) => e.length);

  // Scrubbing: jump the scrubber across the whole run, one position per frame.
  const scrubbing = await scrubTimes(page, '[data-testid=scrubber]', total);

  // Import a 10,000-event log: from the press of the button to the first frame that shows it.
  const log = govectorLog(10000, 8);
  const imports = [];
  await page.click('[data-testid=lesson-clocks]');
  await page.waitForSelector('[data-testid=activity-import]');
  await page.click('[data-testid=activity-import]');
  await page.waitForSelector('[data-testid=import-text]');
  await page.$eval('[data-testid=import-text]', (el, text) => {
    el.value = text;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, log);
  for (let i = 0; i < 5; i++) {
    // Back to an empty diagram (a small scenario at step 0), then import again.
    await page.selectOption('[data-testid=scenario-select]', 'clocks-three-events');
    await page.waitForFunction(() => document.querySelectorAll('g.event').length === 0 && !document.querySelector('.dense-layer.on'));
    imports.push(await page.evaluate(async () => {
      const start = performance.now();
      document.querySelector('[data-testid=import-run]').click();
      // Dots in the SVG, or painted on the dense view's canvas.
      while (document.querySelectorAll('g.event').length === 0 && !document.querySelector('.dense-layer.on')) {
        await new Promise((r) => setTimeout(r, 0));
      }
      // The frame that paints it.
      await new Promise((r) => requestAnimationFrame(() => r()));
      return performance.now() - start;
    }));
  }
  const summary = await page.$eval('[data-testid=import-summary]', (e) => e.textContent);
  // Scrolling the imported run: a screen-width jump each frame, to the end and back.
  const scrolling = await page.evaluate(async () => {
    const pane = document.querySelector('[data-testid=diagram-pane]');
    const times = [];
    for (let i = 0; i < 200; i++) {
      const start = performance.now();
      pane.scrollLeft = i < 100 ? i * pane.clientWidth * 0.5 : (200 - i) * pane.clientWidth * 0.5;
      pane.dispatchEvent(new Event('scroll'));
      await new Promise((r) => requestAnimationFrame(() => r()));
      times.push(performance.now() - start);
    }
    return times;
  });

  // The Paxos lesson's counterexample search on the page (broken acceptor, its shipped schedule
  // taken away): from the click to the status line that reports it, five times.
  const searches = [];
  await page.selectOption('[data-testid=scenario-select]', { value: 'clocks-three-events' });
  await page.click('[data-testid=lesson-paxos]');
  await page.selectOption('[data-testid=scenario-select]', 'paxos-broken-acceptor');
  for (let i = 0; i < 5; i++) {
    await page.click('[data-testid=btn-clear]');
    searches.push(await page.evaluate(async () => {
      const start = performance.now();
      document.querySelector('[data-testid=search-counterexample]').click();
      // The last search's report stays until this one says it is searching.
      while (!(document.querySelector('[data-testid=search-status]')?.textContent ?? '').startsWith('Searching')) {
        await new Promise((r) => setTimeout(r, 0));
      }
      for (;;) {
        const status = document.querySelector('[data-testid=search-status]')?.textContent ?? '';
        if (status.startsWith('Found')) break;
        await new Promise((r) => setTimeout(r, 0));
      }
      return performance.now() - start;
    }));
  }
  // Running an edited MapReduce job (word count of the default text): from the click to the
  // frame that shows the new run's stages, five times.
  await page.click('[data-testid=lesson-mapreduce]');
  await page.click('[data-testid=job-editor] summary');
  const jobs = [];
  for (let i = 0; i < 5; i++) {
    await page.fill('[data-testid=job-splits]', String(3 + (i % 2)));
    jobs.push(await page.evaluate(async (m) => {
      const start = performance.now();
      document.querySelector('[data-testid=job-run]').click();
      while (document.querySelectorAll('[data-testid^="map-"]').length !== m) {
        await new Promise((r) => setTimeout(r, 0));
      }
      await new Promise((r) => requestAnimationFrame(() => r()));
      return performance.now() - start;
    }, 3 + (i % 2)));
  }

  // The floor of the scrubbing measure on this machine: the same loop on a page with nothing but
  // a slider, so that a figure a few tenths over 16.7 ms can be told from a late frame.
  const floorPage = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await floorPage.setContent(`<input type="range" max="${total}">`);
  const floor = await scrubTimes(floorPage, 'input', total);

  const bytes = await firstVisitBytes();
  console.log(`scenario ${SCENARIO}: ${total} steps; ${shownEvents} event dots on screen after playing`);
  console.log(`startup to first diagram: ${startup} ms`);
  console.log('playing   (ms between frames):', stats(playing));
  console.log('scrubbing (ms from input to next frame):', stats(scrubbing));
  console.log('  the same on an empty page (the floor of this measure here):', stats(floor));
  console.log(`import of a 10,000-event log (${summary}), press to first frame:`, stats(imports));
  console.log('scrolling the imported run (ms from scroll to next frame):', stats(scrolling));
  console.log('Paxos counterexample search on the page, click to result (ms):', stats(searches));
  console.log('MapReduce job re-run from the editor, click to first frame (ms):', stats(jobs));
  console.log(`first visit (html+js+css+wasm): ${bytes.raw} bytes raw, ${bytes.gz} bytes gzipped`);
} finally {
  await browser.close();
  server.close();
}
