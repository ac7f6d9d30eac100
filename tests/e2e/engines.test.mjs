// The paths a student takes, in the three engines students open the page with: Chromium
// (Chromebooks), Firefox ESR, and WebKitGTK (Safari's engine: Macs, iPads, iPhones). Each engine
// loads the page, answers a chapter's question, trains, pauses, steps, samples, switches chapter, goes into presentation mode
// and out, saves the weights and loads them back, opens a copied link fresh (the same run, loss
// for loss), uploads a names file in Hebrew through the file picker, and works offline after the
// first visit. The page's state is read from its text (tests/e2e/engines/student.mjs). What an
// engine cannot do in automation is skipped by name. Needs www/pkg/ (`cargo xtask build`) and
// the browsers (`cargo xtask test` installs them).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './harness.mjs';
import { ENGINES } from './engines/driver.mjs';
import { eachEngine } from './engines/suite.mjs';
import {
  ready, counter, running, chapter, chooseChapter, setBudget, pause, trainTo, lossReadout, readoutAt,
  samples, fatal, noError,
} from './engines/student.mjs';

const HEBREW = ['אברהם', 'יצחק', 'יעקב', 'שרה', 'רבקה', 'רחל', 'לאה', 'משה', 'אהרן', 'מרים', 'דוד', 'שלמה',
  'יוסף', 'בנימין', 'דבורה', 'חנה', 'אסתר', 'רות', 'נעמי', 'יהודה', 'לוי', 'שמעון', 'ראובן', 'גד', 'אשר',
  'נפתלי', 'זבולון', 'יששכר', 'דן', 'תמר', 'יונתן', 'מיכל', 'אביגיל', 'עדי', 'נועה', 'אורי', 'איתן', 'טל'];
const files = mkdtempSync(join(tmpdir(), 'makemore-engines-'));
writeFileSync(join(files, 'שמות.txt'), `${HEBREW.join('\n')}\n`);
/** The first loss of chapter 'fix-tanh' at its own seed, in each engine (they must agree). */
const firstLoss = {};

after(() => rmSync(files, { recursive: true, force: true }));

