// Downloads where the engine saves them to a folder (Firefox, WebKitGTK): the file that arrives.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Waits until `dir` holds one new, complete file (not in `before`, none still `.part`) whose size
 * holds between two looks, and reads it: { name, bytes }.
 */
export async function newFile(dir, before, timeout = 20_000) {
  const end = Date.now() + timeout;
  let last = -1;
  for (;;) {
    const files = readdirSync(dir).filter((f) => !before.includes(f) && !f.startsWith('.'));
    const partial = files.some((f) => f.endsWith('.part'));
    if (files.length === 1 && !partial) {
      const size = statSync(join(dir, files[0])).size;
      if (size > 0 && size === last) return { name: files[0], bytes: readFileSync(join(dir, files[0])) };
      last = size;
    }
    if (Date.now() > end) throw new Error(`no download arrived in ${dir} (new: ${files.join(', ') || 'none'})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
