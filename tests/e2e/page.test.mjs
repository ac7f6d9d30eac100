// The page end to end, in one browser session: the default data, training, every chart, the
// controls, sampling, the learning rate, NaN handling, long tasks, and the screenshot.
// Needs www/pkg/ (`cargo xtask build`); `cargo xtask test` runs it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WWW } from './harness.mjs';
import {
  openLab, state, chart, losses, evals, until, untilLab, untilTrainer, chooseChapter, setBudget, pause, trainTo, canvas,
  canvases, text, mean,
} from './lab.mjs';

const DIAG_CHARTS = ['embedding', 'preact', 'map', 'acts', 'grads'];
const num = (s) => Number(s.replace(/,/g, ''));
let app;
let page;

before(async () => {
  app = await openLab();
  page = app.page;
});

after(async () => {
  await app?.close();
});

test('loads without errors and shows the default data', async () => {
  const names = readFileSync(`${WWW}/names.txt`, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  const vocab = new Set(names.join(''));
  assert.equal(num(await text(page, '#data-names')), names.length);
  assert.equal(names.length, 32033);
  assert.equal(num(await text(page, '#data-vocab-size')), vocab.size + 1, "the letters and '.'");
  assert.equal(await text(page, '#data-vocab'), '.' + [...vocab].sort().join(''));
  // Every name gives (letters + 1) examples; the page's split must account for all of them.
  const total = names.reduce((s, n) => s + [...n].length + 1, 0);
  const train = num(await text(page, '#data-train'));
  const val = num(await text(page, '#data-val'));
  assert.equal(train + val, total);
  const split = await page.getAttribute('#data-stats', 'title');
  const [trainNames, valNames] = split.match(/\d[\d,]*/g).map(num);
  assert.equal(trainNames, Math.floor(0.9 * names.length));
  assert.equal(trainNames + valNames, names.length);
  assert.ok(Math.abs(val / total - valNames / names.length) < 0.01, `val share ${val / total}`);
  assert.equal((await state(page)).step, 0);
  assert.deepEqual(app.errors(), []);
});

test('the Kaiming demo is drawn for the run and follows the settings', async () => {
  const a = await canvas(page, 'kaiming');
  assert.ok(a.inked > 2000, `inked ${a.inked}`);
  await chooseChapter(page, 'kaiming'); // n_embd 10: fan_in 30 instead of 6
  const b = await canvas(page, 'kaiming');
  assert.notEqual(a.hash, b.hash);
  assert.match(await text(page, 'figure[data-chart="kaiming"] .readout'), /sqrt\(30\)/);
});

test('training runs, the loss falls, and every chart is drawn and changes', async () => {
  // The chapter's own budget (100k steps) is far more than the test trains.
  const empty = await canvases(page, ['loss', 'ratios', ...DIAG_CHARTS]);
  await page.click('#train');
  await untilTrainer(page, (s) => s.step >= 300 && s.diagStep > 0);
  const mid = await canvases(page, ['loss', 'ratios', ...DIAG_CHARTS]);
  const midStep = (await state(page)).step;
  await untilTrainer(page, (st, s) => st.diagStep > s + 300 && st.step > s + 300, midStep);
  const late = await canvases(page, ['loss', 'ratios', ...DIAG_CHARTS]);
  await pause(page);
  for (const name of Object.keys(mid)) {
    assert.ok(mid[name].inked > 1500, `${name} is drawn (${mid[name].inked} pixels)`);
    assert.notEqual(mid[name].hash, empty[name].hash, `${name} changed from before training`);
    assert.notEqual(late[name].hash, mid[name].hash, `${name} changed while training`);
  }
  const l = await losses(page);
  assert.ok(l.length > 300, `${l.length} points`);
  // Points are means of 1, 2, 4... steps as the run grows (the page keeps at most 2,048).
  const first = mean(l.slice(0, 3));
  const last = mean(l.slice(-20));
  assert.ok(last < first - 0.5, `loss fell: ${first.toFixed(3)} -> ${last.toFixed(3)}`);
  // Key numbers as text too.
  assert.match(await text(page, 'figure[data-chart="acts"] .readout'), /layer 1 \(Tanh\): mean [+-]\d\.\d\d, std \d\.\d\d, saturated \d+\.\d%/);
  assert.match(await text(page, 'figure[data-chart="map"] .readout'), /dead on this batch/);
  assert.match(await text(page, 'figure[data-chart="ratios"] .readout'), /C \(27, 10\): 10\^-\d\.\d\d/);
});

test('pause stops the steps and Step does exactly one', async () => {
  await page.click('#train');
  await untilTrainer(page, (st, s) => st.step > s + 100, (await state(page)).step);
  await pause(page);
  const s0 = (await state(page)).step;
  await page.waitForTimeout(600);
  assert.equal((await state(page)).step, s0, 'no steps while paused');
  await page.click('#step');
  await untilTrainer(page, (st, s) => st.step === s + 1, s0);
  await page.waitForTimeout(400);
  const s1 = await state(page);
  assert.equal(s1.step, s0 + 1);
  assert.equal(s1.running, false);
});

test('keyboard: space trains and pauses', async () => {
  await page.locator('#charts').click({ position: { x: 5, y: 5 } });
  const s0 = (await state(page)).step;
  await page.keyboard.press(' ');
  await untilTrainer(page, (st, s) => st.running && st.step > s + 20, s0);
  await page.keyboard.press(' ');
  await untilTrainer(page, (s) => !s.running);
});

test('reset gives the same first loss; a new seed another one', async () => {
  const { firstLoss } = await state(page);
  assert.ok(firstLoss > 3 && firstLoss < 4, `first loss ${firstLoss}`);
  const seed = await text(page, '#seed');
  await page.click('#reset');
  await untilLab(page, (lab) => lab.trainer().step === 0 && lab.chart('loss').view?.spec.loss.losses.length === 0);
  assert.equal(await text(page, '#seed'), seed);
  await page.click('#step');
  await untilTrainer(page, (s) => s.step === 1);
  assert.equal((await state(page)).firstLoss, firstLoss);
  assert.deepEqual(await losses(page), [firstLoss]);
  // The run before stays on the loss chart, faded, until cleared.
  assert.equal((await chart(page, 'loss')).view.spec.loss.earlier_runs.length, 1);
  assert.match(await text(page, 'figure[data-chart="loss"] .readout'), /earlier runs/);
  await page.click('#new-seed');
  await until(page, (s) => document.getElementById('seed').textContent !== s, seed);
  await page.click('#step');
  await untilTrainer(page, (s) => s.step === 1);
  assert.notEqual((await state(page)).firstLoss, firstLoss);
  const before = await canvas(page, 'loss');
  await page.click('#clear-runs');
  await untilLab(page, (lab) => lab.chart('loss').view.spec.loss.earlier_runs.length === 0);
  assert.notEqual((await canvas(page, 'loss')).hash, before.hash);
});

test('sampling shows names, even mid-training', async () => {
  await page.fill('#sample-n', '12');
  await page.click('#train');
  await untilTrainer(page, (s) => s.step > 200);
  await page.click('#sample');
  await until(page, () => document.querySelectorAll('#samples li').length === 12);
  const st = await state(page);
  assert.ok(st.running, 'training went on');
  const items = await page.$$eval('#samples li', (lis) => lis.map((li) => ({
    name: li.querySelector('.name').textContent,
    tag: li.querySelector('.tag').textContent,
  })));
  for (const { name, tag } of items) {
    assert.match(name, /^[a-z]*…?$/, name);
    assert.ok(['not in the list', 'in train', 'in val'].includes(tag), tag);
  }
  assert.ok(items.some(({ name }) => name.length > 1));
  assert.match(await text(page, '#sample-msg'), /12 names at step/);
  await pause(page);
});

test('the learning rate changes while paused; lr 100 stops with a message', async () => {
  const s0 = (await state(page)).step;
  await page.fill('#lr', '0.05');
  await page.click('#lr-set');
  await untilTrainer(page, (s) => s.lrOverride && s.lrText === '0.05');
  await page.click('#step');
  await untilTrainer(page, (st, s) => st.step === s + 1, s0);
  assert.match(await text(page, '#lr-note'), /your rate \(0\.05\) replaces the schedule/);

  await page.fill('#lr', '100');
  await page.click('#lr-set');
  await untilTrainer(page, (s) => s.lrOverride && s.lrText === '100');
  const good = (await state(page)).step;
  await page.click('#train');
  await until(page, () => /learning rate is too high/.test(document.getElementById('notice').textContent));
  const st = await state(page);
  assert.equal(st.running, false, 'training stopped');
  assert.ok(st.step <= good, `the last good weights: step ${st.step} <= ${good}`);
  const l = await losses(page);
  assert.ok(l.every((x) => Number.isFinite(x) && x < 10), 'no exploded loss kept');
  // A sane rate trains on from there.
  await page.fill('#lr', '0.1');
  await page.click('#lr-set');
  await untilTrainer(page, (s) => s.lrOverride && s.lrText === '0.1');
  await page.click('#step');
  await untilTrainer(page, (t, s) => t.step === s + 1, st.step);
  assert.ok((await losses(page)).at(-1) < 5);
  await page.click('#lr-schedule');
  await untilTrainer(page, (s) => !s.lrOverride);
});

test('full train/val losses on demand and at the end of the budget', async () => {
  await page.click('#evaluate');
  await untilLab(page, (lab) => lab.chart('loss').view?.spec.loss.train_points.length === 1, null, 30_000);
  const [e] = await evals(page);
  assert.ok(e.train > 1.5 && e.train < 4 && e.val > 1.5 && e.val < 4, JSON.stringify(e));
  assert.match(await text(page, 'figure[data-chart="loss"] .readout'), /full splits at step [\d,]+: train \d\.\d{3}, val \d\.\d{3}/);
  const s = (await state(page)).step;
  await setBudget(page, s + 150);
  await page.click('#train');
  await untilLab(page, (lab, n) => lab.trainer().finished && lab.chart('loss').view?.spec.loss.train_points.some((x) => x[0] === n), s + 150, 30_000);
  assert.match(await text(page, '#notice'), /finished/);
  assert.equal(await page.isDisabled('#train'), true);
});

test('custom settings: every knob in a form; a bad value is refused and changes nothing', async () => {
  await page.click('#custom summary');
  const knobs = await page.$$eval('#custom-form [data-key]', (xs) => xs.map((x) => x.dataset.key));
  assert.ok(knobs.length >= 20, `${knobs.length} knobs`);
  for (const k of ['n_embd', 'n_hidden', 'n_layers', 'batchnorm', 'hidden_init', 'batch_size', 'schedule', 'lr', 'seed']) {
    assert.ok(knobs.includes(k), k);
  }
  const run = (await state(page)).run;
  await page.fill('#knob-n_layers', '99');
  await page.click('#custom-apply');
  await until(page, () => /not applied/.test(document.getElementById('custom-msg').textContent));
  assert.match(await text(page, '#custom-msg'), /between 1 and 8/);
  assert.equal((await state(page)).run, run, 'the run in use stays');
  await page.fill('#knob-n_layers', '2');
  await page.fill('#knob-n_hidden', '64');
  await page.selectOption('#knob-batchnorm', 'class');
  await page.click('#custom-apply');
  await untilTrainer(page, (s, r) => s.run > r, run);
  assert.match(await text(page, '#run-title'), /^custom \(from /);
  assert.match(await text(page, '#run-arch'), /2 x \[Linear no bias|2 x \[Linear with bias/);
  await page.click('#step');
  await untilLab(page, (lab) => lab.trainer().diagStep > 0 && lab.chart('acts').view?.lines.length === 2);
  await page.click('#custom summary');
});

test('the lr finder draws its sweep and marks the suggested rate', async () => {
  await chooseChapter(page, 'lr-finder');
  await setBudget(page, 400);
  const before = await canvas(page, 'lr');
  await trainTo(page, 400);
  await untilLab(page, (lab) => lab.trainer().step === 400 && /suggested/.test(lab.chart('lr').view?.lines.join(' ')));
  const after = await canvas(page, 'lr');
  assert.notEqual(after.hash, before.hash);
  assert.ok(after.inked > 3000);
  const r = await text(page, 'figure[data-chart="lr"] .readout');
  const m = r.match(/suggested learning rate ([\d.e-]+)/);
  assert.ok(m, r);
  const lr = Number(m[1]);
  assert.ok(lr > 1e-3 && lr < 1, r);
  // The finder's run uses a 2-D embedding: plain axes, no principal components.
  assert.match(await text(page, 'figure[data-chart="embedding"] figcaption'), /n_embd = 2/);
});

// A frame that changes a canvas costs the compositor the same whatever else it changed (in
// WebKitGTK with software GL, about 30 ms of a core): the charts one report brings are drawn
// off screen, a task each, and put on the page by the next frame together, not one a frame.
test('the charts of a report reach the page together: fewer frames than charts', async () => {
  // From before the chapter's first views: every chart drawn from then on is counted.
  const t0 = await page.evaluate(() => performance.now());
  await chooseChapter(page, 'deep');
  await trainTo(page, 500);
  // The chapter's key charts (on screen) are drawn and on the page: none waits.
  await untilLab(page, (lab) => lab.trainer().keyCharts.every((k) => lab.chart(k).draws > 0 && !lab.chart(k).pending));
  const { shown, frames } = await page.evaluate((start) => window.__labSeam.timings(start), t0);
  assert.ok(shown > 4, `${shown} charts put on the page while training`);
  console.log(`# ${shown} charts put on the page by ${frames} frames`);
  assert.ok(frames < shown, `${shown} charts put on the page by ${frames} frames`);
});

// The bound is the page's: no main-thread task over 50 ms while training. A long task is wall
// time, so a machine busy with other work can stretch a 20 ms frame past 50 ms (a trace here
// showed a 39 ms frame that had 18 ms of the CPU); the test therefore measures up to five training
// windows and passes on the first one without any long task (each window's tasks are printed). A
// page that really blocks its main thread fails all five.
const WINDOWS = 5;

async function measureWindow(page) {
  await chooseChapter(page, 'embed-2d');
  await page.evaluate(() => {
    window.__longTasks = [];
    // One observer for all windows (a second one would report each task again).
    window.__longTaskObserver ??= new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration });
    });
    window.__longTaskObserver.observe({ type: 'longtask' });
  });
  const t0 = await page.evaluate(() => performance.now());
  await page.click('#train');
  await untilTrainer(page, (s) => s.step >= 5000, null, 40_000);
  await page.click('#sample');
  await until(page, () => document.querySelectorAll('#samples li').length > 0);
  await page.evaluate(() => { window.scrollTo(0, 0); document.getElementById('side').scrollTop = 0; });
  await page.waitForTimeout(1200);
  // The measurement ends here: taking the screenshot is itself a long task of the page.
  return page.evaluate((start) => {
    const { longestDrawMs, slow } = window.__labSeam.timings(start);
    return { tasks: window.__longTasks.filter((t) => t.start >= start), draw: longestDrawMs, slow };
  }, t0);
}

