// Errors never freeze the page: a panic in the worker shows a message and a way to start
// again, and the restarted trainer works, with the data and the chapter that were in use.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, state, until, chooseChapter, text } from './lab.mjs';

let app;
let page;

before(async () => {
  app = await openLab();
  page = app.page;
});

after(async () => {
  await app?.close();
});

test('a panic in the worker is reported, and Restart brings the trainer back', async () => {
  await chooseChapter(page, 'batchnorm');
  await page.click('#train');
  await until(page, () => window.__lab.p.step > 20);
  await page.evaluate(() => window.__lab.worker.postMessage({ type: 'panic_for_test' }));
  await page.waitForSelector('#fatal:not([hidden])');
  assert.match(await text(page, '#fatal-msg'), /a panic asked for by the test/);
  // The page itself still answers, and the controls are off until the restart.
  assert.equal(await page.isDisabled('#train'), true);
  assert.equal(await page.evaluate(() => 1 + 1), 2);
  const { panics } = await page.evaluate(() => ({ panics: window.__lab.dead }));
  assert.equal(panics, true);
  await page.click('#restart');
  await until(page, () => window.__lab.ready && !window.__lab.dead && window.__lab.run?.chapter === 'batchnorm');
  assert.equal(await page.isHidden('#fatal'), true);
  assert.match(await text(page, '#notice'), /restarted/);
  await page.click('#step');
  await until(page, () => window.__lab.p.step === 1);
  const st = await state(page);
  assert.equal(st.chapter, 'batchnorm');
  assert.equal(await text(page, '#data-names'), '32,033');
  // The only console errors are the panic's own report.
  for (const e of app.errors()) assert.match(e, /a panic asked for by the test|unreachable/, e);
  assert.deepEqual(app.foreignRequests(), []);
});
