// The page's own training speed in each engine (not a test: a measurement to read):
//
//   node tests/e2e/engines/speed.mjs [seconds=10] [engine,...]
//
// For the small MLP (chapter 5, tanh not saturated) and the deep network (chapter 8), it trains
// for `seconds` and prints the page's "N it/s" (#itps) at the end, the steps the counter moved
// per second over the same time, and the build the page says trains. Needs www/pkg/.

import { startServer } from '../harness.mjs';
import { ENGINES, launch } from './driver.mjs';
import { ready, counter, chooseChapter, setBudget, pause } from './student.mjs';

const seconds = Number(process.argv[2] ?? 10);
const engines = process.argv[3]?.split(',') ?? ENGINES;
const CHAPTERS = ['fix-tanh', 'deep'];

const server = await startServer();
try {
  for (const engine of engines) {
    const browser = await launch(engine);
    try {
      const page = await browser.open(server.url);
      await ready(page);
      const kernels = await page.text('#kernels');
      for (const name of CHAPTERS) {
        await chooseChapter(page, name);
        await setBudget(page, 10_000_000);
        await page.click('#train');
        await page.waitFor(() => /it\/s/.test(document.getElementById('itps').textContent));
        const t0 = Date.now();
        const s0 = (await counter(page)).step;
        await new Promise((r) => setTimeout(r, seconds * 1000));
        const itps = await page.evaluate(() => document.getElementById('itps').textContent);
        const s1 = (await counter(page)).step;
        const secs = (Date.now() - t0) / 1000;
        await pause(page);
        console.log(`${browser.version.padEnd(20)} ${name.padEnd(9)} page says ${itps.padEnd(11)} counter ${((s1 - s0) / secs).toFixed(0).padStart(5)} steps/s   ${kernels}`);
      }
      await page.close();
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
}
