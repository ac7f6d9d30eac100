// The lesson as a class sees it: the runs table and comparing runs, the presentation mode at a
// projector's 1024x768 and at 1920x1080, the keyboard, links that reproduce a run in another
// browser, files to take home (CSV, PNG, weights that load back), the notebook's 1,000-step
// diagnostic run, break-it experiments, and an accessibility check (axe-core, the engine
// Lighthouse runs). Needs www/pkg/ (`cargo xtask build`).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  openLab, state, losses, until, untilLab, untilTrainer, chooseChapter, pause, trainTo, text,
} from './lab.mjs';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));
const apps = [];
after(async () => {
  for (const a of apps) await a.close();
});

async function lab(path = '', options) {
  const app = await openLab(path, options);
  apps.push(app);
  return app;
}

/** Saves a download started by `click` and returns its name and bytes. */
async function download(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await d.path();
  return { name: d.suggestedFilename(), bytes: readFileSync(path) };
}

test('the runs table keeps every run, and an earlier run can be drawn beside the current one', async () => {
  const { page } = await lab();
  await chooseChapter(page, 'naive');
  await trainTo(page, 200);
  await chooseChapter(page, 'fix-tanh');
  await trainTo(page, 200);
  await until(page, () => document.querySelectorAll('#runs-table tbody tr').length === 2);
  const rows = await page.$$eval('#runs-table tbody tr', (trs) => trs.map((tr) => tr.innerText));
  assert.equal(rows.length, 2);
  assert.match(rows[0], /3\. Naive init/);
  assert.match(rows[0], /\d+\.\d+% saturated, \d+ of 200 dead/);
  assert.match(rows[1], /5\. Fix: tanh not saturated/);
  // The naive run's first loss is far above -ln(1/27); the fixed one's is near it.
  const first = (row) => Number(row.match(/(\d+\.\d+) \(uniform 3\.30\)/)[1]);
  assert.ok(first(rows[0]) > 10 && first(rows[1]) < 4, rows.join(' | '));
  const naiveRun = await page.$eval('#runs-table tbody tr th', (th) => th.textContent);
  await page.selectOption('#compare', naiveRun);
  await until(page, (r) => /compared with run/.test(document.querySelector('figure[data-chart="preact"] .readout').textContent), naiveRun);
  assert.match(await text(page, 'figure[data-chart="map"] .readout'), new RegExp(`run ${naiveRun} at its last step`));
  assert.match(await text(page, 'figure[data-chart="map"] .readout'), new RegExp(`run ${naiveRun} at its first step: \\d+\\.\\d% saturated`));
  assert.match(await text(page, 'figure[data-chart="acts"] .readout'), new RegExp(`run ${naiveRun}: layer`));
  // The runs table as CSV.
  const csv = await download(page, () => page.click('#runs-csv'));
  assert.equal(csv.name, 'makemore-runs.csv');
  const lines = csv.bytes.toString('utf8').trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^run,setup,seed,params,first loss/);
});

/**
 * What a projector would cut, in presentation mode: a chart's text taller than its box or
 * reaching past its figure, a figure past the window, the side column's text past its edge
 * (it would have to scroll). [] when every word shows.
 */
function projectorCuts(page) {
  return page.evaluate(() => {
    const cuts = [];
    for (const f of document.querySelectorAll('figure[data-chart]')) {
      if (f.hidden) continue;
      const r = f.querySelector('.readout');
      const [fb, rb] = [f.getBoundingClientRect(), r.getBoundingClientRect()];
      if (r.scrollHeight > r.clientHeight + 1) cuts.push(`${f.dataset.chart}: text ${r.scrollHeight} px in ${r.clientHeight}`);
      if (rb.bottom > fb.bottom + 1) cuts.push(`${f.dataset.chart}: text ends at ${rb.bottom}, its figure at ${fb.bottom}`);
      if (fb.bottom > innerHeight + 0.5 || fb.right > innerWidth + 0.5) cuts.push(`${f.dataset.chart}: past the window (${fb.bottom})`);
      for (const p of r.querySelectorAll('p')) {
        if (p.checkVisibility() && p.getBoundingClientRect().bottom > rb.bottom + 1) cuts.push(`${f.dataset.chart}: '${p.textContent.slice(0, 40)}' cut`);
      }
    }
    const side = document.getElementById('side');
    if (side.scrollHeight > side.clientHeight + 1) cuts.push(`the side column: ${side.scrollHeight} px in ${side.clientHeight}`);
    return cuts;
  });
}

