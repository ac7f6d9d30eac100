#!/usr/bin/env node
// The threaded builds' half of `cargo xtask bench-threads`: training steps per second in a Web
// Worker of a cross-origin isolated page (headless Chromium), through `StepBench` (the trainer
// without the session or the page's charts), for
//   - the small MLP (fix-tanh) and the deep model at batch 32 on the single-thread builds
//     (relaxed, plain) and on their threaded builds (threads, threads-plain) with 1..cores
//     threads;
//   - the deep model at n_hidden 200/500/1000 x batch 32/128/512, relaxed single-thread build
//     vs the threaded build on every core (the scaling table).
//
//   node tests/bench/threads.mjs [--quick] [--threads N] [--json]
//
// Every build runs in its own worker of one page, and each config is timed in turns: a window
// on each worker, round after round (9 rounds of 250 ms; --quick: 5 of 120 ms), so that load
// from other programs lands on every build alike. Prints two tables, or with --json one line:
// { cores, steps: [{build, threads, chapter, n_hidden, batch, steps_per_s, ratio}], errors },
// each rate the median of its windows and `ratio` the median of the rounds' ratios to the
// single-thread build with the same kernels (relaxed for threads, plain for threads-plain).
// www/pkg must have been built (`cargo xtask build`).

import { startServer, launchBrowser, WWW } from '../e2e/harness.mjs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const json = argv.includes('--json');
const ti = argv.indexOf('--threads');
const asked = ti >= 0 ? Number(argv[ti + 1]) : null;

// A module worker: loads the build, starts the pool, then times one window of a config per
// message ([chapter, n_hidden, batch, ms] -> { steps_per_s, threads }), keeping its trainers.
const WORKER = (base, pkg, threads) => `
  const m = await import('${base}${pkg}');
  await m.default();
  if (${threads} > 1) { await m.initThreadPool(${threads} - 1); m.startPool(${threads}); }
  const names = new Uint8Array(await (await fetch('${base}names.txt')).arrayBuffer());
  const benches = new Map();
  onmessage = (e) => {
    const [chapter, h, b, ms] = e.data;
    const key = chapter + ' ' + h + ' ' + b;
    let sb = benches.get(key);
    if (!sb) { sb = new m.StepBench(chapter, h, b, names); sb.steps(2); benches.set(key, sb); }
    let n = 1;
    for (;;) {
      const t = performance.now();
      sb.steps(n);
      const dt = performance.now() - t;
      if (dt >= ms) { postMessage({ steps_per_s: (n * 1000) / dt, threads: sb.threads() }); return; }
      n = Math.max(n + 1, Math.ceil((n * ms * 1.1) / Math.max(dt, 1)));
    }
  };
  postMessage('ready');`;

const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  const n = v.length;
  return n === 0 ? null : n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
};

