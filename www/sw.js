// @ts-check
// The service worker: after the first visit the page works without a network (a classroom whose
// Wi-Fi drops keeps training). One version of the site at a time, whole:
// - `cargo xtask serve` and `cargo xtask dist` (xtask/src/site.rs) write into this file the
//   site's VERSION (a hash of its files) and FILES, every file a browser may fetch: the page,
//   its scripts, the page's wasm module and every training build under pkg/ (which one a
//   browser loads depends on its isolation, cores and SIMD, and may change from one visit to
//   the next). Served as it is (another static server), it stores nothing; it still isolates.
// - On install it stores every one of FILES, fetched past the browser's HTTP cache (`reload`),
//   in a cache of that version; one failure stores none and fails the install (the old version
//   stays).
// - It does not take over open pages (no skipWaiting, no clients.claim): a new version becomes
//   active once no page of the old one is open, so an open page, and a trainer it restarts,
//   loads only files of the version it started with. On activation it deletes this site's
//   older caches, and no other: an origin such as a user's GitHub Pages holds other sites.
// - It answers cache-first, ignoring the query (the page recovers from a chart crash by
//   importing pkg/page/…?instance=N; a static host ignores queries too); a miss goes to the
//   network and is not stored (it would be another version's file).
// It also isolates the page where the host cannot: every response it gives carries COOP
// `same-origin` and COEP `require-corp` (see `isolate`), so from the second load on a static
// host without those headers still gets the threaded build (SharedArrayBuffer needs them).
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));
const VERSION = 'dev';
/** @type {string[]} */
const FILES = [];
// This site's caches: the prefix names the scope, so two copies of the site on one origin keep
// each their own.
const PREFIX = `makemore-lab ${sw.registration.scope} `;
const CACHE = PREFIX + VERSION;
// The cache names of earlier versions of this file, which named no scope.
const LEGACY = /^makemore-lab-([0-9a-f]{16}|dev)$/;

sw.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    // The cache exists already where only this file changed (the version hashes the others).
    const had = await caches.has(CACHE);
    const cache = await caches.open(CACHE);
    try {
      await cache.addAll(FILES.map((url) => new Request(url, { cache: 'reload' })));
    } catch (e) {
      if (!had) await caches.delete(CACHE); // addAll stored nothing
      throw e;
    }
  })());
});

sw.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== CACHE && (name.startsWith(PREFIX) || LEGACY.test(name))) await caches.delete(name);
    }
  })());
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
  const hit = await caches.match(req, { cacheName: CACHE, ignoreSearch: true });
  return hit ?? fetch(req);
}
