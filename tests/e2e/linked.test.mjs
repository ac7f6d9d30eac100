// Linked views: pointing at a letter of the embedding lists its nearest neighbours, at a cell
// of the saturation map names the example (its context) and the neuron, at a layer in one
// per-layer chart picks it in all of them; the same from the keyboard; and after a run of a
// BatchNorm model, the val loss in train mode beside eval mode. Needs www/pkg/ (`cargo xtask build`).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openLab, state, chart, pick, locate, until, untilLab, untilTrainer, setBudget, canvas,
} from './lab.mjs';

let app;
let page;
before(async () => {
  app = await openLab('?chapter=deep');
  page = app.page;
  await setBudget(page, 200);
  await page.click('#train');
  await untilLab(page, (lab) => lab.trainer().finished && !lab.trainer().evaluating
    && /train mode/.test(document.querySelector('figure[data-chart="loss"] .readout').textContent), null, 90_000);
});
after(async () => {
  await app?.close();
});

const picked = (chart) => page.evaluate((n) => {
  const p = document.getElementById(`picked-${n}`);
  return p.hidden ? '' : p.textContent;
}, chart);

/** Clicks chart `name` where the wasm says `pick` is drawn. */
async function clickOn(name, item) {
  const fig = page.locator(`figure[data-chart="${name}"]`);
  await fig.scrollIntoViewIfNeeded();
  await canvas(page, name); // drawn at its current size
  const at = await locate(page, name, item);
  assert.ok(at, `${name}: ${JSON.stringify(item)} is drawn`);
  await fig.locator('canvas').click({ position: { x: at[0], y: at[1] } });
}

const spec = async (name) => (await chart(page, name)).view.spec;

test('after the run, the loss text gives the val loss in train mode and in eval mode', async () => {
  const text = await page.locator('figure[data-chart="loss"] .readout').innerText();
  const m = text.match(/val split at step 200: train mode \(batch statistics, batches of 32(?:, the last of \d+)?\): (\d+\.\d+), eval mode \(running statistics\): (\d+\.\d+)/);
  assert.ok(m, text);
  const val = text.match(/full splits at step 200: train \d+\.\d+, val (\d+\.\d+)/)[1];
  assert.equal(m[2], val, 'eval mode is the val point');
  assert.ok(Math.abs(Number(m[1]) - Number(m[2])) < 0.3, `${m[1]} vs ${m[2]}`);
});

test('pointing at a letter lists its nearest neighbours and rings them', async () => {
  const { embedding } = await spec('embedding');
  const index = embedding.chars.indexOf('a');
  const before = await canvas(page, 'embedding');
  await clickOn('embedding', { kind: 'point', index });
  await until(page, () => !document.getElementById('picked-embedding').hidden);
  const text = await picked('embedding');
  const m = text.match(/^'a' at \(-?\d+\.\d\d, -?\d+\.\d\d\); nearest in this plot: (.*)$/);
  assert.ok(m, text);
  const near = m[1].split(', ').map((s) => s.match(/^'(.)' (\d+\.\d\d)$/));
  assert.equal(near.length, 4, text);
  const d = near.map((x) => Number(x[2]));
  assert.deepEqual([...d].sort((a, b) => a - b), d, 'nearest first');
  // The distances are those of the plotted points.
  const at = (c) => embedding.chars.indexOf(c);
  const dist = Math.hypot(embedding.xs[at(near[0][1])] - embedding.xs[index], embedding.ys[at(near[0][1])] - embedding.ys[index]);
  assert.ok(Math.abs(dist - d[0]) < 0.006, `${dist} vs ${d[0]}`);
  assert.notEqual((await canvas(page, 'embedding')).hash, before.hash, 'the highlight is drawn');
  assert.deepEqual(await pick(page, 'embedding'), { kind: 'point', index });
});

