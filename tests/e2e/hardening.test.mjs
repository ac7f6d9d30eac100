// What an auditor and a class found, each as a user meets it: a weights file the page itself
// saved is loaded back whatever its size; two uploads chosen quickly one after the other end with
// the last one in use (and a restart keeps that one); a link whose setup crashed the trainer is
// not applied again when the trainer restarts.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { WWW } from './harness.mjs';
import { openLab, panicTrainer, state, text, until, untilTrainer } from './lab.mjs';

const apps = [];
after(async () => {
  for (const app of apps) await app.close();
});

async function lab(path = '') {
  const app = await openLab(path);
  apps.push(app);
  return app;
}

/** Saves a download started by `click` and returns its name and bytes. */
async function download(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
}

/** Applies custom settings through the form, as a teacher does. */
async function customise(page, values) {
  await page.click('#custom summary');
  for (const [key, value] of Object.entries(values)) await page.fill(`#knob-${key}`, String(value));
  const before = (await state(page)).run;
  await page.click('#custom-apply');
  await untilTrainer(page, (s, r) => s.run > r, before);
}

test('a weights file over 4 MiB that the page saved loads back', async () => {
  const { page } = await lab();
  await customise(page, { n_hidden: 1024, n_layers: 2 });
  await page.click('#step');
  await untilTrainer(page, (s) => s.step === 1);
  const w = await download(page, () => page.click('#save-weights'));
  assert.ok(w.bytes.length > 4 * 1024 * 1024, `${w.bytes.length} bytes`);
  const before = (await state(page)).run;
  await page.setInputFiles('#weights-file', { name: w.name, mimeType: 'application/octet-stream', buffer: w.bytes });
  await untilTrainer(page, (s, r) => s.run > r, before, 30_000);
  assert.match(await text(page, '#weights-msg'), /^Loaded the weights/);
});

const NAMES = readFileSync(`${WWW}/names.txt`, 'utf8').split('\n').filter(Boolean);

test('two uploads chosen quickly: the last one chosen is in use, and a restart keeps it', async () => {
  const { page } = await lab();
  // The first file takes longer to read than the second (as a large file on a slow disk does).
  await page.evaluate(() => {
    const read = File.prototype.arrayBuffer;
    File.prototype.arrayBuffer = function slowFirst() {
      const bytes = read.call(this);
      return this.name === 'first.txt' ? new Promise((ok) => setTimeout(() => ok(bytes), 1_500)) : bytes;
    };
  });
  const first = NAMES.slice(0, 200).join('\n');
  const second = NAMES.slice(200, 260).join('\n');
  await page.setInputFiles('#file', { name: 'first.txt', mimeType: 'text/plain', buffer: Buffer.from(first) });
  await page.setInputFiles('#file', { name: 'second.txt', mimeType: 'text/plain', buffer: Buffer.from(second) });
  await until(page, () => document.getElementById('data-source').textContent === 'second.txt', undefined, 20_000);
  await page.waitForTimeout(2_500); // the first file's read is over: it must not take over now
  assert.equal(await text(page, '#data-source'), 'second.txt');
  assert.equal(await text(page, '#data-names'), '60');
  await panicTrainer(page);
  await until(page, () => !document.getElementById('fatal').hidden);
  await page.click('#restart');
  await untilTrainer(page, (s) => s.ready && !s.dead);
  await until(page, () => document.getElementById('data-names').textContent === '60');
  assert.equal(await text(page, '#data-source'), 'second.txt');
});

test("a restart after a crash does not apply the link's setup again", async () => {
  // A link whose setup crashes the trainer as it starts would crash every restart (whatever
  // the restart drops), if the restart applied the link again. The restart brings the run back
  // from the page's own state instead: its chapter and knobs.
  const { page } = await lab('?chapter=kaiming&n_hidden=64');
  assert.equal((await state(page)).knobs.n_hidden, '64');
  await page.evaluate(() => {
    window.__inits = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function record(msg, ...rest) {
      if (msg?.type === 'init') window.__inits.push(msg.link ?? null);
      return post.call(this, msg, ...rest);
    };
  });
  await panicTrainer(page);
  await until(page, () => !document.getElementById('fatal').hidden);
  await page.click('#restart');
  await untilTrainer(page, (s) => s.ready && !s.dead && s.chapter === 'kaiming' && s.knobs.n_hidden === '64');
  assert.deepEqual(await page.evaluate(() => window.__inits), [null]);
});
