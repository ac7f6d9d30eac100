// The chapter's questions, as a student meets them: the chapter asks before its first step (its
// explanation waits, since it would give the answers away), a wrong guess and then, on the next
// run, a right one, each judged against the run's own number and written beside the chart where
// it shows; the runs table keeps the tally; another names file asks about its own vocabulary
// (34 characters: -ln(1/34) = 3.53); presentation mode fills the charts' side of the screen with the
// questions and A shows the answers one at a time; a teacher's link hides them. Writes
// docs/question-presentation-1024x768.png. Needs www/pkg/ (`cargo xtask build`).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openLab, state, text, until, untilTrainer } from './lab.mjs';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const apps = [];
after(async () => {
  for (const a of apps) await a.close();
});

async function lab(path, options) {
  const app = await openLab(path, options);
  apps.push(app);
  return app;
}

/** The questions as the page shows them: prompt, line, why, whether the field is open. */
function questions(page) {
  return page.$$eval('#question-list > li', (lis) => lis.map((li) => ({
    prompt: li.querySelector('.prompt')?.textContent ?? '',
    line: li.querySelector('.line')?.textContent ?? '',
    why: li.querySelector('.why')?.textContent ?? null,
    verdict: li.dataset.verdict,
    open: !li.querySelector('input')?.disabled,
  })));
}

/** Waits until question `i`'s line matches `re`. */
function untilLine(page, i, re) {
  return until(page, ([k, src]) => {
    const li = document.querySelectorAll('#question-list > li')[k];
    return !!li && new RegExp(src).test(li.querySelector('.line')?.textContent ?? '');
  }, [i, re.source]);
}

async function step(page) {
  const before = (await state(page)).step;
  await page.click('#step');
  await untilTrainer(page, (s, n) => s.step > n, before);
}

test('a guess, wrong and then right, is judged against the run and stays beside its chart', async () => {
  const { page } = await lab('?chapter=naive');
  await until(page, () => document.querySelectorAll('#question-list > li').length > 0);
  let qs = await questions(page);
  assert.equal(qs.length, 2);
  assert.match(qs[0].prompt, /each of the 27 characters the same probability/);
  assert.equal(qs[0].line, 'Guess before you train.');
  // The explanation states the answer: it waits until asked for, or the first step.
  assert.equal(await page.isVisible('#run-about'), false);
  assert.equal(await page.isVisible('#about-hold'), true);

  // Wrong: a loss of 9, and "near the uniform loss" for randn weights.
  await page.fill('#q0-n', '9');
  await page.click('#question-list > li:nth-child(1) button[type="submit"]');
  await untilLine(page, 0, /^Your guess: 9\.00\. Train to see/);
  await page.check('#q1-c0');
  await untilLine(page, 1, /^Your guess: near the uniform loss/);
  await step(page);
  await untilLine(page, 0, /wrong/);
  qs = await questions(page);
  assert.match(qs[0].line, /^Your guess 9\.00 · the run 3\.30: wrong \(right is within ±0\.1\)\.$/);
  assert.match(qs[0].why, /-ln\(1\/27\) = ln 27 = 3\.30/);
  assert.match(qs[1].line, /^Your guess near the uniform loss \(within 1\) · the run well above it: wrong\.$/);
  assert.equal(qs[0].open, false, 'no second guess once the answer is out');
  // Beside the loss chart, where both answers show.
  const beside = await page.$$eval('figure[data-chart="loss"] .guess-line', (ps) => ps.map((p) => p.textContent));
  assert.equal(beside.length, 2, `${beside}`);
  assert.match(beside[0], /Your guess 9\.00 · the run 3\.30: wrong/);
  assert.equal(await page.isVisible('#run-about'), true, 'the explanation after the first step');

  // The next run asks again: right this time.
  const run = (await state(page)).run;
  await page.click('#reset');
  await untilTrainer(page, (s, r) => s.run > r, run);
  await untilLine(page, 0, /^Guess before you train\.$/);
  await page.fill('#q0-n', '3.3');
  await page.press('#q0-n', 'Enter');
  await untilLine(page, 0, /^Your guess: 3\.30/);
  await page.check('#q1-c1');
  await untilLine(page, 1, /^Your guess: well above it/);
  await step(page);
  await untilLine(page, 0, /right\.$/);
  qs = await questions(page);
  assert.deepEqual(qs.map((q) => q.verdict), ['right', 'right']);
  const right = await page.$$eval('figure[data-chart="loss"] .guess-line[data-verdict="right"]', (ps) => ps.length);
  assert.equal(right, 2);
  // The runs table (and its CSV) keeps the tally of each run.
  await until(page, () => /2 of 2 right/.test(document.getElementById('runs-table').textContent));
  const table = await text(page, '#runs-table');
  assert.match(table, /0 of 2 right/);
  assert.match(table, /2 of 2 right/);
  // Not a number: refused with a sentence, nothing changes.
  await page.click('#reset');
  await untilLine(page, 0, /^Guess before you train\.$/);
  await page.fill('#q0-n', 'lots');
  await page.press('#q0-n', 'Enter');
  await until(page, () => /not a number/.test(document.getElementById('quiz-msg').textContent));
  assert.equal((await questions(page))[0].line, 'Guess before you train.');
});

