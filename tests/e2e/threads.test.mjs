// The threaded build: on a cross-origin isolated page with more than one core the worker trains
// with ./pkg/threads/ on every core, and its losses are the relaxed single-thread build's bit for
// bit (each output element is summed in the same order); `?threads=1` and a page that is not
// isolated train with the relaxed build on one thread. The page draws with its own module, the
// same file in every case.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { deepRun } from './lab.mjs';
import { PAGE_WASM } from './harness.mjs';

const STEPS = 40;
const runs = {};

before(async () => {
  runs.threads = await deepRun('', STEPS);
  runs.forcedOne = await deepRun('?threads=1', STEPS);
  runs.notIsolated = await deepRun('', STEPS, { isolated: false });
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

test('the page draws with its own module, the same file whichever build trains', () => {
  for (const r of [runs.threads, runs.forcedOne, runs.notIsolated]) assert.deepEqual(r.wasm.page, [PAGE_WASM]);
});

test('the threaded losses are the single-thread relaxed build\'s, bit for bit', () => {
  const one = runs.notIsolated.losses;
  assert.equal(one.length, STEPS);
  assert.ok(one[0] > 3 && one[0] < 3.6, `first loss ${one[0]}`);
  assert.deepEqual(runs.threads.losses, one);
  assert.deepEqual(runs.forcedOne.losses, one);
});
