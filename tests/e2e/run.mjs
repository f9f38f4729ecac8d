#!/usr/bin/env node
// End-to-end tests: serves the release build (dist/) on 127.0.0.1 and a free port, under a
// sub-folder, then runs tests/e2e/*.test.mjs (or the files given as arguments) with node's own
// test runner. Build first: `trunk build --release --offline` (make test does both). E2E_DIST
// serves another build (one made with `--dist`).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const dist = process.env.E2E_DIST ? path.resolve(process.env.E2E_DIST) : path.join(root, 'dist');
const prefix = '/course/spacetime/';

if (!existsSync(path.join(dist, 'index.html'))) {
  console.error(`no ${dist}/index.html: run \`trunk build --release --offline\` first`);
  process.exit(2);
}

const args = process.argv.slice(2);
const files = args.length
  ? args.map((f) => path.resolve(f))
  : readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join(here, f));
if (files.length === 0) {
  console.error(`no test files (*.test.mjs) in ${here}`);
  process.exit(2);
}

const server = await startServer(dist, { prefix });
const baseUrl = `http://127.0.0.1:${server.address().port}${prefix}`;
console.log(`e2e: serving ${path.relative(root, dist)}/ at ${baseUrl}`);

const child = spawn(
  process.execPath,
  ['--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
  { stdio: 'inherit', env: { ...process.env, SPACETIME_BASE_URL: baseUrl } },
);
const stop = (signal) => child.kill(signal);
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
server.close();
process.exit(code);
