#!/usr/bin/env node
// The browser half of `cargo xtask bench`: the real page (www/index.html, its worker.js and the
// wasm package in www/pkg) in Debian's headless Chromium, driven through its own buttons.
//
//   node tests/bench/browser.mjs [--rounds N] [--window-ms MS] [--warmup-ms MS]
//                                [--mlp-chapter NAME] [--deep-chapter NAME] [--no-kernels]
//                                [--isolate] [--threads N]
//
// --isolate serves www/ cross-origin isolated (COOP + COEP), so the page picks the threaded
// build on a machine with more than one core; --threads N opens the page at ?threads=N (and
// sends the same to the worker-only page).
//
// Prints one JSON line:
//   first_step_ms     navigation start -> the page has the result of the first training step
//                     (the page's Step button is clicked from inside the page right after the
//                     worker's 'ready' message is handled; the step's progress message arrives
//                     right after the step, so this is exact to a message hop)
//   ready_ms          navigation start -> the worker reported its data and model ready
//   mlp_steps_per_s, deep_steps_per_s (+ _all per window): training speed of the page as a
//                     user sees it: the worker trains through the session in 40-ms slices, with
//                     the page's diagnostics (computed in the worker every 330 ms, drawn on the
//                     page) and progress messages on; steps counted from the worker's progress
//                     messages over a window after a warm-up
//   longest_task_ms   the longest main-thread task while training: the longer of the Long Tasks
//                     API's longest entry (tasks >= 50 ms) and the largest lateness of a 10-ms
//                     interval timer on the page (which catches shorter tasks)
//   kernels           per wasm build ({plain, relaxed}), in a Web Worker: the build's own
//                     register-only multiply-add probe (`kernels::peak_probe`: mul + add on plain
//                     simd128, relaxed_madd on the relaxed build), the deep model's matrix
//                     products at batch 32 (`kernels::MatmulWorkload`) in GFLOP/s, best of the
//                     rounds, and their ratio as the median of back-to-back pairs
//   page_kernels      the build the page's worker chose (it reports `kernels::backend()`)
//   main_busy_pct     share of the training windows the page's main thread spent in tasks
//                     (Chrome's TaskDuration metric), i.e. drawing the charts
//   worker_only_*     the same worker.js (session, diagnostics every 330 ms) driven by a bare
//                     page without charts: what the page's drawing costs on a busy machine
//
// The page is loaded with an init script that wraps `Worker` to timestamp the worker's messages
// on the page; nothing else of the page is changed. www/pkg must have been built (`cargo xtask
// build`; `cargo xtask bench` does it).

import { startServer, launchBrowser, WWW } from '../e2e/harness.mjs';

const opts = {
  rounds: 2,
  windowMs: 5000,
  warmupMs: 1500,
  mlpChapter: 'fix-tanh',
  deepChapter: 'deep',
  kernels: true,
  isolate: false,
  threads: null,
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
  else if (a === '--isolate') opts.isolate = true;
  else if (a === '--threads') opts.threads = String(Math.round(num()));
  else throw new Error(`unknown option ${a}`);
}

// Runs in the page before its own scripts.
const INIT = `(() => {
  const B = (window.__bench = { msgs: [], longtasks: [], lateness: [] });
  const Orig = window.Worker;
  window.Worker = class extends Orig {
    constructor(url, options) {
      super(url, options);
      if (String(url).includes('worker.js')) {
        B.worker = this;
        this.addEventListener('message', (e) => {
          const d = e.data;
          if (!d || typeof d !== 'object') return;
          const m = { t: performance.now(), type: d.type };
          if (d.type === 'progress') { m.step = d.progress.step; m.running = d.progress.running; }
          if (d.type === 'run') m.chapter = d.run.chapter;
          B.msgs.push(m);
          if (d.type === 'ready') B.kernels = d.kernels;
          if (d.type === 'ready' && !B.stepped) {
            // After the page's own handler has enabled the controls: press Step at once.
            B.stepped = true;
            setTimeout(() => { const b = document.getElementById('step'); B.stepClickAt = performance.now(); if (b) b.click(); }, 0);
          }
        });
      }
    }
  };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longtasks.push({ start: e.startTime, dur: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { B.noLongtask = String(e); }
  let last = 0;
  setInterval(() => {
    const now = performance.now();
    if (last) B.lateness.push({ t: now, late: now - last - 10 });
    last = now;
  }, 10);
})();`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  const n = v.length;
  return n === 0 ? null : n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
};

