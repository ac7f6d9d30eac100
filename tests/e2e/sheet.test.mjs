// Backprop by hand (makemore part 4), as a student uses it: the sheet at #sheet, every tensor of
// exercise 1 filled in with the lecture's answers (as tests/native/backprop/lecture.rs types
// them) turns green one after the other (Check, or Ctrl+Enter); exercises 2 and 3 too; a wrong
// answer turns red with its message, a megabyte of text too; hints come in steps; the answers are still there after a
// reload; exercise 4 trains and its two loss curves overlay. Writes
// docs/backprop-sheet-1366x768.png. Needs www/pkg/ (`cargo xtask build`).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openLab, until, waitReady } from './lab.mjs';
import { cell, exercise1 } from './lecture.mjs';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const apps = [];
after(async () => {
  for (const a of apps) await a.close();
});

/** Exercise `id`'s box: {status, level, line}. */
function box(page, id) {
  return page.evaluate((i) => {
    const b = document.getElementById(`exercise-${i}`);
    const v = b.querySelector('.verdict');
    return { status: b.dataset.status ?? '', level: v.className.replace('verdict', '').trim(), line: v.textContent };
  }, id);
}

/** Types `text` as exercise `id`'s answer and checks it (Ctrl+Enter, or the button). */
async function write(page, id, text, { keys = false } = {}) {
  // As typed (an input event); a long text is pasted at once rather than typed.
  await page.evaluate(([i, t]) => {
    const area = document.getElementById(`answer-${i}`);
    area.value = t;
    area.dispatchEvent(new Event('input'));
  }, [id, text]);
  await page.evaluate((i) => { delete document.getElementById(`exercise-${i}`).dataset.status; }, id);
  if (keys) {
    await page.focus(`#answer-${id}`);
    await page.keyboard.press('Control+Enter');
  } else {
    await page.click(`#exercise-${id} .check`);
  }
  await until(page, (i) => document.getElementById(`exercise-${i}`).dataset.status, id);
  return box(page, id);
}

test('a student fills in exercise 1 as the lecture does and sees every tensor turn green; exercise 4 overlays', async () => {
  const app = await openLab('#sheet', { fold: 'closed' });
  apps.push(app);
  const { page } = app;
  await until(page, () => document.querySelectorAll('#sheet .exercise').length === 28);
  assert.equal(await page.evaluate(() => document.getElementById('sheet').hidden), false);
  const answers = exercise1();
  assert.equal(answers.length, 26);
  // The boxes come in the lecture's order.
  const ids = await page.$$eval('#sheet-part-1 .exercise', (bs) => bs.map((b) => b.dataset.id));
  assert.deepEqual(ids, answers.map(([id]) => id));
  for (const [i, [id, text]] of answers.entries()) {
    const b = await write(page, id, text, { keys: i % 2 === 1 });
    assert.deepEqual([b.status, b.level], ['exact', 'good'], `${id}: ${b.line}`);
    assert.match(b.line, /exact/, id);
  }
  for (const [id, name] of [['cross_entropy', 'EXERCISE_2'], ['batchnorm', 'EXERCISE_3']]) {
    const b = await write(page, id, cell(name));
    assert.ok(b.status === 'exact' || (b.status === 'approximate' && b.level === 'warn'), `${id}: ${JSON.stringify(b)}`);
    if (b.status === 'approximate') assert.match(b.line, /largest difference/, id);
  }
  // A wrong answer: red, with what is wrong; then right again.
  const [, hpreact] = answers.find(([id]) => id === 'hpreact');
  const wrong = await write(page, 'hpreact', 'dhpreact = (1.0 - h) * dh');
  assert.deepEqual([wrong.status, wrong.level], ['wrong', 'bad'], wrong.line);
  assert.match(wrong.line, /^dhpreact: wrong/);
  const shapes = await write(page, 'b2', 'db2 = dlogits.sum(1)');
  assert.match(shapes.line, /yours has shape/);
  assert.equal((await write(page, 'b2', answers.find(([id]) => id === 'b2')[1])).status, 'exact');
  assert.equal((await write(page, 'hpreact', hpreact)).status, 'exact');
  // A megabyte of text: a message, and the sheet goes on.
  const huge = await write(page, 'h', `dh = dlogits @ W2.T\n${'# x\n'.repeat(1 << 18)}`);
  assert.deepEqual([huge.status, huge.level], ['error', 'bad'], huge.line.slice(0, 200));
  assert.match(huge.line, /at most/);
  assert.equal((await write(page, 'h', answers.find(([id]) => id === 'h')[1])).status, 'exact');
  // Hints in steps: the shape, the local derivative, the answer.
  for (let n = 1; n <= 3; n++) {
    await page.click('#exercise-h .hint');
    await until(page, (k) => document.querySelectorAll('#exercise-h .hints li').length === k, n);
  }
  assert.match(await page.textContent('#exercise-h .hints li:nth-child(3)'), /dh = dlogits @ W2\.T/);

  // Exercise 4: the student's backward beside the core's, from the same seed.
  await page.fill('#sheet-steps', '300');
  await page.click('#sheet-train');
  await until(page, () => document.getElementById('sheet-train-box').dataset.running === 'false'
    && document.getElementById('sheet-train-box').dataset.step === '300', undefined, 60_000);
  const line = await page.textContent('#sheet-train-msg');
  assert.match(line, /step 300 of 300/);
  await until(page, () => { const c = window.__labSeam.chart('sheet'); return c.draws > 0 && !c.pending; });
  const spec = await page.evaluate(() => window.__labSeam.chart('sheet').view.spec.loss);
  const [core, student] = [spec.losses, spec.earlier_runs[0].values];
  assert.equal(core.length, 300);
  assert.equal(student.length, 300);
  const gap = Math.max(...core.map((c, i) => Math.abs(c - student[i])));
  assert.ok(gap < 1e-4, `the curves overlay: ${gap}; ${line}`);
  assert.ok(core.slice(-20).reduce((a, b) => a + b) / 20 < core[0] - 0.3, `it trains: ${core[0]} -> ${core.at(-1)}`);
  mkdirSync(DOCS, { recursive: true });
  await page.evaluate(() => document.getElementById('sheet-part-4').scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: `${DOCS}backprop-sheet-1366x768.png` });

  // What the student wrote stays in the browser: after a reload, the answers and their verdicts.
  await page.reload();
  await waitReady(page);
  await until(page, () => document.querySelectorAll('#sheet .exercise[data-status="exact"]').length >= 26);
  for (const [id, text] of answers) {
    assert.equal(await page.inputValue(`#answer-${id}`), text, id);
  }
  assert.deepEqual(app.errors(), []);
});

