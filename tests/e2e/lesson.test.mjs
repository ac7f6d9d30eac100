// The page follows the lesson, at a 1366x768 laptop: selecting a chapter puts its key charts
// (the chapter definition's) first, under its explanation, on the first screen, with no other
// chart there (the others are folded into "more charts"); no heading shows without its content;
// the side column's sections are reachable from a visible list of them; the notebook's
// diagnostic run starts with one click. Writes screenshots of three chapters into docs/.
// Needs www/pkg/ (`cargo xtask build`).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openLab, state, untilTrainer, chooseChapter } from './lab.mjs';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const SCREEN = { width: 1366, height: 768 };
const SHOTS = ['fix-tanh', 'kaiming', 'deep'];
const apps = [];
after(async () => {
  for (const a of apps) await a.close();
});

async function lab(path = '') {
  const app = await openLab(path, { viewport: SCREEN, fold: 'closed' });
  apps.push(app);
  return app;
}

/** The charts shown on the first screen (scrolled to the top): their boxes and canvas boxes. */
function firstScreen(page) {
  return page.evaluate(() => {
    window.scrollTo(0, 0);
    return [...document.querySelectorAll('figure[data-chart]')]
      // Shown: not hidden, not in a closed fold. (A closed <details> keeps its content laid out
      // under content-visibility: hidden in Chromium, offsetParent and all: a folded chart just
      // below the screen's edge counted as shown where fonts were a pixel shorter.)
      .filter((f) => f.checkVisibility() && !f.closest('details:not([open])'))
      .map((f) => ({ chart: f.dataset.chart, fig: f.getBoundingClientRect().toJSON(), canvas: f.querySelector('canvas').getBoundingClientRect().toJSON() }))
      .filter((b) => b.fig.top < innerHeight && b.fig.bottom > 0);
  });
}

test('every chapter leads with its key charts, on the first screen, and no other chart is there', async () => {
  const { page } = await lab();
  const chapters = await page.$$eval('#chapter-list button', (bs) => bs.map((b) => b.dataset.chapter));
  assert.equal(chapters.length, 8);
  for (const ch of chapters) {
    if ((await state(page)).chapter !== ch) await chooseChapter(page, ch);
    await page.click('#step'); // one step: the key charts have something to show
    await untilTrainer(page, (s) => s.step >= 1 && s.diagStep !== null);
    const keys = (await state(page)).keyCharts;
    assert.ok(keys.length >= 2, `${ch}: ${keys}`);
    const shown = await firstScreen(page);
    assert.deepEqual(shown.map((b) => b.chart).sort(), [...keys].sort(), `${ch}: only its key charts on the first screen`);
    for (const b of shown) {
      assert.ok(b.canvas.top >= 0 && b.canvas.bottom <= SCREEN.height, `${ch}: ${b.chart}'s chart is on the first screen: ${JSON.stringify(b.canvas)}`);
    }
    // Under the chapter's explanation, in the chapter's order.
    const about = await page.locator('#run-about').boundingBox();
    assert.ok(about.y + about.height <= shown[0].fig.top + 1, `${ch}: the explanation comes first`);
    assert.deepEqual(shown.map((b) => b.chart), keys, `${ch}: the chapter's order`);
    for (const k of keys) {
      const view = await page.evaluate((n) => window.__labSeam.chart(n).view, k);
      assert.ok(view, `${ch}: ${k} has a view`);
    }
    // The others are in "more charts", folded; opening it shows them.
    const folded = await page.$$eval('#more-charts figure[data-chart]', (fs) => fs.map((f) => f.dataset.chart));
    assert.equal(folded.length + keys.length, 13, `${ch}: ${folded}`);
    assert.ok(!folded.some((f) => keys.includes(f)), `${ch}: ${folded}`);
    if (SHOTS.includes(ch)) {
      // Wait for the key charts' first draws, then take the picture.
      await page.waitForFunction((ks) => ks.every((k) => { const c = window.__labSeam.chart(k); return c.draws > 0 && !c.pending; }), keys);
      mkdirSync(DOCS, { recursive: true });
      await page.screenshot({ path: `${DOCS}chapter-${ch}-1366x768.png` });
    }
  }
});

