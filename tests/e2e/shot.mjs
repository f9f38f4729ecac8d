// Screenshots for a person to look at (not a test): node tests/e2e/shot.mjs [query] [js-to-run]
// Writes tests/output/shot-WxH.png for the projector and iframe sizes.
import { startServer } from './server.mjs';
import { launchBrowser, openPage, gotoApp, VIEWPORTS, OUTPUT_DIR } from './helpers.mjs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.BENCH_DIST || path.resolve(here, '../../dist');
const [query = '', script = ''] = process.argv.slice(2);
const server = await startServer(dist, { prefix: '/s/' });
process.env.SPACETIME_BASE_URL = `http://127.0.0.1:${server.address().port}/s/`;
await mkdir(OUTPUT_DIR, { recursive: true });
const browser = await launchBrowser();
for (const vp of VIEWPORTS) {
  const { page, problems } = await openPage(browser, vp);
  await gotoApp(page, query);
  if (script) await page.evaluate(script);
  await page.waitForTimeout(400);
  const file = path.join(OUTPUT_DIR, `shot-${vp.width}x${vp.height}.png`);
  await page.screenshot({ path: file });
  console.log(file, problems.length ? problems : '');
}
await browser.close();
server.close();
