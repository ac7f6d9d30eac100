// The chapters' questions, as a student meets them, in the three engines students open the page
// with (Chromium, Firefox ESR, WebKitGTK: Safari's engine): chapter 7's choice guessed wrong and
// judged by what the run measured, beside the running statistics; chapter 3 asks before its
// first step (its explanation waits, since it would give the answers away), a wrong guess and
// then, on the next run, a right one (typed, then Enter), each judged against the run's own
// number and written beside the chart where it shows, the guess of the chapter before gone with
// its run; the runs table keeps the tally; another names file asks about its own vocabulary
// (34 characters: -ln(1/34) = 3.53); presentation mode fills the charts' side of the screen with
// the questions and A shows the answers one at a time; a teacher's link hides them. The page's
// state is read from its text (tests/e2e/engines/student.mjs). Every engine does all of it in
// automation. Writes docs/question-presentation-1024x768.png (Chromium). Needs www/pkg/ (`cargo
// xtask build`) and the browsers (`cargo xtask test` installs them).

import { after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eachEngine } from './engines/suite.mjs';
import { chooseChapter, counter, fatal, noError, step, visible } from './engines/student.mjs';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));

// A names file of another vocabulary: the 26 letters and 7 more, 33 characters, and '.' makes 34.
const files = mkdtempSync(join(tmpdir(), 'makemore-questions-'));
const NAMES34 = join(files, 'names34.txt');
{
  const base = ['emma', 'olivia', 'ava', 'isabella', 'sophia', 'charlotte', 'mia', 'amelia', 'harper', 'evelyn', 'quinn', 'xavier', 'zoe', 'jack', 'kyle', 'bryce', 'wendy', 'gus', 'fiona'];
  const extra = ['zoë', 'josé', 'åsa', 'øyvind', 'ñuño', 'çelik', 'ıra'];
  const names = [];
  for (let i = 0; i < 400; i++) names.push(base[i % base.length] + (i % 7 ? '' : 'n'));
  for (let i = 0; i < 70; i++) names.push(extra[i % extra.length] + ['a', 'n', 'l'][i % 3]);
  writeFileSync(NAMES34, names.join('\n'));
}
after(() => rmSync(files, { recursive: true, force: true }));

/** The questions as the page shows them: prompt, line, why, verdict, whether the field is open. */
const questions = (page) => page.evaluate(() => [...document.querySelectorAll('#question-list > li')].map((li) => ({
  prompt: li.querySelector('.prompt')?.textContent ?? '',
  line: li.querySelector('.line')?.textContent ?? '',
  why: li.querySelector('.why')?.textContent ?? null,
  verdict: li.dataset.verdict,
  open: !li.querySelector('input')?.disabled,
})));

/** Waits until question `i`'s line matches `re`; resolves to the line. */
const untilLine = (page, i, re) => page.waitFor(([k, src]) => {
  const text = document.querySelectorAll('#question-list > li')[k]?.querySelector('.line')?.textContent ?? '';
  return new RegExp(src).test(text) ? text : null;
}, [i, re.source]);

/** The index of the question whose prompt starts with `start`, once the list shows it. */
const question = (page, start) => page.waitFor((s) => {
  const i = [...document.querySelectorAll('#question-list > li .prompt')].findIndex((p) => p.textContent.startsWith(s));
  return i >= 0 ? i + 1 : null;
}, start).then((n) => n - 1);

/** The guess lines beside chart `chart`'s figure, as shown. */
const beside = (page, chart) => page.evaluate((c) => [...document.querySelectorAll(`figure[data-chart="${c}"] .guess-line`)]
  .map((p) => ({ text: p.innerText, verdict: p.dataset.verdict })), chart);

/** Types `text` into question `i`'s number field and sends it with Enter, as a student does. */
async function typeGuess(page, i, text) {
  await page.fill(`#q${i}-n`, text);
  await page.evaluate((k) => document.getElementById(`q${k}-n`).focus(), i);
  await page.press('Enter');
}

/** The box of `selector` on the screen: {x, y, width, height}. */
const box = (page, selector) => page.evaluate((sel) => {
  const r = document.querySelector(sel).getBoundingClientRect();
  return { x: r.x, y: r.y, width: r.width, height: r.height };
}, selector);

