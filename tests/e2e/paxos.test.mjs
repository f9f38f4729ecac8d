// The Paxos lesson in the release build: crash two of five acceptors and a value is still
// chosen; crash three and nothing is; play a broken variant's counterexample (shipped, then found
// by the search on the page) and agreement goes red.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  clickSvg, launchBrowser, openLesson, press, screenshot, tid, toEnd, until, waitForStep, withApp,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// paxos-five-acceptors: P1, A1..A5, L1.
const A = (i) => i; // lane of acceptor Ai

async function crashLane(page, p, stepAfter) {
  await clickSvg(page, `lane-${p}`);
  await page.locator(tid('btn-crash')).click();
  await waitForStep(page, stepAfter);
}

const banner = (page) => page.locator(tid('chosen-banner')).textContent();

test('two of five acceptors down: a value is chosen; three down: nothing is, and safety holds', () =>
  withApp(browser, async (page) => {
    await openLesson(page, 'paxos');
    await page.locator(tid('scenario-select')).selectOption('paxos-five-acceptors');
    await waitForStep(page, 0);
    await page.locator(tid('paxos-panel')).waitFor();
    assert.equal(await banner(page), 'Nothing chosen yet');
    assert.equal(await page.locator(`${tid('state-table-acceptor')} tbody tr`).count(), 5);

    // Crash A1 and A2 before any Prepare reaches them.
    await crashLane(page, A(1), 1);
    await crashLane(page, A(2), 2);
    await toEnd(page);
    await until('x is chosen', () => page.locator(tid('chosen-value')).textContent(), (v) => v === 'x');
    assert.equal(await page.locator(tid('badge-agreement')).getAttribute('data-holds'), 'true');
    assert.equal(await page.locator(tid('badge-progress')).getAttribute('data-state'), 'ok');
    // The quorum that chose it: three acceptors marked in the table, none of them down.
    const marked = page.locator(`${tid('state-table-acceptor')} tr.marked`);
    assert.equal(await marked.count(), 3);
    for (const name of ['A3', 'A4', 'A5']) {
      assert.match(await page.locator(tid(`state-row-${name}`)).getAttribute('class'), /\bmarked\b/);
    }
    assert.match(await page.locator(tid('state-row-A1')).textContent(), /down/);
    await screenshot(page, 'paxos-two-down');

    // Back to step 2 and crash a third: two acceptors can never make a majority of five.
    await press(page, 'btn-rewind', 0);
    await press(page, 'btn-forward', 1);
    await press(page, 'btn-forward', 2);
    await crashLane(page, A(3), 3);
    await toEnd(page);
    await until('nothing is chosen', () => banner(page), (t) => t === 'Nothing chosen yet');
    assert.equal(await page.locator(tid('badge-agreement')).getAttribute('data-holds'), 'true');
    assert.equal(await page.locator(tid('badge-validity')).getAttribute('data-holds'), 'true');
    // Progress is not promised without a majority, and it did not happen.
    const progress = page.locator(tid('badge-progress'));
    assert.equal(await progress.getAttribute('data-state'), 'off');
    assert.equal(await progress.getAttribute('data-holds'), 'false');
    await screenshot(page, 'paxos-three-down');
  }));

test('a broken variant: its counterexample plays, and the search on the page finds one', () =>
  withApp(browser, async (page) => {
    await openLesson(page, 'paxos');
    await page.locator(tid('scenario-select')).selectOption('paxos-broken-acceptor');
    await waitForStep(page, 0);
    await toEnd(page);
    const agreement = page.locator(tid('badge-agreement'));
    await until('agreement breaks', () => agreement.getAttribute('data-holds'), (h) => h === 'false');
    assert.equal(await agreement.getAttribute('data-state'), 'bad', 'a promise broken: red');
    assert.match(await banner(page), /^Agreement broken: L1 learned x, L1 learned y/);
    await screenshot(page, 'paxos-broken-acceptor');

    // Take the shipped schedule away: agreement holds again.
    await page.locator(tid('btn-clear')).click();
    await toEnd(page);
    await until('agreement holds without the faults', () => agreement.getAttribute('data-holds'), (h) => h === 'true');

    // The search finds a schedule again, and plays it.
    await page.locator(tid('search-counterexample')).click();
    await until('the search reports', () => page.locator(tid('search-status')).textContent(), (t) => /^Found after \d+ runs?:/.test(t));
    await toEnd(page);
    await until('agreement breaks again', () => agreement.getAttribute('data-holds'), (h) => h === 'false');

    // The same schedule under the correct variant keeps agreement.
    await page.locator(tid('variant-select')).selectOption('correct');
    await toEnd(page);
    await until('correct Paxos keeps agreement', () => agreement.getAttribute('data-holds'), (h) => h === 'true');
  }));

test('multi-paxos: a leader crash, a new leader, and a gap filled with a no-op', () =>
  withApp(browser, async (page) => {
    await openLesson(page, 'paxos');
    await page.locator(tid('scenario-select')).selectOption('multipaxos-leader-crash');
    await waitForStep(page, 0);
    await toEnd(page);
    const logs = page.locator(tid('replicated-logs'));
    await logs.waitFor();
    const text = await logs.textContent();
    assert.match(text, /no-op/, 'the new leader filled a gap with a no-op');
    assert.equal(await page.locator(tid('badge-agreement')).getAttribute('data-holds'), 'true');
    assert.match(await banner(page), /slots? chosen/);
    await screenshot(page, 'multipaxos-leader-crash');
  }));
