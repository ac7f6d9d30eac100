// The lecture's exercises on the page. E01: in the "All weights zero" experiment, the
// update:data chart's text says that only the output bias moved from its start. E02: after a few hundred steps of the BatchNorm chapter,
// "Fold BatchNorm" (in the runs row) answers with the folded first Linear, the parameter counts
// and the val loss before and after, the same; without BatchNorm the worker refuses with a
// sentence. Needs www/pkg/.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, chooseChapter, trainTo, text, until, untilTrainer } from './lab.mjs';

let app;
let page;
before(async () => {
  app = await openLab('?chapter=batchnorm');
  page = app.page;
  await trainTo(page, 300);
});
after(async () => {
  await app?.close();
});

/** Clicks "Fold BatchNorm" and waits for the fold line to change from `old`. */
async function fold(old) {
  await page.click('#fold-bn');
  await until(page, (o) => {
    const t = document.getElementById('fold-msg').textContent;
    return t !== '' && t !== o;
  }, old);
  return text(page, '#fold-msg');
}

test('folding the BatchNorm chapter keeps the val loss and drops parameters', async () => {
  const said = await fold('');
  assert.match(said, /^BatchNorm folded into the Linear before it, at step [\d,]+:/, said);
  assert.match(said, /W' = W · γ \/ σ per output column is 30 × 200 \(/, said);
  const params = said.match(/Parameters: ([\d,]+) before, ([\d,]+) after/);
  assert.ok(params, said);
  const [before, afterFold] = params.slice(1).map((s) => Number(s.replaceAll(',', '')));
  assert.ok(afterFold < before, `${afterFold} < ${before}`);
  const loss = said.match(/Val loss in eval mode: ([\d.]+) before, ([\d.]+) after/);
  assert.ok(loss, said);
  assert.equal(loss[1], loss[2], said);
  assert.ok(Number(loss[1]) < 3.0, `trained: ${loss[1]}`);
});

test('a model without BatchNorm is refused with a sentence', async () => {
  const old = await text(page, '#fold-msg');
  await chooseChapter(page, 'kaiming');
  const said = await fold(old);
  assert.match(said, /no BatchNorm layer, so there is nothing to fold/, said);
});

test('with every weight zero, the update:data text says only the output bias moved', async () => {
  await chooseChapter(page, 'kaiming');
  await page.click('#break-list button[data-experiment="zero-init"]');
  await untilTrainer(page, (s) => s.experiment === 'zero-init');
  assert.match(await text(page, '#run-experiment'), /only the output bias moved/);
  await trainTo(page, 50);
  await until(page, () => /layers\.2\.bias [1-9]/.test(document.querySelector('figure[data-chart="ratios"] .readout').textContent));
  const said = await page.locator('figure[data-chart="ratios"] .readout').textContent();
  assert.match(said, /How far each tensor moved from its start/, said);
  assert.match(said, /C 0\.00 \(0\.0%\) · layers\.0\.weight 0\.00, all equal · layers\.0\.bias 0\.00, all equal · layers\.2\.weight 0\.00, all equal · layers\.2\.bias \d/, said);
});
