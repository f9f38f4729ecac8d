// Text on the diagram never covers other text (app/src/diagram/labels.rs): in busy runs, at the
// projector's size and in an iframe, every timestamp and message label shown has room of its
// own; what finds none waits for the pointer, and then shows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { VIEWPORTS, gotoApp, launchBrowser, openPage, screenshot, tid } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Pairs of shown pieces of text whose boxes overlap by more than the fonts' leading. */
const overlaps = (page) => page.locator(tid('diagram')).evaluate((d) => {
  const shown = [...d.querySelectorAll('.clock-label, .msg-label')]
    .map((t) => ({ text: t.textContent, box: t.getBoundingClientRect() }))
    .filter((t) => t.box.width > 0);
  const found = [];
  for (let i = 0; i < shown.length; i++) {
    for (let j = i + 1; j < shown.length; j++) {
      const a = shown[i].box;
      const b = shown[j].box;
      const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (x > 2 && y > 2) found.push(`"${shown[i].text}" and "${shown[j].text}"`);
    }
  }
  return { shown: shown.length, found };
});

describe('text on the diagram never overlaps', () => {
  const views = [
    ['?s=mapreduce-word-count&step=75', 'labels-mapreduce-end'],
    ['?s=raft-calm&step=60', 'labels-raft'],
    ['?lesson=paxos&step=8', 'labels-paxos'],
  ];
  for (const viewport of VIEWPORTS.slice(0, 2)) {
    for (const [link, name] of views) {
      test(`${link} (${viewport.width}x${viewport.height})`, async () => {
        const { context, page } = await openPage(browser, viewport);
        try {
          await gotoApp(page, link);
          // A window its run crowds is drawn on a canvas, without labels: zoom in to them (Raft's
          // calm election in an iframe).
          for (let i = 0; i < 6 && await page.locator(`${tid('diagram')}.dense`).count(); i++) {
            const width = Number(await page.locator(tid('diagram')).getAttribute('width'));
            await page.keyboard.press(']');
            await page.waitForFunction((w) => Number(document.querySelector('[data-testid=diagram]').getAttribute('width')) > w, width);
          }
          await page.locator(`${tid('diagram')} g.event`).first().waitFor();
          const { shown, found } = await overlaps(page);
          assert.ok(shown >= 20, `${shown} pieces of text shown`);
          assert.deepEqual(found, []);
          await screenshot(page, name);
        } finally {
          await context.close();
        }
      });
    }
  }

  test('presenting: the bigger text is placed at its size (MapReduce, 1920x1080)', async () => {
    const { context, page } = await openPage(browser, VIEWPORTS[0]);
    try {
      await gotoApp(page, '?s=mapreduce-word-count&step=75');
      await page.locator(`${tid('diagram')} g.event`).first().waitFor();
      const size = () => page.locator(`${tid('diagram')} .clock-label`).first()
        .evaluate((t) => parseFloat(getComputedStyle(t).fontSize));
      const normal = await size();
      await page.keyboard.press('p');
      await page.locator('.app.presentation').waitFor();
      await page.waitForFunction((n) => parseFloat(getComputedStyle(
        document.querySelector('[data-testid=diagram] .clock-label')).fontSize) > n * 1.5, normal);
      const { shown, found } = await overlaps(page);
      assert.ok(shown >= 20, `${shown} pieces of text shown`);
      assert.deepEqual(found, []);
      await screenshot(page, 'labels-mapreduce-presenting');
    } finally {
      await context.close();
    }
  });

  test('a timestamp with no room shows while the pointer is on its event', async () => {
    const { context, page } = await openPage(browser, VIEWPORTS[1]);
    try {
      await gotoApp(page, '?s=mapreduce-word-count&step=75');
      await page.locator(`${tid('diagram')} .clock-label.crowded`).first().waitFor({ state: 'attached' });
      // A crowded timestamp whose dot is not under a neighbour's, at the dot's centre.
      const id = await page.locator(tid('diagram')).evaluate((d) => {
        for (const label of d.querySelectorAll('.clock-label.crowded')) {
          const event = label.closest('g.event');
          const box = event.querySelector('circle').getBoundingClientRect();
          const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
          if (top?.closest('g.event') === event) return event.dataset.testid.slice('event-'.length);
        }
        return null;
      });
      assert.ok(id, 'a crowded timestamp on a dot the pointer can reach');
      const crowded = page.locator(tid(`clock-${id}`));
      assert.equal(await crowded.isVisible(), false);
      await page.locator(`${tid(`event-${id}`)} circle`).hover();
      assert.equal(await crowded.isVisible(), true);
    } finally {
      await context.close();
    }
  });
});
