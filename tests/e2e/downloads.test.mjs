// The download watcher of the Firefox and WebKitGTK drivers (engines/downloads.mjs), without a
// browser: a download the browser renames while it is looked at (listed, then gone) is waited
// for under its final name. Seen in Firefox: a full run failed with ENOENT on such a name.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newFile } from './engines/downloads.mjs';

const dir = mkdtempSync(join(tmpdir(), 'makemore-downloads-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a file listed and gone before it is read is not the download: the one that stays is', async () => {
  const before = ['earlier.bin'];
  writeFileSync(join(dir, 'earlier.bin'), 'old');
  // Listed, but gone when looked at (a link to nothing: as a file renamed between the two).
  symlinkSync(join(dir, 'nowhere'), join(dir, 'yiQ7nm_1.bin'));
  setTimeout(() => {
    rmSync(join(dir, 'yiQ7nm_1.bin'));
    writeFileSync(join(dir, 'weights.bin'), 'new bytes');
  }, 300);
  const file = await newFile(dir, before, 5_000);
  assert.equal(file.name, 'weights.bin');
  assert.equal(file.bytes.toString(), 'new bytes');
});
