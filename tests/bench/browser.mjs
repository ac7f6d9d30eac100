#!/usr/bin/env node
// The browser half of `cargo xtask bench`: the real page (www/index.html, its worker.js and the
// wasm package in www/pkg) in Debian's headless Chromium, driven through its visible controls
// (the chapter buttons, #budget, #train, #pause, #step) and read through the page's test seam,
// `window.__labSeam.trainer()` (www/js/seam.js: ready, kernels, run, chapter, step, steps,
// running). Nothing depends on the page's messages to its worker.
//
//   node tests/bench/browser.mjs [--rounds N] [--window-ms MS] [--warmup-ms MS]
//                                [--mlp-chapter NAME] [--deep-chapter NAME] [--no-kernels]
//
// Prints one JSON line, also when a part fails: that part's figures are null and `failed` holds
// its error text by part (load, page, no_charts, kernels); `errors` holds the page's own errors.
//   first_step_ms     navigation start -> the page shows the result of the first training step
//                     (an init script presses Step as soon as the page enables it, i.e. when the
//                     worker is ready, and a MutationObserver sees the page update its step)
//   ready_ms          navigation start -> the page enabled its controls (the worker is ready)
//   mlp_steps_per_s, deep_steps_per_s (+ _all per window): training speed of the page as a
//                     user sees it, with its diagnostics and charts on: the steps the page shows
//                     over a window after a warm-up. Each window's run gets a budget of 10
//                     million steps, so that no run finishes inside the window on a fast machine
//   longest_task_ms   the longest main-thread task while training: the longer of the Long Tasks
//                     API's longest entry (tasks >= 50 ms) and the largest lateness of a 10-ms
//                     interval timer on the page (which catches shorter tasks)
//   kernels           per wasm build ({plain, relaxed}), in a Web Worker: the build's own
//                     register-only multiply-add probe (`kernels::peak_probe`: mul + add on plain
//                     simd128, relaxed_madd on the relaxed build), the deep model's matrix
//                     products at batch 32 (`kernels::MatmulWorkload`) in GFLOP/s, best of the
//                     rounds, and their ratio as the median of back-to-back pairs
//   page_kernels      the build the page's worker chose (`window.__labSeam.trainer().kernels`)
//   main_busy_pct     share of the training windows the page's main thread spent in tasks
//                     (Chrome's TaskDuration metric), i.e. drawing the charts
//   worker_only_*     the same page with every chart hidden (display: none, so the page never
//                     draws it): the worker (session, diagnostics) and the page's text only, i.e.
//                     what the drawing costs on a busy machine
//
// Service workers are blocked: every run is a first visit, and the bench's own pages (served by
// Playwright next to the page) are not answered from the service worker's cache. www/pkg must
// have been built (`cargo xtask build`; `cargo xtask bench` does it).

import { startServer, launchBrowser } from '../e2e/harness.mjs';

const opts = {
  rounds: 2,
  windowMs: 5000,
  warmupMs: 1500,
  mlpChapter: 'fix-tanh',
  deepChapter: 'deep',
  kernels: true,
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const num = () => {
    const v = Number(argv[++i]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
    return v;
  };
  if (a === '--rounds') opts.rounds = Math.round(num());
  else if (a === '--window-ms') opts.windowMs = num();
  else if (a === '--warmup-ms') opts.warmupMs = num();
  else if (a === '--mlp-chapter') opts.mlpChapter = argv[++i];
  else if (a === '--deep-chapter') opts.deepChapter = argv[++i];
  else if (a === '--no-kernels') opts.kernels = false;
  else if (a === '--threads') opts.threads = argv[++i];
  else throw new Error(`unknown option ${a}`);
}

/** A step budget no run reaches inside a window (the #budget input's maximum). */
const BUDGET = 10_000_000;
const VIEWPORT = { width: 1366, height: 768 };

// Runs in the page before its own scripts: timestamps of every step the page shows, Step pressed
// as soon as it is enabled, long tasks and timer lateness.
const INIT = `(() => {
  const B = (window.__bench = { steps: [], longtasks: [], lateness: [] });
  let last = null;
  const seen = () => {
    const S = window.__labSeam?.trainer();
    if (!S) return;
    const t = performance.now();
    if (S.ready && B.readyAt === undefined) {
      B.readyAt = t;
      const step = document.getElementById('step');
      if (step && !step.disabled) { B.stepClickAt = t; step.click(); }
    }
    const now = { t, step: S.step, running: S.running };
    if (!last || now.step !== last.step || now.running !== last.running) {
      B.steps.push(now);
      last = now;
      if (now.step >= 1 && B.firstStepAt === undefined) B.firstStepAt = t;
    }
  };
  addEventListener('DOMContentLoaded', () => new MutationObserver(seen)
    .observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true }));
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longtasks.push({ start: e.startTime, dur: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { B.noLongtask = String(e); }
  let tick = 0;
  setInterval(() => {
    const now = performance.now();
    if (tick) B.lateness.push({ t: now, late: now - tick - 10 });
    tick = now;
  }, 10);
})();`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  const n = v.length;
  return n === 0 ? null : n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
};
const message = (e) => String(e?.message ?? e).split('\n')[0];

