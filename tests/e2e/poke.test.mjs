// Poking the network: the step-through sampler (one character at a time, the softmax over the
// vocabulary, the chosen one), scoring a typed name against a jumble, and the lecture's plots of
// every weight's gradient and BatchNorm's running statistics. Needs www/pkg/ (`cargo xtask build`).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, state, until, trainTo, text, canvas } from './lab.mjs';

let app;
let page;
before(async () => {
  app = await openLab('?chapter=deep');
  page = app.page;
  await trainTo(page, 300);
});
after(async () => {
  await app?.close();
});

const readout = (chart) => text(page, `figure[data-chart="${chart}"] .readout`);
// The tools of the sampler and score charts, by their names (their markup may move).
const button = (name) => page.getByRole('button', { name, exact: true });

test('the step-through sampler draws one character at a time, mid-training too', async () => {
  const step = (await state(page)).step;
  await button('New name').click();
  await until(page, () => /press Next character/.test(document.querySelector('figure[data-chart="sampler"] .readout').textContent));
  await button('Next character').click();
  await until(page, () => /→ '/.test(document.querySelector('figure[data-chart="sampler"] .readout').textContent));
  assert.match(await readout('sampler'), /context \[\. \. \.\] → '.' with p = 0\.\d{4} \(-ln p = \d+\.\d{3}\)/);
  const drawn = await canvas(page, 'sampler');
  assert.ok(drawn.inked > 2000, `the softmax bars: ${drawn.inked} pixels`);
  await button('Next character').click();
  await until(page, () => /2 characters drawn|\(done\)/.test(document.querySelector('figure[data-chart="sampler"] .readout').textContent));
  await button('Finish').click();
  await until(page, () => /\(done\)/.test(document.querySelector('figure[data-chart="sampler"] .readout').textContent));
  assert.match(await readout('sampler'), /-log p summed \d+\.\d{3} \(mean \d+\.\d{3} per character; a uniform guess: 3\.296\)/);
  assert.equal((await state(page)).step, step, 'sampling took no training step');
});

test('a real name scores far better than a jumble', async () => {
  const mean = async () => Number((await readout('score')).match(/mean (\d+\.\d+) per character/)[1]);
  await page.getByLabel('a name', { exact: true }).fill('emma');
  await button('Score it').click();
  await until(page, () => /“emma”/.test(document.querySelector('figure[data-chart="score"] .readout').textContent));
  const real = await mean();
  await button('try “xqzjv”').click();
  await until(page, () => /“xqzjv”/.test(document.querySelector('figure[data-chart="score"] .readout').textContent));
  const jumble = await mean();
  assert.ok(real + 1 < jumble, `emma ${real} vs xqzjv ${jumble}`);
  assert.ok((await canvas(page, 'score')).inked > 1000);
  await page.getByLabel('a name', { exact: true }).fill('zoë');
  await button('Score it').click();
  await until(page, () => /not in the vocabulary/.test(document.querySelector('figure[data-chart="sampler"] [role="status"]').textContent));
});

test("the lecture's plots: every weight's gradient, and BatchNorm's running statistics", async () => {
  assert.match(await readout('weight_grads'), /weight\s+\(27, 10\) \| mean [+-]\d\.\d{6} \| std \d\.\d{6}e-\d\d \| grad:data ratio \d\.\d{6}e-\d\d/);
  assert.match(await readout('running'), /layer 1: largest \|running - batch\|: mean/);
  for (const chart of ['weight_grads', 'running']) {
    assert.ok((await canvas(page, chart)).inked > 1500, chart);
  }
  assert.deepEqual(app.errors(), []);
});
