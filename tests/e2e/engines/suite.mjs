// The suite every three-engine test file builds: for each engine of ENGINES a describe(engine)
// whose `before` starts a server (harness.mjs), launches the engine (driver.mjs) and, unless
// told not to, opens the page and waits until it is ready; its `after` closes what was opened.
//
//   eachEngine(({ engine, test }) => {
//     test('trains', async ({ page, browser, server }, t) => { ... });
//   });
//
// `body` declares the tests with the `test`, `before` and `after` it is handed, which pass the
// suite's { engine, server, browser, page, open } first (then node:test's context). `open(path,
// options)` opens another page at server.url + path, or at a whole URL (options as
// browser.open's), waits until it is ready, and closes it with the suite unless the test closed it
// first; a page that never becomes ready fails saying what it showed.

import { after as afterAll, before as beforeAll, describe, test as nodeTest } from 'node:test';
import { startServer } from '../harness.mjs';
import { ENGINES, launch } from './driver.mjs';
import { ready } from './student.mjs';

/**
 * Declares `body`'s tests once per engine. `path`: where the suite's page opens (after
 * server.url); `page: false`: no page of the suite's own (the tests open theirs with `open`).
 */
export function eachEngine(body, { path = '', page = true } = {}) {
  for (const engine of ENGINES) {
    describe(engine, () => {
      const pages = new Set();
      /** What the tests get: filled in by `before`. */
      const suite = { engine, server: null, browser: null, page: null, open };
      async function open(at = '', options = {}) {
        const p = await suite.browser.open(/^https?:/.test(at) ? at : `${suite.server.url}${at}`, options);
        const close = p.close.bind(p);
        p.close = () => { pages.delete(p); return close(); };
        pages.add(p);
        try {
          await ready(p);
        } catch (e) {
          // What the page showed instead, for the report: its state, and what it loaded and when.
          const shown = await p.evaluate(() => ({
            ready: document.body.dataset.ready, step: document.getElementById('step-count')?.textContent,
            fatal: document.getElementById('fatal')?.hidden ? '' : document.getElementById('fatal')?.textContent,
            url: location.href, readyState: document.readyState, visibility: document.visibilityState,
            isolated: globalThis.crossOriginIsolated, module: window.__labSeam?.module(),
            loaded: performance.getEntriesByType('resource').map((r) => `${r.name.replace(location.origin, '')} at ${Math.round(r.startTime)} ms for ${Math.round(r.duration)} ms`),
          })).catch((x) => `(unreadable: ${x.message})`);
          throw new Error(`${engine}: the page at '${at}' never became ready: ${e.message}; it showed ${JSON.stringify(shown)}; errors ${JSON.stringify(p.errors())}`);
        }
        return p;
      }
      beforeAll(async () => {
        suite.server = await startServer();
        suite.browser = await launch(engine);
        if (page) suite.page = await open(path);
      });
      body({
        engine,
        test: (name, fn) => nodeTest(name, (t) => fn(suite, t)),
        before: (fn) => beforeAll(() => fn(suite)),
        after: (fn) => afterAll(() => fn(suite)),
      });
      // Last: the body's own `after` hooks run first, with the browser still open.
      afterAll(async () => {
        for (const p of [...pages]) await p.close().catch(() => {});
        await suite.browser?.close();
        await suite.server?.close();
      });
    });
  }
}
