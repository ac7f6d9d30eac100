// @ts-check
// How the page looks: presentation mode (the chapter's key charts, large, dark, for a
// projector), the panels a teacher hides, and the link that reproduces it all. The link itself
// is written and read by the worker (src/session/link.rs); the page only carries the query
// string.
//
//   const presentation = createPresentation({ post, layout, words });  // layout: charts.layout
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
 * @param {(keys: string[], present: boolean) => void} o.layout the key charts first (only
 *   them, large, in presentation mode)
 * @param {() => string} o.hash the address's hash a copied link carries
 * @param {import('./words.js').Words} o.words the page's sentences
 */
export function createPresentation({ post, layout, hash, words }) {
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
    // The chapter's explanation: above its charts, or in the side column for a projector.
    const about = $('about');
    if (page.present) $('chapters').insertBefore(about, $('break-h'));
    else $('charts').prepend(about);
    layout(keyCharts, page.present);
  }

  function toggle() {
    page.present = !page.present;
    apply();
  }

  button.onclick = toggle;
  $('copy-link').onclick = () => post({ type: 'link', page });
  window.addEventListener('resize', () => layout(keyCharts, page.present));

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
      apply();
    },
    toggle,
    /**
     * The worker wrote the link: into the address bar, and onto the clipboard.
     * @param {string} query
     */
    async link(query) {
      // The hash: a link copied on the backprop sheet opens the sheet, with its answers.
      const url = `${location.origin}${location.pathname}?${query}${hash()}`;
      history.replaceState(null, '', `?${query}${location.hash}`);
      try {
        await navigator.clipboard.writeText(url);
        setMsg($('link-msg'), words.say((w) => w.link_copied(), url), 'good');
      } catch {
        setMsg($('link-msg'), words.say((w) => w.copy_this_link(url), url), 'warn');
      }
    },
  };
}
