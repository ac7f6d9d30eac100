// Downloads where the engine saves them to a folder (Firefox, WebKitGTK): the file that arrives.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Waits until `dir` holds one new, complete file (not in `before`, none still `.part`) whose name
 * and size hold between two looks, and reads it: { name, bytes }.
 */
export async function newFile(dir, before, timeout = 20_000) {
  const end = Date.now() + timeout;
  /** The last look: the file's name and size. */
  let last = '';
  for (;;) {
    const files = readdirSync(dir).filter((f) => !before.includes(f) && !f.startsWith('.'));
    const partial = files.some((f) => f.endsWith('.part'));
    if (files.length === 1 && !partial) {
      // The browser may rename the file between the listing and this look: then look again.
      const size = gone(() => statSync(join(dir, files[0])).size) ?? 0;
      const look = `${files[0]}\n${size}`;
      if (size > 0 && look === last) {
        const bytes = gone(() => readFileSync(join(dir, files[0])));
        if (bytes) return { name: files[0], bytes };
      }
      last = look;
    }
    if (Date.now() > end) throw new Error(`no download arrived in ${dir} (new: ${files.join(', ') || 'none'})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `read()`, or null if the file is gone (ENOENT). */
function gone(read) {
  try {
    return read();
  } catch (e) {
    if (e.code === 'ENOENT') return null;
    throw e;
  }
}
