// The MapReduce lesson in the release build: crash a worker after its map tasks completed, watch
// them go back to idle and run again elsewhere, and the final counts still come out right.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  clickSvg, launchBrowser, openLesson, position, screenshot, tid, toEnd, until, waitForStep, withApp,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// Client, Coordinator, W1, W2, W3.
const W1 = 2;

/** The map tasks' boxes in the stage view: state, worker and how often each was started. */
const maps = (page) => page.locator('[data-testid^="map-"]').evaluateAll((els) => els.map((el) => ({
  id: el.dataset.testid,
  state: el.dataset.state,
  worker: el.dataset.worker,
  starts: Number(el.dataset.starts),
})));

test('a worker crashes after its maps completed: they run again and the counts are right', () =>
  withApp(browser, async (page) => {
    await openLesson(page, 'mapreduce');
    assert.equal(await page.locator(tid('scenario-select')).inputValue(), 'mapreduce-word-count');
    await page.locator(tid('stages')).waitFor();
    assert.ok((await maps(page)).every((m) => m.state === 'idle'), 'nothing has run at step 0');

    // Step until W1 has completed a map task (its output is now on W1's local disk).
    let done = [];
    for (let i = 0; i < 400 && done.length === 0; i++) {
      await page.locator(tid('btn-forward')).click();
      done = (await maps(page)).filter((m) => m.state === 'completed' && m.worker === 'W1');
    }
    assert.ok(done.length > 0, 'W1 completed a map task');
    const { step } = await position(page);
    for (const m of done) {
      assert.equal(await page.locator(tid(`region-${m.id.slice(4)}-0`)).textContent(), 'W1',
        'its regions are on W1\'s disk');
    }
    await screenshot(page, 'mapreduce-before-crash');

    // Crash W1 there.
    await clickSvg(page, `lane-${W1}`);
    await page.locator(tid('btn-crash')).click();
    await waitForStep(page, step + 1);
    await toEnd(page);

    // Every map task W1 had completed ran again, on another worker.
    const after = await maps(page);
    for (const m of done) {
      const now = after.find((x) => x.id === m.id);
      assert.equal(now.state, 'completed', `${m.id} completed again`);
      assert.notEqual(now.worker, 'W1', `${m.id} re-ran elsewhere`);
      assert.ok(now.starts >= 2, `${m.id} was started again`);
    }
    assert.ok(after.every((m) => m.state === 'completed'));
    // The output equals the sequential word count (the core checks it against its own).
    const correct = page.locator(tid('badge-correct-output'));
    assert.equal(await correct.getAttribute('data-holds'), 'true');
    assert.equal(await correct.getAttribute('data-state'), 'ok');
    assert.equal(await page.locator(tid('badge-completes')).getAttribute('data-holds'), 'true');
    const output = await page.locator(tid('job-output')).textContent();
    assert.match(output, /job completed at \d+/);
    assert.ok(await page.locator(`${tid('job-output')} li.emit`).count() > 3, 'the counts are listed');
    assert.ok(Number(await page.locator(tid('plot-timeline')).getAttribute('data-points')) > done.length);
    await screenshot(page, 'mapreduce-after-crash');
  }));

test('a straggler: backup tasks finish the job sooner', () =>
  withApp(browser, async (page) => {
    await openLesson(page, 'mapreduce');
    await page.locator(tid('scenario-select')).selectOption('mapreduce-straggler');
    await waitForStep(page, 0);
    const times = await until('both completion times', () => page.locator(`${tid('completion-times')} span`)
      .evaluateAll((els) => els.map((el) => [el.dataset.variant, el.textContent])), (t) => t.length === 2);
    const at = Object.fromEntries(times.map(([v, text]) => [v, Number(/done at (\d+)/.exec(text)?.[1])]));
    assert.ok(at.backups < at['no-backups'], JSON.stringify(at));
    await toEnd(page);
    assert.ok(await page.locator('[data-testid^="map-"][data-starts="2"], [data-testid^="reduce-"][data-starts="2"]').count() > 0,
      'a backup copy ran');
  }));

test('the learner edits the input text and the job: the output follows, bad numbers are refused', () =>
  withApp(browser, async (page) => {
    await openLesson(page, 'mapreduce');
    await page.locator(`${tid('job-editor')} summary`).click();
    await page.locator(tid('job-input')).fill('the cat saw the dog\nthe dog ran');
    // A fault added meanwhile changes the run, not what is being typed.
    await page.locator(tid('btn-forward')).click();
    await clickSvg(page, `lane-${W1}`);
    await page.locator(tid('btn-crash')).click();
    await waitForStep(page, 2);
    assert.equal(await page.locator(tid('job-input')).inputValue(), 'the cat saw the dog\nthe dog ran');
    await page.locator(tid('job-splits')).fill('2');
    await page.locator(tid('job-reducers')).fill('3');
    await page.locator(tid('job-run')).click();
    await waitForStep(page, 0);
    await toEnd(page);
    const lines = await until('the new counts', () => page.locator(`${tid('job-output')} li.emit`).allTextContents(),
      (l) => l.length === 5);
    assert.deepEqual(lines, ['cat 1', 'dog 2', 'ran 1', 'saw 1', 'the 3']);
    assert.equal(await page.locator('[data-testid^="map-"]').count(), 2);
    assert.equal(await page.locator('[data-testid^="reduce-"]').count(), 3);
    assert.equal(await page.locator(tid('badge-correct-output')).getAttribute('data-holds'), 'true');

    // Grep over the same text.
    await page.locator(tid('job-kind')).selectOption('grep');
    await page.locator(tid('job-pattern')).fill('dog');
    await page.locator(tid('job-run')).click();
    await waitForStep(page, 0);
    await toEnd(page);
    assert.deepEqual(await until('the matching lines', () => page.locator(`${tid('job-output')} li.emit`).allTextContents(),
      (l) => l.length === 2), ['1 the cat saw the dog', '2 the dog ran']);

    // No splits at all: the banner names the field, and the run on screen stays.
    await page.locator(tid('job-splits')).fill('0');
    await page.locator(tid('job-run')).click();
    const banner = await until('the banner', () => page.locator(tid('error-banner')).textContent(), Boolean);
    assert.match(banner, /splits/);
    assert.equal(await page.locator('[data-testid^="map-"]').count(), 2, 'the grep run is still on screen');
  }));
