// The lecture's answers to the backprop sheet, as tests/native/backprop/lecture.rs types them
// (the native tests grade the same text): exercise 1 tensor by tensor, and the cells of
// exercises 2 and 3. For the browser tests that write them into the sheet.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const LECTURE = readFileSync(new URL('../native/backprop/lecture.rs', import.meta.url), 'utf8');

/** A Rust string literal's text (its escapes are JSON's: \n, \", \\). */
const unescape = (s) => JSON.parse(`"${s}"`);

/** Exercise 1's answers as the lecture writes them: [id, text] in the lecture's order. */
export function exercise1() {
  const block = LECTURE.slice(LECTURE.indexOf('pub const EXERCISE_1'), LECTURE.indexOf('];'));
  return [...block.matchAll(/\("(\w+)", "((?:[^"\\]|\\.)*)"\)/g)].map((m) => [m[1], unescape(m[2])]);
}

/** Exercise 2's or 3's cell ('EXERCISE_2', 'EXERCISE_3'). */
export function cell(name) {
  const m = LECTURE.match(new RegExp(`pub const ${name}: &str =\\s*"((?:[^"\\\\]|\\\\.)*)"`));
  assert.ok(m, name);
  return unescape(m[1]);
}