test('no main-thread task over 50 ms while training; screenshot mid-training', async () => {
  let result;
  for (let w = 1; w <= WINDOWS; w++) {
    result = await measureWindow(page);
    const { tasks, draw, slow } = result;
    const longest = Math.max(0, ...tasks.map((t) => t.ms));
    console.log(`# window ${w}: longest main-thread task while training: ${longest ? `${longest.toFixed(0)} ms` : 'none over 50 ms'}; longest chart draw ${draw.toFixed(1)} ms`);
    if (tasks.length) console.log(`# window ${w}: long tasks ${JSON.stringify(tasks)}; slow frames/messages ${JSON.stringify(slow)}`);
    if (!tasks.length || w === WINDOWS) break;
    await pause(page);
  }
  const shotDir = fileURLToPath(new URL('../../docs/', import.meta.url));
  mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: `${shotDir}screenshot.png` });
  assert.ok((await state(page)).running, 'the screenshot is mid-training');
  await pause(page);
  assert.deepEqual(result.tasks, [], `long tasks while training in each of ${WINDOWS} windows`);
});

test('no console errors and no request outside the origin', () => {
  assert.deepEqual(app.errors(), []);
  assert.deepEqual(app.foreignRequests(), []);
  assert.ok(app.requests.some((u) => u.endsWith('/names.txt')));
});
