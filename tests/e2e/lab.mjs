// Helpers for the page's end-to-end tests, on top of harness.mjs (server, browser, logs).
// Not a test file itself (node --test runs *.test.mjs only).

import { openApp, wasmFetched } from './harness.mjs';

export const VIEWPORT = { width: 1366, height: 768 };

/**
 * Waits until the page is ready: its module loaded, the worker has the default data and a
 * first run.
 */
export function waitReady(page, timeout = 30_000) {
  return page.waitForFunction(() => document.body.dataset.ready === '1' && window.__labSeam?.trainer().run !== null, null, { timeout });
}

/**
 * Opens the page (at `path`, e.g. '?simd=plain') at 1366x768 and waits until the worker has the
 * default data, with "More charts" open (`fold: 'closed'`: as the page opens). The server
 * sends www/_headers, so the page is cross-origin isolated.
 */
export async function openLab(path = '', { viewport = VIEWPORT, contextOptions, isolated = true, fold = 'open' } = {}) {
  const app = await openApp(path, { viewport, contextOptions, isolated });
  try {
    await waitReady(app.page);
    // The tests look at every chart: "More charts" (the ones the chapter does not use) is
    // opened, as a teacher opens it; lesson.test.mjs checks the page as it opens (fold: 'closed').
    if (fold === 'open') await app.page.evaluate(() => { document.getElementById('more-charts').open = true; });
  } catch (e) {
    const errors = app.errors();
    await app.close();
    throw new Error(`the page never became ready: ${e.message}; page errors: ${JSON.stringify(errors)}`);
  }
  return app;
}

// The page's test seam, window.__labSeam (www/js/seam.js says what each function returns): the
// tests read the page's state through it and these helpers only.

/**
 * The trainer's state as the page knows it (the seam's `trainer()`: run, chapter, step, steps,
 * running, finished, evaluating, dead, ready, firstLoss, lrText, lrOverride, diagStep, ...),
 * and `evals`, the number of full-split evaluations on the loss chart.
 */
export function state(page) {
  return page.evaluate(() => ({
    ...window.__labSeam.trainer(),
    evals: window.__labSeam.chart('loss').view?.spec.loss.train_points.length ?? 0,
  }));
}

/** Chart `name` as the page holds it: {view, draws, drawMs, pending} (the seam's `chart`). */
export function chart(page, name) {
  return page.evaluate((n) => window.__labSeam.chart(n), name);
}

/** The item picked on chart `name` (a Pick, or null); the per-layer charts share one. */
export function pick(page, name) {
  return page.evaluate((n) => window.__labSeam.pick(n), name);
}

/** Where `item` (a Pick) is drawn on chart `name`: [x, y] CSS pixels from the canvas' corner, or null. */
export function locate(page, name, item) {
  return page.evaluate(([n, p]) => window.__labSeam.locate(n, p), [name, item]);
}

/** The page's wasm module: {instances, traps, recovering, ready}. */
export function pageModule(page) {
  return page.evaluate(() => window.__labSeam.module());
}

/** A Rust panic in the trainer, on purpose (the request only the tests send). */
export function panicTrainer(page) {
  return page.evaluate(() => window.__labSeam.post({ type: 'panic_for_test' }));
}

/** The next chart draw traps in the page's wasm module, on purpose. */
export function trapNextDraw(page) {
  return page.evaluate(() => window.__labSeam.trapNextDraw());
}

/** The mini-batch losses as the loss chart holds them (one per step up to 2,048 steps). */
export function losses(page) {
  return page.evaluate(() => Array.from(window.__labSeam.chart('loss').view?.spec.loss.losses ?? []));
}

/** The full-split evaluations the loss chart shows: [{step, train, val}]. */
export function evals(page) {
  return page.evaluate(() => {
    const s = window.__labSeam.chart('loss').view?.spec.loss;
    return (s?.train_points ?? []).map(([step, train], i) => ({ step, train, val: s.val_points[i][1] }));
  });
}

/** Waits until `fn(arg)` holds in the page (it runs there: only its argument and the page's globals). */
export function until(page, fn, arg, timeout = 20_000) {
  return page.waitForFunction(fn, arg, { timeout, polling: 50 });
}

/**
 * A function to run in the page that calls `fn` with `first` (an expression of the page) and
 * its argument: made here from their source, as the page's Content-Security-Policy refuses to
 * make functions from text in the page (playwright sends a function's source to the page).
 */
