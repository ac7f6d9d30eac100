// A broken deployment: www/ without names.txt. The worker fetches the default names while its
// wasm module loads; the failure must reach the page as a message, not a blank or frozen page.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, WWW } from './harness.mjs';
import { state } from './lab.mjs';

let dir;
let app;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'makemore-www-'));
  cpSync(WWW, dir, { recursive: true });
  rmSync(join(dir, 'names.txt'));
  app = await openApp('', { root: dir });
});

after(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('without names.txt the page says so and offers a restart', async () => {
  await app.page.waitForFunction(() => !document.getElementById('fatal').hidden, null, { timeout: 20_000 });
  assert.match(await app.page.locator('#fatal-msg').innerText(), /names\.txt: HTTP 404/);
  assert.equal((await state(app.page)).ready, false);
});
