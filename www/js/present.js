// @ts-check
// How the page looks: presentation mode (the chapter's key charts, large, dark, for a
// projector), the panels a teacher hides, and the link that reproduces it all. The link itself
// is written and read by the worker (src/session/link.rs); the page only carries the query
// string.
//
//   const presentation = createPresentation({ post, layout });  // layout: charts.layout
//   presentation.start(options, panels);  // the options of the link the page was opened with
//   presentation.run(keyCharts);          // a new run and its key charts
//   presentation.toggle();                // the keyboard's P
//   presentation.link(query);             // the worker wrote the link

import { $, el, setMsg } from './dom.js';

/**
 * @typedef {import('../types/protocol').PageOptions} PageOptions
 * @typedef {import('../types/protocol').ChartId} ChartId
 */

/**
 * @param {object} o
 * @param {(msg: import('../types/protocol').Request) => void} o.post to the trainer
 * @param {(keys: string[] | null) => void} o.layout shows only these charts, large (null: all)
 */
export function createPresentation({ post, layout }) {
  /** @type {PageOptions} */
  const page = { present: false, hidden: [] };
  /** @type {string[]} the panels a link may hide (element ids; from the wasm) */
  let panels = [];
  /** @type {ChartId[]} the key charts of the run in use */
  let keyCharts = [];
  const button = $('present');

  function apply() {
    document.body.classList.toggle('present', page.present);
    button.setAttribute('aria-pressed', String(page.present));
    for (const id of panels) {
      const hidden = page.hidden.includes(id);
      const node = document.getElementById(id);
      if (node) node.hidden = hidden;
      const box = document.getElementById(`hide-${id}`);
      if (box instanceof HTMLInputElement) box.checked = hidden;
    }
    layout(page.present ? keyCharts : null);
  }

  function toggle() {
    page.present = !page.present;
    apply();
  }

  button.onclick = toggle;
  $('copy-link').onclick = () => post({ type: 'link', page });
  window.addEventListener('resize', () => {
    if (page.present) layout(keyCharts);
  });

  return {
    /**
     * The page's options from the link it was opened with (the worker read them), and the
     * panels a link may hide.
     * @param {PageOptions} options
     * @param {string[]} hideable
     */
    start(options, hideable) {
      page.present = options.present;
      page.hidden = [...options.hidden];
      panels = hideable;
      const list = $('panel-list');
      list.replaceChildren();
      for (const id of panels) {
        const box = el('input', { type: 'checkbox', id: `hide-${id}` });
        box.onchange = () => {
          page.hidden = box.checked ? [...page.hidden, id] : page.hidden.filter((h) => h !== id);
          apply();
        };
        const choice = el('span', { class: 'panel-choice' });
        choice.append(box, el('label', { htmlFor: `hide-${id}` }, id));
        list.append(choice);
      }
      apply();
    },
    /**
     * A new run: its key charts are the presentation's.
     * @param {ChartId[]} keys
     */
    run(keys) {
      keyCharts = keys;
      if (page.present) apply();
    },
    toggle,
    /**
     * The worker wrote the link: into the address bar, and onto the clipboard.
     * @param {string} query
     */
    async link(query) {
      const url = `${location.origin}${location.pathname}?${query}`;
      history.replaceState(null, '', `?${query}`);
      try {
        await navigator.clipboard.writeText(url);
        setMsg($('link-msg'), 'link copied', 'good');
      } catch {
        setMsg($('link-msg'), `copy this link: ${url}`, 'warn');
      }
    },
  };
}
