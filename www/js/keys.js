// @ts-check
// The keyboard: one handler for the keys of the wasm's table (`keys()`, src/session/keys.rs:
// the keys, what each does, the words the help dialog shows, whether a key acts on a button and
// while the help is open), with the "typing in a field" rule once, and the help dialog built
// from the same table. The pickable charts' arrow keys are theirs (pick.js: a chart with focus
// keeps them from the page).
//
//   const keyboard = createKeyboard(wasm.keys(), { train_pause, step, ... });  // one function per action
//   keyboard.toggleHelp();

import { $, el } from './dom.js';

/**
 * @typedef {import('../types/protocol').Key} Key
 * @typedef {import('../types/protocol').KeyAction} KeyAction
 */

/**
 * The key of a key press as the table names it (`KeyboardEvent.key`, ' ' for space).
 * @param {KeyboardEvent} e
 */
function keyOf(e) {
  return e.code === 'Space' ? ' ' : e.key;
}

/**
 * Whether a key press is left to the element it went to: a key with Ctrl, Alt or Meta (the
 * browser's), any key typed in a field, and a key of a row that does not act on buttons (space)
 * on a button or a summary (it presses it).
 * @param {KeyboardEvent} e
 * @param {Key} row
 */
function theirs(e, row) {
  if (e.ctrlKey || e.altKey || e.metaKey) return true;
  const t = e.target;
  if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement) return true;
  if (t instanceof HTMLElement && t.isContentEditable) return true;
  return !row.on_buttons && t instanceof Element && t.closest('summary, button') !== null;
}

/**
 * Listens for the table's keys on the whole page and fills the help dialog from the table.
 * While the help is open, only the keys of rows that act in it work (Escape closes it too, as
 * any dialog).
 * @param {Key[]} table
 * @param {Record<Exclude<KeyAction, 'help'>, () => void>} actions
 */
export function createKeyboard(table, actions) {
  const dialog = $('help-dialog', HTMLDialogElement);
  const list = dialog.querySelector('dl');
  list?.replaceChildren(...table.flatMap((row) => [el('dt', {}, row.label), el('dd', {}, row.help)]));
  /** @type {Map<string, [KeyAction, Key]>} */
  const bound = new Map(table.flatMap((row) => row.press.map(([key, action]) => [key, [action, row]])));

  function toggleHelp() {
    if (dialog.open) dialog.close();
    else dialog.showModal();
  }
  $('help').onclick = () => dialog.showModal();

  document.addEventListener('keydown', (e) => {
    const found = bound.get(keyOf(e));
    if (!found) return;
    const [action, row] = found;
    if (theirs(e, row)) return;
    if (dialog.open && !row.in_help) return;
    if (action === 'help') toggleHelp();
    else actions[action]();
    e.preventDefault();
  });

  return { toggleHelp };
}
