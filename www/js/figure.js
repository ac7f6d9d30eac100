// @ts-check
// A chart's figure, made from its row of the chart table (the wasm's `charts()`,
// src/session/views/mod.rs): its caption until the first view, the controls above its canvas,
// its PNG and CSV buttons, its canvas at the table's height, and its text twin. The page's
// markup holds no chart: every figure is made here at start-up.
//
//   const parts = makeFigure(row, { png, csv });   // {fig, canvas, readout, caption}

import { el } from './dom.js';

/**
 * @typedef {import('../types/protocol').Figure} Figure
 * @typedef {import('../types/protocol').Control} Control
 * @typedef {import('../types/protocol').Tools} Tools
 */

/**
 * The words of a figure's buttons and labels (the wasm's `figure_words`).
 * @typedef {object} FigureWords
 * @property {string} png the PNG button
 * @property {string} png_title its tooltip
 * @property {string} png_label its accessible name
 * @property {string} csv the CSV button
 * @property {string} csv_title
 * @property {string} csv_label
 * @property {string} readout_label the text twin's accessible name
 * @property {string | null} [note] why its thresholds and numbers are what they are (the last
 *   line of its text twin: a line under the canvas would push the key charts off the screen)
 */

/**
 * One control of a tool row.
 * @param {Control} c
 * @returns {HTMLElement[]}
 */
function control(c) {
  switch (c.kind) {
    case 'button': {
      const b = el('button', { id: c.id, type: c.submit ? 'submit' : 'button' }, c.label);
      if (c.title) b.title = c.title;
      if (c.value) b.dataset.value = c.value;
      return [b];
    }
    case 'field':
      return [
        el('label', { htmlFor: c.id }, c.label),
        el('input', { id: c.id, type: 'text', value: c.value, size: c.size, inputmode: c.decimal ? 'decimal' : 'text', dir: 'auto' }),
      ];
    case 'select':
      return [el('label', { htmlFor: c.id }, c.label), el('select', { id: c.id })];
    case 'check': {
      const box = el('input', { id: c.id, type: 'checkbox' });
      const label = el('label', { class: 'check' }, c.label);
      label.prepend(box);
      return [label];
    }
    case 'status': {
      const s = el('span', { id: c.id, role: 'status' });
      s.setAttribute('aria-live', 'polite');
      return [s];
    }
    default: {
      /** @type {never} */
      const unknown = c;
      void unknown;
      return [];
    }
  }
}

/**
 * The row of controls above a chart's canvas (under it: class `under`): a form when the table
 * says so.
 * @param {Tools} tools
 */
function toolRow(tools) {
  const cls = tools.under ? 'row tool-row under' : 'row tool-row';
  const row = tools.form ? el('form', { id: tools.form, class: cls }) : el('div', { class: cls });
  row.append(...tools.controls.flatMap(control));
  return row;
}

/**
 * A figure for the chart `f`, with its buttons wired to `png` and `csv`.
 * @param {Figure} f
 * @param {FigureWords} words
 * @param {{ png: () => void, csv: () => void }} on
 */
export function makeFigure(f, words, on) {
  const name = f.id;
  const fig = el('figure', { class: ['chart', f.wide && 'wide', f.on_black && 'on-black'].filter(Boolean).join(' '), id: `chart-${name}` });
  fig.dataset.chart = name;
  fig.tabIndex = -1; // a link in a sentence takes the focus here (charts.reveal)
  const caption = el('figcaption', { id: `caption-${name}` }, f.caption);
  // The canvas' CSS height is the table's; its bitmap is sized per devicePixelRatio.
  const canvas = el('canvas', { height: f.height, role: 'img' });
  canvas.style.height = `${f.height}px`;
  canvas.setAttribute('aria-labelledby', caption.id);
  const readout = el('div', { class: 'readout', id: `readout-${name}`, role: 'group' });
  readout.tabIndex = 0; // it scrolls: reachable from the keyboard
  readout.setAttribute('aria-label', words.readout_label);
  readout.setAttribute('aria-live', 'off');
  readout.style.setProperty('--lines', String(f.lines));
  readout.dataset.projector = String(f.projector); // the lines a projector shows (charts.js)
  canvas.setAttribute('aria-describedby', readout.id);
  const buttons = el('span', { class: 'figure-tools' });
  const png = el('button', { type: 'button', title: words.png_title }, words.png);
  png.setAttribute('aria-label', words.png_label);
  png.onclick = on.png;
  buttons.append(png);
  if (f.csv) {
    const csv = el('button', { type: 'button', title: words.csv_title }, words.csv);
    csv.setAttribute('aria-label', words.csv_label);
    csv.onclick = on.csv;
    buttons.append(csv);
  }
  fig.append(caption);
  const tools = f.tools ? toolRow(f.tools) : null;
  if (tools && !f.tools?.under) fig.append(tools);
  fig.append(buttons, canvas);
  if (tools && f.tools?.under) fig.append(tools);
  fig.append(readout);
  return { fig, canvas, readout, caption };
}
