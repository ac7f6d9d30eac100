// @ts-check
// The embedding's path: a slider under the embedding chart scrubs through the snapshots the
// worker keeps of the run (src/session/embedding_path.rs), the live model at its right end.
// Moving it asks for that position (`path_frame`); the worker answers with the chart at that
// snapshot (`path`), and every `diag` says how many positions there are and which is shown.
//
//   const path = createPath({ post, under, words });  // `under`: the element the slider goes above
//   path.show(pathView);                        // the slider's state, from the worker

import { el, setText } from './dom.js';

/**
 * @param {object} o
 * @param {(msg: import('../types/protocol').Request) => void} o.post to the trainer
 * @param {HTMLElement} o.under the slider goes just before it (the embedding's text twin)
 * @param {string[]} o.words its label and title (the wasm's `path_words`)
 */
export function createPath({ post, under, words: [name, title] }) {
  const input = el('input', { type: 'range', id: 'path-frame', min: '0', max: '0', step: '1', value: '0', disabled: true });
  const label = el('label', { for: 'path-frame' }, name);
  label.title = title;
  const out = el('output', { id: 'path-step' }, '');
  out.setAttribute('for', 'path-frame');
  out.setAttribute('aria-live', 'off');
  const row = el('div', { class: 'chart-control path-control' });
  row.append(label, input, out);
  under.before(row);

  // While the pointer holds the thumb, the user's position wins over the worker's reports.
  let held = false;
  input.addEventListener('pointerdown', () => { held = true; });
  window.addEventListener('pointerup', () => { held = false; });
  input.addEventListener('input', () => {
    const i = Number(input.value);
    // The right end is the live model, however many snapshots the worker has by now.
    post({ type: 'path_frame', frame: i >= Number(input.max) ? null : i });
  });

  return {
    /**
     * The slider's state (of the current run: the trainer drops other runs' reports).
     * @param {import('../types/protocol').PathView} p
     */
    show(p) {
      input.max = String(p.frames - 1);
      if (!held) input.value = String(p.frame);
      input.disabled = p.frames < 2;
      input.setAttribute('aria-valuetext', p.step_text);
      setText(out, p.step_text);
    },
  };
}

/** @typedef {ReturnType<typeof createPath>} Path */
