// A teacher with three tabs of the page open (one per chapter, to compare): the tabs must not
// talk to each other. A worker that answered every message on a BroadcastChannel had each
// answer reach the other tabs' workers, which answered again, without end (thousands of
// messages a second, workers busy answering instead of training). Nothing goes out on a channel
// the tabs share (the service worker stores the site's files on its own: nobody asks a worker).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, startServer } from './harness.mjs';
import { state, until, untilTrainer } from './lab.mjs';

let server;
let browser;
let context;
const errors = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  context = await browser.newContext();
  // Every BroadcastChannel a page opens, by name (a worker's channels are counted by the
  // listener below: a channel's messages reach every other channel of that name in the origin).
  await context.addInitScript(() => {
    const Native = globalThis.BroadcastChannel;
    globalThis.__channels = [];
    globalThis.BroadcastChannel = class extends Native {
      constructor(name) {
        super(name);
        globalThis.__channels.push(String(name));
      }
    };
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('three open tabs do not flood each other', async () => {
  const pages = [];
  for (const chapter of ['naive', 'kaiming', 'deep']) {
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') errors.push((m.worker() ? '[worker] ' : '') + m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}?chapter=${chapter}`);
    pages.push(page);
  }
  // A listener on the channel the page's files were once announced on, and on any channel a
  // page opened: it counts every message any tab or worker posts there.
  const listener = pages[0];
  for (const page of pages) {
    await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 60_000 });
  }
  await listener.evaluate(() => {
    window.__heard = 0;
    const names = new Set(['makemore-lab-files', ...window.__channels]);
    window.__listeners = [...names].map((name) => {
      const c = new BroadcastChannel(name);
      c.onmessage = () => { window.__heard += 1; };
      return c;
    });
  });
  // Each tab's offline copy is stored (data-offline="ready"): the point at which the tabs used to
  // start answering each other.
  for (const page of pages) {
    await until(page, () => document.documentElement.dataset.offline === 'ready', undefined, 60_000);
  }
  await listener.waitForTimeout(5_000);
  const heard = await listener.evaluate(() => window.__heard);
  assert.ok(heard <= 3, `${heard} messages on the tabs' shared channels in 5 s`);
  // Each tab trains on: none of the workers is stuck answering the others.
  for (const page of pages) {
    const before = (await state(page)).step;
    await page.click('#step');
    await untilTrainer(page, (s, n) => s.step > n, before, 30_000);
  }
  assert.deepEqual(errors, []);
});
