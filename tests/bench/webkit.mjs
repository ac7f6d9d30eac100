#!/usr/bin/env node
// The page in WebKit (WebKitGTK's MiniBrowser, driven by WebKitWebDriver over WebDriver): which
// training build its worker loads, on how many threads, and the deep chapter's training speed
// as the page shows it (diagnostics and charts on), for each page address given, in turns (a
// window of each, round after round), with the median of the rounds' ratios to the first.
//
//   xvfb-run -a node tests/bench/webkit.mjs [--window-ms MS] [--rounds N] [PATH ...]
//   xvfb-run -a node tests/bench/webkit.mjs --worker [--rounds N]
//
// --worker: the trainer alone (`StepBench`, deep model at batch 32, no page, no charts) in two
// Web Workers of one isolated page, the plain build on one thread and the plain threaded build
// on 2 threads, timed in turns (250 ms windows), as tests/bench/threads.mjs does in Chromium.
//
// PATH defaults to '?threads=1' and '' (every core). Needs `apt-get install webkit2gtk-driver
// xvfb` and www/pkg (`cargo xtask build`). WebKitGTK leaves SharedArrayBuffer undefined even on
// a cross-origin isolated page unless JSC_useSharedArrayBuffer=1 (Safari turns it on for isolated
// pages): the driver, and so the browser, get it here. Prints a table, and one JSON line.

import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, WWW } from '../e2e/harness.mjs';

const MINIBROWSER = process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const opts = { windowMs: 3000, warmupMs: 1000, rounds: 5, paths: [] };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--window-ms') opts.windowMs = Number(argv[++i]);
  else if (argv[i] === '--worker') opts.worker = true;
  else if (argv[i] === '--rounds') opts.rounds = Number(argv[++i]);
  else opts.paths.push(argv[i]);
}
if (!opts.paths.length) opts.paths = ['?threads=1', ''];