const server = await startServer(WWW, { isolate: opts.isolate });
const query = opts.threads ? `?threads=${opts.threads}` : '';
const browser = await launchBrowser();
const errors = [];
let result;
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(INIT);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskSeconds = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
  };
  const msgs = () => page.evaluate(() => window.__bench.msgs);
  const waitMsg = (pred, after, timeout = 120000) => page.waitForFunction(
    ([src, t]) => window.__bench.msgs.some((m) => m.t >= t && new Function('m', `return ${src}`)(m)),
    [pred, after], { timeout, polling: 20 });

  await page.goto(server.url + query);
  // First training step: the init script presses Step as soon as the worker is ready.
  await waitMsg('m.type === "progress" && m.step >= 1', 0);
  const all = await msgs();
  const ready = all.find((m) => m.type === 'ready');
  const first = all.find((m) => m.type === 'progress' && m.step >= 1);
  const pageKernels = await page.evaluate(() => window.__bench.kernels);
  const chapters = await page.evaluate(
    () => [...document.querySelectorAll('#chapter-list button')].map((b) => b.dataset.chapter));

  // One training window of a chapter: choose it, train, skip the warm-up, count steps.
  async function trainWindow(chapter) {
    if (!chapters.includes(chapter)) throw new Error(`no chapter '${chapter}' on the page (${chapters})`);
    const t = await page.evaluate(() => performance.now());
    await page.click(`#chapter-list button[data-chapter="${chapter}"]`);
    await waitMsg(`m.type === "run" && m.chapter === ${JSON.stringify(chapter)}`, t);
    await page.click('#train');
    await waitMsg('m.type === "progress" && m.running && m.step > 0', t);
    await sleep(opts.warmupMs);
    const busy0 = await taskSeconds();
    const t0 = await page.evaluate(() => performance.now());
    await sleep(opts.windowMs);
    const t1 = await page.evaluate(() => performance.now());
    const busy = (100 * 1000 * ((await taskSeconds()) - busy0)) / (t1 - t0);
    await page.click('#pause');
    const ms = (await msgs()).filter((m) => m.type === 'progress' && m.running && m.t >= t0 && m.t <= t1);
    if (ms.length < 2) throw new Error(`too few progress messages for ${chapter}`);
    const a = ms[0];
    const b = ms[ms.length - 1];
    const lateness = await page.evaluate(([x, y]) => window.__bench.lateness
      .filter((l) => l.t >= x && l.t <= y).reduce((m, l) => Math.max(m, l.late), 0), [t0, t1]);
    const longtask = await page.evaluate(([x, y]) => window.__bench.longtasks
      .filter((l) => l.start + l.dur >= x && l.start <= y).reduce((m, l) => Math.max(m, l.dur), 0), [t0, t1]);
    return { rate: ((b.step - a.step) * 1000) / (b.t - a.t), lateness, longtask, busy };
  }

  // The worker alone: a bare page (served by Playwright at a path next to worker.js, so nothing
  // is added to www/) that starts worker.js as main.js does and sends the same messages.
  async function workerOnly(rounds) {
    const bare = await context.newPage();
    bare.on('pageerror', (e) => errors.push(`[worker-only page] ${e}`));
    await bare.route('**/__bench_worker_only.html', (route) => route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><meta charset="utf-8"><script type="module">
        const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
        const B = (window.__b = { msgs: [] });
        w.onmessage = (e) => { const d = e.data; B.msgs.push({ t: performance.now(), type: d.type,
          step: d.progress?.step, running: d.progress?.running, chapter: d.run?.chapter }); };
        window.__post = (m) => w.postMessage(m);
        w.postMessage({ type: 'init', threads: ${JSON.stringify(opts.threads)} });
      </script>`,
    }));
    await bare.goto(`${server.url}__bench_worker_only.html`);
    await bare.waitForFunction(() => window.__b.msgs.some((m) => m.type === 'ready'), null, { timeout: 120000 });
    const out = { mlp: [], deep: [] };
    for (let r = 0; r < rounds; r++) {
      for (const [key, chapter] of [['mlp', opts.mlpChapter], ['deep', opts.deepChapter]]) {
        const t = await bare.evaluate(() => performance.now());
        await bare.evaluate((c) => { window.__post({ type: 'chapter', name: c }); window.__post({ type: 'train' }); }, chapter);
        await bare.waitForFunction((t) => window.__b.msgs.some((m) => m.t >= t && m.type === 'progress' && m.running && m.step > 0), t, { timeout: 120000 });
        await sleep(opts.warmupMs);
        const t0 = await bare.evaluate(() => performance.now());
        await sleep(opts.windowMs);
        const ms = await bare.evaluate((t0) => window.__b.msgs.filter((m) => m.type === 'progress' && m.running && m.t >= t0), t0);
        await bare.evaluate(() => window.__post({ type: 'pause' }));
        if (ms.length >= 2) {
          const a = ms[0];
          const b = ms[ms.length - 1];
          out[key].push(((b.step - a.step) * 1000) / (b.t - a.t));
        }
      }
    }
    await bare.close();
    return out;
  }

  const mlp = [];
  const deep = [];
  for (let r = 0; r < opts.rounds; r++) {
    mlp.push(await trainWindow(opts.mlpChapter));
    deep.push(await trainWindow(opts.deepChapter));
  }

  await page.close();
  const bare = await workerOnly(opts.rounds);

  // The kernels of each wasm build, in a module worker of the page's origin.
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
  let kernels = null;
  if (opts.kernels) {
    const p = await context.newPage();
    await p.goto(server.url + 'names.txt');
    kernels = {};
    for (const [name, dir] of [['plain', 'pkg/'], ['relaxed', 'pkg/relaxed/']]) {
      kernels[name] = await p.evaluate((src) => new Promise((resolve, reject) => {
        const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })), { type: 'module' });
        w.onmessage = (e) => { resolve(e.data); w.terminate(); };
        w.onerror = (e) => reject(new Error(e.message));
      }), KERNEL_WORKER(server.url + dir));
    }
    await p.close();
  }

  const windows = [...mlp, ...deep];
  const probeMax = Math.max(...windows.map((w) => w.lateness));
  const longtaskMax = Math.max(...windows.map((w) => w.longtask));
  result = {
    chromium: browser.version(),
    page_kernels: pageKernels,
    first_step_ms: first.t,
    ready_ms: ready ? ready.t : null,
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
    longest_task_ms: Math.max(probeMax, longtaskMax),
    longtask_api_max_ms: longtaskMax,
    timer_lateness_max_ms: probeMax,
    window_ms: opts.windowMs,
    kernels,
    errors,
  };
} finally {
  await browser.close();
  await server.close();
}
console.log(JSON.stringify(result));
