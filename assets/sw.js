// Spacetime's service worker: once the page has loaded, it opens again offline.
// It handles two kinds of request and lets every other one go to the network untouched:
// - the page itself (a navigation, whatever its query: the query is the view, not another
//   file), fetched from the network first and from the cache only when offline;
// - the build's own files, whose names carry a content hash (style-3122358fe950236.css), so a
//   cached copy never goes stale: served from the cache first.
// At install it caches the page and every file of the build, each lesson's chunk included
// (precache.json, written by scripts/split.sh), so that after one visit every lesson opens
// offline, not only those visited. The build names its cache (scripts/split.sh rewrites the
// line below), so a new build installs afresh and drops the old files.
// Everything is relative to the worker's own folder, so the site works from any sub-folder.
const CACHE = 'spacetime-v1';
const HASHED = /-[0-9a-f]{12,20}(?:_bg)?\.[a-z0-9]+$/;

// The page, every hashed file it names (in its links and in its loader script), and every file
// the build lists (the lessons' chunks, which the page names nowhere).
async function precache() {
  const cache = await caches.open(CACHE);
  const response = await fetch('./', { cache: 'no-cache' });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put('./', response);
  const files = new Set(html.match(/\.\/[A-Za-z0-9_.-]+-[0-9a-f]{12,20}(?:_bg)?\.[a-z0-9]+/g) ?? []);
  const listed = await fetch('./precache.json', { cache: 'no-cache' })
    .then((r) => (r.ok ? r.json() : []))
    .catch(() => []);
  for (const f of listed) files.add(f);
  // One file at a time: the page may be fetching a lesson the student just opened, over the
  // same slow connection, and a browser opens at most six connections to a host; all of them
  // busy with this would queue the page's own request behind them.
  for (const f of files) await cache.add(f).catch(() => {});
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().catch(() => {}).then(() => self.skipWaiting()));
});

// A new build has new file names: the old ones are dropped once this worker takes over.
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put('./', copy));
          }
          return response;
        })
        .catch(() => caches.match('./').then((hit) => hit || Response.error())),
    );
  } else if (HASHED.test(url.pathname)) {
    event.respondWith(
      caches.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })),
    );
  }
});
