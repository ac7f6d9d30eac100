// @ts-check
// One training step in slow motion: the student picks a hidden neuron and an example (typed, or
// a cell of the saturation map: its column is the neuron, its row the example) and the worker
// takes one step, answering with that neuron's numbers in the order backprop computes them
// (`SlowView`, src/session/views/slow.rs). This file sends the request and lays out the table.
//
//   const slow = createSlowMotion({ post });
//   slow.picked(pick);   // a cell of the saturation map was picked: its neuron and example
//   slow.show(view);     // the worker's SlowView

import { $, el, setMsg, setText } from './dom.js';

/**
 * @typedef {import('../types/protocol').SlowView} SlowView
 * @typedef {import('../types/protocol').Pick} Pick
 * @typedef {import('../types/protocol').Request} Request
 */

/**
 * @param {object} o
 * @param {(msg: Request) => void} o.post to the trainer
 */
export function createSlowMotion({ post }) {
  const neuron = $('slow-neuron', HTMLInputElement);
  const example = $('slow-example', HTMLInputElement);
  const table = $('slow-table', HTMLTableElement);
  $('slow-form', HTMLFormElement).onsubmit = (e) => {
    e.preventDefault();
    setMsg($('slow-msg'), '');
    post({ type: 'slow_step', neuron: neuron.value, example: example.value });
  };

  return {
    /** @param {Pick | null} pick */
    picked(pick) {
      if (pick?.kind !== 'cell') return;
      neuron.value = String(pick.col);
      example.value = String(pick.row);
    },
    /** @param {SlowView} v */
    show(v) {
      setText($('slow-title'), v.title);
      const body = table.tBodies[0] ?? table.createTBody();
      body.replaceChildren(...v.rows.map((r) => {
        const tr = el('tr');
        tr.append(el('th', { scope: 'row' }, r.what), el('td', { class: 'num' }, r.value), el('td', { class: 'note' }, r.note));
        return tr;
      }));
      table.hidden = false;
      const fold = $('slow-motion', HTMLDetailsElement);
      fold.open = true;
    },
  };
}
