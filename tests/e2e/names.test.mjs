// Names in any script, as a class types and pastes them: one spelling is one name (Unicode's
// composed form, by the browser's own tables in the worker), and characters that draw nothing or
// only look like a space are refused with the line that holds them.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, text, until } from './lab.mjs';

let app;
let page;

before(async () => {
  app = await openLab();
  page = app.page;
});

after(async () => {
  await app?.close();
});

async function upload(name, body) {
  await page.evaluate(() => { document.getElementById('upload-msg').textContent = ''; });
  await page.setInputFiles('#file', { name, mimeType: 'text/plain', buffer: Buffer.from(body) });
  await until(page, () => {
    const m = document.getElementById('upload-msg');
    return m.classList.contains('bad') || m.classList.contains('good');
  });
  return text(page, '#upload-msg');
}

const NAMES = ['emma', 'olivia', 'ava', 'isabella', 'sophia', 'mia', 'amelia', 'harper', 'evelyn', 'abigail'];

test('José typed with one é and with e + a combining accent is one spelling', async () => {
  // The first spelling is U+00E9, the second e + U+0301 COMBINING ACUTE ACCENT.
  const msg = await upload('accents.txt', [...NAMES, 'Jos\u00e9', 'Jose\u0301', 'Ren\u00e9e'].join('\n'));
  assert.match(msg, /^Loaded/);
  const vocab = await text(page, '#data-vocab');
  assert.equal([...vocab].filter((c) => c === '\u00e9').length, 1, vocab);
  assert.ok(!vocab.includes('\u0301'), `a lone combining accent in the vocabulary: ${vocab}`);
  // A name typed decomposed scores as the composed one: no unknown character.
  await page.getByLabel('a name', { exact: true }).fill('Jose\u0301');
  await page.getByRole('button', { name: 'Score it', exact: true }).click();
  await until(page, () => document.querySelector('[data-chart="score"] .readout')?.textContent.includes('total -log p'));
  assert.equal(await text(page, '[data-chart="sampler"] [role="status"]'), '');
});

test('a Hangul filler and a no-break space inside a name are refused, naming the line', async () => {
  const filler = await upload('filler.txt', [...NAMES, 'Min\u3164ji'].join('\n'));
  assert.match(filler, /line 11 contains U\+3164 HANGUL FILLER, an invisible character/);
  const nbsp = await upload('nbsp.txt', ['Anna\u00a0Lena', ...NAMES].join('\n'));
  assert.match(nbsp, /line 1 contains U\+00A0 NO-BREAK SPACE, a space that is not the plain space/);
});
