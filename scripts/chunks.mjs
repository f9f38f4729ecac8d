// Sizes of a split build (dist/): the first visit (the page, its styles, the main module and the
// scripts the page loads at start: the welcome), each lazily loaded part (its own chunk and the
// shared chunk it needs, as __wasm_split-*.js lists them), and what a link straight to it
// transfers (a link to a lesson loads the workbench too: the page that shows runs). Bytes raw and gzipped (-9), as a static host would serve them compressed.
// usage: node scripts/chunks.mjs [dist]
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const dist = path.resolve(process.argv[2] ?? 'dist');
const files = readdirSync(dist).filter((f) => /\.(html|js|css|wasm|svg|ico)$/.test(f));
const size = (f) => {
  const b = readFileSync(path.join(dist, f));
  return { raw: b.length, gz: zlib.gzipSync(b, { level: 9 }).length };
};
const sum = (list) => list.reduce((a, f) => {
  const s = size(f);
  return { raw: a.raw + s.raw, gz: a.gz + s.gz };
}, { raw: 0, gz: 0 });
const row = (name, s) => console.log(`${name.padEnd(56)} ${String(s.raw).padStart(10)} ${String(s.gz).padStart(10)}`);

const loader = files.find((f) => /^__wasm_split-.*\.js$/.test(f));
const chunks = files.filter((f) => f.endsWith('.wasm') && !/^spacetime-app-.*_bg\.wasm$/.test(f));
// Loaded later, or by the service worker after the page is up: not part of the first visit.
const later = new Set([...chunks, 'sw.js']);
const first = files.filter((f) => !later.has(f));

console.log(`${'file'.padEnd(56)} ${'bytes'.padStart(10)} ${'gzip -9'.padStart(10)}`);
for (const f of first) row(f, size(f));
const firstTotal = sum(first);
row('first visit total (the welcome)', firstTotal);

if (loader) {
  const js = readFileSync(path.join(dist, loader), 'utf8');
  // const __chunk_7 = makeLoad(() => { const src = fetch(new URL("./chunk_7-<hash>.wasm", ...
  const chunkFile = {};
  for (const m of js.matchAll(/const (__chunk_\w+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"/g)) {
    chunkFile[m[1]] = m[2];
  }
  console.log('');
  console.log(`${'part (own chunk + shared chunk it needs)'.padEnd(56)} ${'bytes'.padStart(10)} ${'gzip -9'.padStart(10)}   requests   link to it, gzip -9`);
  const parts = {};
  for (const m of js.matchAll(/export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"[\s\S]*?\}\s*,\s*\[([^\]]*)\]/g)) {
    const deps = m[3].split(',').map((d) => d.trim()).filter(Boolean).map((d) => chunkFile[d]);
    parts[m[1]] = [m[2], ...deps];
  }
  const workbench = parts.workbench ?? [];
  for (const [name, own] of Object.entries(parts)) {
    const s = sum(own);
    const link = sum([...new Set([...workbench, ...own])]);
    console.log(`${name.padEnd(56)} ${String(s.raw).padStart(10)} ${String(s.gz).padStart(10)}   ${String(own.length).padStart(8)}   ${String(firstTotal.gz + link.gz).padStart(10)}`);
  }
  row('every chunk', sum(chunks));
}
