// The first visit and lazily loaded lessons (the split release build): the welcome at both
// sizes; every lesson opened cold from a link (?lesson=, ?s=&step=, ?tour=), fetching its own
// chunk and no other lesson's; every lesson again offline after one visit (the service worker
// caches every chunk); a chunk that cannot load (the banner says so, the run on screen stays);
// and no Content-Security-Policy violation anywhere on the way.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  VIEWPORTS, gotoApp, launchBrowser, openPage, screenshot, tid, until, url, waitForStep,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Counts CSP violations on every page of the context (window.__csp). */
async function watchCsp(context) {
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective}: ${e.blockedURI}`);
    });
  });
}

/** The lessons the welcome lists, in order: their ids. */
async function lessonIds(page) {
  return page.locator('[data-testid^="welcome-"].welcome-lesson').evaluateAll((els) =>
    els.map((e) => e.dataset.testid.slice('welcome-'.length)));
}

/** The wasm files a page fetches, collected as it goes. */
function wasmRequests(page) {
  const seen = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) seen.push(new URL(r.url()).pathname.split('/').pop());
  });
  return seen;
}

/** Whether a page has no horizontal overflow. */
const fitsWidth = (page) => page.evaluate(() =>
  document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1);

describe('the welcome', () => {
  for (const viewport of VIEWPORTS) {
    test(`a visit without a link shows what Spacetime is and where to start (${viewport.width}x${viewport.height})`, async () => {
      const { context, page, problems } = await openPage(browser, viewport);
      await watchCsp(context);
      try {
        const wasm = wasmRequests(page);
        await gotoApp(page, './');
        await page.locator(tid('welcome')).waitFor();
        const ids = await lessonIds(page);
        assert.ok(ids.length >= 6, `the welcome lists ${ids}`);
        assert.equal(ids[0], 'clocks', 'the suggested path starts with clocks');
        // Each lesson has a line and a sketch; the tour is offered; all in one screen.
        for (const id of ids) {
          const card = page.locator(tid(`welcome-${id}`));
          assert.ok((await card.locator('.welcome-summary').textContent()).length > 20);
          assert.ok(await card.locator('svg.welcome-sketch line.sketch-arrow').count() > 0, `${id} has a sketch`);
          const box = await card.boundingBox();
          assert.ok(box.y + box.height <= viewport.height + 1, `${id}'s card is on the first screen`);
        }
        await page.locator(tid('welcome-tour')).waitFor({ state: 'visible' });
        assert.ok(await fitsWidth(page), 'no horizontal overflow');
        // Nothing of any lesson has loaded: the main module, and the workbench (the page that
        // shows runs), fetched while the welcome is read.
        assert.ok(wasm.length >= 1 && wasm.every((f) => /^(spacetime-app-|split_workbench-|chunk_common-)/.test(f)), `fetched ${wasm}`);
        await screenshot(page, 'welcome');
        // Choosing a lesson opens it, fetching its chunk.
        await page.locator(tid('welcome-paxos')).click();
        await page.locator(tid('diagram')).waitFor();
        await until('the paxos tab is active', () =>
          page.locator(tid('lesson-paxos')).getAttribute('class'), (c) => /\bactive\b/.test(c ?? ''));
        assert.ok(wasm.length > 1, 'the lesson came in a chunk of its own');
        assert.deepEqual(await page.evaluate(() => window.__csp), []);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }

  test('"New here? Take the tour" starts the first lesson\'s tour', async () => {
    const { context, page, problems } = await openPage(browser);
    try {
      await gotoApp(page, './');
      await page.locator(tid('welcome-tour')).click();
      await page.locator('.tour-panel, [data-testid="tour-panel"]').first().waitFor();
      await until('the address names the tour', () => page.url(), (u) => /tour=clocks/.test(u));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('every lesson opens cold from a link, fetching only its own chunk', () => {
  test('?lesson=, ?s=&step= and ?tour= for every lesson, with no CSP violation', async () => {
    // The lessons and one scenario of each, read from the page itself.
    const { context: c0, page: p0 } = await openPage(browser);
    await gotoApp(p0, './');
    const ids = await lessonIds(p0);
    await c0.close();
    let mainModule = null;
    const chunkOf = {};
    for (const id of ids) {
      for (const kind of ['lesson', 'scenario', 'tour']) {
        const { context, page, problems } = await openPage(browser);
        await watchCsp(context);
        try {
          const wasm = wasmRequests(page);
          let query = `?lesson=${id}`;
          if (kind === 'scenario') {
            // A scenario of this lesson, by name: the second one if there is one.
            const { context: c1, page: p1 } = await openPage(browser);
            await gotoApp(p1, `?lesson=${id}`);
            const names = await p1.locator(`${tid('scenario-select')} option`).evaluateAll((o) => o.map((e) => e.value));
            await c1.close();
            query = `?s=${names[Math.min(1, names.length - 1)]}&step=2`;
          } else if (kind === 'tour') {
            query = `?tour=${id}`;
          }
          await gotoApp(page, query);
          await page.locator(tid('diagram')).waitFor();
          assert.ok(await page.locator('g.lane').count() > 0, `${query} draws lanes`);
          await until(`${query}: the ${id} tab is active`, () =>
            page.locator(tid(`lesson-${id}`)).getAttribute('class'), (c) => /\bactive\b/.test(c ?? ''));
          if (kind === 'scenario') await waitForStep(page, 2);
          if (kind === 'tour') await page.locator('.tour-panel, [data-testid="tour-panel"]').first().waitFor();
          // The main module and this lesson's chunk(s): the same for every link into the lesson,
          // and none shared with another lesson's.
          mainModule ??= wasm[0];
          assert.equal(wasm[0], mainModule);
          const chunks = wasm.slice(1).sort().join(' ');
          chunkOf[id] ??= chunks;
          assert.equal(chunks, chunkOf[id], `${query} fetched ${chunks}`);
          assert.deepEqual(await page.evaluate(() => window.__csp), [], `${query}: CSP violations`);
          assert.deepEqual(problems, []);
        } finally {
          await context.close();
        }
      }
    }
    // Each lesson's own chunk is fetched by no other lesson.
    for (const id of ids) {
      const own = chunkOf[id].split(' ').filter((c) => c && ids.every((o) => o === id || !chunkOf[o].split(' ').includes(c)));
      assert.ok(own.length >= 1, `${id} has a chunk of its own (${chunkOf[id]})`);
    }
  });
});

describe('offline', () => {
  test('after one visit every lesson opens offline, not only the one visited', async () => {
    const { context, page, problems } = await openPage(browser);
    try {
      await gotoApp(page, '?lesson=clocks');
      await page.locator(tid('diagram')).waitFor();
      // The service worker has installed and cached every file the build lists.
      await page.evaluate(() => navigator.serviceWorker.ready);
      const listed = await page.evaluate(async () => (await fetch('precache.json')).json());
      await until('every listed file is cached', () => page.evaluate(async (files) => {
        const cache = (await caches.keys()).filter((k) => k.startsWith('spacetime-'));
        if (!cache.length) return files.length;
        const c = await caches.open(cache[0]);
        let missing = 0;
        for (const f of files) if (!(await c.match(new URL(f, location.href)))) missing += 1;
        return missing;
      }, listed), (missing) => missing === 0, { timeout: 20000, interval: 200 });
      await context.setOffline(true);
      const p0 = page;
      await p0.goto(url('./'), { waitUntil: 'load' });
      await p0.locator(tid('welcome')).waitFor();
      const ids = await lessonIds(p0);
      for (const id of ids) {
        const offline = await context.newPage();
        await offline.goto(url(`?lesson=${id}`), { waitUntil: 'load' });
        await offline.locator(tid('diagram')).waitFor({ timeout: 15000 });
        await until(`offline: the ${id} tab is active`, () =>
          offline.locator(tid(`lesson-${id}`)).getAttribute('class'), (c) => /\bactive\b/.test(c ?? ''));
        assert.ok(await offline.locator('g.lane').count() > 0, `${id} draws lanes offline`);
        await offline.close();
      }
      // Offline, every request was answered from the cache: nothing failed. A request the
      // browser cancels itself (a favicon still loading when the page navigates) is not a miss.
      assert.deepEqual(problems.filter((p) => !p.endsWith('(net::ERR_ABORTED)')), []);
    } finally {
      await context.close();
    }
  });
});

describe('a page that cannot load', () => {
  test('a link says so and can try again; from the welcome, a second choice tries again', async () => {
    // No service worker: it would answer from its cache what the test cuts off.
    const { context, page } = await openPage(browser, VIEWPORTS[0], { serviceWorkers: 'block' });
    try {
      await page.route('**/split_workbench-*.wasm', (route) => route.abort());
      await gotoApp(page, '?lesson=clocks');
      await until('the page says it could not load', () => page.locator(tid('load-failed')).textContent().catch(() => ''),
        (t) => /could not be loaded.*offline/.test(t), { timeout: 10000 });
      // Once the network is back, Try again loads it.
      await page.unroute('**/split_workbench-*.wasm');
      await page.locator(tid('load-retry')).click();
      await page.locator(tid('diagram')).waitFor({ timeout: 10000 });
      await page.route('**/split_workbench-*.wasm', (route) => route.abort());
      await gotoApp(page, './');
      await page.locator(tid('welcome')).waitFor();
      await page.locator(tid('welcome-clocks')).click();
      await page.locator(tid('load-failed')).waitFor();
      await screenshot(page, 'page-load-failed');
      // Back on the welcome once the network is back: choosing again loads the page.
      await page.unroute('**/split_workbench-*.wasm');
      await page.goBack();
      await page.locator(tid('welcome')).waitFor();
      await page.locator(tid('welcome-clocks')).click();
      await page.locator(tid('diagram')).waitFor({ timeout: 10000 });
      assert.ok(await page.locator('g.lane').count() > 0);
    } finally {
      await context.close();
    }
  });
});

describe('a lesson that cannot load', () => {
  for (const viewport of VIEWPORTS) {
    test(`says so, and the run on screen stays (${viewport.width}x${viewport.height})`, async () => {
      // No service worker: it would answer from its cache what the test cuts off.
      const { context, page } = await openPage(browser, viewport, { serviceWorkers: 'block' });
      try {
        await gotoApp(page, '?s=clocks-busy-four&step=3');
        await page.locator(tid('diagram')).waitFor();
        await waitForStep(page, 3);
        const lanes = await page.locator('g.lane').count();
        // From now on no wasm chunk arrives (offline, nothing cached).
        await page.route('**/*.wasm', (route) => route.abort());
        await page.locator(tid('lesson-paxos')).click();
        await until('the banner says the lesson could not load',
          () => page.locator(tid('error-banner')).textContent().catch(() => ''),
          (t) => /Paxos lesson could not be loaded/.test(t), { timeout: 10000 });
        await screenshot(page, 'lesson-load-failed');
        // The clocks run is still there, at its step.
        assert.equal(await page.locator('g.lane').count(), lanes);
        await waitForStep(page, 3);
        assert.match(await page.locator(tid('lesson-clocks')).getAttribute('class'), /\bactive\b/);
        // Once the network is back, the same click loads it.
        await page.unroute('**/*.wasm');
        await page.locator(tid('error-dismiss')).click();
        await page.locator(tid('lesson-paxos')).click();
        await until('the paxos tab is active', () =>
          page.locator(tid('lesson-paxos')).getAttribute('class'), (c) => /\bactive\b/.test(c ?? ''), { timeout: 10000 });
      } finally {
        await context.close();
      }
    });
  }
});