test('presentation mode: the key charts of each chapter fit a 1024x768 projector, by keyboard', async () => {
  const { page } = await lab('', { viewport: { width: 1024, height: 768 } });
  await page.keyboard.press('p');
  await until(page, () => document.body.classList.contains('present'));
  const chapters = await page.$$eval('#chapter-list button', (bs) => bs.map((b) => b.dataset.chapter));
  for (const [i, ch] of chapters.entries()) {
    if (i > 0) {
      const run = (await state(page)).run;
      await page.keyboard.press('ArrowRight');
      await untilTrainer(page, (s, [c, r]) => s.chapter === c && s.run > r, [ch, run]);
    }
    await page.keyboard.press('s'); // one step: every chart has something to show
    await untilTrainer(page, (s) => s.step >= 1);
    await page.waitForTimeout(200);
    const boxes = await page.$$eval('figure[data-chart]', (fs) => fs.filter((f) => !f.hidden).map((f) => {
      const r = f.getBoundingClientRect();
      return { chart: f.dataset.chart, top: r.top, bottom: r.bottom, right: r.right };
    }));
    const keys = (await state(page)).keyCharts;
    assert.deepEqual(boxes.map((b) => b.chart).sort(), [...keys].sort(), `${ch}: only the key charts`);
    for (const b of boxes) {
      assert.ok(b.top >= 0 && b.bottom <= 768 && b.right <= 1024, `${ch}: ${b.chart} fits: ${JSON.stringify(b)}`);
    }
    const about = await page.locator('#run-about').boundingBox();
    assert.ok(about && about.y + about.height <= 768, `${ch}: the explanation is on screen`);
    assert.deepEqual(await projectorCuts(page), [], `${ch}: every word shows`);
    if (ch === 'fix-tanh') {
      mkdirSync(DOCS, { recursive: true });
      await page.screenshot({ path: `${DOCS}presentation-1024x768.png` });
    }
  }
  // ? opens the help, Escape closes it; P leaves presentation mode.
  await page.keyboard.press('?');
  assert.equal(await page.evaluate(() => document.getElementById('help-dialog').open), true);
  await page.keyboard.press('Escape');
  await page.keyboard.press('p');
  await until(page, () => !document.body.classList.contains('present'));
});

/** The share of pure black pixels in an RGBA pixel array. */
function blackShare(data) {
  let black = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 30) black++;
  return black / (data.length / 4);
}

test('presentation mode shows the saturation map as drawn: saturated units white, as its title says', async () => {
  const { page } = await lab('?chapter=fix-tanh', { viewport: { width: 1024, height: 768 } });
  await page.keyboard.press('p');
  await until(page, () => document.body.classList.contains('present'));
  await page.keyboard.press('s');
  await untilLab(page, (lab) => lab.trainer().step >= 1 && lab.chart('map').draws > 0 && !lab.chart('map').pending);
  const map = page.locator('figure[data-chart="map"] canvas');
  // What the chart drew (its canvas pixels) against what the class sees (a screenshot of it,
  // after the page's CSS), both at the screenshot's size.
  const shot = (await map.screenshot()).toString('base64');
  const [drawn, shown] = await page.evaluate(async (png) => {
    const c = document.querySelector('figure[data-chart="map"] canvas');
    const img = new Image();
    img.src = `data:image/png;base64,${png}`;
    await img.decode();
    const read = (src) => {
      const o = new OffscreenCanvas(img.width, img.height);
      const ctx = o.getContext('2d');
      ctx.drawImage(src, 0, 0, img.width, img.height);
      return Array.from(ctx.getImageData(0, 0, img.width, img.height).data);
    };
    return [read(c), read(img)];
  }, shot);
  const [d, s] = [blackShare(drawn), blackShare(shown)];
  // The drawn map is mostly black (3% saturated); inverted, it would be mostly white.
  assert.ok(d > 0.2, `the map has its black background: ${d}`);
  assert.ok(Math.abs(d - s) < 0.05, `black share drawn ${d.toFixed(3)}, shown ${s.toFixed(3)}`);
  assert.match(await text(page, 'figure[data-chart="map"] .readout'), /\|h\| > 0\.99: \d/);
});

test('presentation mode at 1920x1080, mid-training; and the runs table in the page', async () => {
  const { page } = await lab('?chapter=deep&present=1', { viewport: { width: 1920, height: 1080 } });
  await until(page, () => document.body.classList.contains('present'));
  await page.click('#train');
  await untilTrainer(page, (s) => s.step > 300 && s.diagStep > 0);
  await page.waitForTimeout(600);
  assert.deepEqual(await projectorCuts(page), [], 'every word shows at 1920x1080');
  await page.screenshot({ path: `${DOCS}presentation-1920x1080.png` });
  await pause(page);
  await page.keyboard.press('p');
  await chooseChapter(page, 'kaiming');
  await trainTo(page, 100);
  await page.locator('#runs').scrollIntoViewIfNeeded();
  await page.locator('#runs').screenshot({ path: `${DOCS}runs-table.png` });
});

