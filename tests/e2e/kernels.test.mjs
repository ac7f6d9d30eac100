// The worker's kernels, on one thread (`?threads=1`; the threaded builds have their own test):
// Chromium has relaxed SIMD, so the page trains with the relaxed-simd build (fused
// multiply-add); `?simd=plain` forces the plain simd128 build. Both must train the same model:
// the same seed gives the same losses up to rounding. The page draws with its own module, the
// same file whichever build trains.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { deepRun } from './lab.mjs';
import { PAGE_WASM } from './harness.mjs';

const STEPS = 40;
const runs = {};

before(async () => {
  runs.relaxed = await deepRun('?threads=1', STEPS);
  runs.plain = await deepRun('?simd=plain&threads=1', STEPS);
});

test('Chromium trains with the relaxed-simd build, and the page says so', () => {
  const r = runs.relaxed;
  assert.deepEqual(r.errors, []);
  assert.match(r.kernels, /relaxed-simd/);
  assert.match(r.shown, /relaxed-simd/);
  assert.deepEqual(r.wasm.training, ['/pkg/relaxed/makemore_lab_bg.wasm'], `fetched: ${r.wasm.training}`);
});

test('?simd=plain trains with the plain simd128 build', () => {
  const p = runs.plain;
  assert.deepEqual(p.errors, []);
  assert.match(p.kernels, /^wasm simd128 \(/);
  assert.doesNotMatch(p.kernels, /relaxed/);
  assert.deepEqual(p.wasm.training, ['/pkg/makemore_lab_bg.wasm'], `fetched: ${p.wasm.training}`);
});

test('the page draws with its own module, the same file whichever build trains', () => {
  for (const r of [runs.relaxed, runs.plain]) assert.deepEqual(r.wasm.page, [PAGE_WASM]);
  assert.notDeepEqual(runs.relaxed.wasm.training, runs.plain.wasm.training);
});

test('both builds train the same model: the same losses up to rounding', (t) => {
  const a = runs.relaxed.losses;
  const b = runs.plain.losses;
  assert.equal(a.length, STEPS);
  assert.equal(b.length, STEPS);
  let worst = 0;
  for (let i = 0; i < STEPS; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  // The first loss is the same forward pass; 40 SGD steps later rounding has grown, but stays far
  // below the step-to-step change of the loss (about 1e-2).
  t.diagnostic(`largest relative difference ${worst} (0 would mean the builds ran the same arithmetic)`);
  assert.ok(worst < 1e-4, `largest relative difference ${worst}`);
  assert.ok(a[0] > 3 && a[0] < 3.6, `first loss ${a[0]} (ln 27 = 3.30)`);
});