test('names of another vocabulary ask, and explain, with its own numbers', async () => {
  const { page } = await lab('?chapter=naive');
  // The 26 letters and 7 more: 33 characters, and '.' makes 34.
  const base = ['emma', 'olivia', 'ava', 'isabella', 'sophia', 'charlotte', 'mia', 'amelia', 'harper', 'evelyn', 'quinn', 'xavier', 'zoe', 'jack', 'kyle', 'bryce', 'wendy', 'gus', 'fiona'];
  const extra = ['zoë', 'josé', 'åsa', 'øyvind', 'ñuño', 'çelik', 'ıra'];
  const names = [];
  for (let i = 0; i < 400; i++) names.push(base[i % base.length] + (i % 7 ? '' : 'n'));
  for (let i = 0; i < 70; i++) names.push(extra[i % extra.length] + ['a', 'n', 'l'][i % 3]);
  const run = (await state(page)).run;
  await page.setInputFiles('#file', { name: 'names34.txt', mimeType: 'text/plain', buffer: Buffer.from(names.join('\n')) });
  await untilTrainer(page, (s, r) => s.run > r, run);
  await until(page, () => /34 characters/.test(document.getElementById('question-list').textContent));
  await page.click('#about-hold');
  assert.match(await text(page, '#run-about'), /-ln\(1\/34\) = 3\.53/);
  await step(page);
  await untilLine(page, 0, /the run 3\.53|The run: 3\.53/);
});

test('presentation mode asks over the charts, and A shows each answer, then the charts', async () => {
  const { page } = await lab('?chapter=kaiming&present=1', { viewport: { width: 1024, height: 768 } });
  await until(page, () => document.getElementById('questions').classList.contains('asking'));
  const box = await page.locator('#questions').boundingBox();
  const side = await page.locator('#side').boundingBox();
  assert.ok(box.x >= side.x + side.width - 1 && box.x + box.width >= 1020 && box.height >= 760, `the question fills the charts' side of the screen: ${JSON.stringify(box)}`);
  // The controls stay at hand beside it.
  assert.equal(await page.locator('#step').isVisible(), true);
  mkdirSync(DOCS, { recursive: true });
  await page.screenshot({ path: `${DOCS}question-presentation-1024x768.png` });
  // The first answer (the demo's spread) is the run's model's own: shown at once.
  await page.keyboard.press('a');
  await untilLine(page, 0, /^The run: \d+\.\d\d \(no guess\)\.$/);
  // The second needs the first step: it says so, and comes with it.
  await page.keyboard.press('a');
  await untilLine(page, 1, /when it gets there/);
  await page.keyboard.press('a');
  await until(page, () => !document.getElementById('questions').classList.contains('asking'));
  await step(page);
  await untilLine(page, 1, /^The run: \d+\.\d\d% \(no guess\)\.$/);
  assert.equal(await page.isVisible('figure[data-chart="kaiming"]'), true, 'the charts are back');
});

test("a teacher's link hides the questions, and the explanation does not wait", async () => {
  const { page } = await lab('?chapter=naive&hide=questions');
  await until(page, () => document.getElementById('quiz-summary') !== null && document.getElementById('questions').hidden);
  assert.equal(await page.isVisible('#questions'), false);
  assert.equal(await page.isVisible('#run-about'), true);
  assert.equal(await page.isVisible('#about-hold'), false);
});
