// The page's own training speed in each browser engine, for `cargo xtask bench` (one row per
// engine) and by hand:
//
//   node tests/bench/engines.mjs [--seconds S] [--engines chromium,firefox,webkit] [--json]
//
// For the small MLP (chapter 5, tanh not saturated) and the deep network (chapter 8), each
// engine trains for S seconds (default 10) with the page as a student opens it (diagnostics and
// charts on) and the steps the page's counter moved per second are kept, with the build and
// threads the page says train ("kernels: ..."). Needs www/pkg/ (`cargo xtask build`). The
// engines run one after the other, never at once. With --json the last line is
// {engines: [{engine, version, kernels, mlp_steps_per_s, deep_steps_per_s}], errors: [...]}.

import { startServer } from '../e2e/harness.mjs';
import { ENGINES, launch } from '../e2e/engines/driver.mjs';
import { ready, counter, chooseChapter, setBudget, pause } from '../e2e/engines/student.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const seconds = Number(arg('--seconds', '10'));
const engines = arg('--engines', ENGINES.join(',')).split(',');
const json = process.argv.includes('--json');
const CHAPTERS = { mlp: 'fix-tanh', deep: 'deep' };

/** Steps per second of chapter `name` over `seconds`, as the page's counter moves. */
async function speed(page, name) {
  await chooseChapter(page, name);
  await setBudget(page, 10_000_000);
  await page.click('#train');
  await page.waitFor(() => /it\/s/.test(document.getElementById('itps').textContent));
  const t0 = Date.now();
  const s0 = (await counter(page)).step;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const s1 = (await counter(page)).step;
  const secs = (Date.now() - t0) / 1000;
  await pause(page);
  return (s1 - s0) / secs;
}

const results = [];
const errors = [];
const server = await startServer();
try {
  for (const engine of engines) {
    const row = { engine, version: engine, kernels: '', mlp_steps_per_s: null, deep_steps_per_s: null };
    let browser;
    try {
      browser = await launch(engine);
      const page = await browser.open(server.url);
      row.version = browser.version || engine; // WebKit's driver says its version when a page opens
      await ready(page);
      // The build line is in "about this computer", folded: its text, not what is shown.
      row.kernels = (await page.evaluate(() => document.getElementById('kernels')?.textContent ?? '')).replace(/^kernels: /, '');
      for (const [model, chapter] of Object.entries(CHAPTERS)) {
        row[`${model}_steps_per_s`] = await speed(page, chapter);
      }
      await page.close();
    } catch (e) {
      errors.push(`${engine}: ${e.message ?? e}`);
    } finally {
      await browser?.close().catch(() => {});
    }
    results.push(row);
    if (!json) {
      const n = (v) => (v == null ? 'failed' : v.toFixed(0)).padStart(6);
      console.log(`${row.version.padEnd(24)} small MLP ${n(row.mlp_steps_per_s)} steps/s   deep ${n(row.deep_steps_per_s)} steps/s   ${row.kernels}`);
    }
  }
} finally {
  await server.close();
}
if (json) console.log(JSON.stringify({ engines: results, errors }));
else for (const e of errors) console.error(e);
