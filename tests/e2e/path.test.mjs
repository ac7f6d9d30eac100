// The embedding's path: train the 2-D embedding chapter in the page, move the slider under the
// embedding back to step 0 (the chart and its text change), back to live, by mouse and by
// keyboard; the chosen snapshot holds while training goes on; Reset clears the path. Saves
// docs/embedding-path.png (the chart with its trails at 1024x768). Needs www/pkg/.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openLab, state, until, untilTrainer, trainTo, pause, text, canvas } from './lab.mjs';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
let app;
let page;
before(async () => {
  app = await openLab('?chapter=embed-2d', { viewport: { width: 1024, height: 768 } });
  page = app.page;
  await trainTo(page, 600);
});
after(async () => {
  await app?.close();
});

const caption = () => text(page, 'figure[data-chart="embedding"] figcaption');
const readout = () => text(page, 'figure[data-chart="embedding"] .readout');
const shown = () => page.evaluate(() => {
  const s = document.getElementById('path-frame');
  return { value: Number(s.value), max: Number(s.max), disabled: s.disabled, text: s.getAttribute('aria-valuetext'), out: document.getElementById('path-step').textContent };
});
const captionIs = (re) => until(page, (src) => new RegExp(src).test(document.querySelector('figure[data-chart="embedding"] figcaption').textContent), re.source);

test('the slider scrubs the embedding back to step 0 and forward to live, with trails', async () => {
  // The last diagnostics (the embedding of the step training paused at) are in.
  await untilTrainer(page, (s) => s.diagStep === s.step && !s.running);
  const step = (await state(page)).step;
  await captionIs(/, live, step [\d,]+$/);
  const label = await page.locator('label[for="path-frame"]').innerText();
  assert.equal(label, 'Path');
  const live = await shown();
  assert.ok(!live.disabled && live.max >= 100 && live.value === live.max, JSON.stringify(live));
  assert.match(live.out, /^live, step [\d,]+$/);
  assert.match(await readout(), /The path: [\d,]+ snapshots from step 0 to [\d,]+ .*faint trails/);
  const liveChart = await canvas(page, 'embedding');

  await page.locator('#path-frame').fill('0');
  await captionIs(/, step 0$/);
  assert.equal((await shown()).out, 'step 0');
  assert.equal((await shown()).text, 'step 0');
  assert.match(await readout(), /The path at step 0: snapshot 1 of [\d,]+ \(the live model is at step [\d,]+\)/);
  assert.match(await readout(), /their centre moved 0\.00 since step 0/);
  const start = await canvas(page, 'embedding');
  assert.notEqual(start.hash, liveChart.hash, 'step 0 is drawn differently from the trained embedding');
  assert.ok(start.inked > 5000, `the letters at step 0: ${start.inked} pixels`);

  // The right end is live again.
  await page.locator('#path-frame').fill(String(live.max));
  await captionIs(/, live, step [\d,]+$/);
  assert.equal((await canvas(page, 'embedding')).hash, liveChart.hash);
  assert.equal((await state(page)).step, step, 'scrubbing took no training step');
});

test('the slider works from the keyboard, and keeps its snapshot while training goes on', async () => {
  const chapter = (await state(page)).chapter;
  await page.focus('#path-frame');
  await page.keyboard.press('Home');
  await captionIs(/, step 0$/);
  await page.keyboard.press('ArrowRight');
  await captionIs(/, step [1-9][\d,]*$/);
  const one = await shown();
  assert.equal(one.value, 1);
  assert.match(one.out, /^step [1-9][\d,]*$/);
  assert.equal((await state(page)).chapter, chapter, 'the arrows moved the slider, not the chapter');
  await page.keyboard.press('End');
  await captionIs(/, live, step [\d,]+$/);

  await page.keyboard.press('Home');
  await captionIs(/, step 0$/);
  const before = (await state(page)).step;
  await page.click('#train');
  await untilTrainer(page, (s, n) => s.diagStep > n + 200, before);
  await pause(page);
  assert.match(await caption(), /, step 0$/, 'the snapshot shown stays while training');
  const after = await shown();
  assert.equal(after.value, 0);
  assert.ok(after.max > 0);
  await page.focus('#path-frame'); // the Train button took the focus
  await page.keyboard.press('End');
  await captionIs(/, live, step [\d,]+$/);
});

test('a screenshot of the trails at 1024x768; Reset clears the path', async () => {
  const fig = page.locator('figure[data-chart="embedding"]');
  await fig.scrollIntoViewIfNeeded();
  await canvas(page, 'embedding');
  mkdirSync(DOCS, { recursive: true });
  await fig.screenshot({ path: `${DOCS}embedding-path.png` });

  await page.click('#reset');
  await until(page, () => document.getElementById('path-frame').disabled);
  assert.match((await shown()).out, /^live, step 0$/);
  assert.doesNotMatch(await readout(), /The path/);
  assert.deepEqual(app.errors(), []);
});
