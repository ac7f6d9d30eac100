// The page under its Content-Security-Policy (www/_headers, sent by the test server as by
// `cargo xtask serve`, plus the page's <meta> copy) and cross-origin isolation: it loads, its
// worker compiles the wasm and trains, sampling works, and nothing is refused. The listener
// is shown to work by an inline script the policy must refuse.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { headersFor, launchBrowser, parseHeaders, startServer, WWW } from './harness.mjs';
import { setBudget, trainTo, until, waitReady } from './lab.mjs';

const EXPECTED = headersFor(parseHeaders(readFileSync(join(WWW, '_headers'), 'utf8')), '/index.html');
let server;
let browser;
let page;
let response;
const errors = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const context = await browser.newContext();
  await context.addInitScript(() => {
    window.__violations = [];
    addEventListener('securitypolicyviolation', (e) =>
      window.__violations.push(`${e.effectiveDirective} refused ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
  });
  page = await context.newPage();
  // Worker console messages arrive here too: a refusal inside the worker is logged as an error.
  page.on('console', (m) => { if (m.type() === 'error') errors.push((m.worker() ? '[worker] ' : '') + m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  response = await page.goto(server.url);
  await waitReady(page);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the page is served with the headers of www/_headers', () => {
  const got = response.headers();
  assert.match(EXPECTED['Content-Security-Policy'], /script-src 'self' 'wasm-unsafe-eval'/);
  for (const [name, value] of Object.entries(EXPECTED)) assert.equal(got[name.toLowerCase()], value, name);
});

test('the page is cross-origin isolated', async () => {
  assert.equal(await page.evaluate(() => window.crossOriginIsolated), true);
});

test('training and sampling run with nothing refused', async () => {
  await setBudget(page, 30);
  await trainTo(page, 30);
  await page.click('#sample');
  await until(page, () => document.querySelectorAll('#samples li').length > 0);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(errors, []);
});

test('a refused inline script is seen (the check above can fail)', async () => {
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__ran = true';
    document.head.append(s);
  });
  await until(page, () => window.__violations.length > 0);
  assert.equal(await page.evaluate(() => window.__ran), undefined);
  assert.match((await page.evaluate(() => window.__violations))[0], /^script-src-elem refused inline/);
});