test('a link reproduces the run in another browser: the same first loss and the same losses', async () => {
  const link = '?chapter=deep&seed=7&steps=40&n_hidden=64&lr_now=0.05';
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const { page } = await lab(link);
    assert.equal((await state(page)).chapter, 'deep');
    assert.match(await text(page, '#run-arch'), /of 64/);
    assert.equal(await page.inputValue('#lr'), '0.05');
    await page.click('#train');
    await untilTrainer(page, (s) => s.finished, null, 60_000);
    runs.push({ first: (await state(page)).firstLoss, losses: await losses(page) });
  }
  assert.equal(runs[0].losses.length, 40);
  assert.equal(runs[0].first, runs[1].first);
  assert.deepEqual(runs[0].losses, runs[1].losses);
  // Copy link writes the same setup back into the address.
  const { page } = await lab(link);
  await page.click('#copy-link');
  await until(page, () => /chapter=deep/.test(location.search));
  const search = await page.evaluate(() => location.search);
  for (const part of ['seed=7', 'steps=40', 'n_hidden=64', 'lr_now=0.05']) assert.ok(search.includes(part), search);
});

test('a malformed link gets a message and the defaults', async () => {
  const { page } = await lab('?chapter=deep&n_hidden=99999');
  await until(page, () => /could not be used/.test(document.getElementById('notice').textContent));
  assert.match(await text(page, '#notice'), /hidden units.*1024/);
  assert.equal((await state(page)).chapter, 'lr-finder');
  await page.click('#step');
  await untilTrainer(page, (s) => s.step === 1);
});

test('hidden panels: a link can hide the controls students should not touch', async () => {
  const { page } = await lab('?chapter=kaiming&hide=custom,upload');
  assert.equal(await page.isVisible('#custom'), false);
  assert.equal(await page.isVisible('#upload'), false);
  assert.equal(await page.isVisible('#controls'), true);
});

test('a student view in one click: its link hides what it says, and nothing else', async () => {
  const { page } = await lab('?chapter=fix-tanh');
  // The list says what each thing is, in words a teacher uses.
  assert.match(await page.textContent('label[for="hide-upload"]'), /the upload button/);
  assert.match(await page.textContent('label[for="hide-lr"]'), /Learning-rate finder/);
  await page.click('#share summary');
  await page.click('#student-view');
  await until(page, () => /hide=/.test(location.search));
  const search = await page.evaluate(() => location.search);
  const hidden = new URLSearchParams(search).get('hide').split(',');
  // What a student does not need: the teacher's panels and the charts chapter 5 does not use.
  for (const id of ['upload', 'custom', 'runs', 'lr', 'embedding', 'acts']) assert.ok(hidden.includes(id), search);
  for (const id of ['preact', 'map', 'loss', 'controls', 'chapters', 'sampling']) assert.ok(!hidden.includes(id), search);
  // Opened in a student's browser: each hidden thing is not visible, everything else is.
  const { page: student } = await lab(search);
  const all = await student.$$eval('#panel-list input[type=checkbox]', (boxes) => boxes.map((b) => ({
    id: b.id.replace(/^hide-/, ''),
    chart: b.closest('#chart-choices') !== null,
    checked: b.checked,
  })));
  assert.ok(all.filter((h) => h.chart).length >= 13 && all.filter((h) => !h.chart).length >= 7, JSON.stringify(all));
  for (const { id, chart, checked } of all) {
    const gone = hidden.includes(id);
    assert.equal(checked, gone, `${id}: its box`);
    const selector = chart ? `figure[data-chart="${id}"]` : `#${id}`;
    assert.equal(await student.isVisible(selector), !gone, `${id} ${gone ? 'hidden' : 'shown'}`);
  }
});

test("the build line is in the closed 'about this computer' detail", async () => {
  const { page } = await lab();
  await until(page, () => document.getElementById('kernels').textContent !== '');
  const about = await page.$eval('#kernels', (k) => {
    const d = k.closest('details');
    return { id: d?.id, open: d?.open, summary: d?.querySelector('summary')?.textContent, line: k.textContent };
  });
  assert.deepEqual([about.id, about.open, about.summary], ['about-computer', false, 'about this computer']);
  assert.match(about.line, /^kernels: wasm simd128/);
  assert.equal(await page.isVisible('#kernels'), false, 'closed');
  await page.click('#about-computer summary');
  assert.equal(await page.isVisible('#kernels'), true, 'opened');
});

