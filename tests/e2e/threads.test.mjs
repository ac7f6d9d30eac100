// The threaded builds: on a cross-origin isolated page with more than one core the worker trains
// on every core, with ./pkg/threads/ where the browser has relaxed SIMD and ./pkg/threads-plain/
// where it has not (here: `?simd=plain`); each one's losses are its single-thread build's bit for
// bit (each output element is summed in the same order). `?threads=1` and a page that is not
// isolated train on one thread. The page draws with its own module, the same file in every case.
// Where the browser does not report its cores (WebKit), at most 2 threads unless it says 8.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { deepRun } from './lab.mjs';
import { PAGE_WASM } from './harness.mjs';
import { cores } from '../../www/simd.js';

const STEPS = 40;
const runs = {};
const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15';
const WEBKIT_GTK = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/60.5 Safari/605.1.15';
const CHROMIUM = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

before(async () => {
  runs.threads = await deepRun('', STEPS);
  runs.forcedOne = await deepRun('?threads=1', STEPS);
  runs.notIsolated = await deepRun('', STEPS, { isolated: false });
  runs.threadsPlain = await deepRun('?simd=plain', STEPS);
  runs.plainOne = await deepRun('?simd=plain&threads=1', STEPS);
});

test('an isolated page trains with the threaded build on every core, and says so', () => {
  const r = runs.threads;
  assert.deepEqual(r.errors, []);
  assert.equal(r.isolated, true);
  assert.ok(r.cores > 1, `this test needs more than one core (${r.cores})`);
  assert.match(r.kernels, new RegExp(`relaxed-simd.*; threads: ${r.cores}$`));
  assert.match(r.shown, /threads: \d/);
  assert.deepEqual(r.wasm.training, ['/pkg/threads/makemore_lab_bg.wasm']);
});

test('?threads=1 and a page that is not isolated train on one thread with the relaxed build', () => {
  for (const r of [runs.forcedOne, runs.notIsolated]) {
    assert.deepEqual(r.errors, []);
    assert.match(r.kernels, /relaxed-simd.*; threads: 1$/);
    assert.deepEqual(r.wasm.training, ['/pkg/relaxed/makemore_lab_bg.wasm']);
  }
  assert.equal(runs.notIsolated.isolated, false);
});

test('without relaxed SIMD an isolated page trains with the plain threaded build on every core', () => {
  const r = runs.threadsPlain;
  assert.deepEqual(r.errors, []);
  assert.match(r.kernels, new RegExp(`^wasm simd128 \\(.*; threads: ${r.cores}$`));
  assert.doesNotMatch(r.kernels, /relaxed/);
  assert.match(r.shown, new RegExp(`threads: ${r.cores}`));
  assert.deepEqual(r.wasm.training, ['/pkg/threads-plain/makemore_lab_bg.wasm']);
  const one = runs.plainOne;
  assert.deepEqual(one.errors, []);
  assert.match(one.kernels, /^wasm simd128 \(.*; threads: 1$/);
  assert.deepEqual(one.wasm.training, ['/pkg/makemore_lab_bg.wasm']);
});

test('the page draws with its own module, the same file whichever build trains', () => {
  for (const r of Object.values(runs)) assert.deepEqual(r.wasm.page, [PAGE_WASM]);
});

test('the threaded losses are the single-thread relaxed build\'s, bit for bit', () => {
  const one = runs.notIsolated.losses;
  assert.equal(one.length, STEPS);
  assert.ok(one[0] > 3 && one[0] < 3.6, `first loss ${one[0]}`);
  assert.deepEqual(runs.threads.losses, one);
  assert.deepEqual(runs.forcedOne.losses, one);
});

test('the plain threaded losses are the plain single-thread build\'s, bit for bit', () => {
  const one = runs.plainOne.losses;
  assert.equal(one.length, STEPS);
  assert.ok(one[0] > 3 && one[0] < 3.6, `first loss ${one[0]}`);
  assert.deepEqual(runs.threadsPlain.losses, one);
});

test('where the browser does not report its cores (WebKit), at most 2 threads unless it says 8', () => {
  // WebKit says 4 below 8 cores (this machine: 2), 8 from 8 on, or a random figure.
  assert.equal(cores(SAFARI, 4), 2);
  assert.equal(cores(WEBKIT_GTK, 4), 2);
  assert.equal(cores(SAFARI, 8), 8);
  assert.equal(cores(SAFARI, 37), 2);
  // Chromium (whose user agent names AppleWebKit too) and Firefox report the cores.
  assert.equal(cores(CHROMIUM, 4), 4);
  assert.equal(cores(FIREFOX, 12), 12);
  assert.equal(cores(CHROMIUM, undefined), 1);
});
