// One step in slow motion, as a student uses it: pick a cell of the saturation map (its column
// the neuron, its row the example), take the step, and read the neuron's numbers in backprop's
// order; the update's numbers are exact, so before - lr x grad = after checks on screen; a
// saturated unit says that almost nothing passes back. Writes docs/slow-motion-1366x768.png.
// Needs www/pkg/ (`cargo xtask build`).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openLab, state, text, until, untilTrainer, untilLab, locate } from './lab.mjs';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const apps = [];
after(async () => {
  for (const a of apps) await a.close();
});

/** The slow-motion table: {what, value, note} per row. */
function rows(page) {
  return page.$$eval('#slow-table tbody tr', (trs) => trs.map((tr) => ({
    what: tr.children[0].textContent, value: tr.children[1].textContent, note: tr.children[2].textContent,
  })));
}

/** The fix-softmax chapter (most units saturated) after one step, its map drawn. */
async function afterOneStep() {
  const app = await openLab('?chapter=fix-softmax');
  apps.push(app);
  const { page } = app;
  await page.click('#step');
  await untilTrainer(page, (s) => s.step >= 1 && s.diagStep !== null);
  await untilLab(page, (lab) => lab.chart('map').draws > 0);
  return page;
}

test('a picked neuron, one step in slow motion, its update exact to the bit', async () => {
  const page = await afterOneStep();
  // A cell of the map.
  const at = await locate(page, 'map', { kind: 'cell', row: 2, col: 5 });
  assert.ok(at, 'cell (2, 5) is drawn');
  await page.locator('figure[data-chart="map"] canvas').click({ position: { x: at[0], y: at[1] } });
  // The fields follow the cell picked (where the click landed).
  await until(page, () => window.__labSeam.pick('map') !== null);
  const picked = await page.evaluate(() => window.__labSeam.pick('map'));
  await until(page, (p) => document.getElementById('slow-neuron').value === String(p.col) && document.getElementById('slow-example').value === String(p.row), picked);
  await page.evaluate(() => { document.getElementById('slow-motion').open = true; });
  const step = (await state(page)).step;
  await page.click('#slow-go');
  await until(page, () => !document.getElementById('slow-table').hidden);
  await untilTrainer(page, (s, n) => s.step > n, step);
  const title = await text(page, '#slow-title');
  assert.match(title, /^Step 2 in slow motion: neuron \d+ of the first hidden layer, example \d+ \(context '.{3}'\)$/);
  assert.ok(title.includes(`neuron ${picked.col} `) && title.includes(`example ${picked.row} `), title);
  const r = await rows(page);
  const order = ['inputs x', 'its weights W[:, j] before', 'its bias b[j] before', 'pre-activation', 'h = tanh', 'dloss/dh', "tanh's local slope", 'dloss/d(pre-activation)', 'dloss/dW[:, j]', 'learning rate', 'lr × grad', 'weights after', 'its bias after', "the batch's loss"];
  assert.deepEqual(r.map((x) => order.findIndex((o) => x.what.startsWith(o))), order.map((_, i) => i), JSON.stringify(r.map((x) => x.what)));
  // before - lr x grad = after, in f32, for each weight shown.
  // Each value is written as the shortest text that reads back to its f32: Math.fround reads it.
  const nums = (what) => r.find((x) => x.what.startsWith(what)).value.split(', ').filter((v) => !v.startsWith('…')).map((v) => Math.fround(Number(v)));
  const [before, lrGrad, after] = [nums('its weights W[:, j] before'), nums('lr × grad'), nums('weights after')];
  const lr = Math.fround(Number(r.find((x) => x.what.startsWith('learning rate')).value));
  const grad = nums('dloss/dW[:, j]');
  assert.equal(before.length, 6);
  const fused = r.find((x) => x.what.startsWith('weights after')).note.includes('fused');
  for (let i = 0; i < 6; i++) {
    assert.equal(lrGrad[i], Math.fround(lr * grad[i]), `lr × grad ${i}`);
    const two = Math.fround(before[i] - lrGrad[i]);
    const one = Math.fround(before[i] - lr * grad[i]); // exact product, then one rounding (near enough to an FMA here)
    assert.ok(after[i] === two || (fused && after[i] === one), `weight ${i}: ${before[i]} - ${lrGrad[i]} = ${after[i]}?`);
  }
  // The slope is 1 - h², and a saturated unit says so.
  const h = Number(r.find((x) => x.what.startsWith('h = tanh')).value);
  const slope = Number(r.find((x) => x.what.startsWith("tanh's local slope")).value);
  assert.ok(Math.abs(slope - (1 - h * h)) < 1e-6, `${slope} vs 1 - ${h}²`);
  const note = r.find((x) => x.what.startsWith("tanh's local slope")).note;
  assert.equal(Math.abs(h) > 0.99, /almost nothing passes back/.test(note), note);
  mkdirSync(DOCS, { recursive: true });
  await page.locator('#slow-motion').screenshot({ path: `${DOCS}slow-motion-1366x768.png` });
  // A neuron that is not there: a sentence, and no step.
  const now = (await state(page)).step;
  await page.fill('#slow-neuron', '999');
  await page.click('#slow-go');
  await until(page, () => /there is no neuron 999/.test(document.getElementById('slow-msg').textContent));
  assert.equal((await state(page)).step, now);
});