const withFirst = (fn, first) => new Function('arg', `return (${fn})(${first}, arg);`);

/**
 * Waits until `fn(lab, arg)` holds, `lab` being the seam (window.__labSeam): e.g.
 * `untilLab(page, (lab) => lab.chart('map').draws > 0)`. `fn` runs in the page: it may use
 * only its arguments and the page's globals.
 */
export function untilLab(page, fn, arg, timeout = 20_000) {
  return until(page, withFirst(fn, 'window.__labSeam'), arg, timeout);
}

/**
 * Waits until `fn(s, arg)` holds of the trainer's state `s` (the seam's `trainer()`): e.g.
 * `untilTrainer(page, (s, n) => s.step > n, 10)`. `fn` runs in the page.
 */
export function untilTrainer(page, fn, arg, timeout = 20_000) {
  return until(page, withFirst(fn, 'window.__labSeam.trainer()'), arg, timeout);
}

export async function chooseChapter(page, name) {
  const before = (await state(page)).run;
  await page.click(`#chapter-list button[data-chapter="${name}"]`);
  await untilTrainer(page, (s, [n, r]) => s.chapter === n && s.run > r, [name, before]);
}

export async function setBudget(page, steps) {
  await page.fill('#budget', String(steps));
  await page.dispatchEvent('#budget', 'change');
  await untilTrainer(page, (s, n) => s.steps === n, steps);
}

export async function pause(page) {
  await page.click('#pause');
  await untilTrainer(page, (s) => !s.running);
}

/** Trains until at least `steps` steps are done (the budget must allow it), then pauses. */
export async function trainTo(page, steps) {
  await page.click('#train');
  await untilTrainer(page, (s, n) => s.step >= n || s.finished, steps, 60_000);
  if ((await state(page)).running) await pause(page);
}

/**
 * A fingerprint of a chart's canvas: a hash of its pixels and the number of pixels that are not
 * white. Scrolls the chart into view first (charts off screen are not drawn) and waits until it
 * has no pending draw.
 */
export async function canvas(page, chart) {
  await page.locator(`figure[data-chart="${chart}"]`).scrollIntoViewIfNeeded();
  return page.evaluate(async (name) => {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    await frame();
    for (let i = 0; i < 200 && window.__labSeam.chart(name).pending; i++) await frame();
    await frame();
    const c = document.querySelector(`figure[data-chart="${name}"] canvas`);
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let h = 2166136261;
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      const v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      h = Math.imul(h ^ v, 16777619);
      if (v !== 0xffffff) inked++;
    }
    return { hash: h >>> 0, inked, w: c.width, h: c.height };
  }, chart);
}

export async function canvases(page, names) {
  const out = {};
  for (const n of names) out[n] = await canvas(page, n);
  return out;
}

/**
 * The text of `selector` as shown: the page writes the charts' readouts with the animation
 * frame after the numbers came (charts.js `applyText`), so this reads after the next two frames
 * (or 200 ms, should frames not run).
 */
export async function text(page, selector) {
  await page.evaluate(() => new Promise((done) => {
    setTimeout(done, 200);
    requestAnimationFrame(() => requestAnimationFrame(done));
  }));
  return page.locator(selector).innerText();
}

export const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Opens the page at `path` (cross-origin isolated unless `isolated` is false), trains the deep
 * chapter (BatchNorm, every kernel) for `steps` steps and says what ran: the build, its losses,
 * the wasm files fetched, the errors.
 */
export async function deepRun(path, steps, { isolated = true } = {}) {
  const app = await openLab(path, { isolated });
  try {
    await chooseChapter(app.page, 'deep');
    await setBudget(app.page, steps);
    await trainTo(app.page, steps);
    return {
      cores: await app.page.evaluate(() => navigator.hardwareConcurrency),
      isolated: await app.page.evaluate(() => crossOriginIsolated),
      kernels: (await state(app.page)).kernels,
      // The build line, as shown once "about this computer" is opened.
      shown: await app.page.evaluate(() => {
        /** @type {HTMLDetailsElement} */ (document.getElementById('about-computer')).open = true;
        return document.getElementById('kernels').innerText;
      }),
      losses: (await losses(app.page)).slice(0, steps),
      wasm: wasmFetched(app.requests),
      errors: app.errors(),
    };
  } finally {
    await app.close();
  }
}
