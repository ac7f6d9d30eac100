// Helpers for the page's end-to-end tests, on top of harness.mjs (server, browser, logs).
// Not a test file itself (node --test runs *.test.mjs only).

import { openApp, wasmFetched } from './harness.mjs';

export const VIEWPORT = { width: 1366, height: 768 };

/**
 * Opens the page (at `path`, e.g. '?simd=plain') at 1366x768 and waits until the worker has the
 * default data. The server sends www/_headers, so the page is cross-origin isolated.
 */
export async function openLab(path = '', { viewport = VIEWPORT, contextOptions, isolated = true } = {}) {
  const app = await openApp(path, { viewport, contextOptions, isolated });
  try {
    await app.page.waitForFunction(() => document.body.dataset.ready === '1' && window.__lab?.run, null, { timeout: 30_000 });
  } catch (e) {
    const errors = app.errors();
    await app.close();
    throw new Error(`the page never became ready: ${e.message}; page errors: ${JSON.stringify(errors)}`);
  }
  return app;
}

/** The trainer's state as the page knows it. */
export function state(page) {
  return page.evaluate(() => {
    const S = window.__lab;
    return {
      run: S.run?.run,
      chapter: S.run?.chapter,
      step: S.p.step,
      steps: S.p.steps,
      running: S.p.running,
      finished: S.p.finished,
      evals: S.charts.loss.view?.spec.loss.train_points.length ?? 0,
      dead: S.dead,
    };
  });
}

/** The mini-batch losses as the loss chart holds them (one per step up to 2,048 steps). */
export function losses(page) {
  return page.evaluate(() => Array.from(window.__lab.charts.loss.view?.spec.loss.losses ?? []));
}

/** The full-split evaluations the loss chart shows: [{step, train, val}]. */
export function evals(page) {
  return page.evaluate(() => {
    const s = window.__lab.charts.loss.view?.spec.loss;
    return (s?.train_points ?? []).map(([step, train], i) => ({ step, train, val: s.val_points[i][1] }));
  });
}

export function until(page, fn, arg, timeout = 20_000) {
  return page.waitForFunction(fn, arg, { timeout, polling: 50 });
}

export async function chooseChapter(page, name) {
  const before = (await state(page)).run;
  await page.click(`#chapter-list button[data-chapter="${name}"]`);
  await until(page, ([n, r]) => window.__lab.run?.chapter === n && window.__lab.run.run > r, [name, before]);
}

export async function setBudget(page, steps) {
  await page.fill('#budget', String(steps));
  await page.dispatchEvent('#budget', 'change');
  await until(page, (n) => window.__lab.p.steps === n, steps);
}

export async function pause(page) {
  await page.click('#pause');
  await until(page, () => !window.__lab.p.running);
}

/** Trains until at least `steps` steps are done (the budget must allow it), then pauses. */
export async function trainTo(page, steps) {
  await page.click('#train');
  await until(page, (n) => window.__lab.p.step >= n || window.__lab.p.finished, steps, 60_000);
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
    for (let i = 0; i < 200 && (window.__lab.dirty.has(name) || window.__lab.stale.has(name)); i++) await frame();
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
      kernels: await app.page.evaluate(() => window.__lab.kernels),
      shown: await app.page.locator('#kernels').innerText(),
      losses: (await losses(app.page)).slice(0, steps),
      wasm: wasmFetched(app.requests),
      errors: app.errors(),
    };
  } finally {
    await app.close();
  }
}