test('a saturated neuron, picked on the map, shows a slope near zero, and almost no gradient passes through it', async () => {
  const page = await afterOneStep();
  // The column of the map with the most saturated (white) cells, and a white cell of it.
  const cell = await page.evaluate(() => {
    const s = window.__labSeam.chart('map').view.spec.saturation;
    let best = { col: 0, count: -1 };
    for (let c = 2; c < s.cols - 2; c++) {
      let n = 0;
      for (let r = 0; r < s.rows; r++) n += s.values[r * s.cols + c] === 1 ? 1 : 0;
      if (n > best.count) best = { col: c, count: n };
    }
    // A white cell away from the map's edges (a click lands within a cell or two of it).
    const rows = [...Array(s.rows).keys()].filter((r) => s.values[r * s.cols + best.col] === 1);
    const row = rows.reduce((a, r) => (Math.abs(r - s.rows / 2) < Math.abs(a - s.rows / 2) ? r : a), rows[0]);
    return { row, col: best.col, count: best.count, rows: s.rows };
  });
  assert.ok(cell.count >= cell.rows * 0.75, `a mostly saturated neuron: ${JSON.stringify(cell)}`);
  // The questions fold away after the first step and the key charts grow: the map is located
  // once its layout has settled.
  await until(page, () => document.getElementById('questions').classList.contains('none'));
  await untilLab(page, (lab) => !lab.chart('map').pending);
  const at = await locate(page, 'map', { kind: 'cell', row: cell.row, col: cell.col });
  await page.locator('figure[data-chart="map"] canvas').click({ position: { x: at[0], y: at[1] } });
  await until(page, () => window.__labSeam.pick('map') !== null);
  const picked = await page.evaluate(() => window.__labSeam.pick('map'));
  await until(page, (p) => document.getElementById('slow-neuron').value === String(p.col), picked);
  await page.evaluate(() => { document.getElementById('slow-motion').open = true; });
  // The step in slow motion takes the next batch: its example may sit elsewhere; a few steps
  // of the same neuron find it saturated.
  let seen = null;
  for (let i = 0; i < 6 && !seen; i++) {
    await page.fill('#slow-example', String(i));
    const step = (await state(page)).step;
    await page.click('#slow-go');
    await untilTrainer(page, (s, n) => s.step > n, step);
    await until(page, (n) => document.getElementById('slow-title').textContent.startsWith(`Step ${n + 1} `), step);
    const r = await rows(page);
    const h = Number(r.find((x) => x.what.startsWith('h = tanh')).value);
    if (Math.abs(h) > 0.99) seen = r;
  }
  assert.ok(seen, `neuron ${picked.col} saturated in one of six examples`);
  const slope = Number(seen.find((x) => x.what.startsWith("tanh's local slope")).value);
  assert.ok(slope < 1 - 0.99 * 0.99, `slope ${slope}`);
  assert.match(seen.find((x) => x.what.startsWith("tanh's local slope")).note, /almost nothing passes back/);
  const dh = Math.abs(Number(seen.find((x) => x.what.startsWith('dloss/dh')).value));
  const dpre = Math.abs(Number(seen.find((x) => x.what.startsWith('dloss/d(pre-activation)')).value));
  assert.ok(dpre <= dh * 0.02 + 1e-12, `the gradient through it: ${dpre} of ${dh}`);
});