const server = await startServer();
const browser = await launchBrowser();
const context = await browser.newContext({ serviceWorkers: 'block', viewport: VIEWPORT });
await context.addInitScript(INIT);
const errors = [];
const failed = {};
/** Runs one part of the bench; a failure is recorded with its text and the others still run. */
async function part(name, f) {
  try {
    return await f();
  } catch (e) {
    failed[name] = message(e);
    return null;
  }
}

/** Opens the page, waits until the first step is shown. */
async function openPage(label) {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`[${label}] ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`[${label}] ${e}`));
  // ?threads=N picks the page's thread count (the threaded build where the page is isolated).
  await page.goto(server.url + (opts.threads ? `?threads=${opts.threads}` : ''));
  await page.waitForFunction(() => window.__bench.firstStepAt !== undefined, null, { timeout: 120_000 });
  return page;
}

/** One training window of `chapter` on `page`: choose it, set the budget, train, skip the
 * warm-up, count the steps the page shows. */
async function trainWindow(page, cdp, chapter) {
  const chapters = await page.evaluate(
    () => [...document.querySelectorAll('#chapter-list button')].map((b) => b.dataset.chapter));
  if (!chapters.includes(chapter)) throw new Error(`no chapter '${chapter}' on the page (${chapters})`);
  const run = await page.evaluate(() => window.__labSeam.trainer().run ?? -1);
  await page.click(`#chapter-list button[data-chapter="${chapter}"]`);
  await page.waitForFunction(([c, r]) => window.__labSeam.trainer().chapter === c && window.__labSeam.trainer().run > r,
    [chapter, run], { timeout: 60_000 });
  await page.fill('#budget', String(BUDGET));
  await page.dispatchEvent('#budget', 'change');
  await page.waitForFunction((n) => window.__labSeam.trainer().steps === n, BUDGET, { timeout: 60_000 });
  await page.click('#train');
  await page.waitForFunction(() => window.__labSeam.trainer().running && window.__labSeam.trainer().step > 0, null, { timeout: 60_000 });
  await sleep(opts.warmupMs);
  const busy0 = cdp ? await taskSeconds(cdp) : NaN;
  const t0 = await page.evaluate(() => performance.now());
  await sleep(opts.windowMs);
  const t1 = await page.evaluate(() => performance.now());
  const busy = cdp ? (100 * 1000 * ((await taskSeconds(cdp)) - busy0)) / (t1 - t0) : NaN;
  const still = await page.evaluate(() => window.__labSeam.trainer().running);
  if (!still) throw new Error(`${chapter}: training stopped inside the window (step ${await page.evaluate(() => window.__labSeam.trainer().step)})`);
  await page.click('#pause');
  await page.waitForFunction(() => !window.__labSeam.trainer().running, null, { timeout: 60_000 });
  const ms = await page.evaluate(([x, y]) => window.__bench.steps.filter((s) => s.running && s.t >= x && s.t <= y), [t0, t1]);
  if (ms.length < 2) throw new Error(`${chapter}: the page showed ${ms.length} step update(s) in ${opts.windowMs} ms`);
  const a = ms[0];
  const b = ms[ms.length - 1];
  const lateness = await page.evaluate(([x, y]) => window.__bench.lateness
    .filter((l) => l.t >= x && l.t <= y).reduce((m, l) => Math.max(m, l.late), 0), [t0, t1]);
  const longtask = await page.evaluate(([x, y]) => window.__bench.longtasks
    .filter((l) => l.start + l.dur >= x && l.start <= y).reduce((m, l) => Math.max(m, l.dur), 0), [t0, t1]);
  return { rate: ((b.step - a.step) * 1000) / (b.t - a.t), lateness, longtask, busy };
}

async function taskSeconds(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
}

