// Linked views: pointing at a chart (a click, or the arrow keys when it has focus) picks an
// item: a letter of the embedding, a cell of the saturation map, or a layer, shared by every
// per-layer chart. The wasm finds the item under the pointer (from the chart spec the page
// holds), draws it standing out, and writes the sentence shown under the chart (a live region:
// the keyboard's twin of the highlight). This file keeps what is picked and where it shows.

import { el, setText } from './dom.js';

export function createPicking(S, charts) {
  // chart -> the slot its pick is kept in (the wasm's `pick_slots`, once it is loaded): the
  // per-layer charts share 'layer', so a layer picked in one stands out in all.
  const slots = {};
  const picks = {};
  const lines = {};
  const slotOf = (name) => slots[name];
  const inSlot = (slot) => Object.keys(slots).filter((n) => slots[n] === slot);

  /** Runs a wasm call; a trap hands over to a fresh instance (as a chart draw does). */
  function call(fn) {
    if (!S.wasm || S.dead) return null;
    try {
      return fn(S.wasm);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) S.onTrap?.();
      return null;
    }
  }

  function describe(name) {
    const ch = S.charts[name];
    const pick = picks[slotOf(name)];
    const text = ch.view && pick ? call((w) => w.describe_pick(ch.view.spec, pick)) ?? '' : '';
    setText(lines[name], text);
    lines[name].hidden = text === '';
  }

  function set(name, pick) {
    const slot = slotOf(name);
    picks[slot] = pick ?? null;
    const names = inSlot(slot);
    for (const n of names) if (S.charts[n]) describe(n);
    charts.redraw(names);
  }

  function install(name) {
    const ch = S.charts[name];
    if (!ch) return;
    const line = el('p', { class: 'picked', id: `picked-${name}` });
    line.setAttribute('aria-live', 'polite');
    line.hidden = true;
    ch.canvas.after(line);
    lines[name] = line;
    ch.canvas.tabIndex = 0;
    ch.canvas.classList.add('pickable');
    ch.canvas.setAttribute('aria-describedby', `${line.id} ${ch.readout.id}`);
    ch.canvas.setAttribute('aria-keyshortcuts', 'ArrowLeft ArrowRight ArrowUp ArrowDown Escape');
    const at = (e) => {
      const r = ch.canvas.getBoundingClientRect();
      const scale = ch.canvas.width / Math.max(1, r.width);
      return call((w) => w.pick_chart(ch.canvas, ch.view.spec, scale, e.clientX - r.left, e.clientY - r.top));
    };
    // The pointer's last move, waiting for the next frame to pick what is under it; a click or
    // a key picks at once and drops it, so a key pressed right after a move is not undone.
    let last = null;
    ch.canvas.addEventListener('click', (e) => {
      last = null;
      if (ch.view) set(name, at(e));
    });
    // A letter or a cell is picked by pointing at it, too (a layer by a click: it redraws four
    // charts); once per frame, and only when the item changes.
    if (inSlot(slotOf(name)).length === 1) {
      let framed = false;
      ch.canvas.addEventListener('pointermove', (e) => {
        // The browser's own moves after a scroll or a layout change move nothing: the arrow
        // keys' pick stays.
        if (e.movementX === 0 && e.movementY === 0) return;
        last = e;
        if (framed || e.pointerType === 'touch') return;
        framed = true;
        requestAnimationFrame(() => {
          framed = false;
          if (!ch.view || !last) return;
          const pick = at(last);
          last = null;
          if (pick && JSON.stringify(pick) !== JSON.stringify(picks[slotOf(name)])) set(name, pick);
        });
      });
    }
    ch.canvas.addEventListener('keydown', (e) => {
      if (e.ctrlKey || e.altKey || e.metaKey || !ch.view) return;
      last = null;
      if (e.key === 'Escape') {
        set(name, null);
      } else {
        const pick = call((w) => w.step_pick(ch.view.spec, picks[slotOf(name)], e.key));
        if (!pick) return;
        set(name, pick);
      }
      // The page's own keys (← → chapters) wait while a chart has focus.
      e.preventDefault();
      e.stopPropagation();
    });
  }

  S.picks = picks;
  S.pickTest = {
    /** Where `pick` is drawn on chart `name` (CSS pixels from the canvas' corner), or null. */
    locate(name, pick) {
      const ch = S.charts[name];
      const scale = ch.canvas.width / Math.max(1, ch.canvas.getBoundingClientRect().width);
      return call((w) => w.locate_pick(ch.canvas, ch.view.spec, scale, pick));
    },
  };

  return {
    /** Makes the charts the wasm names pointable (once, when the page's wasm is loaded). */
    ready(wasm) {
      if (Object.keys(slots).length) return;
      for (const [name, slot] of wasm.pick_slots()) {
        slots[name] = slot;
        picks[slot] = null;
      }
      for (const name of Object.keys(slots)) install(name);
    },
    /** The pick chart `name` is drawn with (null: none). */
    of(name) {
      return name in slots ? picks[slotOf(name)] : null;
    },
    /** New views came: their sentences follow the new numbers. */
    refresh(views) {
      for (const v of views) if (lines[v.id] && picks[slotOf(v.id)]) describe(v.id);
    },
  };
}
