// What the benchmarks that compare builds share: their arguments, and opening the big link.
import { BIG_GOSSIP, linkTo } from './inputs.mjs';

/** `[--runs N] DIST [DIST…]` read from `args`: the builds, and how many runs of each (`runs` by
 * default). Exits with the usage line of `script` when no build is named. */
export function buildsFrom(args, script, runs) {
  const at = args.indexOf('--runs');
  const dists = args.filter((a, i) => a !== '--runs' && i !== at + 1);
  if (dists.length === 0) {
    console.error(`usage: node tests/bench/${script} [--runs N] DIST [DIST…]`);
    process.exit(2);
  }
  return { dists, runs: at >= 0 ? Number(args[at + 1]) || 1 : runs };
}

/** The big link opened on `page` from `server` (how far it has loaded: `waitUntil`), then waited
 * for until the run shows its last step, and 1.5 s more. */
export async function openBigLink(page, server, waitUntil = 'load') {
  await page.goto(`http://127.0.0.1:${server.address().port}/spacetime/${linkTo(BIG_GOSSIP)}`, { waitUntil });
  await page.waitForFunction(
    () => /^step 60000 \/ 60000/.test(document.querySelector('[data-testid=step-count]')?.textContent ?? ''),
    null, { timeout: 180000 });
  await page.waitForTimeout(1500);
}
