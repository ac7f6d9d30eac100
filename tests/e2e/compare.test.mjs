// Compare beside the curve (issue 19), at a 1366x768 laptop: "compare with" is in the loss
// chart's figure, not 5,000 px below it; a run chosen there is drawn in the loss chart, with at
// most a few others; "previous chapter" compares with the chapter before in one click; the zoom
// on the first 1,000 steps changes the chart's x range (decided by the worker: the spec's x_max).
// Needs www/pkg/ (`cargo xtask build`).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, chart, chooseChapter, setBudget, trainTo, untilLab, text } from './lab.mjs';

const apps = [];
after(async () => {
  for (const a of apps) await a.close();
});

/** The labels of the earlier runs the loss chart draws. */
async function drawn(page) {
  const c = await chart(page, 'loss');
  return (c.view?.spec.loss.earlier_runs ?? []).map((r) => r.label);
}

/** The run number of the current run. */
const current = (page) => page.evaluate(() => window.__labSeam.trainer().run);

/**
 * Coloured (not grey, not white) pixels of the loss chart's canvas in a band from 35% to 60%
 * of its width, above its bottom 30% (the x axis' labels, a legend under the plot): the curves,
 * where the x axis is short enough for them to reach the middle of the plot.
 */
function inkInTheMiddle(page) {
  return page.evaluate(async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    await frame();
    for (let i = 0; i < 200 && window.__labSeam.chart('loss').pending; i++) await frame();
    await frame();
    const c = document.querySelector('figure[data-chart="loss"] canvas');
    const x0 = Math.floor(c.width * 0.35);
    const { data } = c.getContext('2d').getImageData(x0, 0, Math.floor(c.width * 0.6) - x0, Math.floor(c.height * 0.7));
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) n++;
    }
    return n;
  });
}

/** Trains the run in use for exactly `steps` steps (its budget), then it stops. */
async function run(page, steps) {
  await setBudget(page, steps);
  await trainTo(page, steps);
}