test("a chart the chapter's text names is a link that takes the reader to it; a hidden chart's is words only", async () => {
  const { page } = await lab('?chapter=fix-softmax');
  const links = await page.$$eval('#run-about a.chart-link', (as) => as.map((a) => [a.textContent, a.dataset.chart]));
  assert.deepEqual(links.map(([, c]) => c), ['loss', 'preact', 'map'], JSON.stringify(links));
  const about = await page.textContent('#run-about');
  assert.match(about, /Look at the hidden layer though: most tanh units sit at ±1 \(\|h\| > 0\.99\)/);
  assert.doesNotMatch(about, /[\uE000-\uE002]/, 'no mark of a link shows');
  // The chapter asks first: its explanation shows when the student asks for it.
  await page.click('#about-hold');
  // On a phone the charts are one under the other: the saturation map is screens below.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => window.scrollTo(0, 0));
  const below = await page.$eval('figure[data-chart="map"]', (f) => f.getBoundingClientRect().top);
  assert.ok(below > 844, `the map starts below the screen (${below})`);
  await page.click('#run-about a[data-chart="map"]');
  await page.waitForFunction(() => {
    const r = document.querySelector('figure[data-chart="map"]').getBoundingClientRect();
    return r.top >= 0 && r.bottom <= innerHeight + 1;
  }, null, { timeout: 5000 });
  const lit = await page.$eval('figure[data-chart="map"]', (f) => [f.classList.contains('lit'), document.activeElement === f]);
  assert.deepEqual(lit, [true, true], 'the map is lit and has the focus');
  assert.ok(!/#chart-/.test(await page.evaluate(() => location.hash)), 'the address keeps its own hash');
  await page.waitForFunction(() => !document.querySelector('figure[data-chart="map"]').classList.contains('lit'), null, { timeout: 5000 });

  // A teacher hid the map: its phrase is words only, and goes nowhere.
  const hidden = (await lab('?chapter=fix-softmax&hide=map')).page;
  const off = await hidden.$eval('#run-about a[data-chart="map"]', (a) => [a.classList.contains('off'), a.tabIndex, a.getAttribute('aria-disabled')]);
  assert.deepEqual(off, [true, -1, 'true']);
  assert.equal(await hidden.$eval('#run-about a[data-chart="preact"]', (a) => a.classList.contains('off')), false);
});

/** The mean brightness (0-255) of an element's pixel rows `from` to `to` rows above its bottom
 * as shown (the last rows left out: an element at a fractional position blends its edge). */
async function bottomBrightness(page, selector, [from, to] = [6, 2]) {
  const png = (await page.locator(selector).screenshot()).toString('base64');
  return page.evaluate(async ([src, n]) => {
    const img = new Image();
    img.src = `data:image/png;base64,${src}`;
    await img.decode();
    const o = new OffscreenCanvas(img.width, img.height);
    const ctx = o.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, img.height - n[0], img.width, n[0] - n[1]);
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += (data[i] + data[i + 1] + data[i + 2]) / 3;
    return sum / (data.length / 4);
  }, [png, [from, to]]);
}

test("a chart's text cut at its box's edge shows a shade there, gone once its end is in view", async () => {
  const { page } = await lab('?chapter=fix-tanh&hide=questions');
  await page.click('#step');
  await untilTrainer(page, (s) => s.step >= 1 && s.diagStep !== null);
  // A key chart beside the chapter's text shows two lines of its text; the rest scrolls.
  const cut = await page.evaluate(() => [...document.querySelectorAll('figure.key .readout')]
    .find((r) => r.scrollHeight > r.clientHeight + 4)?.id ?? null);
  assert.ok(cut, 'a key chart whose text does not fit its box');
  const sel = `#${cut}`;
  const plain = (s) => page.$eval(sel, (r, v) => { r.style.background = v; }, s);
  const shaded = await bottomBrightness(page, sel);
  await plain('none');
  const bare = await bottomBrightness(page, sel);
  assert.ok(shaded < bare - 8, `a shade at the cut edge: ${shaded.toFixed(1)} against ${bare.toFixed(1)} without it`);
  // Scrolled to its end: no shade at the bottom (what is there is all there is).
  await plain('');
  await page.$eval(sel, (r) => { r.scrollTop = r.scrollHeight; });
  await page.waitForTimeout(100);
  const end = await bottomBrightness(page, sel);
  await plain('none');
  const endBare = await bottomBrightness(page, sel);
  assert.ok(Math.abs(end - endBare) < 2, `no shade at the end: ${end.toFixed(1)} against ${endBare.toFixed(1)}`);
});

