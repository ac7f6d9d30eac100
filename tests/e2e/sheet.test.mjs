// Backprop by hand (makemore part 4), as a student uses it, in the three engines students open
// the page with (Chromium, Firefox ESR, WebKitGTK: Safari's engine): the sheet at #sheet, every
// tensor of exercise 1 filled in with the lecture's answers (as tests/native/backprop/lecture.rs
// types them) turns green one after the other (Check, or Ctrl+Enter); exercises 2 and 3 too; a
// wrong answer turns red with its message, a megabyte of text too; hints come in steps; exercise
// 4 trains and its two loss curves overlay; the answers are still there after a reload; a link
// copied on the sheet hands it out half done (answers typed as a student types them); an upload
// changes its shapes and keeps the answers, and stops an exercise 4 on the earlier names. The page's state is read from its text and the
// sheet's boxes. What one engine cannot do in automation is said by name: WebKitGTK's WebDriver
// cannot read the clipboard, so there the clipboard refuses the link and the test takes it from
// the page's own sentence ("copy this link: ..."). Writes docs/backprop-sheet-1366x768.png
// (Chromium). Needs www/pkg/ (`cargo xtask build`) and the browsers (`cargo xtask test` installs
// them).

import { after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eachEngine } from './engines/suite.mjs';
import { fatal, noError, ready } from './engines/student.mjs';
import { cell, exercise1 } from './lecture.mjs';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));

// 60 names over six Hebrew letters: a vocabulary of 7 with '.'.
const files = mkdtempSync(join(tmpdir(), 'makemore-sheet-'));
const HEBREW = join(files, 'שמות.txt');
writeFileSync(HEBREW, Array.from({ length: 60 }, (_, i) => ['אב', 'בג', 'גדה', 'הו', 'ואב'][i % 5].repeat(1 + (i % 3))).join('\n'));
after(() => rmSync(files, { recursive: true, force: true }));

/** Exercise `id`'s box: {status, level, line}. */
const box = (page, id) => page.evaluate((i) => {
  const b = document.getElementById(`exercise-${i}`);
  const v = b.querySelector('.verdict');
  return { status: b.dataset.status ?? '', level: v.className.replace('verdict', '').trim(), line: v.textContent };
}, id);

/** The text in exercise `id`'s box. */
const answer = (page, id) => page.evaluate((i) => document.getElementById(`answer-${i}`).value, id);

/** Waits until exercise `id`'s status is `status`. */
const untilStatus = (page, id, status) => page.waitFor(([i, s]) => document.getElementById(`exercise-${i}`).dataset.status === s, [id, status]);

/**
 * Puts `text` in exercise `id`'s box and checks it (Ctrl+Enter, or the button). The text is
 * pasted at once (an input event) unless `typed`: the sheet's 30 answers, a megabyte among
 * them, would take minutes through WebDriver's keys.
 */
async function write(page, id, text, { keys = false, typed = false } = {}) {
  if (typed) {
    await page.fill(`#answer-${id}`, text);
    assert.equal(await answer(page, id), text, `${id}: typed as written`);
  } else {
    await page.evaluate(([i, t]) => {
      const area = document.getElementById(`answer-${i}`);
      area.value = t;
      area.dispatchEvent(new Event('input'));
    }, [id, text]);
  }
  await page.evaluate((i) => { delete document.getElementById(`exercise-${i}`).dataset.status; }, id);
  if (keys) {
    await page.evaluate((i) => document.getElementById(`answer-${i}`).focus(), id);
    await page.press('Control+Enter');
  } else {
    await page.click(`#exercise-${id} .check`);
  }
  await page.waitFor((i) => document.getElementById(`exercise-${i}`).dataset.status, id);
  return box(page, id);
}

