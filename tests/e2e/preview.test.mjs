// A link's first seconds (release build): while the lesson's code arrives, the page shows the
// picture of the linked run drawn at build time (assets/preview.js, `spacetime previews`), cut at
// the link's step. The picture shows the same run as the live diagram that replaces it: the same
// events, the same messages, each delivered, travelling or lost alike. A link that changes the
// run gets no picture; a page that cannot load says so with no picture over the message.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  VIEWPORTS, launchBrowser, openPage, screenshot, tid, until, url,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const WORKBENCH = '**/split_workbench-*.wasm';

/** Holds the workbench back (the picture's time on screen) until `release()` lets it through,
 * or `release(false)` cuts it off. */
async function holdWorkbench(page) {
  let release;
  const released = new Promise((r) => { release = r; });
  await page.route(WORKBENCH, async (route) => {
    if (await released) await route.continue();
    else await route.abort();
  });
  return (arrives = true) => release(arrives);
}

/** The picture's events and messages: event ids, and message id -> how it ends. */
const pictureRun = (page) => page.locator(`${tid('preview')} svg`).evaluate((svg) => {
  const fate = { delivered: 'Received', 'in-flight': 'InFlight', died: 'Died' };
  return {
    events: [...svg.querySelectorAll('g.event[data-event]')].map((e) => Number(e.dataset.event)).sort((a, b) => a - b),
    messages: Object.fromEntries([...svg.querySelectorAll('g.message[data-message]')].map((m) =>
      [m.dataset.message, fate[m.getAttribute('class').split(' ')[1]]])),
  };
});

/** The same, read off the live diagram. */
const liveRun = (page) => page.locator(tid('diagram')).evaluate((d) => ({
  events: [...d.querySelectorAll('g.event[data-testid^="event-"]')].map((e) => Number(e.dataset.testid.slice(6))).sort((a, b) => a - b),
  messages: Object.fromEntries([...d.querySelectorAll('g[data-testid^="msg-"]')].map((m) =>
    [m.dataset.testid.slice(4), m.dataset.fate])),
}));

describe('a link shows a picture of its run while the code arrives', () => {
  const links = [
    ['?s=clocks-busy-four&step=12', VIEWPORTS[0]],
    ['?lesson=paxos&step=8', VIEWPORTS[1]],
    ['?s=mapreduce-word-count&step=20&labels=vector', VIEWPORTS[0]],
    ['?s=paxos-minority-crash&step=25', VIEWPORTS[1]],
  ];
  for (const [link, viewport] of links) {
    test(`${link} (${viewport.width}x${viewport.height})`, async () => {
      const { context, page, problems } = await openPage(browser, viewport, { serviceWorkers: 'block' });
      try {
        const release = await holdWorkbench(page);
        await page.goto(url(link), { waitUntil: 'commit' });
        await page.locator(`${tid('preview')} svg`).waitFor({ timeout: 10000 });
        const picture = await pictureRun(page);
        assert.ok(picture.events.length > 0, 'the picture has events');
        await screenshot(page, `preview-${link.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}`);
        release();
        await page.locator(`${tid('diagram')} g.event`).first().waitFor({ timeout: 15000 });
        assert.equal(await page.locator(tid('preview')).count(), 0, 'the picture gives way');
        const live = await liveRun(page);
        assert.deepEqual(picture, live, 'the picture shows the run the page then draws');
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }

  test('a link that changes the run, or names no drawn run, gets no picture', async () => {
    const { context, page, problems } = await openPage(browser, VIEWPORTS[0], { serviceWorkers: 'block' });
    try {
      const pictures = [];
      page.on('request', (r) => { if (/\/pictures-[0-9a-f]+\//.test(r.url())) pictures.push(r.url()); });
      for (const link of ['?s=clocks-busy-four&step=12&seed=7', '?s=clocks-busy-four&iv=2:drop:0', '?s=no-such-run', '?tour=clocks']) {
        await page.goto(url(link), { waitUntil: 'load' });
        await page.locator('[data-testid="app"], [data-testid="welcome"]').first().waitFor({ timeout: 15000 });
        assert.equal(await page.locator(tid('preview')).count(), 0, `${link}: no picture`);
      }
      assert.deepEqual(pictures, [], 'no picture was fetched');
      // The misspelt name is reported by the page itself, and nothing failed on the way.
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('when the code cannot arrive, the picture gives way to the message that says so', async () => {
    const { context, page } = await openPage(browser, VIEWPORTS[1], { serviceWorkers: 'block' });
    try {
      const release = await holdWorkbench(page);
      await page.goto(url('?lesson=raft&step=30'), { waitUntil: 'commit' });
      await page.locator(`${tid('preview')} svg`).waitFor({ timeout: 10000 });
      release(false);
      await until('the page says it could not load', () => page.locator(tid('load-failed')).textContent().catch(() => ''),
        (t) => /could not be loaded/.test(t), { timeout: 15000 });
      assert.equal(await page.locator(tid('preview')).count(), 0, 'no picture over the message');
    } finally {
      await context.close();
    }
  });
});
