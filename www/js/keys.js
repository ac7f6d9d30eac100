// @ts-check
// The keyboard: one table of the page's keys (the keys, what each does, the words the help
// dialog shows), one handler for them all, with the "typing in a field" rule once, and the
// help dialog built from the same table. The pickable charts' arrow keys are theirs (pick.js:
// a chart with focus keeps them from the page).
//
//   const keyboard = createKeyboard(KEYS, { train_pause, step, ... });  // one function per action
//   keyboard.toggleHelp();

import { $, el } from './dom.js';

/**
 * What a key does; `createKeyboard` is given one function for each.
 * @typedef {'train_pause' | 'step' | 'reset' | 'previous_chapter' | 'next_chapter' | 'present' | 'help'} Action
 */

/**
 * One line of the help dialog and the keys it is about.
 * @typedef {object} KeyRow
 * @property {string} label the keys as the help shows them
 * @property {string} help what they do
 * @property {[key: string, action: Action][]} bind `KeyboardEvent.key` (a letter in lower
 *   case, ' ' for space) and what it does; none for a line that only explains
 */

/** @type {KeyRow[]} */
export const KEYS = [
  { label: 'space', help: 'train / pause', bind: [[' ', 'train_pause']] },
  { label: 'S', help: 'one step', bind: [['s', 'step']] },
  { label: 'R', help: 'reset (same seed)', bind: [['r', 'reset']] },
  { label: '← →', help: 'previous / next chapter', bind: [['ArrowLeft', 'previous_chapter'], ['ArrowRight', 'next_chapter']] },
  { label: 'P', help: 'presentation mode on / off', bind: [['p', 'present']] },
  { label: '?', help: 'this help', bind: [['?', 'help']] },
  {
    label: 'on a chart',
    help: 'point at or click, or Tab to it and use the arrow keys: a letter of the embedding, a cell of the saturation map, a layer of the per-layer charts (a click; Escape: none)',
    bind: [],
  },
];

/**
 * The key of a key press as the table names it.
 * @param {KeyboardEvent} e
 */
function keyOf(e) {
  if (e.key === ' ' || e.code === 'Space') return ' ';
  return e.key.length === 1 ? e.key.toLowerCase() : e.key;
}

/**
 * Whether a key press is left to the element it went to: a key with Ctrl, Alt or Meta (the
 * browser's), any key typed in a field, and space on a button or a summary (it presses it).
 * @param {KeyboardEvent} e
 */
function theirs(e) {
  if (e.ctrlKey || e.altKey || e.metaKey) return true;
  const t = e.target;
  if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement) return true;
  if (t instanceof HTMLElement && t.isContentEditable) return true;
  return keyOf(e) === ' ' && t instanceof Element && t.closest('summary, button') !== null;
}

/**
 * Listens for the table's keys on the whole page and fills the help dialog from the table.
 * While the help is open, only its own key works (Escape closes it too, as any dialog).
 * @param {KeyRow[]} table
 * @param {Record<Exclude<Action, 'help'>, () => void>} actions
 */
export function createKeyboard(table, actions) {
  const dialog = $('help-dialog', HTMLDialogElement);
  const list = dialog.querySelector('dl');
  list?.replaceChildren(...table.flatMap((row) => [el('dt', {}, row.label), el('dd', {}, row.help)]));
  /** @type {Map<string, Action>} */
  const bound = new Map(table.flatMap((row) => row.bind));

  function toggleHelp() {
    if (dialog.open) dialog.close();
    else dialog.showModal();
  }
  $('help').onclick = () => dialog.showModal();

  document.addEventListener('keydown', (e) => {
    const action = bound.get(keyOf(e));
    if (!action || theirs(e)) return;
    if (dialog.open && action !== 'help') return;
    if (action === 'help') toggleHelp();
    else actions[action]();
    e.preventDefault();
  });

  return { toggleHelp };
}