test('compare with, beside the loss chart: a run chosen there is drawn in it, "previous chapter" in one click, and the zoom', async () => {
  const app = await openLab();
  apps.push(app);
  const { page } = app;

  // The control is in the loss figure, at the top of the page, not in the runs table; measured
  // once the page stands as a student first sees it (the loss chart drawn, the layout done).
  await untilLab(page, (lab) => lab.chart('loss').draws > 0 && !lab.chart('loss').pending);
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  const boxes = await page.evaluate(() => {
    window.scrollTo(0, 0);
    const box = (e) => e.getBoundingClientRect().toJSON();
    const compare = document.getElementById('compare');
    return {
      compare: box(compare),
      figure: box(document.querySelector('figure[data-chart="loss"]')),
      inFigure: !!compare.closest('figure[data-chart="loss"]'),
      inRuns: !!compare.closest('#runs'),
      count: document.querySelectorAll('#compare').length,
    };
  });
  assert.equal(boxes.count, 1, 'one "compare with"');
  assert.ok(boxes.inFigure && !boxes.inRuns, JSON.stringify(boxes));
  const { compare: c, figure: f } = boxes;
  assert.ok(c.left >= f.left - 1 && c.right <= f.right + 1 && c.top >= f.top - 1 && c.bottom <= f.bottom + 1,
    `"compare with" ${JSON.stringify(c)} within the loss figure ${JSON.stringify(f)}`);
  assert.ok(c.bottom <= 768, `on the first screen: ${JSON.stringify(c)}`);
  // No run of the chapter before the first: the button says why it cannot act.
  const previous = page.locator('#compare-previous');
  assert.ok(await previous.isDisabled());
  assert.match(await previous.getAttribute('title'), /first chapter/);

  // A run of chapter 3, then five of chapter 4 (20 steps each): five earlier runs, more than
  // the chart draws.
  await chooseChapter(page, 'naive');
  await run(page, 20);
  const naive = await current(page);
  await chooseChapter(page, 'fix-softmax');
  await run(page, 20);
  const oldest = await current(page);
  for (let i = 0; i < 4; i++) {
    const before = await current(page);
    await page.click('#reset');
    await untilLab(page, (lab, r) => lab.trainer().run > r, before);
    await run(page, 20);
  }
  const label = (run) => new RegExp(`^run ${run}:`);
  let runs = await drawn(page);
  assert.equal(runs.length, 3, `the newest few: ${runs}`);
  assert.ok(!runs.some((l) => label(oldest).test(l) || label(naive).test(l)), runs.join(' | '));

  // Chosen beside the chart: the oldest run of chapter 4 is drawn, with at most two others.
  const inkBefore = await inkInTheMiddle(page);
  await page.selectOption('#compare', String(oldest));
  await untilLab(page, (lab, r) => (lab.chart('loss').view?.spec.loss.earlier_runs ?? []).some((x) => x.label.startsWith(`run ${r}:`)), oldest);
  runs = await drawn(page);
  assert.ok(runs.length <= 3, runs.join(' | '));
  assert.match(await text(page, '#readout-loss'), new RegExp(`earlier runs \\(faded\\): .*run ${oldest}:`));

  // "Previous chapter": the run of chapter 3, in one click.
  assert.ok(!(await previous.isDisabled()), await previous.getAttribute('title'));
  assert.match(await previous.getAttribute('title'), new RegExp(`run ${naive}`));
  await previous.click();
  await untilLab(page, (lab, r) => (lab.chart('loss').view?.spec.loss.earlier_runs ?? []).some((x) => x.label.startsWith(`run ${r}:`)), naive);
  runs = await drawn(page);
  assert.ok(runs.length <= 3 && !runs.some((l) => label(oldest).test(l)), runs.join(' | '));
  await untilLab(page, (lab, r) => document.getElementById('compare').value === String(r), naive);

  // The zoom: the axis spans the first 1,000 steps, so 20-step runs' curves stay at its left.
  assert.equal((await chart(page, 'loss')).view.spec.loss.x_max, null);
  assert.ok(inkBefore > 100, `the whole run's curves cross the middle: ${inkBefore}`);
  await page.check('#loss-zoom');
  await untilLab(page, (lab) => lab.chart('loss').view?.spec.loss.x_max === 1000);
  assert.match(await text(page, '#readout-loss'), /zoomed on the first 1,000 steps/);
  const inkZoomed = await inkInTheMiddle(page);
  assert.ok(inkZoomed < inkBefore / 10, `zoomed: ${inkZoomed} coloured pixels in the middle, ${inkBefore} before`);
  await page.uncheck('#loss-zoom');
  await untilLab(page, (lab) => lab.chart('loss').view?.spec.loss.x_max === null);
});

test("the loss chart's tools keep their size in a 1024-px laptop's column and stay inside the figure", async () => {
  for (const viewport of [{ width: 1024, height: 768 }, { width: 1366, height: 768 }]) {
    const app = await openLab('?chapter=deep&hide=questions', { viewport, fold: 'closed' });
    apps.push(app);
    const boxes = await app.page.$eval('figure[data-chart="loss"]', (f) => {
      const fig = f.getBoundingClientRect();
      const row = f.querySelector('.tool-row');
      return {
        fig: [fig.left, fig.right],
        controls: [...row.querySelectorAll('select, button, label')].map((c) => {
          const r = c.getBoundingClientRect();
          return { what: c.tagName + (c.id ? `#${c.id}` : ''), left: r.left, right: r.right, width: r.width, needs: c.scrollWidth };
        }),
      };
    });
    for (const c of boxes.controls) {
      assert.ok(c.left >= boxes.fig[0] && c.right <= boxes.fig[1] + 0.5, `${viewport.width}: ${c.what} inside the figure: ${JSON.stringify(c)} in ${boxes.fig}`);
      // A list shows its choice (not only its arrow); the rest their whole words.
      const least = c.what.startsWith('SELECT') ? 60 : c.needs - 1;
      assert.ok(c.width >= least, `${viewport.width}: ${c.what} not squeezed: ${JSON.stringify(c)}`);
    }
  }
});
