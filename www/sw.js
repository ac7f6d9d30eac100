// @ts-check
// The service worker: after the first visit the page works without a network (a classroom whose
// Wi-Fi drops keeps training). Cache-first for the site's own files: on install it stores the
// page's files below; sw-register.js then sends the URLs the page and its worker loaded (the
// page's wasm module and the training build this browser uses, whichever it is); anything else of the site fetched later is stored when it
// arrives. It also isolates the page where the host cannot: every response it gives carries
// COOP `same-origin` and COEP `require-corp` (see `isolate`), so from the second load on a static
// host without those headers still gets the threaded build (SharedArrayBuffer needs them).
// `cargo xtask serve` and `cargo xtask dist` replace VERSION with a hash of the site's
// files, so a changed site gets a new cache and the old one is deleted when the new worker starts.
const VERSION = 'dev';
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));
const CACHE = `makemore-lab-${VERSION}`;
// The page, its worker and the default names: every top-level file of www/ but this one and
// _headers (tests/serve.rs checks the list against the folder).
const FILES = [
  './', './main.js', './worker.js', './simd.js', './style.css', './names.txt', './sw-register.js',
  './js/dom.js', './js/trainer.js', './js/module.js', './js/perf.js', './js/charts.js', './js/pick.js',
  './js/path.js', './js/controls.js', './js/keys.js', './js/present.js', './js/runs.js', './js/upload.js',
  './js/seam.js', './js/figure.js', './js/words.js', './js/quiz.js', './js/slowmo.js',
];

sw.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => sw.skipWaiting()));
});

sw.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await sw.clients.claim();
  })());
});

// {cache: [url, ...]} from sw-register.js: the same-origin files the page loaded. The reply says
// when they are stored.
sw.addEventListener('message', (event) => {
  /** @type {string[]} */
  const urls = (event.data?.cache ?? []).filter((/** @type {string} */ u) => new URL(u).origin === sw.location.origin);
  event.waitUntil(caches.open(CACHE)
    .then((cache) => Promise.all(urls.map(async (u) => (await cache.match(u)) || cache.add(u))))
    .then(() => event.source?.postMessage({ cached: urls.length }),
      (e) => event.source?.postMessage({ error: String(e) })));
});

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== sw.location.origin) return;
  event.respondWith(cacheFirst(req).then(isolate));
});

/**
 * The response with the headers that make the page cross-origin isolated, where the host did not
 * send them (the site's own files are all it answers, so `require-corp` blocks nothing).
 * @param {Response} res
 */
function isolate(res) {
  if (res.status === 0 || res.headers.get('Cross-Origin-Embedder-Policy')) return res;
  const headers = new Headers(res.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

/** @param {Request} req */
async function cacheFirst(req) {
  const cache = await caches.open(CACHE);
  // A page address may carry a query (?simd=plain): any of them is the one page.
  const hit = await cache.match(req, { ignoreSearch: req.mode === 'navigate' });
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok && res.type === 'basic') await cache.put(req, res.clone());
  return res;
}
