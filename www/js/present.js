// How the page looks: presentation mode (the chapter's key charts, large, dark, for a
// projector), the panels a teacher hides, the keyboard, and the link that reproduces it all.
// The link itself is written and read by the worker (src/session/link.rs); the page only
// carries the query string.

import { $, el, setMsg } from './dom.js';

export function createPresentation(S, post, charts) {
  const page = { present: false, hidden: [] };
  S.page = page;

  function apply() {
    document.body.classList.toggle('present', page.present);
    $('present').setAttribute('aria-pressed', String(page.present));
    for (const id of S.wasm?.panels() ?? []) {
      const hidden = page.hidden.includes(id);
      const node = $(id);
      if (node) node.hidden = hidden;
      const box = $(`hide-${id}`);
      if (box) box.checked = hidden;
    }
    charts.layout(page.present ? S.run?.key_charts ?? [] : null);
  }

  function toggle() {
    page.present = !page.present;
    apply();
  }

  $('present').onclick = toggle;
  $('copy-link').onclick = () => post({ type: 'link', page });
  $('help').onclick = () => $('help-dialog').showModal();

  function chapterBy(offset) {
    const buttons = [...$('chapter-list').querySelectorAll('button')];
    const i = buttons.findIndex((b) => b.getAttribute('aria-pressed') === 'true');
    const next = buttons[Math.min(buttons.length - 1, Math.max(0, (i < 0 ? 0 : i) + offset))];
    if (next && next !== buttons[i]) next.click();
  }

  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    const t = e.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement || t?.isContentEditable) return;
    if ($('help-dialog').open && e.key !== '?') return;
    const click = (id) => { if (!$(id).disabled) $(id).click(); };
    switch (e.key) {
      case 'ArrowLeft': chapterBy(-1); break;
      case 'ArrowRight': chapterBy(1); break;
      case 's': case 'S': click('step'); break;
      case 'r': case 'R': click('reset'); break;
      case 'p': case 'P': toggle(); break;
      case '?': $('help-dialog').open ? $('help-dialog').close() : $('help-dialog').showModal(); break;
      default: return;
    }
    e.preventDefault();
  });

  return {
    /** The page's options from the link it was opened with (the worker read them). */
    start(options) {
      page.present = options.present;
      page.hidden = [...options.hidden];
      const list = $('panel-list');
      list.replaceChildren();
      for (const id of S.wasm.panels()) {
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
    /** A new run: its key charts are the presentation's. */
    run() {
      if (page.present) apply();
    },
    /** The worker wrote the link: into the address bar, and onto the clipboard. */
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
