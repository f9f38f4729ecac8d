// Registers the service worker (sw.js), which caches every file of the build: a file of its own,
// because the page's Content-Security-Policy allows no inline script. Only over http(s): a page
// opened from a file has no service worker, and needs none.
// It waits until the app says that what it opened has arrived ('spacetime-ready', see
// app/src/opening.rs), or at the latest 20 s after the page loaded: caching every lesson at once
// would share a slow connection with the first view.
if ('serviceWorker' in navigator && /^https?:$/.test(location.protocol)) {
  let asked = false;
  const register = () => {
    if (asked) return;
    asked = true;
    navigator.serviceWorker.register('sw.js').catch(() => {});
  };
  addEventListener('spacetime-ready', register, { once: true });
  addEventListener('load', () => setTimeout(register, 20000), { once: true });
}
