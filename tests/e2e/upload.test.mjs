// Uploading names: a good file replaces the data and resets the model; each bad file gets its
// message next to the picker and changes nothing; a name that looks like HTML stays text.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { WWW } from './harness.mjs';
import { openLab, state, until, untilTrainer, trainTo, setBudget, text, losses } from './lab.mjs';

const DEFAULT = readFileSync(`${WWW}/names.txt`, 'utf8').split('\n').filter(Boolean);
const few = (n, from = 0) => DEFAULT.slice(from, from + n).join('\n') + '\n';
let app;
let page;
const dialogs = [];

before(async () => {
  app = await openLab();
  page = app.page;
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await setBudget(page, 100_000);
  await trainTo(page, 50);
});

after(async () => {
  await app?.close();
});

/** What must not change when a file is refused. */
async function snapshot() {
  return {
    names: await text(page, '#data-names'),
    vocab: await text(page, '#data-vocab'),
    train: await text(page, '#data-train'),
    source: await text(page, '#data-source'),
    ...(await state(page)),
    firstLoss: (await losses(page))[0],
  };
}

async function upload(name, buffer, mimeType = 'text/plain') {
  await page.evaluate(() => { document.getElementById('upload-msg').textContent = ''; });
  await page.setInputFiles('#file', { name, mimeType, buffer });
  await until(page, () => {
    const m = document.getElementById('upload-msg');
    return m.classList.contains('bad') || m.classList.contains('good');
  });
  return { msg: await text(page, '#upload-msg'), bad: await page.$eval('#upload-msg', (m) => m.classList.contains('bad')) };
}

const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n%'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]), Buffer.from('\n1 0 obj\n<< /Type /Catalog >>\nendobj\n')]);
const BAD = [
  ['empty.txt', Buffer.alloc(0), /no names/],
  ['picture.png', png, /not UTF-8 text|control characters/],
  ['paper.pdf', pdf, /not UTF-8 text|contains '\.'/],
  ['huge.txt', Buffer.alloc(5 * 1024 * 1024, 'a'), /the limit is 4 MB/],
  ['long.txt', Buffer.from(`${few(20)}${'x'.repeat(65)}\n`), /line 21 is 65 characters long/],
  ['override.txt', Buffer.from(`${few(20)}jean\u202Eluc\n`), /line 21 contains U\+202E RIGHT-TO-LEFT OVERRIDE/],
];

for (const [name, buffer, pattern] of BAD) {
  test(`a bad file is refused with its message and changes nothing: ${name}`, async () => {
    const before = await snapshot();
    const { msg, bad } = await upload(name, buffer, name.endsWith('.png') ? 'image/png' : 'text/plain');
    assert.ok(bad, msg);
    assert.match(msg, pattern);
    assert.match(msg, new RegExp(`“${name.replace('.', '\\.')}” was not loaded`));
    assert.match(msg, /unchanged/);
    assert.deepEqual(await snapshot(), before);
  });
}

test('a file over the limit is refused without being read or sent to the worker', async () => {
  // Not a real 50 MB upload: a File whose size says 50 MB, built in the page.
  const msg = await page.evaluate(async () => {
    const big = new File([new Uint8Array(50 * 1024 * 1024)], 'fifty.txt');
    let read = false;
    big.arrayBuffer = () => { read = true; return Promise.resolve(new ArrayBuffer(0)); };
    const dt = new DataTransfer();
    dt.items.add(big);
    const input = document.getElementById('file');
    Object.defineProperty(input, 'files', { value: dt.files, configurable: true });
    input.dispatchEvent(new Event('change'));
    await new Promise((r) => setTimeout(r, 50));
    delete input.files;
    return { text: document.getElementById('upload-msg').textContent, read };
  });
  assert.match(msg.text, /52\.4 MB; the limit is 4 MB/);
  assert.equal(msg.read, false, 'the file was not read');
});

test('a good file replaces the data and resets the model, and says so', async () => {
  const run = (await state(page)).run;
  const names = `${few(40, 1000)}`;
  const { msg, bad } = await upload('forty.txt', Buffer.from(names));
  assert.ok(!bad, msg);
  assert.match(msg, /Loaded “forty\.txt”: 40 names/);
  assert.match(msg, /reset/);
  await untilTrainer(page, (s, r) => s.run > r, run);
  assert.equal(await text(page, '#data-names'), '40');
  assert.equal(await text(page, '#data-source'), 'forty.txt');
  const st = await state(page);
  assert.equal(st.step, 0);
  const letters = new Set(names.replace(/\n/g, ''));
  assert.equal(Number(await text(page, '#data-vocab-size')), letters.size + 1);
  // It trains on the new data.
  await page.click('#step');
  await untilTrainer(page, (s) => s.step === 1);
});

test('a file dropped on the page is loaded the same way', async () => {
  const run = (await state(page)).run;
  await page.evaluate((body) => {
    const dt = new DataTransfer();
    dt.items.add(new File([body], 'dropped.txt', { type: 'text/plain' }));
    document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true }));
  }, few(30, 2000));
  await untilTrainer(page, (s, r) => s.run > r, run);
  assert.equal(await text(page, '#data-names'), '30');
  assert.match(await text(page, '#upload-msg'), /Loaded “dropped\.txt”/);
  assert.equal(await page.isHidden('#drop-veil'), true);
});

test('a name that looks like HTML is shown as text', async () => {
  const evil = '<img src=x onerror=alert(1)>';
  const body = `${evil}\n${few(30)}`;
  const { msg, bad } = await upload(`${evil}.txt`, Buffer.from(body));
  assert.ok(!bad, msg);
  assert.ok((await text(page, '#data-preview')).startsWith(evil));
  assert.ok(msg.includes(`“${evil}.txt”`), msg);
  await trainTo(page, 30);
  await page.click('#sample');
  await until(page, () => document.querySelectorAll('#samples li').length > 0);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0, 'no img element');
  assert.deepEqual(dialogs, [], 'no dialog');
  assert.match(await text(page, '#data-vocab'), /</);
});

test('no console errors and no request outside the origin', () => {
  assert.deepEqual(app.errors(), []);
  assert.deepEqual(app.foreignRequests(), []);
});