// The kernels of each wasm build, in a module worker started by a bare page of the same origin
// (served by Playwright: a blob worker needs a page without the site's CSP).
const KERNEL_WORKER = (base) => `
  import init, { KernelBench } from '${base}makemore_lab.js';
  await init();
  const kb = new KernelBench();
  // Seconds per iteration of f, run for about ms (the first short calls let V8 tier up).
  function perIter(f, ms) {
    let it = 1;
    for (;;) {
      const t = performance.now();
      f(it);
      const dt = performance.now() - t;
      if (dt > ms) return dt / 1000 / it;
      it *= 2;
    }
  }
  const peakIters = 1000;
  const peakRate = () => (kb.peak_flops() * peakIters) / perIter((n) => kb.peak(n * peakIters), 150) / 1e9;
  const rate = (k) => kb.flops(k) / perIter((n) => kb.run(k, n), 150) / 1e9;
  const best = { peak: 0, parts: [0, 0, 0], all: 0 };
  const fractions = [];
  for (let r = 0; r < 7; r++) {
    const p = peakRate();
    const a = rate(3);
    best.peak = Math.max(best.peak, p);
    best.all = Math.max(best.all, a);
    fractions.push(a / p);
    for (const k of [0, 1, 2]) best.parts[k] = Math.max(best.parts[k], rate(k));
  }
  fractions.sort((x, y) => x - y);
  postMessage({
    backend: kb.backend(),
    peak_gflops: best.peak,
    matmul_gflops: best.all,
    matmul_fraction: fractions[(fractions.length - 1) / 2],
    parts: { forward: best.parts[0], weight_grad: best.parts[1], input_grad: best.parts[2] },
  });`;

async function kernels() {
  await context.route('**/__bench_kernels.html', (route) => route.fulfill({
    contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>kernels</title>',
  }));
  const p = await context.newPage();
  try {
    await p.goto(`${server.url}__bench_kernels.html`);
    const out = {};
    for (const [name, dir] of [['plain', 'pkg/'], ['relaxed', 'pkg/relaxed/']]) {
      out[name] = await p.evaluate((src) => new Promise((resolve, reject) => {
        const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })), { type: 'module' });
        w.onmessage = (e) => { resolve(e.data); w.terminate(); };
        w.onerror = (e) => reject(new Error(e.message || 'the kernel worker failed'));
      }), KERNEL_WORKER(server.url + dir));
    }
    return out;
  } finally {
    await p.close();
  }
}

let result;
try {
  // The page with its charts: first step, then the training windows.
  const load = await part('load', async () => {
    const page = await openPage('page');
    const b = await page.evaluate(() => ({ ...window.__bench, kernels: window.__labSeam.trainer().kernels }));
    return { page, ready: b.readyAt, first: b.firstStepAt, kernels: b.kernels };
  });
  const mlp = [];
  const deep = [];
  if (load) {
    await part('page', async () => {
      const cdp = await context.newCDPSession(load.page);
      await cdp.send('Performance.enable');
      for (let r = 0; r < opts.rounds; r++) {
        mlp.push(await trainWindow(load.page, cdp, opts.mlpChapter));
        deep.push(await trainWindow(load.page, cdp, opts.deepChapter));
      }
    });
    await load.page.close();
  }
  // The same page with its charts hidden.
  const bare = { mlp: [], deep: [] };
  await part('no_charts', async () => {
    const page = await openPage('no charts');
    try {
      const hidden = await page.evaluate(() => {
        const figures = [...document.querySelectorAll('figure[data-chart]')];
        for (const f of figures) f.style.display = 'none';
        return figures.length;
      });
      if (!hidden) throw new Error('no figure[data-chart] on the page to hide');
      for (let r = 0; r < opts.rounds; r++) {
        bare.mlp.push((await trainWindow(page, null, opts.mlpChapter)).rate);
        bare.deep.push((await trainWindow(page, null, opts.deepChapter)).rate);
      }
    } finally {
      await page.close();
    }
  });
  const kb = opts.kernels ? await part('kernels', kernels) : null;

  const windows = [...mlp, ...deep];
  const max = (xs) => (xs.length ? Math.max(...xs) : null);
  const probeMax = max(windows.map((w) => w.lateness));
  const longtaskMax = max(windows.map((w) => w.longtask));
  result = {
    chromium: browser.version(),
    page_kernels: load?.kernels ?? null,
    first_step_ms: load?.first ?? null,
    ready_ms: load?.ready ?? null,
    mlp_chapter: opts.mlpChapter,
    deep_chapter: opts.deepChapter,
    mlp_steps_per_s: median(mlp.map((w) => w.rate)),
    mlp_steps_per_s_all: mlp.map((w) => Math.round(w.rate)),
    deep_steps_per_s: median(deep.map((w) => w.rate)),
    deep_steps_per_s_all: deep.map((w) => Math.round(w.rate)),
    main_busy_pct: median(windows.map((w) => w.busy)),
    worker_only_mlp_steps_per_s: median(bare.mlp),
    worker_only_deep_steps_per_s: median(bare.deep),
    worker_only_mlp_all: bare.mlp.map(Math.round),
    worker_only_deep_all: bare.deep.map(Math.round),
    longest_task_ms: probeMax === null ? null : Math.max(probeMax, longtaskMax),
    longtask_api_max_ms: longtaskMax,
    timer_lateness_max_ms: probeMax,
    window_ms: opts.windowMs,
    kernels: kb,
    failed,
    errors,
  };
} finally {
  await browser.close();
  await server.close();
}
console.log(JSON.stringify(result));
