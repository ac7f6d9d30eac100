// What a student sees, read from the page's text (the step counter, the data line, the samples,
// the loss chart's readout), for the tests that run in every engine: no page internals.

import assert from 'node:assert/strict';

/** Waits until the worker has the data and a run (the Train button is enabled). */
export async function ready(page) {
  await page.waitFor(() => document.body.dataset.ready === '1' && !document.getElementById('step').disabled
    && /^step \d/.test(document.getElementById('step-count').textContent), undefined, 60_000);
}

/** The step counter: { step, steps } from "step 1,234 of 5,000". */
export async function counter(page) {
  const text = await page.evaluate(() => document.getElementById('step-count').textContent);
  const m = text.match(/^step ([\d,]+) of ([\d,]+)$/);
  if (!m) throw new Error(`the step counter says '${text}'`);
  const n = (s) => Number(s.replace(/,/g, ''));
  return { step: n(m[1]), steps: n(m[2]) };
}

/** Training, as the buttons show it: Pause is enabled only while it trains. */
export const running = (page) => page.evaluate(() => !document.getElementById('pause').disabled);

/** The chapter whose button is pressed. */
export const chapter = (page) => page.evaluate(() =>
  document.querySelector('#chapter-list button[aria-pressed="true"]')?.dataset.chapter ?? null);

/** Picks chapter `name` and waits for its run (step 0). */
export async function chooseChapter(page, name) {
  await page.click(`#chapter-list button[data-chapter="${name}"]`);
  await page.waitFor((n) => document.querySelector(`#chapter-list button[data-chapter="${n}"]`)?.getAttribute('aria-pressed') === 'true'
    && /^step 0 of/.test(document.getElementById('step-count').textContent) && !document.getElementById('step').disabled, name);
}

/** Sets the step budget as a student types it. */
export async function setBudget(page, steps) {
  await page.fill('#budget', String(steps));
  await page.waitFor((n) => document.getElementById('step-count').textContent.endsWith(` of ${n.toLocaleString('en-US')}`), steps);
}

/** Pauses and waits until the page shows it paused. */
export async function pause(page) {
  await page.click('#pause');
  await page.waitFor(() => document.getElementById('pause').disabled && !document.getElementById('train').disabled);
}

/** Trains until the counter shows at least `steps` (or the budget is done), then pauses. */
export async function trainTo(page, steps, timeout = 90_000) {
  await page.click('#train');
  await page.waitFor((n) => {
    const m = document.getElementById('step-count').textContent.match(/^step ([\d,]+) of ([\d,]+)$/);
    const step = Number(m[1].replace(/,/g, ''));
    return step >= n || (step === Number(m[2].replace(/,/g, '')) && document.getElementById('pause').disabled);
  }, steps, timeout);
  if (await running(page)) await pause(page);
}

/** The loss chart's readout, as numbers: { step, loss, first } ("step 5: mini-batch loss 3.123, …", "first loss 3.301 …"). */
export async function lossReadout(page) {
  const text = await page.text('[data-chart="loss"] .readout');
  const now = text.match(/step ([\d,]+): mini-batch loss (\d+\.\d+)/);
  const first = text.match(/first loss (\d+\.\d+)/);
  return {
    text,
    step: now ? Number(now[1].replace(/,/g, '')) : null,
    loss: now ? Number(now[2]) : null,
    first: first ? Number(first[1]) : null,
  };
}

/** Waits until the loss readout shows step `n`. */
export const readoutAt = (page, n) => page.waitFor((k) => new RegExp(`step ${k.toLocaleString('en-US')}: mini-batch`)
  .test(document.querySelector('[data-chart="loss"] .readout').textContent), n);

/** The sampled names as listed. */
export const samples = (page) => page.evaluate(() => [...document.querySelectorAll('#samples li .name')].map((n) => n.textContent));

/** The page's crash box, if it shows: its text, else ''. */
export const fatal = (page) => page.evaluate(() => (document.getElementById('fatal').hidden ? '' : document.getElementById('fatal').textContent));

/**
 * No crash box and no error in the engine's console (where its WebDriver reports one; where it
 * does not, test context `t` says so).
 */
export async function noError(page, browser, t, engine) {
  assert.equal(await fatal(page), '');
  if (!browser.can.console) t.diagnostic(`${engine}: its WebDriver reports no console (only the page's own error box is checked)`);
  assert.deepEqual(page.errors(), []);
}

/** Whether `selector` is shown: laid out with a size and not made invisible (as playwright's isVisible). */
export const visible = (page, selector) => page.evaluate((sel) => {
  const el = document.querySelector(sel);
  if (!el) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
}, selector);

/** One step, and waits until the counter shows it. */
export async function step(page) {
  const { step: before } = await counter(page);
  await page.click('#step');
  await page.waitFor((n) => document.getElementById('step-count').textContent.startsWith(`step ${(n + 1).toLocaleString('en-US')} of`), before);
}