eachEngine(({ engine, test }) => {
  test('loads, and says which build trains on how many threads', async ({ page, browser }, t) => {
    t.diagnostic(browser.version);
    const has = await page.evaluate(async () => {
      const { hasRelaxedSimd } = await import('./simd.js');
      return { relaxed: hasRelaxedSimd(), isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency };
    });
    // The build line is under "about this computer": opened, as a curious student opens it.
    await page.evaluate(() => { document.getElementById('about-computer').open = true; });
    const kernels = await page.text('#kernels');
    t.diagnostic(`${kernels} (hardwareConcurrency ${has.cores})`);
    assert.equal(has.isolated, true, 'the server sends COOP and COEP');
    if (has.relaxed) {
      assert.match(kernels, new RegExp(`relaxed-simd.*; threads: ${Math.min(has.cores, 16)}$`));
    } else {
      // WebKit: no relaxed SIMD, so the plain threaded build on its cores (simd.js `cores`:
      // WebKit's fixed figure, 4 under 8 real cores, is taken as 2).
      const { cores } = await import('../../www/simd.js');
      const ua = await page.evaluate(() => navigator.userAgent);
      const n = Math.min(cores(ua, has.cores), 16);
      assert.match(kernels, new RegExp(`^kernels: wasm simd128 \\(4 lanes, mul\\+add\\); threads: ${n}$`));
    }
    assert.match(await page.text('#data-names'), /^32,033$/);
    assert.equal(await chapter(page), 'lr-finder');
  });

  test('a chapter switch starts its run', async ({ page }) => {
    await chooseChapter(page, 'fix-tanh');
    assert.match(await page.text('#run-title'), /tanh/i);
    assert.equal((await counter(page)).step, 0);
  });

  test("guesses before the first step, and is told after it beside the chart", async ({ page }) => {
    // The chapter's question (the share of saturated units at the first step) waits for a guess.
    await page.waitFor(() => document.querySelectorAll('#question-list > li input').length > 0);
    await page.fill('#q0-n', '90');
    await page.click('#question-list > li:nth-child(1) button[type="submit"]');
    await page.waitFor(() => /^Your guess: 90/.test(document.querySelector('#question-list > li .line')?.textContent ?? ''));
    await page.click('#step');
    await page.waitFor(() => /wrong/.test(document.querySelector('#question-list > li .line')?.textContent ?? ''));
    // The questions fold away once the run is under way; the guess and the run's answer stay
    // beside the chart where it shows.
    const beside = await page.evaluate(() => [...document.querySelectorAll('figure .guess-line')].map((p) => [p.closest('figure').dataset.chart, p.innerText]));
    assert.equal(beside.length, 1, JSON.stringify(beside));
    assert.match(beside[0][1], /^Your guess 90\.00% · the run \d+\.\d\d%: wrong/);
  });

  test('trains, pauses, and steps one mini-batch', async ({ page }) => {
    await setBudget(page, 100_000);
    await page.click('#train');
    await page.waitFor(() => /^step ([1-9]\d{2}|[\d,]{4,}) of/.test(document.getElementById('step-count').textContent));
    assert.equal(await running(page), true);
    await pause(page);
    const paused = (await counter(page)).step;
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await counter(page)).step, paused, 'no step while paused');
    await page.click('#step');
    await page.waitFor((n) => document.getElementById('step-count').textContent.startsWith(`step ${(n + 1).toLocaleString('en-US')} of`), paused);
    await readoutAt(page, paused + 1);
    const r = await lossReadout(page);
    assert.ok(r.loss > 1.5 && r.loss < 3.5, r.text);
    firstLoss[engine] = r.first;
  });

  test('samples names', async ({ page }) => {
    await page.click('#sample');
    await page.waitFor(() => document.querySelectorAll('#samples li').length === 20);
    const names = await samples(page);
    assert.ok(names.every((n) => /^[a-z]+$/.test(n)), names.join(' '));
    assert.match(await page.text('#sample-msg'), /\S/);
  });

  test('presentation mode shows the key charts on the screen, and P leaves it', async ({ page }) => {
    await page.click('#present');
    await page.waitFor(() => document.body.classList.contains('present'));
    const boxes = await page.evaluate(() => [...document.querySelectorAll('figure[data-chart]')]
      .filter((f) => f.offsetParent !== null)
      .map((f) => { const r = f.getBoundingClientRect(); return { chart: f.dataset.chart, bottom: r.bottom, right: r.right }; }));
    const size = await page.evaluate(() => [innerWidth, innerHeight]);
    assert.ok(boxes.length >= 2, JSON.stringify(boxes));
    for (const b of boxes) assert.ok(b.bottom <= size[1] && b.right <= size[0], `${b.chart} fits ${size}: ${JSON.stringify(b)}`);
    await page.press('p');
    await page.waitFor(() => !document.body.classList.contains('present'));
  });

  test('saves the weights, and loads them back into a new run', async ({ page }) => {
    await chooseChapter(page, 'kaiming');
    await setBudget(page, 200);
    await trainTo(page, 200);
    const saved = await page.download('#save-weights');
    assert.match(saved.name, /\.safetensors$/);
    const header = JSON.parse(saved.bytes.subarray(8, 8 + Number(saved.bytes.readBigUInt64LE(0))).toString('utf8'));
    assert.deepEqual(header.C.shape, [27, 10]);
    const path = join(files, `${engine}-${saved.name}`);
    writeFileSync(path, saved.bytes);
    await chooseChapter(page, 'kaiming'); // a fresh run: its first loss is near 3.3
    await page.upload('#weights-file', path);
    await page.waitFor(() => /Loaded the weights/.test(document.getElementById('weights-msg').textContent));
    await page.click('#step');
    await readoutAt(page, 1);
    const r = await lossReadout(page);
    assert.ok(r.first < 3, `the trained weights, not a fresh init: ${r.text}`);
  });

  test('a copied link, opened fresh, gives the same run loss for loss', async ({ page, open }) => {
    await chooseChapter(page, 'fix-tanh');
    await page.click('#new-seed');
    await page.waitFor(() => /^step 0 of/.test(document.getElementById('step-count').textContent) && !document.getElementById('step').disabled);
    const seed = await page.text('#seed');
    for (let i = 1; i <= 3; i++) {
      await page.click('#step');
      await readoutAt(page, i);
    }
    const here = await lossReadout(page);
    await page.click('#copy-link');
    const link = await page.waitFor(() => (/[?&]seed=/.test(location.search) ? location.href : null));
    const fresh = await open(link);
    try {
      assert.equal(await fresh.text('#seed'), seed);
      assert.equal(await chapter(fresh), 'fix-tanh');
      for (let i = 1; i <= 3; i++) {
        await fresh.click('#step');
        await readoutAt(fresh, i);
      }
      const there = await lossReadout(fresh);
      assert.equal(there.first, here.first, `${here.text} | ${there.text}`);
      assert.equal(there.loss, here.loss);
      assert.equal(await fatal(fresh), '');
    } finally {
      await fresh.close();
    }
  });

  test('uploads a names file in Hebrew through the file picker, trains on it and samples Hebrew names', async ({ page }) => {
    await page.upload('#file', join(files, 'שמות.txt'));
    await page.waitFor(() => /Loaded/.test(document.getElementById('upload-msg').textContent), undefined, 30_000);
    assert.equal(await page.text('#data-names'), String(HEBREW.length));
    assert.equal(await page.text('#data-source'), 'שמות.txt');
    const vocab = await page.text('#data-vocab');
    for (const letter of 'אבגדהוזחטיכלמנסעפצקרשת') assert.ok(vocab.includes(letter), `${letter} in ${vocab}`);
    await trainTo(page, 30);
    // The list of an earlier sampling goes first: the names waited for are this model's.
    await page.evaluate(() => document.getElementById('samples').replaceChildren());
    await page.click('#sample');
    await page.waitFor(() => document.querySelectorAll('#samples li').length === 20);
    const names = await samples(page);
    assert.ok(names.every((n) => /^[\u05D0-\u05EA]+$/u.test(n)), names.join(' '));
  });

  test('no error on the page', ({ page, browser }, t) => noError(page, browser, t, engine));

  test('offline after the first visit: the page loads, trains and samples with the server gone', async ({ browser, open }, t) => {
    const own = await startServer();
    const visit = await open(own.url);
    try {
      await visit.waitFor(() => document.documentElement.dataset.offline === 'ready', undefined, 30_000);
      await own.close();
      if (browser.can.offline) await visit.setOffline(true);
      else t.diagnostic(`${engine}: no offline mode in its WebDriver: the server is stopped, navigator.onLine stays true`);
      await visit.reload();
      await ready(visit);
      if (browser.can.offline) assert.equal(await visit.evaluate(() => navigator.onLine), false);
      await setBudget(visit, 30);
      await trainTo(visit, 30);
      assert.equal((await counter(visit)).step, 30);
      await visit.click('#sample');
      await visit.waitFor(() => document.querySelectorAll('#samples li').length === 20);
      assert.equal(await fatal(visit), '');
      assert.deepEqual(visit.errors(), []);
    } finally {
      await visit.close();
      await own.close();
    }
  });
});

test('every engine gives the same first loss for the same chapter and seed', () => {
  const losses = Object.values(firstLoss);
  assert.equal(losses.length, ENGINES.length, JSON.stringify(firstLoss));
  for (const l of losses) assert.ok(Math.abs(l - losses[0]) <= 0.001, JSON.stringify(firstLoss));
});
