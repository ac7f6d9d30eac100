// Offline after the first visit: the service worker (www/sw.js, registered by sw-register.js)
// stores the site's files; with the network gone (the browser offline and the server stopped)
// a reload still loads the page, trains and samples. (versions.test.mjs: one version, whole.)

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, startServer } from './harness.mjs';
import { setBudget, state, trainTo, until, waitReady } from './lab.mjs';

let server;
let browser;
let context;
let page;
const errors = [];
const failed = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  context = await browser.newContext();
  page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push((m.worker() ? '[worker] ' : '') + m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  context.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the service worker stores the page', async () => {
  await until(page, () => document.documentElement.dataset.offline === 'ready', undefined, 30_000);
  const cached = await page.evaluate(async () => {
    const names = await caches.keys();
    const keys = await (await caches.open(names[0])).keys();
    return { names, paths: keys.map((r) => new URL(r.url).pathname) };
  });
  assert.equal(cached.names.length, 1, `caches: ${cached.names}`);
  // The page's module and the training build its worker loads (threaded where the page is
  // isolated on several cores), the worker's glue too (the page never loads it).
  const build = await page.evaluate(() => (crossOriginIsolated && navigator.hardwareConcurrency > 1 ? 'threads' : 'relaxed'));
  const files = ['/', '/main.js', '/worker.js', '/names.txt', '/pkg/page/makemore_lab.js', '/pkg/page/makemore_lab_bg.wasm',
    `/pkg/${build}/makemore_lab.js`, `/pkg/${build}/makemore_lab_bg.wasm`];
  for (const p of files) {
    assert.ok(cached.paths.includes(p), `${p} not cached: ${cached.paths}`);
  }
});

test('offline, a reload loads the page, trains and samples', async () => {
  await server.close();
  await context.setOffline(true);
  await page.reload();
  await waitReady(page);
  assert.equal(await page.evaluate(() => navigator.onLine), false);
  await setBudget(page, 30);
  await trainTo(page, 30);
  assert.ok((await state(page)).step >= 30);
  await page.click('#sample');
  await until(page, () => document.querySelectorAll('#samples li').length > 0);
  assert.deepEqual(errors, []);
  assert.deepEqual(failed, []);
});

test('on a host without COOP/COEP, the service worker isolates the page from its second load', async () => {
  const plain = await startServer(undefined, { isolated: false });
  const ctx = await browser.newContext();
  try {
    const p = await ctx.newPage();
    await p.goto(plain.url);
    await p.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 30_000 });
    assert.equal(await p.evaluate(() => crossOriginIsolated), false, 'the host sends no COOP/COEP');
    await until(p, () => document.documentElement.dataset.offline === 'ready', undefined, 30_000);
    await p.reload();
    await p.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 30_000 });
    assert.equal(await p.evaluate(() => crossOriginIsolated), true, 'isolated by the service worker');
    if (await p.evaluate(() => navigator.hardwareConcurrency) > 1) {
      assert.match(await p.textContent('#kernels'), /threads: \d/, 'the threaded build trains');
    }
    await setBudget(p, 20);
    await trainTo(p, 20);
  } finally {
    await ctx.close();
    await plain.close();
  }
});