eachEngine(({ engine, test }) => {
  test('a student fills in exercise 1 as the lecture does and sees every tensor turn green; exercise 4 overlays', async ({ page }) => {
    await page.waitFor(() => document.querySelectorAll('#sheet .exercise').length === 28, undefined, 60_000);
    assert.equal(await page.evaluate(() => document.getElementById('sheet').hidden), false);
    const answers = exercise1();
    assert.equal(answers.length, 26);
    // The boxes come in the lecture's order.
    const ids = await page.evaluate(() => [...document.querySelectorAll('#sheet-part-1 .exercise')].map((b) => b.dataset.id));
    assert.deepEqual(ids, answers.map(([id]) => id));
    // The first typed key by key (WebKitGTK's WebDriver types a newline as Enter), the rest pasted.
    for (const [i, [id, text]] of answers.entries()) {
      const b = await write(page, id, text, { keys: i % 2 === 1, typed: i === 0 });
      assert.deepEqual([b.status, b.level], ['exact', 'good'], `${id}: ${b.line}`);
      assert.match(b.line, i === 0 ? /^dlogprobs: exact, every number equals the core's/ : /exact/, id);
    }
    for (const [id, name] of [['cross_entropy', 'EXERCISE_2'], ['batchnorm', 'EXERCISE_3']]) {
      const b = await write(page, id, cell(name));
      assert.ok(b.status === 'exact' || (b.status === 'approximate' && b.level === 'warn'), `${id}: ${JSON.stringify(b)}`);
      if (b.status === 'approximate') assert.match(b.line, /largest difference/, id);
    }
    // Wrong answers: red, with what is wrong (a sign, the shapes); then right again.
    const sign = await write(page, 'probs', 'dprobs = -(1.0 / probs) * dlogprobs');
    assert.deepEqual([sign.status, sign.level], ['wrong', 'bad'], sign.line);
    assert.match(sign.line, /^dprobs: wrong \(shape \(\d+, \d+\) is right, the largest difference is .+\)\. .*opposite sign/);
    const [, hpreact] = answers.find(([id]) => id === 'hpreact');
    const wrong = await write(page, 'hpreact', 'dhpreact = (1.0 - h) * dh');
    assert.deepEqual([wrong.status, wrong.level], ['wrong', 'bad'], wrong.line);
    assert.match(wrong.line, /^dhpreact: wrong/);
    const shapes = await write(page, 'b2', 'db2 = dlogits.sum(1)');
    assert.match(shapes.line, /yours has shape/);
    for (const id of ['probs', 'b2', 'hpreact']) {
      assert.equal((await write(page, id, answers.find(([i]) => i === id)[1])).status, 'exact', id);
    }
    // A megabyte of text: a message, and the sheet goes on.
    const huge = await write(page, 'h', `dh = dlogits @ W2.T\n${'# x\n'.repeat(1 << 18)}`);
    assert.deepEqual([huge.status, huge.level], ['error', 'bad'], huge.line.slice(0, 200));
    assert.match(huge.line, /at most/);
    assert.equal((await write(page, 'h', answers.find(([id]) => id === 'h')[1])).status, 'exact');
    // Hints in steps: the shape, the local derivative, the answer.
    for (let n = 1; n <= 3; n++) {
      await page.click('#exercise-h .hint');
      await page.waitFor((k) => document.querySelectorAll('#exercise-h .hints li').length === k, n);
    }
    assert.match(await page.text('#exercise-h .hints li:nth-child(3)'), /dh = dlogits @ W2\.T/);

    // Exercise 4: the student's backward beside the core's, from the same seed.
    await page.fill('#sheet-steps', '300');
    await page.click('#sheet-train');
    await page.waitFor(() => document.getElementById('sheet-train-box').dataset.running === 'false'
      && document.getElementById('sheet-train-box').dataset.step === '300', undefined, 90_000);
    const line = await page.text('#sheet-train-msg');
    assert.match(line, /^step 300 of 300: loss \d+\.\d+ with your backward, \d+\.\d+ with the core's; (the two curves are the same, bit for bit|they differ by at most .+ \(rounding\))$/);
    // The chart draws both curves, over each other.
    await page.waitFor(() => { const c = window.__labSeam.chart('sheet'); return c.draws > 0 && !c.pending; });
    const spec = await page.evaluate(() => window.__labSeam.chart('sheet').view.spec.loss);
    const [core, student] = [spec.losses, spec.earlier_runs[0].values];
    assert.equal(core.length, 300);
    assert.equal(student.length, 300);
    const gap = Math.max(...core.map((c, i) => Math.abs(c - student[i])));
    assert.ok(gap < 1e-4, `the curves overlay: ${gap}; ${line}`);
    assert.ok(core.slice(-20).reduce((a, b) => a + b) / 20 < core[0] - 0.3, `it trains: ${core[0]} -> ${core.at(-1)}`);
    if (engine === 'chromium') {
      mkdirSync(DOCS, { recursive: true });
      await page.evaluate(() => document.getElementById('sheet-part-4').scrollIntoView({ block: 'center' }));
      await page.screenshot(`${DOCS}backprop-sheet-1366x768.png`);
    }

    // What the student wrote stays in the browser: after a reload, the answers and their verdicts.
    await page.reload();
    await ready(page);
    await page.waitFor(() => document.querySelectorAll('#sheet .exercise[data-status="exact"]').length >= 26);
    for (const [id, text] of answers) assert.equal(await answer(page, id), text, id);
    assert.equal(await fatal(page), '');
    assert.deepEqual(page.errors(), []);
  });

  test('the sheet works on the names the lesson uses: an upload changes its shapes and keeps the answers', async ({ page }) => {
    await page.waitFor(() => /C \(27, 10\)/.test(document.getElementById('sheet-parts').textContent));
    const [[id, text]] = exercise1();
    assert.equal((await write(page, id, text)).status, 'exact');
    // Exercise 4 under way on these names (the answers of the test before are in the boxes).
    await page.fill('#sheet-steps', '5000');
    await page.click('#sheet-train');
    await page.waitFor(() => document.getElementById('sheet-train-box').dataset.running === 'true'
      && Number(document.getElementById('sheet-train-box').dataset.step) > 0, undefined, 30_000);
    await page.upload('#file', HEBREW);
    // Its runs were on the earlier names: they stop, their curves go, and the line says why.
    await page.waitFor(() => document.getElementById('sheet-train-box').dataset.running === 'false'
      && document.getElementById('sheet-train-box').dataset.step === '0', undefined, 30_000);
    assert.match(await page.text('#sheet-train-msg'), /^The names changed, so the earlier runs' curves are gone/);
    assert.equal(await page.evaluate(() => document.getElementById('sheet-train').disabled), false, 'Train can be pressed again');
    await page.waitFor(() => /C \(7, 10\)/.test(document.getElementById('sheet-parts').textContent), undefined, 30_000);
    assert.match(await page.text(`#exercise-${id} .meaning`), /each of the 7 characters/);
    assert.equal(await answer(page, id), text, 'the answer stays');
    await untilStatus(page, id, 'exact');
  });

  test("a link copied on the sheet hands it out half done: its answers fill a student's empty boxes", async ({ browser, open }, t) => {
    const [first, second] = exercise1();
    const teacher = await open('?chapter=deep#sheet');
    let url;
    try {
      await teacher.waitFor(() => !!document.getElementById('answer-logprobs'));
      // Typed, as a student types them (WebKitGTK's WebDriver types a newline as Enter).
      await teacher.fill(`#answer-${first[0]}`, first[1]);
      await teacher.fill(`#answer-${second[0]}`, second[1]);
      if (!browser.can.clipboard) {
        // Its automation cannot read the clipboard: the clipboard refuses the link here, as a
        // browser without the permission does, and the page says the link instead.
        t.diagnostic(`${engine}: its WebDriver cannot read the clipboard; the clipboard refuses, and the link is read where the page says it`);
        await teacher.evaluate(() => { navigator.clipboard.writeText = () => Promise.reject(new DOMException('refused', 'NotAllowedError')); });
      }
      await teacher.click('#copy-link');
      // The address takes the chapter at once (not the answers: they are in the link alone).
      await teacher.waitFor(() => /chapter=deep/.test(location.search) && location.hash === '#sheet');
      const said = await teacher.waitFor(() => document.getElementById('link-msg').textContent || null);
      if (browser.can.clipboard) {
        assert.equal(said, 'link copied');
        url = await teacher.clipboard();
      } else {
        url = said.match(/^copy this link: (\S+)$/)?.[1];
        assert.ok(url, said);
      }
      assert.match(url, /\?chapter=deep#sheet\?/, url);
      assert.equal(await fatal(teacher), '');
      assert.deepEqual(teacher.errors(), []);
    } finally {
      await teacher.close();
    }
    // A student's browser (a profile of its own): one box of their own (wrong), then the link.
    const student = await open('');
    try {
      await student.evaluate(([id]) => localStorage.setItem(`makemore-lab.sheet.${id}`, 'mine'), second);
      await student.goto(url);
      await student.waitFor(() => !!document.getElementById('answer-logprobs'), undefined, 60_000);
      assert.equal(await answer(student, first[0]), first[1], 'the hand-out filled the empty box');
      assert.equal(await answer(student, second[0]), 'mine', "the student's own stays");
      await student.waitFor(() => /The link filled in 1 answer; 1 box kept what you wrote/.test(document.getElementById('sheet-msg').textContent));
      assert.equal(await student.evaluate(() => location.hash), '#sheet', 'the address keeps only #sheet');
      await untilStatus(student, first[0], 'exact');
      assert.equal(await fatal(student), '');
      assert.deepEqual(student.errors(), []);
    } finally {
      await student.close();
    }
  });

  test('no error on the page', ({ page, browser }, t) => noError(page, browser, t, engine));
}, { path: '#sheet' });
