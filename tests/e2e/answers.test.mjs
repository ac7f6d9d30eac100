// A student's answers judged, in the three engines students open the page with (Chromium,
// Firefox ESR, WebKitGTK: Safari's engine): a chapter's question guessed wrong (chapter 7's
// choice: what BatchNorm normalises with at eval, answered by what the run measured) and another
// chapter's right (chapter 3's number: the loss of a model that knows nothing), each verdict
// read beside the live chart where it shows; then the backprop sheet (#sheet): one of exercise
// 1's tensors written as the lecture writes it, judged exact, and a wrong one judged wrong with
// its message. The page's state is read from its text (as tests/e2e/engines/student.mjs does).
// Every engine does all of it in automation (WebKitGTK's WebDriver types a newline as Enter:
// engines/webkit.mjs). questions.test.mjs and sheet.test.mjs go further in Chromium. Needs
// www/pkg/ (`cargo xtask build`) and the browsers (`cargo xtask test` installs them).

import assert from 'node:assert/strict';
import { eachEngine } from './engines/suite.mjs';
import { chooseChapter, counter, fatal } from './engines/student.mjs';
import { exercise1 } from './lecture.mjs';

/** Question `i`'s line as the list shows it ('' before the list has it). */
const line = (page, i) => page.evaluate((k) => document.querySelectorAll('#question-list > li')[k]?.querySelector('.line')?.textContent ?? '', i);

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

/** One step, and the counter shows it. */
async function step(page) {
  const before = (await counter(page)).step;
  await page.click('#step');
  await page.waitFor((n) => document.getElementById('step-count').textContent.startsWith(`step ${(n + 1).toLocaleString('en-US')} of`), before);
}

/** Exercise `id`'s verdict as shown: its line, and its colour's class ('good', 'warn', 'bad'). */
const verdict = (page, id) => page.evaluate((i) => {
  const v = document.querySelector(`#exercise-${i} .verdict`);
  return { line: v.textContent, level: v.className.replace('verdict', '').trim() };
}, id);

/** Writes `text` as exercise `id`'s answer, presses Check and waits for a new verdict. */
async function check(page, id, text) {
  const before = (await verdict(page, id)).line;
  await page.fill(`#answer-${id}`, text);
  await page.click(`#exercise-${id} .check`);
  await page.waitFor(([i, b]) => {
    const v = document.querySelector(`#exercise-${i} .verdict`).textContent;
    return v !== '' && v !== b;
  }, [id, before]);
  return verdict(page, id);
}

eachEngine(({ engine, test }) => {
  test("chapter 7's choice, guessed wrong, is judged by what the run measured, beside the running statistics", async ({ page }) => {
    await chooseChapter(page, 'batchnorm');
    const i = await question(page, 'At eval');
    assert.equal(await line(page, i), 'Guess before you train.');
    await page.click(`#q${i}-c0`);
    await untilLine(page, i, /^Your guess: the batch's own mean and std/);
    await step(page);
    const judged = await untilLine(page, i, /wrong/);
    assert.equal(judged, "Your guess the batch's own mean and std · the run the running mean and std kept during training: wrong.");
    const why = await page.evaluate((k) => document.querySelectorAll('#question-list > li')[k].querySelector('.why')?.textContent, i);
    assert.match(why, /one example alone has no batch/);
    const lines = await beside(page, 'running');
    assert.deepEqual(lines, [{ text: judged, verdict: 'wrong' }]);
  });

  test("chapter 3's number, guessed right, is judged beside the loss chart", async ({ page }) => {
    await chooseChapter(page, 'naive');
    const i = await question(page, 'A model that knows nothing');
    await page.fill(`#q${i}-n`, '3.3');
    await page.click(`#question-list > li:nth-child(${i + 1}) button[type="submit"]`);
    await untilLine(page, i, /^Your guess: 3\.30/);
    await step(page);
    const judged = await untilLine(page, i, /right\.$/);
    assert.equal(judged, 'Your guess 3.30 · the run 3.30: right.');
    const lines = await beside(page, 'loss');
    assert.deepEqual(lines, [{ text: judged, verdict: 'right' }]);
    // The chapter before's guess went with its run.
    assert.deepEqual(await beside(page, 'running'), []);
  });

  test('the backprop sheet judges an answer as the lecture writes it exact, and a wrong one wrong with its message', async ({ page }) => {
    await page.click('#open-sheet');
    await page.waitFor(() => !document.getElementById('sheet').hidden && !!document.getElementById('answer-logprobs'), undefined, 60_000);
    const [id, text] = exercise1()[0];
    assert.equal(id, 'logprobs');
    const right = await check(page, id, text);
    assert.equal(right.level, 'good', right.line);
    assert.match(right.line, /^dlogprobs: exact, every number equals the core's/);
    const wrong = await check(page, 'probs', 'dprobs = -(1.0 / probs) * dlogprobs');
    assert.equal(wrong.level, 'bad', wrong.line);
    assert.match(wrong.line, /^dprobs: wrong \(shape \(\d+, \d+\) is right, the largest difference is .+\)\. .*opposite sign/);
  });

  test('no error on the page', async ({ page, browser }, t) => {
    assert.equal(await fatal(page), '');
    if (!browser.can.console) t.diagnostic(`${engine}: its WebDriver reports no console (only the page's own error box is checked)`);
    assert.deepEqual(page.errors(), []);
  });
});