test("a break-it experiment's sentence links to the chart where it shows, by its name in words", async () => {
  const { page } = await lab('?chapter=deep&experiment=deep-gain-3');
  const link = await page.$eval('#run-experiment a.chart-link', (a) => [a.textContent, a.dataset.chart]);
  assert.deepEqual(link, ['the activations of every layer', 'acts']);
  assert.match(await page.textContent('#run-experiment'), /Look at the activations of every layer: /);
});

test("an upload's message does not push the key charts off the first screen, and closes", async () => {
  const { page } = await lab('?chapter=kaiming');
  const header = async () => (await page.locator('#top').boundingBox()).height;
  const was = await header();
  const run = (await state(page)).run;
  await page.setInputFiles('#file', { name: 'שמות-עבריים.txt', mimeType: 'text/plain', buffer: Buffer.from('דוד\nשרה\nמשה\nרחל\nיוסף\nלאה\nאברהם\nרבקה\n'.repeat(20)) });
  await untilTrainer(page, (s, r) => s.run > r, run);
  await page.waitForFunction(() => document.getElementById('upload-msg').classList.contains('good'));
  // The message is on the screen, whole, and the header did not grow.
  const msg = await page.locator('#upload-msg').boundingBox();
  assert.ok(msg.y >= 0 && msg.y + msg.height <= SCREEN.height && msg.x >= 0 && msg.x + msg.width <= SCREEN.width, JSON.stringify(msg));
  assert.ok(Math.abs((await header()) - was) <= 2, `the header was ${was} px high, now ${await header()}`);
  await page.click('#step');
  await untilTrainer(page, (s) => s.step >= 1 && s.diagStep !== null);
  const keys = (await state(page)).keyCharts;
  const shown = await firstScreen(page);
  assert.deepEqual(shown.map((b) => b.chart), keys);
  for (const b of shown) assert.ok(b.canvas.top >= 0 && b.canvas.bottom <= SCREEN.height && b.canvas.height >= 120, `${b.chart}: ${JSON.stringify(b.canvas)}`);
  // Closed by its button; the data line keeps what it said.
  await page.click('#upload-close');
  assert.equal(await page.isVisible('#upload-msg'), false);
  assert.match(await page.innerText('#data-source'), /שמות-עבריים/);
});

test('no heading shows without its content: "Break it" only in a chapter with experiments', async () => {
  const { page } = await lab('?chapter=lr-finder');
  assert.equal(await page.$$eval('#break-list button', (bs) => bs.length), 0);
  assert.equal(await page.isVisible('#break-h'), false, 'no heading over an empty list');
  await chooseChapter(page, 'kaiming');
  assert.ok(await page.$$eval('#break-list button', (bs) => bs.length) > 0);
  assert.equal(await page.isVisible('#break-h'), true);
});

test("the side column's sections are listed at its top, and each link brings its section into view", async () => {
  const { page } = await lab();
  for (const id of ['controls', 'chapters', 'sampling', 'custom']) {
    const link = page.locator(`#side-nav a[href="#${id}"]`);
    assert.equal(await link.isVisible(), true, id);
    await link.click();
    await page.waitForFunction((i) => {
      const r = document.getElementById(i).getBoundingClientRect();
      return r.top >= 0 && r.top < innerHeight - 40;
    }, id);
  }
});

test("the notebook's diagnostic run starts with one click", async () => {
  const { page } = await lab('?chapter=deep');
  const run = (await state(page)).run;
  await page.click('#diag-run');
  await untilTrainer(page, (s, r) => s.run >= r && s.steps === 1000 && (s.running || s.step > 0), run);
});

test('a pace a class can follow: 10 steps a second', async () => {
  const { page } = await lab('?chapter=fix-tanh');
  await page.selectOption('#pace', '10');
  const t0 = Date.now();
  await page.click('#train');
  await untilTrainer(page, (s) => s.step >= 15, undefined, 20_000);
  const seconds = (Date.now() - t0) / 1000;
  await page.click('#pause');
  await untilTrainer(page, (s) => !s.running);
  const { step } = await state(page);
  // 10 a second: about 1.5 s for 15 steps (a report every quarter second, a loaded machine).
  assert.ok(seconds >= 1.3, `15 steps took ${seconds} s`);
  assert.ok(step <= 10 * (Date.now() - t0) / 1000 + 3, `${step} steps`);
  // As fast as it goes again.
  await page.selectOption('#pace', '');
  await page.click('#train');
  await untilTrainer(page, (s, n) => s.step >= n + 2000, step, 20_000);
  await page.click('#pause');
});
