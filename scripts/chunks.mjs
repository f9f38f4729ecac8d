// Sizes of a split build (dist/): the first visit (the page, its styles, the main module and the
// scripts the page loads at start), each lazily loaded lesson (its own chunk and the shared
// chunks it needs, as __wasm_split-*.js lists them), and what a link straight to that lesson
// transfers. Bytes raw and gzipped (-9), as a static host would serve them compressed.
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
  for (const m of js.matchAll(/const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"/g)) {
    chunkFile[m[1]] = m[2];
  }
  console.log('');
  console.log(`${'lesson (own chunk + shared chunks it needs)'.padEnd(56)} ${'bytes'.padStart(10)} ${'gzip -9'.padStart(10)}   requests   link to it, gzip -9`);
  for (const m of js.matchAll(/export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"[\s\S]*?\}\s*,\s*\[([^\]]*)\]/g)) {
    const deps = m[3].split(',').map((d) => d.trim()).filter(Boolean).map((d) => chunkFile[d]);
    const own = [m[2], ...deps];
    const s = sum(own);
    console.log(`${m[1].padEnd(56)} ${String(s.raw).padStart(10)} ${String(s.gz).padStart(10)}   ${String(own.length).padStart(8)}   ${String(firstTotal.gz + s.gz).padStart(10)}`);
  }
  row('every chunk', sum(chunks));
}
