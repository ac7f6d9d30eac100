#!/usr/bin/env node
// The long-run half of `cargo xtask bench --long-run`: a class that leaves the small MLP
// training. The real page in headless Chromium trains the fix-tanh chapter with a budget of
// --steps (default 10,000,000) while this script samples, every --every-s seconds:
//   - the memory of the page and its worker: performance.measureUserAgentSpecificMemory() (the
//     page is cross-origin isolated, so Chromium answers it), and the resident memory of every
//     Chromium process (/proc/PID/status VmRSS, summed);
//   - the longest main-thread task since the last sample: the Long Tasks API (tasks >= 50 ms)
//     and the largest lateness of a 10-ms interval timer on the page (which sees shorter ones);
//   - the CPU that other programs used over the window (/proc/stat less Chromium's processes),
//     in cores: a task's wall time stretches when they take the cores.
// Prints a table (step, it/s, memory, longest task) and one JSON line with every sample and the
// floors of the hardening issue: memory at the end within 50 MB of its level at 500,000 steps,
// and no main-thread task over 50 ms.
//
//   node tests/bench/longrun.mjs [--steps N] [--every-s S] [--json]

import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { startServer, launchBrowser, WWW } from '../e2e/harness.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const STEPS = opt('--steps', 10_000_000);
const EVERY_S = opt('--every-s', 20);
const BASELINE_STEP = Math.min(500_000, Math.floor(STEPS / 20));

/** The machine's busy CPU time so far, in seconds (all cores, from /proc/stat). */
function machineBusyS() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return (user + nice + system + irq + softirq + steal) / TICKS;
}
const TICKS = 100; // USER_HZ

/**
 * The Chromium processes this script started (its descendants): their resident memory in bytes
 * and the CPU time they used so far in seconds, every thread included.
 */
function chromium() {
  const parent = new Map();
  const rss = new Map();
  const cpu = new Map();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      parent.set(Number(pid), Number(status.match(/^PPid:\s*(\d+)/m)?.[1] ?? 0));
      if (/^Name:\s*(chromium|chrome)/m.test(status)) {
        rss.set(Number(pid), Number(status.match(/^VmRSS:\s*(\d+)/m)?.[1] ?? 0) * 1024);
        // utime and stime: fields 14 and 15 of /proc/PID/stat, after the ')' of the name
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        cpu.set(Number(pid), (Number(f[11]) + Number(f[12])) / TICKS);
      }
    } catch {
      // the process ended
    }
  }
  const ours = (pid) => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parent.get(p) ?? 0, hops++) {
      if (p === process.pid) return true;
    }
    return false;
  };
  let total = 0;
  let cpuS = 0;
  for (const [pid, bytes] of rss) {
    if (!ours(pid)) continue;
    total += bytes;
    cpuS += cpu.get(pid);
  }
  return { rss: total, cpuS };
}

const server = await startServer(WWW);
const browser = await launchBrowser();
const out = { steps: STEPS, samples: [], errors: [] };
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  page.on('pageerror', (e) => out.errors.push(String(e)));
  await page.addInitScript(() => {
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    }).observe({ type: 'longtask', buffered: true });
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      window.__longest = Math.max(window.__longest, now - last - 10);
      last = now;
    }, 10);
  });
  await page.goto(`${server.url}?chapter=fix-tanh&steps=${STEPS}`);
  await page.waitForFunction(() => document.body.dataset.ready === '1' && window.__labSeam?.trainer().chapter === 'fix-tanh', null, { timeout: 60_000 });
  await page.click('#train');
  // The page's start (wasm compile, the first charts) is not what this measures.
  await page.waitForTimeout(3000);
  await page.evaluate(() => { window.__longest = 0; });
  const t0 = Date.now();
  let last = { busy: machineBusyS(), cpuS: chromium().cpuS, t: 0 };
  for (;;) {
    await page.waitForTimeout(EVERY_S * 1000);
    const s = await page.evaluate(async () => {
      // The longest task of the window first: measuring the memory runs a garbage collection,
      // whose pause is the measurement's, not the page's.
      const longest = window.__longest;
      const step = window.__labSeam.trainer().step;
      const m = await performance.measureUserAgentSpecificMemory().catch(() => null);
      window.__longest = 0;
      return { step, finished: window.__labSeam.trainer().finished, memory: m?.bytes ?? null, longest };
    });
    const c = chromium();
    const busy = machineBusyS();
    s.rss = c.rss;
    s.t = (Date.now() - t0) / 1000;
    // Other programs' CPU over the window, in cores: what else competed with the page's threads
    // (a main-thread task stretches when the cores are taken, whatever the page does).
    s.other_cores = last ? (busy - last.busy - (c.cpuS - last.cpuS)) / (s.t - last.t) : null;
    last = { busy, cpuS: c.cpuS, t: s.t };
    out.samples.push(s);
    const prev = out.samples.at(-2);
    const itps = prev ? (s.step - prev.step) / (s.t - prev.t) : s.step / s.t;
    if (!args.includes('--json')) {
      console.log(`${s.t.toFixed(0).padStart(6)} s  step ${String(s.step).padStart(9)}  ${itps.toFixed(0).padStart(6)} it/s  page+worker ${(s.memory / 1e6).toFixed(1).padStart(7)} MB  chromium RSS ${(s.rss / 1e6).toFixed(0).padStart(5)} MB  longest task ${s.longest.toFixed(0).padStart(4)} ms  other programs ${s.other_cores.toFixed(2)} cores`);
    }
    if (s.finished || s.step >= STEPS) break;
  }
  out.cores = availableParallelism();
  const base = out.samples.find((s) => s.step >= BASELINE_STEP) ?? out.samples[0];
  const end = out.samples.at(-1);
  out.baseline_step = base.step;
  out.memory_growth_mb = (end.memory - base.memory) / 1e6;
  out.rss_growth_mb = (end.rss - base.rss) / 1e6;
  out.longest_task_ms = Math.max(...out.samples.map((s) => s.longest));
  out.floors = {
    memory_within_50_mb: Math.abs(out.memory_growth_mb) <= 50,
    no_task_over_50_ms: out.longest_task_ms <= 50,
  };
} catch (e) {
  out.failed = String(e?.stack ?? e);
} finally {
  await browser.close();
  await server.close();
}
console.log(JSON.stringify(out));
