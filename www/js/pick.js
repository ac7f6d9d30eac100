// @ts-check
// Linked views: pointing at a chart (a click, or the arrow keys when it has focus) picks an
// item: a letter of the embedding, a cell of the saturation map, or a layer, shared by every
// per-layer chart. The wasm finds the item under the pointer (from the chart spec the page
// holds), draws it standing out, and writes the sentence shown under the chart (a live region:
// the keyboard's twin of the highlight). This file keeps what is picked and where it shows.
//
//   const picking = createPicking({ module, charts, onPick });  // onPick(name, pick): a pick changed
//   picking.ready(wasm);      // once the page's module is loaded: the pointable charts
//   picking.of(name);         // the pick chart `name` is drawn with (null: none)
//   picking.refresh(views);   // new views: their sentences follow the new numbers

import { el, setText } from './dom.js';

/**
 * @typedef {import('../types/protocol').Pick} Pick
 * @typedef {import('../types/protocol').PickSlot} PickSlot
 * @typedef {import('../types/protocol').ChartView} ChartView
 * @typedef {import('./charts.js').Charts} Charts
 */

/**
 * @param {object} o
 * @param {import('./module.js').Module} o.module the page's wasm module
 * @param {{get: Charts['get'], redraw: Charts['redraw']}} o.charts
 * @param {(name: string, pick: Pick | null) => void} [o.onPick] a pick chosen by a click or a key
 *   (not by pointing)
 */
export function createPicking({ module, charts, onPick }) {
  // chart -> the slot its pick is kept in (the wasm's `pick_slots`, once it is loaded): the
  // per-layer charts share 'layer', so a layer picked in one stands out in all.
  /** @type {Record<string, PickSlot>} */
  const slots = {};
  /** @type {Record<string, Pick | null>} */
  const picks = {};
  /** @type {Record<string, HTMLElement>} */
  const lines = {};
  /** @param {string} name */
  const slotOf = (name) => slots[name];
  /** @param {string} slot */
  const inSlot = (slot) => Object.keys(slots).filter((n) => slots[n] === slot);

  /**
   * Runs a wasm call; null if it fails (a trap hands over to a fresh instance, as a chart
   * draw does) or the module is not there.
   * @template R
   * @param {(wasm: import('./module.js').PageModule) => R} fn
   * @returns {R | null}
   */
  function call(fn) {
    if (!module.current()) return null;
    try {
      return module.call(fn);
    } catch {
      return null;
    }
  }

  /** @param {string} name */
  function describe(name) {
    const view = charts.get(name)?.view();
    const pick = picks[slotOf(name)];
    const text = view && pick ? call((w) => w.describe_pick(view.spec, pick)) ?? '' : '';
    setText(lines[name], text);
    lines[name].hidden = text === '';
  }

  /**
   * @param {string} name
   * @param {Pick | null} pick
   * @param {boolean} [chosen] by a click or a key (`onPick` hears it)
   */
  function set(name, pick, chosen = false) {
    const slot = slotOf(name);
    picks[slot] = pick ?? null;
    if (chosen) onPick?.(name, pick ?? null);
    const names = inSlot(slot);
    for (const n of names) if (charts.get(n)) describe(n);
    charts.redraw(names);
  }

  /** @param {string} name */
  function install(name) {
    const chart = charts.get(name);
    if (!chart) return;
    const { canvas, readout, view } = chart;
    const line = el('p', { class: 'picked', id: `picked-${name}` });
    line.setAttribute('aria-live', 'polite');
    line.hidden = true;
    canvas.after(line);
    lines[name] = line;
    canvas.tabIndex = 0;
    canvas.classList.add('pickable');
    canvas.setAttribute('aria-describedby', `${line.id} ${readout.id}`);
    canvas.setAttribute('aria-keyshortcuts', 'ArrowLeft ArrowRight ArrowUp ArrowDown Escape');
    /**
     * The item under the pointer.
     * @param {MouseEvent} e
     * @returns {Pick | null}
     */
    const at = (e) => {
      const v = view();
      if (!v) return null;
      const r = canvas.getBoundingClientRect();
      const scale = canvas.width / Math.max(1, r.width);
      return call((w) => w.pick_chart(canvas, v.spec, scale, e.clientX - r.left, e.clientY - r.top));
    };
    // The pointer's last move, waiting for the next frame to pick what is under it; a click or
    // a key picks at once and drops it, so a key pressed right after a move is not undone.
    /** @type {PointerEvent | null} */
    let last = null;
    canvas.addEventListener('click', (e) => {
      last = null;
      if (view()) set(name, at(e), true);
    });
    // A letter or a cell is picked by pointing at it, too (a layer by a click: it redraws four
    // charts); once per frame, and only when the item changes.
    if (inSlot(slotOf(name)).length === 1) {
      let framed = false;
      canvas.addEventListener('pointermove', (e) => {
        // The browser's own moves after a scroll or a layout change move nothing: the arrow
        // keys' pick stays.
        if (e.movementX === 0 && e.movementY === 0) return;
        last = e;
        if (framed || e.pointerType === 'touch') return;
        framed = true;
        requestAnimationFrame(() => {
          framed = false;
          if (!view() || !last) return;
          const pick = at(last);
          last = null;
          if (pick && JSON.stringify(pick) !== JSON.stringify(picks[slotOf(name)])) set(name, pick);
        });
      });
    }
    canvas.addEventListener('keydown', (e) => {
      const v = view();
      if (e.ctrlKey || e.altKey || e.metaKey || !v) return;
      last = null;
      if (e.key === 'Escape') {
        set(name, null);
      } else {
        const pick = call((w) => w.step_pick(v.spec, picks[slotOf(name)], e.key));
        if (!pick) return;
        set(name, pick, true);
      }
      // The page's own keys (← → chapters) wait while a chart has focus.
      e.preventDefault();
      e.stopPropagation();
    });
  }

  return {
    /**
     * Makes the charts the wasm names pointable (once, when the page's wasm is loaded).
     * @param {import('./module.js').PageModule} wasm
     */
    ready(wasm) {
      if (Object.keys(slots).length) return;
      for (const [name, slot] of wasm.pick_slots()) {
        slots[name] = slot;
        picks[slot] = null;
      }
      for (const name of Object.keys(slots)) install(name);
    },
    /**
     * The pick chart `name` is drawn with (null: none).
     * @param {string} name
     * @returns {Pick | null}
     */
    of(name) {
      return name in slots ? picks[slotOf(name)] : null;
    },
    /**
     * New views came: their sentences follow the new numbers.
     * @param {ChartView[]} views
     */
    refresh(views) {
      for (const v of views) if (lines[v.id] && picks[slotOf(v.id)]) describe(v.id);
    },
    /**
     * Where `pick` is drawn on chart `name` (CSS pixels from the canvas' corner), or null (for
     * the tests: they click there).
     * @param {string} name
     * @param {Pick} pick
     * @returns {[number, number] | null}
     */
    locate(name, pick) {
      const chart = charts.get(name);
      const v = chart?.view();
      if (!chart || !v) return null;
      const scale = chart.canvas.width / Math.max(1, chart.canvas.getBoundingClientRect().width);
      return call((w) => w.locate_pick(chart.canvas, v.spec, scale, pick));
    },
  };
}

/** @typedef {ReturnType<typeof createPicking>} Picking */