eachEngine(({ engine, test }) => {
  test("chapter 7's choice, guessed wrong, is judged by what the run measured, beside the running statistics", async ({ page }) => {
    await chooseChapter(page, 'batchnorm');
    const i = await question(page, 'At eval');
    assert.equal((await questions(page))[i].line, 'Guess before you train.');
    await page.click(`#q${i}-c0`);
    await untilLine(page, i, /^Your guess: the batch's own mean and std/);
    await step(page);
    const judged = await untilLine(page, i, /wrong/);
    assert.equal(judged, "Your guess the batch's own mean and std · the run the running mean and std kept during training: wrong.");
    assert.match((await questions(page))[i].why, /one example alone has no batch/);
    assert.deepEqual(await beside(page, 'running'), [{ text: judged, verdict: 'wrong' }]);
  });

  test('a guess, wrong and then right, is judged against the run and stays beside its chart', async ({ page }) => {
    await chooseChapter(page, 'naive');
    await page.waitFor(() => document.querySelectorAll('#question-list > li').length > 0);
    let qs = await questions(page);
    assert.equal(qs.length, 2);
    assert.match(qs[0].prompt, /each of the 27 characters the same probability/);
    assert.equal(qs[0].line, 'Guess before you train.');
    // The explanation states the answer: it waits until asked for, or the first step.
    assert.equal(await visible(page, '#run-about'), false);
    assert.equal(await visible(page, '#about-hold'), true);

    // Wrong: a loss of 9, and "near the uniform loss" for randn weights.
    await page.fill('#q0-n', '9');
    await page.click('#question-list > li:nth-child(1) button[type="submit"]');
    await untilLine(page, 0, /^Your guess: 9\.00\. Train to see/);
    await page.click('#q1-c0');
    await untilLine(page, 1, /^Your guess: near the uniform loss/);
    await step(page);
    await untilLine(page, 0, /wrong/);
    qs = await questions(page);
    assert.match(qs[0].line, /^Your guess 9\.00 · the run 3\.30: wrong \(right is within ±0\.1\)\.$/);
    assert.match(qs[0].why, /-ln\(1\/27\) = ln 27 = 3\.30/);
    assert.match(qs[1].line, /^Your guess near the uniform loss \(within 1\) · the run well above it: wrong\.$/);
    assert.equal(qs[0].open, false, 'no second guess once the answer is out');
    // Beside the loss chart, where both answers show.
    const wrong = await beside(page, 'loss');
    assert.deepEqual(wrong.map((l) => l.verdict), ['wrong', 'wrong'], JSON.stringify(wrong));
    assert.match(wrong[0].text, /Your guess 9\.00 · the run 3\.30: wrong/);
    assert.equal(await visible(page, '#run-about'), true, 'the explanation after the first step');
    // The chapter before's guess went with its run.
    assert.deepEqual(await beside(page, 'running'), []);

    // The next run asks again: right this time, the number typed and sent with Enter.
    await page.click('#reset');
    await untilLine(page, 0, /^Guess before you train\.$/);
    assert.equal((await counter(page)).step, 0);
    await typeGuess(page, 0, '3.3');
    await untilLine(page, 0, /^Your guess: 3\.30/);
    await page.click('#q1-c1');
    await untilLine(page, 1, /^Your guess: well above it/);
    await step(page);
    const judged = await untilLine(page, 0, /right\.$/);
    assert.equal(judged, 'Your guess 3.30 · the run 3.30: right.');
    qs = await questions(page);
    assert.deepEqual(qs.map((q) => q.verdict), ['right', 'right']);
    const right = await beside(page, 'loss');
    assert.deepEqual(right.map((l) => l.verdict), ['right', 'right'], JSON.stringify(right));
    assert.equal(right[0].text, judged);
    // The runs table keeps the tally of each run.
    await page.waitFor(() => /2 of 2 right/.test(document.getElementById('runs-table').textContent));
    const table = await page.text('#runs-table');
    assert.match(table, /0 of 2 right/);
    assert.match(table, /2 of 2 right/);
    // Not a number: refused with a sentence, nothing changes.
    await page.click('#reset');
    await untilLine(page, 0, /^Guess before you train\.$/);
    await typeGuess(page, 0, 'lots');
    await page.waitFor(() => /not a number/.test(document.getElementById('quiz-msg').textContent));
    assert.equal((await questions(page))[0].line, 'Guess before you train.');
  });

  test('names of another vocabulary ask, and explain, with its own numbers', async ({ page }) => {
    await page.upload('#file', NAMES34);
    await page.waitFor(() => /34 characters/.test(document.getElementById('question-list').textContent), undefined, 30_000);
    await page.click('#about-hold');
    assert.match(await page.text('#run-about'), /-ln\(1\/34\) = 3\.53/);
    await step(page);
    await untilLine(page, 0, /the run 3\.53|The run: 3\.53/);
  });

  test('presentation mode asks over the charts, and A shows each answer, then the charts', async ({ open }) => {
    const page = await open('?chapter=kaiming&present=1', { width: 1024, height: 768 });
    try {
      await page.waitFor(() => document.getElementById('questions').classList.contains('asking'));
      const asked = await box(page, '#questions');
      const side = await box(page, '#side');
      assert.ok(asked.x >= side.x + side.width - 1 && asked.x + asked.width >= 1020 && asked.height >= 760,
        `the question fills the charts' side of the screen: ${JSON.stringify(asked)}`);
      // The controls stay at hand beside it.
      assert.equal(await visible(page, '#step'), true);
      if (engine === 'chromium') {
        mkdirSync(DOCS, { recursive: true });
        await page.screenshot(`${DOCS}question-presentation-1024x768.png`);
      }
      // The first answer (the demo's spread) is the run's model's own: shown at once.
      await page.press('a');
      await untilLine(page, 0, /^The run: \d+\.\d\d \(no guess\)\.$/);
      // The second needs the first step: it says so, and comes with it.
      await page.press('a');
      await untilLine(page, 1, /when it gets there/);
      await page.press('a');
      await page.waitFor(() => !document.getElementById('questions').classList.contains('asking'));
      await step(page);
      await untilLine(page, 1, /^The run: \d+\.\d\d% \(no guess\)\.$/);
      assert.equal(await visible(page, 'figure[data-chart="kaiming"]'), true, 'the charts are back');
      assert.equal(await fatal(page), '');
      assert.deepEqual(page.errors(), []);
    } finally {
      await page.close();
    }
  });

  test("a teacher's link hides the questions, and the explanation does not wait", async ({ open }) => {
    const page = await open('?chapter=naive&hide=questions');
    try {
      await page.waitFor(() => document.getElementById('quiz-summary') !== null && document.getElementById('questions').hidden);
      assert.equal(await visible(page, '#questions'), false);
      assert.equal(await visible(page, '#run-about'), true);
      assert.equal(await visible(page, '#about-hold'), false);
    } finally {
      await page.close();
    }
  });

  test('no error on the page', ({ page, browser }, t) => noError(page, browser, t, engine));
});
