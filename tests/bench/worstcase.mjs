#!/usr/bin/env node
// The browser's side of the memory test tests/native/memory.rs: the worst case the page's limits
// allow, in the real page in headless Chromium on the threaded build (the one with the 1 GiB
// cap, src/memory.rs). A names file of the upload limit with one character per line (the most
// examples per byte) at the largest context length it allows, the deep model at 1024 units x 8
// layers, batch 20; the file uploaded, another of the same size, the first again; then steps.
// Prints, after each stage, the trainer's WebAssembly memory, read in its worker (a wasm memory
// never shrinks, so the last figure is the trainer's peak), and every message the page showed.
// (performance.measureUserAgentSpecificMemory() is no help here: it counts each stale
// SharedArrayBuffer object of the grown shared memory again until a collection.) Fails (exit 1)
// on a page error, an out-of-memory message, or when the trainer stops.
//
//   node tests/bench/worstcase.mjs [--steps N]

import { startServer, launchBrowser, WWW } from '../e2e/harness.mjs';

const args = process.argv.slice(2);
const STEPS = Number(args[args.indexOf('--steps') + 1] || 0) || 3;
const LIMIT = 4 * 1024 * 1024; // the names file's limit (src/data: MAX_FILE_BYTES)
const CAP = 1024 * 1024 * 1024; // the threaded builds' memory cap (src/memory.rs: MAX_MEMORY)

/** `lines` one-character names cycling through 13 letters from `first`. */
function names(lines, first) {
  const out = Buffer.alloc(lines * 2);
  for (let i = 0; i < lines; i++) {
    out[2 * i] = first.charCodeAt(0) + (i % 13);
    out[2 * i + 1] = 10;
  }
  return out;
}

const server = await startServer(WWW);
const browser = await launchBrowser();
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  // The trainer's WebAssembly memory, read in its worker: the threaded build's glue makes it
  // with `new WebAssembly.Memory` (shared), which this prefix of worker.js keeps a hand on.
  await page.route('**/worker.js', async (route) => {
    const original = await route.fetch();
    const spy = 'self.__memories = []; { const M = WebAssembly.Memory; WebAssembly.Memory = new Proxy(M, { construct(t, a) { const m = new t(...a); self.__memories.push(m); return m; } }); }\n';
    await route.fulfill({ response: original, body: spy + (await original.text()) });
  });
  page.on('pageerror', (e) => { console.log(`page error: ${e}`); failed = true; });
  await page.goto(`${server.url}?chapter=deep&n_hidden=1024&n_layers=8&batch_size=20&block_size=15`);
  await page.waitForFunction(() => document.body.dataset.ready === '1' && window.__labSeam?.trainer().ready, null, { timeout: 60_000 });
  const status = async (stage) => {
    const trainer = page.workers().find((w) => w.url().endsWith('/worker.js'));
    const wasm = trainer ? await trainer.evaluate(() => self.__memories.map((m) => m.buffer.byteLength)) : [];
    const s = await page.evaluate(async () => {
      const t = window.__labSeam.trainer();
      return {
        dead: t.dead, kernels: t.kernels, step: t.step, knobs: t.knobs,
        msg: document.getElementById('upload-msg')?.textContent ?? '',
        names: document.getElementById('data-names')?.textContent ?? '',
        notices: [...document.querySelectorAll('.notice, [role="alert"]')].filter((n) => n.checkVisibility()).map((n) => n.textContent.trim()).filter(Boolean),
      };
    });
    const peak = Math.max(...wasm);
    console.log(`${stage.padEnd(24)} the trainer's wasm memory ${(peak / 2 ** 20).toFixed(0).padStart(4)} MiB (${(100 * peak / CAP).toFixed(0)}% of ${CAP / 2 ** 20} MiB); step ${s.step}; ${s.names} names; n_hidden ${s.knobs.n_hidden}, n_layers ${s.knobs.n_layers}, block_size ${s.knobs.block_size}, batch ${s.knobs.batch_size}${s.dead ? `; TRAINER STOPPED: ${s.dead}` : ''}`);
    if (s.msg) console.log(`  message: ${s.msg}`);
    for (const n of s.notices) console.log(`  notice: ${n}`);
    if (s.dead || /out of memory|internal error/i.test(s.msg + s.notices.join(' '))) failed = true;
    return s;
  };
  const first = await status('loaded (default names)');
  console.log(`  build: ${first.kernels}`);
  const upload = async (name, buffer) => {
    await page.evaluate(() => { document.getElementById('upload-msg').textContent = ''; });
    await page.setInputFiles('#file', { name, mimeType: 'text/plain', buffer });
    await page.waitForFunction(() => {
      const m = document.getElementById('upload-msg');
      return m.classList.contains('bad') || m.classList.contains('good') || window.__labSeam.trainer().dead;
    }, null, { timeout: 300_000 });
    return status(`uploaded ${name}`);
  };
  const lines = LIMIT / 2;
  const [a, b] = [names(lines, 'a'), names(lines, 'n')];
  await upload('a.txt', a);
  await upload('b.txt', b);
  await upload('a.txt (again)', a);
  for (let i = 0; i < STEPS; i++) await page.click('#step');
  await page.waitForFunction((n) => window.__labSeam.trainer().step >= n || window.__labSeam.trainer().dead, STEPS, { timeout: 300_000 });
  await status(`after ${STEPS} steps`);
} finally {
  await browser.close();
  await server.close();
}
process.exit(failed ? 1 : 0);
