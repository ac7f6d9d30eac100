// Where the CPU goes while the page trains in WebKitGTK: the page (driver.mjs: MiniBrowser under
// an Xvfb of its own) trains a chapter, and over each window the CPU time of every thread of
// every process this script started (/proc/<pid>/task/*/stat) is summed by part: the trainer
// (the page's Web Workers: the lab's thread and the pool's helpers), the page's main thread,
// the graphics (Mesa's software GL `llvmpipe`, the compositor and Skia, the X server and the
// browser's window), and the rest; each part per second and per step (the steps the page's
// counter moved), with the charts drawn and the frames that put them on the page (the seam's
// `timings`). CPU time, so that other programs on a shared machine decide the figures less
// than they decide steps per second. tests/bench/webkit.mjs times the page's speed instead.
//
//   node tests/bench/webkit-cpu.mjs [--chapter deep] [--seconds 5] [--rounds 3] [--query '?threads=1']

import { readFileSync, readdirSync } from 'node:fs';
import { startServer } from '../e2e/harness.mjs';
import { launch } from '../e2e/engines/driver.mjs';
import { ready, counter, chooseChapter, setBudget, pause } from '../e2e/engines/student.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const chapter = arg('--chapter', 'deep');
const seconds = Number(arg('--seconds', '5'));
const rounds = Number(arg('--rounds', '3'));
const query = arg('--query', '');
const TICK = 100; // USER_HZ: /proc's clock ticks

const stat = (path) => {
  const s = readFileSync(path, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' ');
};
const comm = (path) => { try { return readFileSync(`${path}/comm`, 'utf8').trim(); } catch { return '?'; } };
const parent = (pid) => { try { return Number(stat(`/proc/${pid}/stat`)[1]); } catch { return 0; } };
const descends = (pid) => { for (let p = parent(pid); p > 1; p = parent(p)) if (p === process.pid) return true; return false; };

/** The part a thread's CPU counts to, by its process' and its own name. */
function part(proc, thread) {
  if (proc.startsWith('WebKitWebProces')) {
    if (thread.startsWith('WebCore: Worker')) return 'trainer';
    if (thread === proc) return 'main thread';
    if (/llvmpipe/.test(thread)) return 'graphics: software GL';
    if (/Compositor|Skia/.test(thread)) return 'graphics: compositor';
    return 'web process, other';
  }
  if (/Xvfb|MiniBrowser/.test(proc)) return 'graphics: X server, window';
  return `other (${proc})`;
}

/** CPU seconds (user + system) by part, over every thread this script's children run. */
function cpu() {
  const out = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || !descends(Number(d))) continue;
    const proc = comm(`/proc/${d}`);
    if (proc === 'node') continue;
    let tids = [];
    try { tids = readdirSync(`/proc/${d}/task`); } catch { continue; }
    for (const t of tids) {
      try {
        const f = stat(`/proc/${d}/task/${t}/stat`);
        const k = part(proc, comm(`/proc/${d}/task/${t}`));
        out.set(k, (out.get(k) ?? 0) + (Number(f[11]) + Number(f[12])) / TICK);
      } catch { /* gone */ }
    }
  }
  return out;
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));
/** Chart draws and the frames that put charts on the page, since `since` (performance.now()). */
const drawing = (page, since) => page.evaluate((t) => window.__labSeam.timings(t), since);
const now = (page) => page.evaluate(() => performance.now());

/** One window: CPU by part, steps, draws. */
async function measure(page, label, training) {
  const l = load();
  const c0 = cpu();
  const s0 = training ? (await counter(page)).step : 0;
  const p0 = await now(page);
  const t0 = Date.now();
  await sleep(seconds);
  const s1 = training ? (await counter(page)).step : 0;
  const { draws, frames } = await drawing(page, p0);
  const c1 = cpu();
  const secs = (Date.now() - t0) / 1000;
  const n = s1 - s0;
  const parts = [...c1].map(([k, v]) => [k, v - (c0.get(k) ?? 0)]).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  const total = parts.reduce((a, [, v]) => a + v, 0);
  const head = training ? `${n} steps in ${secs.toFixed(1)} s = ${(n / secs).toFixed(0)} steps/s, ` : '';
  console.log(`${label}: ${head}${(draws / secs).toFixed(1)} draws/s in ${(frames / secs).toFixed(1)} frames/s; load ${l}; CPU ${(total / secs).toFixed(2)} cores`
    + (training ? `, ${(total * 1e6 / n).toFixed(0)} us a step` : ''));
  for (const [k, v] of parts) {
    console.log(`  ${k.padEnd(28)} ${(v / secs).toFixed(2)} cores` + (training ? `  ${(v * 1e6 / n).toFixed(0).padStart(6)} us a step` : ''));
  }
}

const server = await startServer();
const browser = await launch('webkit');
try {
  const page = await browser.open(server.url + query, { width: 1366, height: 768 });
  await ready(page);
  await chooseChapter(page, chapter);
  await setBudget(page, 10_000_000);
  await sleep(6); // the page settles (a new run's charts drawn)
  await measure(page, 'idle', false);
  await page.click('#train');
  await page.waitFor(() => /it\/s/.test(document.getElementById('itps').textContent));
  await sleep(6); // past the start's reports (the questions, every chart's first views)
  for (let r = 0; r < rounds; r++) await measure(page, `round ${r + 1}`, true);
  await pause(page);
  await page.close();
} finally {
  await browser.close().catch(() => {});
  await server.close();
}
