// Browser benchmark (not a test): scrubbing the big link, compared across builds, by where the
// cursor lands.
//
//   node tests/bench/scrub.mjs [--runs N] DIST [DIST…]   # release builds, e.g. dist /tmp/dist-old
//
// Opens the link of `big.mjs` (a 120,000-event gossip run) at 1920x1080, once per build per run,
// the builds alternated. It sets the scrubber to 200 positions (a sweep, then seeded random
// jumps), timing each from the input event to the end of the next frame, and prints per build the
// median and p95 of each run, then the slowest frames' share of the run. Nothing asserts.
import { startServer } from '../e2e/server.mjs';
import { launchBrowser } from '../e2e/helpers.mjs';
import { buildsFrom, openBigLink } from './builds.mjs';

const { dists, runs } = buildsFrom(process.argv.slice(2), 'scrub.mjs', 3);

/** Frame times of 200 scrubs, each with the share of the run the cursor was set to. */
async function scrubs(page) {
  return page.evaluate(async () => {
    const frameEnd = () => new Promise((done) => requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => done(performance.now());
      channel.port2.postMessage(0);
    }));
    const scrubber = document.querySelector('[data-testid=scrubber]');
    const total = Number(scrubber.max);
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const out = [];
    for (let i = 0; i < 200; i++) {
      const step = i < 100 ? Math.round((i / 100) * total) : Math.floor(random() * total);
      const start = performance.now();
      scrubber.value = String(step);
      scrubber.dispatchEvent(new Event('input', { bubbles: true }));
      out.push([step / total, (await frameEnd()) - start]);
    }
    return out;
  });
}

const servers = await Promise.all(dists.map((d) => startServer(d, { prefix: '/spacetime/' })));
const browser = await launchBrowser();
const found = dists.map(() => []);
try {
  for (let run = 0; run < runs; run++) {
    for (const [i, server] of servers.entries()) {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await openBigLink(page, server);
      found[i].push(await scrubs(page));
      await page.close();
    }
  }
} finally {
  await browser.close();
  servers.forEach((s) => s.close());
}
const at = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
for (const [i, dist] of dists.entries()) {
  const stats = found[i].map((frames) => {
    const times = frames.map(([, t]) => t).sort((a, b) => a - b);
    return `${at(times, 0.5).toFixed(1)} / ${at(times, 0.95).toFixed(1)}`;
  });
  console.log(`${dist}: median / p95 per run: ${stats.join(', ')} ms`);
  const all = found[i].flat();
  const slow = all.filter(([, t]) => t > 20);
  for (const [from, to] of [[0, 0.2], [0.2, 0.6], [0.6, 1.01]]) {
    const part = slow.filter(([p]) => p >= from && p < to).length;
    console.log(`  frames over 20 ms with the cursor in ${from}–${Math.min(to, 1)} of the run: ${part} of ${all.filter(([p]) => p >= from && p < to).length}`);
  }
}
