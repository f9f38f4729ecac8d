// Browser benchmark (not a test): the long tasks of opening the big link, compared across builds.
//
//   node tests/bench/tasks.mjs [--runs N] DIST [DIST…]   # release builds, e.g. dist /tmp/dist-old
//
// Opens the link of `big.mjs` (a 120,000-event gossip run, `?sc=…&step=60000`) in a fresh browser
// context at 1920x1080, once per build per run, the builds alternated so that a noisy machine
// weighs on each alike. It waits for the run's last step, then prints, per build, every task over
// 50 ms (a PerformanceObserver on 'longtask' installed before navigation) as [start, duration] in
// ms from navigation start. The first is the task that builds the page. Nothing asserts.
import { startServer } from '../e2e/server.mjs';
import { launchBrowser } from '../e2e/helpers.mjs';
import { buildsFrom, openBigLink } from './builds.mjs';

const { dists, runs } = buildsFrom(process.argv.slice(2), 'tasks.mjs', 4);

const servers = await Promise.all(dists.map((d) => startServer(d, { prefix: '/spacetime/' })));
const browser = await launchBrowser();
const found = dists.map(() => []);
try {
  for (let run = 0; run < runs; run++) {
    for (const [i, server] of servers.entries()) {
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
      await context.addInitScript(() => {
        window.__long = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.__long.push([Math.round(e.startTime), Math.round(e.duration)]);
        }).observe({ type: 'longtask', buffered: true });
      });
      const page = await context.newPage();
      await openBigLink(page, server, 'commit');
      found[i].push(await page.evaluate(() => window.__long));
      await context.close();
    }
  }
} finally {
  await browser.close();
  servers.forEach((s) => s.close());
}
for (const [i, dist] of dists.entries()) {
  console.log(`${dist}: longest ${found[i].map((tasks) => Math.max(0, ...tasks.map((t) => t[1]))).join(', ')} ms`);
  for (const tasks of found[i]) console.log(`  ${JSON.stringify(tasks)}`);
}