const server = await startServer(WWW, { isolate: true });
const browser = await launchBrowser();
const errors = [];
const steps = [];
let cores = 1;
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url + 'names.txt');
  cores = await page.evaluate(() => navigator.hardwareConcurrency);
  if (!(await page.evaluate(() => crossOriginIsolated))) throw new Error('the bench page is not cross-origin isolated');
  const most = asked ?? cores;
  // [name, module, threads, the worker of its single-thread build]: workers 0 and 1 the relaxed
  // and plain builds, then each threaded build on 1..most threads (each worker its own pool).
  const builds = [['relaxed', 'pkg/relaxed/makemore_lab.js', 1, 0], ['plain', 'pkg/makemore_lab.js', 1, 1]];
  for (const [name, pkg, base] of [['threads', 'pkg/threads/', 0], ['threads-plain', 'pkg/threads-plain/', 1]]) {
    for (let t = 1; t <= most; t++) builds.push([name, `${pkg}makemore_lab.js`, t, base]);
  }
  const everyCore = builds.findIndex(([name, , t]) => name === 'threads' && t === most);
  await page.evaluate((srcs) => new Promise((resolve, reject) => {
    window.workers = [];
    let ready = 0;
    for (const s of srcs) {
      const w = new Worker(URL.createObjectURL(new Blob([s], { type: 'text/javascript' })), { type: 'module' });
      w.onerror = (e) => reject(new Error(e.message));
      w.onmessage = () => { if (++ready === srcs.length) resolve(); };
      window.workers.push(w);
    }
    window.ask = (i, cfg) => new Promise((res, rej) => {
      const w = window.workers[i];
      w.onmessage = (e) => res(e.data);
      w.onerror = (e) => rej(new Error(e.message));
      w.postMessage(cfg);
    });
  }), builds.map(([, pkg, t]) => WORKER(server.url, pkg, t)));
  const rounds = quick ? 5 : 9;
  const ms = quick ? 120 : 250;
  const small = [['fix-tanh', 200, 32], ['deep', 200, 32]];
  const grid = [];
  for (const h of [200, 500, 1000]) for (const b of [32, 128, 512]) grid.push(['deep', h, b]);
  // Each config is measured in turns, a window per worker per round, so that other programs'
  // load lands on every build alike; the ratio to the relaxed build is the median of the turns'.
  const configs = [...small.map((c) => [c, builds.map((_, i) => i)]),
    ...grid.filter((c) => !small.some((x) => x.join() === c.join())).map((c) => [c, [0, everyCore]])];
  for (const [[chapter, h, b], workers] of configs) {
    const rates = workers.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (const [j, i] of workers.entries()) {
        rates[j].push((await page.evaluate(([i, cfg]) => window.ask(i, cfg), [i, [chapter, h, b, ms]])).steps_per_s);
      }
    }
    for (const [j, i] of workers.entries()) {
      const [build, , threads, base] = builds[i];
      const ratio = median(rates[j].map((x, r) => x / rates[workers.indexOf(base)][r]));
      steps.push({ build, threads, chapter, n_hidden: h, batch: b, steps_per_s: median(rates[j]), ratio });
    }
  }
} finally {
  await browser.close();
  await server.close();
}
if (json) {
  console.log(JSON.stringify({ cores, steps, errors }));
} else {
  const find = (build, threads, chapter, h, b) => steps.find((s) => s.build === build
    && s.threads === threads && s.chapter === chapter && s.n_hidden === h && s.batch === b);
  const rate = (...a) => find(...a)?.steps_per_s;
  const ratio = (...a) => find(...a)?.ratio;
  const most = Math.max(...steps.map((s) => s.threads));
  const f = (x, w = 9) => (x == null ? '-' : x.toFixed(1)).padStart(w);
  console.log('browser (headless Chromium, worker, no page): steps/s; each threaded build against its single-thread build');
  console.log(`model      build     one thread  ${[...Array(most)].map((_, i) => `threads=${i + 1}`.padStart(9)).join(' ')}   ratio (median of turns)`);
  for (const [name, c] of [['small MLP', 'fix-tanh'], ['deep', 'deep']]) {
    for (const [single, threaded] of [['relaxed', 'threads'], ['plain', 'threads-plain']]) {
      const one = rate(single, 1, c, 200, 32);
      const ts = [...Array(most)].map((_, i) => rate(threaded, i + 1, c, 200, 32));
      const rs = [...Array(most)].map((_, i) => `${ratio(threaded, i + 1, c, 200, 32)?.toFixed(2)}x`);
      console.log(`${name.padEnd(10)} ${single.padEnd(8)} ${f(one, 11)}  ${ts.map((x) => f(x)).join(' ')}   ${rs.join(' ')}`);
    }
  }
  console.log(`\ndeep model scaling, browser: relaxed (1 thread) vs threads=${most}`);
  console.log('n_hidden  batch    relaxed    threads   ratio (median of turns)');
  for (const h of [200, 500, 1000]) for (const b of [32, 128, 512]) {
    const one = rate('relaxed', 1, 'deep', h, b);
    const many = rate('threads', most, 'deep', h, b);
    const r = ratio('threads', most, 'deep', h, b);
    console.log(`${String(h).padStart(8)} ${String(b).padStart(6)} ${f(one, 10)} ${f(many, 10)} ${f(r, 6)}x`);
  }
  if (errors.length) console.log(`errors: ${errors.join('; ')}`);
}
