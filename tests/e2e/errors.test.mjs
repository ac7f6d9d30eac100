// Errors never freeze the page: a panic in the worker shows a message and a way to start
// again, and the restarted trainer works, with the data and the chapter that were in use.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openLab, state, chart, pageModule, panicTrainer, trapNextDraw, untilLab, untilTrainer, chooseChapter, text,
} from './lab.mjs';

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
  await untilTrainer(page, (s) => s.step > 20);
  await panicTrainer(page);
  await page.waitForSelector('#fatal:not([hidden])');
  assert.match(await text(page, '#fatal-msg'), /a panic asked for by the test/);
  // The page itself still answers, and the controls are off until the restart.
  assert.equal(await page.isDisabled('#train'), true);
  assert.equal(await page.evaluate(() => 1 + 1), 2);
  const { dead: panics } = await state(page);
  assert.equal(panics, true);
  await page.click('#restart');
  await untilTrainer(page, (s) => s.ready && !s.dead && s.chapter === 'batchnorm');
  assert.equal(await page.isHidden('#fatal'), true);
  assert.match(await text(page, '#notice'), /restarted/);
  await page.click('#step');
  await untilTrainer(page, (s) => s.step === 1);
  const st = await state(page);
  assert.equal(st.chapter, 'batchnorm');
  assert.equal(await text(page, '#data-names'), '32,033');
  // The only console errors are the panic's own report.
  for (const e of app.errors()) assert.match(e, /a (panic|trap) asked for by the test|unreachable/, e);
  assert.deepEqual(app.foreignRequests(), []);
});

test('a trainer that fails again right after a restart is not restarted the same way', async () => {
  // A page of its own: the first test's restart is too recent.
  const own = await openLab();
  const page = own.page;
  const crash = async () => {
    await panicTrainer(page);
    await page.waitForSelector('#fatal:not([hidden])');
  };
  await chooseChapter(page, 'kaiming');
  await page.click('#custom summary');
  await page.fill('#knob-n_hidden', '64');
  await page.click('#custom-apply');
  await untilTrainer(page, (s) => s.knobs.n_hidden === '64');
  await page.click('#custom summary');
  await crash();
  await page.click('#restart');
  await untilTrainer(page, (s) => s.ready && s.knobs.n_hidden === '64');
  // Crashing again at once: the next restart drops the custom settings...
  await crash();
  await page.click('#restart');
  await untilTrainer(page, (s) => s.ready && s.chapter === 'kaiming' && s.knobs.n_hidden === '200');
  assert.match(await text(page, '#notice'), /chapter's own settings/);
  // ...and the one after that the chapter too.
  await crash();
  await page.click('#restart');
  await untilTrainer(page, (s) => s.ready && s.chapter === 'lr-finder');
  assert.match(await text(page, '#notice'), /default names and the first chapter/);
  await own.close();
});

test('a trap while drawing a chart: a fresh wasm instance takes over and the charts draw on', async () => {
  await page.click('#step');
  await untilTrainer(page, (s) => s.step >= 1);
  const before = await pageModule(page);
  await trapNextDraw(page);
  await page.click('#step');
  await untilLab(page, (lab) => lab.module().traps === 1 && !lab.module().recovering && lab.module().ready);
  assert.equal((await pageModule(page)).instances > before.instances, true, 'a new instance');
  // Of the page's own module, not a training build (the request's event may come a little later).
  const fresh = () => [...new Set(app.requests.map((u) => new URL(u))
    .filter((u) => u.search.startsWith('?instance=')).map((u) => u.pathname))];
  for (let i = 0; i < 50 && !fresh().length; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(fresh(), ['/pkg/page/makemore_lab.js']);
  const { draws } = await chart(page, 'loss');
  await page.click('#step');
  await untilLab(page, (lab, d) => lab.chart('loss').draws > d, draws);
  assert.equal(await page.isHidden('#fatal'), true, 'no fatal message: the page goes on');
});