const PORT = 4444 + (process.pid % 1000);
const driver = spawn('WebKitWebDriver', [`--port=${PORT}`], {
  env: { ...process.env, JSC_useSharedArrayBuffer: '1' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${PORT}`;

async function call(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (json.value?.error) throw new Error(`${path}: ${json.value.error}: ${json.value.message}`);
  return json.value;
}

// In the page: a worker per build that loads it, starts its pool and times windows of the deep
// model's steps; the two in turns, round after round. Resolves to [plain rates, threaded rates].
const WORKER_BENCH = `const [base, rounds, done] = arguments;
  const src = (pkg, threads) => \`
    const m = await import('\${base}\${pkg}makemore_lab.js');
    await m.default();
    if (\${threads} > 1) { await m.initThreadPool(\${threads} - 1); m.startPool(\${threads}); }
    const names = new Uint8Array(await (await fetch('\${base}names.txt')).arrayBuffer());
    const sb = new m.StepBench('deep', 200, 32, names); sb.steps(2);
    onmessage = (e) => {
      let n = 1;
      for (;;) {
        const t = performance.now(); sb.steps(n); const dt = performance.now() - t;
        if (dt >= e.data) { postMessage((n * 1000) / dt); return; }
        n = Math.max(n + 1, Math.ceil((n * e.data * 1.1) / Math.max(dt, 1)));
      }
    };
    postMessage('ready');\`;
  const start = (s) => new Promise((ok, fail) => {
    const w = new Worker(URL.createObjectURL(new Blob([s], { type: 'text/javascript' })), { type: 'module' });
    w.onmessage = () => ok(w); w.onerror = (e) => fail(new Error(e.message));
  });
  const ask = (w) => new Promise((ok) => { w.onmessage = (e) => ok(e.data); w.postMessage(250); });
  (async () => {
    const ws = [await start(src('pkg/', 1)), await start(src('pkg/threads-plain/', 2))];
    const rates = [[], []];
    for (let r = 0; r < rounds * 3; r++) for (const i of [0, 1]) rates[i].push(await ask(ws[i]));
    return rates;
  })().then(done, (e) => done(String(e)));`;

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

const server = await startServer(WWW, { isolated: true });
let session;
const results = [];
try {
  for (let i = 0; ; i++) {
    try {
      await call('GET', '/status');
      break;
    } catch (e) {
      if (i > 50) throw e;
      await sleep(100);
    }
  }
  session = (await call('POST', '/session', {
    capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
  })).sessionId;
  const run = (script, args = []) => call('POST', `/session/${session}/execute/sync`, { script, args });
  const until = async (script, ms = 60_000) => {
    const end = Date.now() + ms;
    while (!(await run(script))) {
      if (Date.now() > end) throw new Error(`timed out: ${script}`);
      await sleep(50);
    }
  };
  if (opts.worker) {
    await call('POST', `/session/${session}/url`, { url: server.url + 'names.txt' });
    const rates = await call('POST', `/session/${session}/execute/async`, { script: WORKER_BENCH, args: [server.url, opts.rounds] });
    if (typeof rates === 'string') throw new Error(rates);
    const ratio = median(rates[1].map((x, r) => x / rates[0][r]));
    results.push({ path: 'worker: plain, 1 thread', deep_steps_per_s: median(rates[0]), ratio_to_first: 1, all: rates[0].map(Math.round), kernels: 'pkg/' });
    results.push({ path: 'worker: threads-plain, 2', deep_steps_per_s: median(rates[1]), ratio_to_first: ratio, all: rates[1].map(Math.round), kernels: 'pkg/threads-plain/' });
  } else {
    // Round after round, each address in turn (loaded afresh: a page that is not shown does not
    // train), so that other programs' load lands on every address alike.
    const pages = opts.paths.map((path) => ({ path, rates: [] }));
    for (let r = 0; r < opts.rounds; r++) {
      for (const p of pages) {
        await call('POST', `/session/${session}/url`, { url: server.url + p.path });
        await until("return document.body.dataset.ready === '1' && window.__labSeam?.trainer().run != null");
        p.facts = await run(`return { isolated: crossOriginIsolated, sab: typeof SharedArrayBuffer,
          cores: navigator.hardwareConcurrency, ua: navigator.userAgent, kernels: window.__labSeam.trainer().kernels }`);
        const runId = await run('return window.__labSeam.trainer().run ?? -1');
        await run(`document.querySelector('#chapter-list button[data-chapter="deep"]').click()`);
        await until(`return window.__labSeam.trainer().chapter === 'deep' && window.__labSeam.trainer().run > ${runId}`);
        await run(`const b = document.querySelector('#budget'); b.value = '10000000'; b.dispatchEvent(new Event('change'))`);
        await until('return window.__labSeam.trainer().steps === 10000000');
        await run(`document.querySelector('#train').click()`);
        await until('return window.__labSeam.trainer().running && window.__labSeam.trainer().step > 0');
        await sleep(opts.warmupMs);
        const a = await run('return [window.__labSeam.trainer().step, performance.now()]');
        await sleep(opts.windowMs);
        const b = await run('return [window.__labSeam.trainer().step, performance.now()]');
        p.rates.push(((b[0] - a[0]) * 1000) / (b[1] - a[1]));
      }
    }
  for (const p of pages) {
    const ratios = p.rates.map((x, r) => x / pages[0].rates[r]);
    results.push({ path: p.path, ...p.facts, deep_steps_per_s: median(p.rates), ratio_to_first: median(ratios), all: p.rates.map(Math.round) });
  }
  }
} finally {
  if (session) await call('DELETE', `/session/${session}`).catch(() => {});
  driver.kill();
  await server.close();
}
for (const r of results) {
  console.log(`${(r.path || "''").padEnd(22)} ${r.kernels.padEnd(50)} deep ${r.deep_steps_per_s.toFixed(0)} steps/s [${r.all}], ${r.ratio_to_first.toFixed(2)}x the first (median of turns)`);
}
const [first] = results;
if (first.ua) console.log(`WebKit: ${first.ua}; isolated ${first.isolated}, SharedArrayBuffer ${first.sab}, hardwareConcurrency ${first.cores}`);
console.log(JSON.stringify(results));
