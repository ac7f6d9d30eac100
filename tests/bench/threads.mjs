#!/usr/bin/env node
// The threaded build's half of `cargo xtask bench-threads`: training steps per second in a Web
// Worker of a cross-origin isolated page (headless Chromium), through `StepBench` (the trainer
// without the session or the page's charts), for
//   - the small MLP (fix-tanh) and the deep model at batch 32 on the relaxed single-thread build
//     and on the threaded build with 1..cores threads;
//   - the deep model at n_hidden 200/500/1000 x batch 32/128/512, relaxed single-thread build
//     vs the threaded build on every core (the scaling table).
//
//   node tests/bench/threads.mjs [--quick] [--threads N] [--json]
//
// Prints two tables, or with --json one line: { cores, steps: [{build, threads, chapter,
// n_hidden, batch, steps_per_s}], errors }. Each rate is the median of 3 windows of at least
// 300 ms (1 window with --quick). www/pkg must have been built (`cargo xtask build`).

import { startServer, launchBrowser, WWW } from '../e2e/harness.mjs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const json = argv.includes('--json');
const ti = argv.indexOf('--threads');
const asked = ti >= 0 ? Number(argv[ti + 1]) : null;

// Runs in a module worker: loads the build, starts the pool, times each config.
const WORKER = (base, pkg, threads, configs, rounds) => `
  const m = await import('${base}${pkg}');
  await m.default();
  if (${threads} > 1) { await m.initThreadPool(${threads} - 1); m.startPool(${threads}); }
  const names = new Uint8Array(await (await fetch('${base}names.txt')).arrayBuffer());
  const out = [];
  for (const [chapter, h, b] of ${JSON.stringify(configs)}) {
    const sb = new m.StepBench(chapter, h, b, names);
    sb.steps(2);
    const rates = [];
    for (let r = 0; r < ${rounds}; r++) {
      let n = 1;
      for (;;) {
        const t = performance.now();
        sb.steps(n);
        const dt = performance.now() - t;
        if (dt >= 300) { rates.push((n * 1000) / dt); break; }
        n = Math.max(n + 1, Math.ceil((n * 330) / Math.max(dt, 1)));
      }
    }
    rates.sort((x, y) => x - y);
    out.push({ chapter, n_hidden: h, batch: b, threads: sb.threads(), steps_per_s: rates[(rates.length - 1) >> 1] });
    sb.free();
  }
  postMessage(out);`;

const server = await startServer(WWW, { isolate: true });
const browser = await launchBrowser();
const errors = [];
const steps = [];
let cores = 1;
try {
  const context = await browser.newContext();
  // One page per (build, threads): the pool is started once per module instance.
  async function run(build, pkg, threads, configs) {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.url + 'names.txt');
    cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const isolated = await page.evaluate(() => crossOriginIsolated);
    if (!isolated) throw new Error('the bench page is not cross-origin isolated');
    const src = WORKER(server.url, pkg, threads, configs, quick ? 1 : 3);
    const res = await page.evaluate((s) => new Promise((resolve, reject) => {
      const w = new Worker(URL.createObjectURL(new Blob([s], { type: 'text/javascript' })), { type: 'module' });
      w.onmessage = (e) => { resolve(e.data); w.terminate(); };
      w.onerror = (e) => reject(new Error(e.message));
    }), src);
    await page.close();
    for (const r of res) steps.push({ build, ...r });
  }
  const probe = await context.newPage();
  await probe.goto(server.url + 'names.txt');
  cores = await probe.evaluate(() => navigator.hardwareConcurrency);
  await probe.close();
  const most = asked ?? cores;
  const small = [['fix-tanh', 200, 32], ['deep', 200, 32]];
  const grid = [];
  for (const h of [200, 500, 1000]) for (const b of [32, 128, 512]) grid.push(['deep', h, b]);
  await run('relaxed', 'pkg/relaxed/makemore_lab.js', 1, [...small, ...grid]);
  for (let t = 1; t <= most; t++) {
    await run('threads', 'pkg/threads/makemore_lab.js', t, t === most ? [...small, ...grid] : small);
  }
} finally {
  await browser.close();
  await server.close();
}
if (json) {
  console.log(JSON.stringify({ cores, steps, errors }));
} else {
  const rate = (build, threads, chapter, h, b) => steps.find((s) => s.build === build
    && s.threads === threads && s.chapter === chapter && s.n_hidden === h && s.batch === b)?.steps_per_s;
  const most = Math.max(...steps.map((s) => s.threads));
  const f = (x, w = 9) => (x == null ? '-' : x.toFixed(1)).padStart(w);
  console.log(`browser (headless Chromium, worker, no page): steps/s; relaxed = the single-thread relaxed build`);
  console.log(`model          relaxed  ${[...Array(most)].map((_, i) => `threads=${i + 1}`.padStart(9)).join(' ')}   best/relaxed`);
  for (const [name, c] of [['small MLP', 'fix-tanh'], ['deep', 'deep']]) {
    const one = rate('relaxed', 1, c, 200, 32);
    const ts = [...Array(most)].map((_, i) => rate('threads', i + 1, c, 200, 32));
    console.log(`${name.padEnd(12)} ${f(one)}  ${ts.map((x) => f(x)).join(' ')}   ${f(Math.max(...ts) / one, 8)}x`);
  }
  console.log(`\ndeep model scaling, browser: relaxed (1 thread) vs threads=${most}`);
  console.log('n_hidden  batch    relaxed    threads   ratio');
  for (const h of [200, 500, 1000]) for (const b of [32, 128, 512]) {
    const one = rate('relaxed', 1, 'deep', h, b);
    const many = rate('threads', most, 'deep', h, b);
    console.log(`${String(h).padStart(8)} ${String(b).padStart(6)} ${f(one, 10)} ${f(many, 10)} ${f(many / one, 6)}x`);
  }
  if (errors.length) console.log(`errors: ${errors.join('; ')}`);
}
