// The Raft lesson in the release build, at both screen sizes: the panel draws every server
// (role, term, vote, its election timer as a ring) and every log in step with the cursor; the
// one-click partition makes the others elect a new leader; "time out" and "client request" act
// at the cursor; crash and recover work from the cards; an exercise can be answered; the tour plays to its end.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  VIEWPORTS, gotoApp, launchBrowser, openPage, position, screenshot, tid, toEnd, until, waitForStep,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Opens `rel` at `viewport`, runs `body`, and fails if the page reported any problem. */
async function withPage(viewport, rel, body) {
  const { context, page, problems } = await openPage(browser, viewport);
  try {
    await gotoApp(page, rel);
    await page.locator(tid('diagram')).waitFor();
    await body(page);
    if (problems.length) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
  } finally {
    await context.close();
  }
}

const leaderText = (page) => page.locator(tid('raft-leader')).textContent();
const size = (v) => `${v.width}x${v.height}`;

for (const viewport of VIEWPORTS) {
  test(`${size(viewport)}: the panel follows the cursor in raft-calm`, () =>
    withPage(viewport, '?s=raft-calm&step=8', async (page) => {
      await waitForStep(page, 8);
      const panel = page.locator(tid('raft-panel'));
      await panel.waitFor();
      assert.equal(await page.locator(`${tid('raft-panel')} .raft-server`).count(), 5);
      // S2 won term 1 at step 7: it leads, and has no election timer; the others' rings run.
      assert.equal(await leaderText(page), 'Leader: S2, term 1');
      const s2 = page.locator(tid('raft-server-S2'));
      assert.equal(await s2.getAttribute('data-role'), 'leader');
      assert.equal(await s2.locator(tid('raft-timer-arc')).count(), 0);
      assert.equal(await page.locator(tid('raft-server-S1')).locator(tid('raft-term')).textContent(), '1');
      assert.ok(await page.locator(tid('raft-timer-arc')).count() >= 3, 'the followers\' rings run');
      // No log yet.
      assert.equal(await page.locator(`${tid('raft-log-S1')} td.raft-entry:not(.empty)`).count(), 0);
      const box = await panel.boundingBox();
      assert.ok(box && box.width > 0 && box.x + Math.min(box.width, 200) <= viewport.width, 'the panel is on screen');
      await screenshot(page, 'raft-calm-elected');

      // At the end every log holds x=1, y=2, z=3, committed.
      await toEnd(page);
      for (const s of ['S1', 'S2', 'S3', 'S4', 'S5']) {
        const row = page.locator(tid(`raft-log-${s}`));
        await until(`${s}'s log`, () => row.locator('td.raft-entry.committed').count(), (n) => n === 3);
        assert.match(await row.textContent(), /x=1.*y=2.*z=3/);
      }
      await screenshot(page, 'raft-calm-end');
    }));

  test(`${size(viewport)}: partitioning the leader away elects another; crash and recover`, () =>
    withPage(viewport, '?s=raft-calm&step=8', async (page) => {
      await waitForStep(page, 8);
      await until('S2 leads', () => leaderText(page), (t) => t === 'Leader: S2, term 1');
      await page.locator(tid('action-partition-leader')).click();
      await waitForStep(page, 9);
      assert.equal(await page.locator(tid('error-banner')).count(), 0);
      await toEnd(page);
      // The four others elect a leader of a later term; S2, cut off, still thinks it leads term 1.
      const text = await until('a new leader', () => leaderText(page), (t) => /^Leader: S[1345], term [2-9]/.test(t ?? ''));
      assert.doesNotMatch(text, /S2/);
      assert.equal(await page.locator(tid('badge-election-safety')).getAttribute('data-holds'), 'true');
      await screenshot(page, 'raft-partitioned');
      // Healing the links at the run's last step is taken without an error (the run ends there,
      // so what S2 does next is not drawn).
      await page.locator(tid('action-heal')).click();
      assert.equal(await page.locator(tid('error-banner')).count(), 0);

      // Crash S3 from its card, then recover it.
      const { step } = await position(page);
      await page.locator(tid('raft-toggle-S3')).click();
      await until('S3 is down', () => page.locator(tid('raft-server-S3')).getAttribute('class'), (c) => /\bdown\b/.test(c ?? ''));
      assert.ok((await position(page)).step >= Math.min(step, 1));
      await page.locator(tid('raft-toggle-S3')).click();
      await until('S3 is back', () => page.locator(tid('raft-server-S3')).getAttribute('class'), (c) => !/\bdown\b/.test(c ?? ''));
    }));

  test(`${size(viewport)}: "time out" starts an election now; "client request" commits a new command`, () =>
    withPage(viewport, '?s=raft-calm&step=12', async (page) => {
      await waitForStep(page, 12);
      await until('S2 leads', () => leaderText(page), (t) => t === 'Leader: S2, term 1');
      // The leader has no election timer to run out; a follower has.
      assert.equal(await page.locator(tid('raft-timeout-S2')).count(), 0);
      await page.locator(tid('raft-timeout-S4')).click();
      await waitForStep(page, 13);
      assert.equal(await page.locator(tid('error-banner')).count(), 0);
      assert.match(await page.locator(tid('narration')).textContent(), /You make S4's election timeout run out now\./);
      await until('the link holds the hurried timeout', () => decodeURIComponent(page.url()),
        (u) => /iv=12:fire:S4:election timeout/.test(u));
      assert.equal(await page.locator(tid('raft-server-S4')).getAttribute('data-role'), 'candidate');
      assert.equal(await page.locator(tid('raft-server-S4')).locator(tid('raft-term')).textContent(), '2');
      await screenshot(page, 'raft-timed-out');
      // A client hands in v=1; by the end every server has applied it, and safety held.
      await page.locator(tid('action-request')).click();
      await waitForStep(page, 14);
      await until('the link holds the request', () => decodeURIComponent(page.url()),
        (u) => /13:req:C1:v=1/.test(u));
      await toEnd(page);
      assert.match(await leaderText(page), /term [2-9]/);
      for (const s of ['S1', 'S2', 'S3', 'S4', 'S5']) {
        const row = page.locator(tid(`raft-log-${s}`));
        await until(`${s} commits v=1`, () => row.locator('td.raft-entry.committed').allTextContents(),
          (cells) => cells.some((c) => c.includes('v=1')));
      }
      for (const p of ['election-safety', 'state-machine-safety']) {
        assert.equal(await page.locator(tid(`badge-${p}`)).getAttribute('data-holds'), 'true', p);
      }
      await screenshot(page, 'raft-requested');
    }));

  test(`${size(viewport)}: a Raft exercise can be answered`, () =>
    withPage(viewport, '?lesson=raft', async (page) => {
      await page.locator(tid('activity-exercises')).click();
      for (const kind of ['raft-vote', 'raft-commit', 'raft-repair']) {
        await page.locator(tid('exercise-kind')).selectOption(kind);
        const choices = page.locator(`${tid('exercise-choices')} button`);
        await until(`${kind}: choices`, () => choices.count(), (n) => n >= 3, { timeout: 15000 });
        await choices.first().click();
        const feedback = await until(`${kind}: feedback`, () => page.locator(tid('exercise-feedback')).textContent(), Boolean);
        assert.match(feedback, /^(Right|Not)\b/);
      }
      await screenshot(page, 'raft-exercise');
    }));

  test(`${size(viewport)}: the Raft tour plays to its end`, () =>
    withPage(viewport, '?lesson=raft', async (page) => {
      const stops = [1, 8, 69, 82, 156];
      await page.locator(tid('tour-button')).click();
      await page.locator(tid('tour-panel')).waitFor();
      await page.locator(tid('speed')).fill('8');
      await page.locator(tid('tour-next')).click(); // Start
      for (let i = 0; i < stops.length; i++) {
        await until(`stop ${i + 1}`, () => page.locator(tid('tour-progress')).textContent(),
          (t) => t === `Stop ${i + 1} of ${stops.length}`, { timeout: 15000 });
        await until(`paused at stop ${i + 1}`, async () => {
          const travelling = await page.locator('.tour-travelling').count();
          return travelling === 0 ? (await position(page)).step : null;
        }, (s) => s === stops[i], { timeout: 15000 });
        assert.equal(await page.locator(tid('error-banner')).count(), 0, `no error at stop ${i + 1}`);
        if (i === 1) assert.equal(await leaderText(page), 'Leader: S2, term 1');
        if (i === stops.length - 1) {
          assert.equal(await page.locator(`${tid('raft-log-S5')} td.raft-entry:not(.empty)`).count(), 3);
        }
        await page.locator(tid('tour-next')).click();
      }
      await until('the tour is over', () => page.locator(tid('tour-panel')).count(), (n) => n === 0);
    }));
}
