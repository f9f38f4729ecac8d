// Registers the service worker (sw.js) once the page has loaded: a file of its own, because the
// page's Content-Security-Policy allows no inline script. Only over http(s): a page opened from a
// file has no service worker, and needs none.
if ('serviceWorker' in navigator && /^https?:$/.test(location.protocol)) {
  addEventListener('load', () => navigator.serviceWorker.register('sw.js').catch(() => {}));
}