test('pointing at a map cell names the example, its context and the neuron', async () => {
  const { saturation } = await spec('map');
  const before = await canvas(page, 'map');
  await clickOn('map', { kind: 'cell', row: 5, col: 7 });
  await until(page, () => !document.getElementById('picked-map').hidden);
  // A column is under 2 pixels wide here: the click lands on that cell or its neighbour.
  const { row, col } = await pick(page, 'map');
  assert.equal(row, 5);
  assert.ok(Math.abs(col - 7) <= 1, `column ${col}`);
  const text = await picked('map');
  const ctx = saturation.contexts[5];
  assert.equal(ctx.length, 3);
  const white = saturation.values[5 * saturation.cols + col] === 1;
  const count = [...Array(saturation.rows).keys()].filter((r) => saturation.values[r * saturation.cols + col] === 1).length;
  assert.equal(text, `example 5: context '${ctx}' → neuron ${col}: ${white ? 'saturated (white)' : 'not saturated (black)'}; neuron ${col} is saturated for ${count === 32 ? 'all 32 examples: dead on this batch' : `${count} of 32 examples`}`);
  assert.notEqual((await canvas(page, 'map')).hash, before.hash, 'the highlight is drawn');
});

test('a layer picked in one per-layer chart is picked in the others', async () => {
  const before = await canvas(page, 'grads');
  await clickOn('acts', { kind: 'layer', layer: 3 });
  await until(page, () => !document.getElementById('picked-grads').hidden);
  // The third Tanh (layer 8 of Linear, BatchNorm1d, Tanh, ...) and the Linear before it (6).
  assert.match(await picked('acts'), /^picked: layer 8 \(Tanh\): mean \S+, std \d\.\d\d, saturated \d+\.\d%$/);
  assert.match(await picked('grads'), /^picked: layer 8 \(Tanh\): mean [+-]\d\.\de[+-]\d+, std \d\.\de[+-]\d+$/);
  assert.match(await picked('ratios'), /^picked: layers\.6 \(200, 200\): 10\^-\d\.\d\d at the last point$/);
  assert.match(await picked('weight_grads'), /^picked: \d+ \(200, 200\)$/);
  assert.deepEqual(await pick(page, 'acts'), { kind: 'layer', layer: 3 }, 'the per-layer charts\' pick');
  assert.notEqual((await canvas(page, 'grads')).hash, before.hash, 'the other chart draws the layer standing out');
  // Clicking a curve of the ratio chart picks its layer everywhere.
  const ratios = await spec('ratios');
  assert.equal(ratios.update_ratios.layers.length, 7);
  await clickOn('ratios', { kind: 'layer', layer: 0 });
  await until(page, () => /embedding C/.test(document.getElementById('picked-acts').textContent));
  assert.equal(await picked('acts'), 'picked: the embedding C, which has no curve in this chart');
  assert.match(await picked('ratios'), /^picked: C \(27, 10\): 10\^-\d\.\d\d at the last point$/);
});

test('the keyboard picks too: arrow keys move, Escape clears, the chapter stays', async () => {
  const chapter = (await state(page)).chapter;
  const { embedding } = await spec('embedding');
  await page.focus('figure[data-chart="embedding"] canvas');
  await page.keyboard.press('ArrowRight');
  const b = embedding.chars.indexOf('a') + 1;
  await until(page, (c) => document.getElementById('picked-embedding').textContent.startsWith(`'${c}' at`), embedding.chars[b]);
  await page.keyboard.press('ArrowLeft');
  await until(page, () => document.getElementById('picked-embedding').textContent.startsWith("'a' at"));
  await page.keyboard.press('Escape');
  await until(page, () => document.getElementById('picked-embedding').hidden);
  assert.equal(await pick(page, 'embedding'), null);

  const { col } = await pick(page, 'map');
  await page.focus('figure[data-chart="map"] canvas');
  await page.keyboard.press('ArrowDown');
  await until(page, () => document.getElementById('picked-map').textContent.startsWith('example 6:'));
  await page.keyboard.press('ArrowLeft');
  await until(page, (j) => document.getElementById('picked-map').textContent.includes(`→ neuron ${j}:`), col - 1);
  assert.deepEqual(await pick(page, 'map'), { kind: 'cell', row: 6, col: col - 1 });

  await page.focus('figure[data-chart="ratios"] canvas');
  await page.keyboard.press('Escape');
  await page.keyboard.press('ArrowRight'); // the first: C
  await until(page, () => /embedding C/.test(document.getElementById('picked-acts').textContent));
  await page.keyboard.press('ArrowRight'); // the first Linear
  await until(page, () => /^picked: layer 2 \(Tanh\)/.test(document.getElementById('picked-acts').textContent));
  await page.keyboard.press('ArrowRight');
  await until(page, () => /^picked: layer 5 \(Tanh\)/.test(document.getElementById('picked-grads').textContent));
  assert.match(await picked('ratios'), /^picked: layers\.3 \(200, 200\)/);
  await page.keyboard.press('Escape');
  await until(page, () => ['acts', 'grads', 'ratios', 'weight_grads'].every((n) => document.getElementById(`picked-${n}`).hidden));
  assert.equal((await state(page)).chapter, chapter, 'the arrows on a chart do not change the chapter');
  const focusable = await page.evaluate(() => ['embedding', 'map', 'acts', 'grads', 'ratios', 'weight_grads']
    .map((n) => document.querySelector(`figure[data-chart="${n}"] canvas`).tabIndex));
  assert.deepEqual(focusable, [0, 0, 0, 0, 0, 0]);
});

