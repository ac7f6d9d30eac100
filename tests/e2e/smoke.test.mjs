// Smoke test: the page loads, the wasm module initialises (main.js sets
// document.body.dataset.ready = '1' once it has), nothing is logged as an error, and no request
// leaves the origin. Needs www/pkg/ (`cargo xtask build`); `cargo xtask test` runs it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openApp, PAGE_WASM, wasmFetched, WWW } from './harness.mjs';

let app;

before(async () => {
  assert.ok(existsSync(join(WWW, 'pkg', 'page', 'makemore_lab.js')), 'www/pkg/ is missing: run `cargo xtask build` first');
  app = await openApp();
});

after(async () => {
  await app?.close();
});

test('the wasm module initialises without errors', async () => {
  try {
    await app.page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 30_000 });
  } catch (e) {
    // A timeout alone says nothing; the page's errors usually say why.
    assert.deepEqual(app.errors(), [], 'page never became ready');
    throw e;
  }
  assert.deepEqual(app.errors(), []);
  // Two modules: the page's own, to draw, and one training build for the worker. Chromium has
  // relaxed SIMD, and the page is cross-origin isolated: on more than one core the worker loads
  // the threaded build (the relaxed kernels on a shared memory), else the relaxed one, and only it.
  const wasm = wasmFetched(app.requests);
  const threaded = await app.page.evaluate(() => crossOriginIsolated && navigator.hardwareConcurrency > 1);
  const expected = threaded ? '/pkg/threads/makemore_lab_bg.wasm' : '/pkg/relaxed/makemore_lab_bg.wasm';
  assert.deepEqual(wasm.page, [PAGE_WASM]);
  assert.deepEqual(wasm.training, [expected], `fetched: ${wasm.training}`);
});

test('the .wasm is served as application/wasm', async () => {
  const type = await app.page.evaluate(async () =>
    (await fetch('./pkg/page/makemore_lab_bg.wasm', { method: 'HEAD' })).headers.get('content-type'));
  assert.equal(type, 'application/wasm');
});

test('no request leaves the origin', () => {
  assert.deepEqual(app.foreignRequests(), []);
});