test("a link copied on the sheet hands it out half done: its answers fill a student's empty boxes", async () => {
  const app = await openLab('?chapter=deep#sheet', { fold: 'closed', contextOptions: { permissions: ['clipboard-read', 'clipboard-write'] } });
  apps.push(app);
  const { page } = app;
  await until(page, () => !!document.getElementById('answer-logprobs'));
  const [first, second] = exercise1();
  await page.fill(`#answer-${first[0]}`, first[1]);
  await page.fill(`#answer-${second[0]}`, second[1]);
  await page.click('#copy-link');
  await until(page, () => /chapter=deep/.test(location.search));
  // The address changes first; the clipboard's write finishes a moment later.
  await page.waitForFunction(async () => /#sheet\?/.test(await navigator.clipboard.readText()), null, { timeout: 5000 });
  const url = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(url, /#sheet\?/, url);
  // A student's browser: one box of their own (wrong), then the teacher's link.
  const student = await openLab('', { fold: 'closed' });
  apps.push(student);
  await student.page.evaluate(([id]) => localStorage.setItem(`makemore-lab.sheet.${id}`, 'mine'), second);
  const at = new URL(url); // on the student's own server (another port: another origin)
  await student.page.goto(new URL(`${at.pathname}${at.search}${at.hash}`, student.page.url()).href);
  await until(student.page, () => !!document.getElementById('answer-logprobs'));
  assert.equal(await student.page.inputValue(`#answer-${first[0]}`), first[1], 'the hand-out filled the empty box');
  assert.equal(await student.page.inputValue(`#answer-${second[0]}`), 'mine', "the student's own stays");
  await until(student.page, () => /The link filled in 1 answer; 1 box kept what you wrote/.test(document.getElementById('sheet-msg').textContent));
  assert.match(await student.page.evaluate(() => location.hash), /^#sheet$/, 'the address keeps only #sheet');
  await until(student.page, ([id]) => document.getElementById(`exercise-${id}`).dataset.status === 'exact', first);
});

test('the sheet works on the names the lesson uses: an upload changes its shapes and keeps the answers', async () => {
  const app = await openLab('#sheet', { fold: 'closed' });
  apps.push(app);
  const { page } = app;
  await until(page, () => /C \(27, 10\)/.test(document.getElementById('sheet-parts').textContent));
  const [[id, text]] = exercise1();
  await write(page, id, text);
  assert.equal((await box(page, id)).status, 'exact');
  // 60 names over six Hebrew letters: a vocabulary of 7 with '.'.
  const names = Array.from({ length: 60 }, (_, i) => ['אב', 'בג', 'גדה', 'הו', 'ואב'][i % 5].repeat(1 + (i % 3)));
  await page.setInputFiles('#file', { name: 'שמות.txt', mimeType: 'text/plain', buffer: Buffer.from(names.join('\n')) });
  await until(page, () => /C \(7, 10\)/.test(document.getElementById('sheet-parts').textContent));
  assert.match(await page.textContent(`#exercise-${id} .meaning`), /each of the 7 characters/);
  assert.equal(await page.inputValue(`#answer-${id}`), text, 'the answer stays');
  await until(page, (i) => document.getElementById(`exercise-${i}`).dataset.status === 'exact', id);
});