test('a dead neuron: a white column says so', async () => {
  // Weights x10 at init: nearly every tanh sits at +-1, whole columns turn white.
  await page.click('#chapter-list button[data-chapter="kaiming"]');
  await untilTrainer(page, (s) => s.chapter === 'kaiming');
  await page.click('button[data-experiment="weights-x10"]');
  await untilTrainer(page, (s) => s.experiment === 'weights-x10');
  await page.click('#step');
  await untilLab(page, (lab) => lab.chart('map').view?.spec.saturation?.rows > 0);
  const { saturation: m } = await spec('map');
  const dead = [...Array(m.cols).keys()].find((j) => [...Array(m.rows).keys()].every((r) => m.values[r * m.cols + j] === 1));
  assert.ok(dead !== undefined, 'a dead column at the first step');
  await clickOn('map', { kind: 'cell', row: 2, col: dead });
  await untilLab(page, (lab) => lab.pick('map'));
  // A column is under 2 pixels wide: the arrows finish what the click began.
  const { col } = await pick(page, 'map');
  for (let i = col; i !== dead; i += Math.sign(dead - col)) await page.keyboard.press(dead > col ? 'ArrowRight' : 'ArrowLeft');
  await until(page, (j) => document.getElementById('picked-map').textContent.endsWith(`neuron ${j} is saturated for all 32 examples: dead on this batch`), dead);
});

test('a key pressed right after the pointer moved keeps its pick', async () => {
  // The pointer's pick waits for the next frame; a key pressed before that frame wins (it
  // was undone by the pointer's stale pick, which made the test above fail at times).
  const at = await locate(page, 'map', { kind: 'cell', row: 1, col: 1 });
  assert.ok(at, 'cell (1, 1) is drawn');
  const [keyed, later] = await page.evaluate(([x, y]) => new Promise((done) => {
    const c = document.querySelector('figure[data-chart="map"] canvas');
    const r = c.getBoundingClientRect();
    c.dispatchEvent(new PointerEvent('pointermove', {
      clientX: r.left + x, clientY: r.top + y, movementX: 1, movementY: 1, pointerType: 'mouse', bubbles: true,
    }));
    c.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }));
    const now = window.__labSeam.pick('map');
    requestAnimationFrame(() => requestAnimationFrame(() => done([now, window.__labSeam.pick('map')])));
  }), at);
  assert.equal(keyed?.kind, 'cell', 'the key picked a cell');
  assert.notDeepEqual([keyed.row, keyed.col], [1, 1]);
  assert.deepEqual(later, keyed, 'two frames on, the pick is still the key\'s');
});

test('pointing (hovering) at a letter picks it, without a click', async () => {
  await page.click('#chapter-list button[data-chapter="deep"]');
  await untilTrainer(page, (s) => s.chapter === 'deep');
  await page.click('#step');
  await untilLab(page, (lab) => lab.chart('embedding').view && lab.trainer().step === 1);
  const { embedding } = await spec('embedding');
  const index = embedding.chars.indexOf('m');
  const fig = page.locator('figure[data-chart="embedding"]');
  await fig.scrollIntoViewIfNeeded();
  await canvas(page, 'embedding');
  const at = await locate(page, 'embedding', { kind: 'point', index });
  await fig.locator('canvas').hover({ position: { x: at[0], y: at[1] } });
  await until(page, () => document.getElementById('picked-embedding').textContent.startsWith("'m' at"));
});