test('take it home: a chart as PNG, the numbers as CSV, the weights as .safetensors that load back', async () => {
  const { page } = await lab('?chapter=kaiming&steps=300');
  await page.click('#train');
  // Finished, and its final full-split evaluation done (it runs after the last step).
  await untilTrainer(page, (s) => s.finished && !s.evaluating, null, 60_000);
  const png = await download(page, () => page.click('figure[data-chart="loss"] .figure-tools button:first-child'));
  assert.equal(png.name, 'makemore-loss.png');
  assert.deepEqual([...png.bytes.subarray(1, 4)], [...Buffer.from('PNG')]);
  const width = png.bytes.readUInt32BE(16);
  const shown = await page.$eval('figure[data-chart="loss"] canvas', (c) => c.clientWidth);
  assert.ok(width >= 2 * shown - 2, `2x resolution: ${width} for ${shown} CSS px`);
  const csv = await download(page, () => page.click('figure[data-chart="loss"] .figure-tools button:nth-child(2)'));
  const rows = csv.bytes.toString('utf8').trim().split('\n');
  assert.equal(rows[0], 'kind,step,steps,value,lr');
  assert.equal(rows.filter((r) => r.startsWith('minibatch,')).length, 300);
  assert.ok(rows.some((r) => r.startsWith('val,300,')), 'the final evaluation');
  const w = await download(page, () => page.click('#save-weights'));
  assert.match(w.name, /\.safetensors$/);
  const header = JSON.parse(w.bytes.subarray(8, 8 + Number(w.bytes.readBigUInt64LE(0))).toString('utf8'));
  assert.deepEqual(header.C.shape, [27, 10]);
  assert.ok(header['layers.0.weight'] && header.__metadata__.block_size === '3', Object.keys(header).join(' '));
  // Loads back: a new run that starts from these weights (its first loss is the trained one's).
  const before = (await state(page)).run;
  await page.setInputFiles('#weights-file', { name: w.name, mimeType: 'application/octet-stream', buffer: w.bytes });
  await untilTrainer(page, (s, r) => s.run > r, before);
  assert.match(await text(page, '#weights-msg'), /Loaded the weights/);
  await page.click('#step');
  await untilTrainer(page, (s) => s.step === 1);
  assert.ok((await state(page)).firstLoss < 3, 'trained weights, not a fresh init');
  // A file of another shape is refused, and nothing changes.
  await chooseChapter(page, 'deep');
  const run = (await state(page)).run;
  await page.setInputFiles('#weights-file', { name: 'k.safetensors', mimeType: 'application/octet-stream', buffer: w.bytes });
  await until(page, () => /was not loaded/.test(document.getElementById('weights-msg').textContent));
  assert.equal((await state(page)).run, run);
});

test("stop and look: the notebook's 1,000-step diagnostic run holds the learning rate", async () => {
  const { page } = await lab('?chapter=deep');
  await page.click('#diag-run'); // it starts the run, too
  await untilTrainer(page, (s) => s.steps === 1000);
  await untilTrainer(page, (s) => s.finished, null, 60_000);
  assert.equal((await state(page)).step, 1000);
  assert.equal(await page.inputValue('#lr'), '0.1', 'no decay at step 500');
});

test('break it: one click breaks the chapter, and the page says what to look for', async () => {
  const { page } = await lab('?chapter=kaiming');
  const buttons = await page.$$eval('#break-list button', (bs) => bs.map((b) => b.dataset.experiment));
  assert.ok(buttons.includes('weights-x10'), buttons.join(' '));
  await page.click('#break-list button[data-experiment="weights-x10"]');
  await untilTrainer(page, (s) => s.experiment === 'weights-x10');
  assert.match(await text(page, '#run-experiment'), /Look at the saturation map: /);
  assert.match(await text(page, '#run-title'), /break it/);
  await page.click('#step');
  await untilTrainer(page, (s) => s.step === 1 && s.diagStep === 1);
  assert.ok((await state(page)).firstLoss > 4);
  assert.match(await text(page, 'figure[data-chart="map"] .readout'), /dead on this batch/);
});

test('accessibility: axe-core finds no serious or critical violation, at load and mid-training, in both modes', async () => {
  // axe is injected as a script, which the page's CSP would refuse: this context bypasses it.
  const { page } = await lab('?chapter=deep', { contextOptions: { bypassCSP: true } });
  await page.addScriptTag({ path: AXE });
  const check = async (when) => {
    const found = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    });
    assert.deepEqual(found, [], when);
  };
  await check('at load');
  await page.click('#train');
  await untilTrainer(page, (s) => s.step > 100 && s.diagStep > 0);
  await check('mid-training');
  await page.keyboard.press('p');
  await until(page, () => document.body.classList.contains('present'));
  await check('mid-training, presentation mode');
  await pause(page);
  // Every canvas is an image described by its text twin.
  const canvases = await page.$$eval('figure[data-chart] canvas', (cs) => cs.map((c) => ({
    role: c.getAttribute('role'),
    described: (c.getAttribute('aria-describedby') ?? '').split(' ').every((id) => document.getElementById(id)),
  })));
  assert.ok(canvases.every((c) => c.role === 'img' && c.described), JSON.stringify(canvases));
});
