// @ts-check
// The charts: a figure for each row of the wasm's chart table (made by `build`, js/figure.js),
// showing the last ChartView the worker sent for it (caption, spec, text twin). A canvas is drawn with the wasm module's draw_chart only when its view is new
// and it is on screen, sharp at any devicePixelRatio. Each draw is a task of its own, queued as
// the views come (round robin), on a canvas off screen; the next frame copies every chart drawn
// since onto the page with the charts' text, so that one report's charts reach the screen in
// one frame, however long their draws took. A frame that changes a canvas costs the compositor
// the same whatever else changed in it, and in WebKitGTK on a machine without a GPU (Mesa's
// software GL) about 30 ms of one core: drawn one chart a frame, a deep run's charts took
// two to three times the frames, and as much CPU as the trainer's second thread.
// Each canvas is an image whose description is its text twin; each figure saves as a PNG at
// twice its resolution with its caption and numbers (the wasm's draw_figure).
//
//   const charts = createCharts({ post, module, perf, pickOf, onViews });
//   charts.build(wasm);        // the figures, from the wasm's chart table
//   charts.show(views);        // new ChartViews from the worker
//   charts.redraw(names);      // draw these again (a pick changed)
//   charts.redrawAll();        // every chart again (a fresh wasm instance)
//   charts.layout(keys, present, hidden);  // the chapter's key charts first, the others folded, none of the hidden
//   charts.reveal(name);       // take the reader to a chart (a sentence's link to it)
//   charts.pin(name, parent);  // a chart that lives in a page of its own (the sheet's), not the lesson's
//   charts.get(name);          // a chart's canvas, readout and view (for picking)
//   charts.stats(name);        // its view, draws and last draw time (for the tests)

import { el, setText } from './dom.js';
import { makeFigure } from './figure.js';

/**
 * @typedef {import('../types/protocol').ChartId} ChartId
 * @typedef {import('../types/protocol').ChartView} ChartView
 * @typedef {import('../types/protocol').ExportKind} ExportKind
 * @typedef {import('../types/protocol').Pick} Pick
 * @typedef {import('../types/protocol').Request} Request
 */

/**
 * One figure of the page and what it shows.
 * @typedef {object} Chart
 * @property {HTMLElement} fig
 * @property {HTMLCanvasElement} canvas
 * @property {HTMLElement} readout the text twin
 * @property {HTMLElement} caption
 * @property {number} baseHeight the canvas' CSS height outside presentation mode
 * @property {number} cssHeight its CSS height now
 * @property {ChartView | null} view the last view the worker sent
 * @property {number} draws
 * @property {number} drawMs the last draw's time
 * @property {string | null} note why its numbers are what they are (the text twin's last line)
 */

/** The grid's gap between rows of charts (0.75rem), and the key charts' canvas heights. */
const GAP = 12;
const MIN_HEIGHT = 130;
/** How long a chart a link took the reader to stays lit, in ms. */
const LIT_MS = 2000;
const MAX_HEIGHT = 360;

/**
 * Each key chart's canvas height that puts all of them on the first screen: the room from the
 * first key chart's top to the bottom of the window, less each row's caption, controls and text
 * (measured: each row counts its tallest), shared by the rows. The key charts stand two abreast,
 * the first alone when there is an odd number of them.
 * @param {{fig: HTMLElement, canvas: HTMLCanvasElement}[]} key the key charts, in order
 * @param {number} n how many
 * @param {number} rows how many rows they make
 * @param {number} [spare] pixels left free at the bottom
 */
function shareOfScreen(key, n, rows, spare = 0) {
  const top = key[0].fig.getBoundingClientRect().top + window.scrollY;
  let chrome = 0;
  for (let r = 0; r < rows; r++) {
    const row = n % 2 === 1 ? (r === 0 ? key.slice(0, 1) : key.slice(2 * r - 1, 2 * r + 1)) : key.slice(2 * r, 2 * r + 2);
    chrome += Math.max(0, ...row.map((ch) => ch.fig.offsetHeight - ch.canvas.offsetHeight)) + GAP;
  }
  return Math.floor((window.innerHeight - top - chrome - spare) / rows);
}

/**
 * @param {object} o
 * @param {(msg: Request) => void} o.post to the trainer
 * @param {import('./module.js').Module} o.module the page's wasm module
 * @param {import('./perf.js').Perf} o.perf
 * @param {(name: string) => Pick | null} o.pickOf the pick chart `name` is drawn with
 * @param {(views: ChartView[]) => void} o.onViews new views were shown
 * @param {HTMLDetailsElement} o.fold "more charts", in the charts' column, after the key charts
 * @param {HTMLElement[]} [o.aboveCharts] what stands above the key charts: a change of its
 *   height lays them out again
 */
export function createCharts({ post, module, perf, pickOf, onViews, fold, aboveCharts = [] }) {
  const foldGrid = /** @type {HTMLElement} */ (fold.querySelector('.fold-grid'));
  /** @type {Record<string, Chart>} */
  const charts = {};
  /** @type {string[]} the charts in the table's order */
  const order = [];
  /** @type {Set<string>} charts placed by `pin`, which `layout` leaves where they are */
  const pinned = new Set();
  const dirty = new Set(); // charts with a new view, not yet drawn
  const stale = new Set(); // off screen: text current, canvas waiting
  const visible = new Set();
  /** @type {Map<HTMLElement, string[]>} */
  const pendingText = new Map();
  /** @type {WeakMap<HTMLElement, string>} */
  const shownText = new WeakMap();
  /** @type {Map<HTMLCanvasElement, number>} */
  const cssWidth = new Map();
  /** @type {Map<string, HTMLCanvasElement>} each chart's canvas off screen, drawn on in a task */
  const offscreen = new Map();
  /** @type {Set<string>} charts drawn off screen, copied onto the page on the next frame */
  const drawn = new Set();
  let next = 0;
  let framePending = false;
  let drawPending = false;
  let trapNext = false; // the end-to-end test of a trap in a draw

  /** The text on the next frame; the charts' draws from now, one task each. */
  function schedule() {
    if (!module.current()) return;
    if (!framePending && (pendingText.size || drawn.size)) {
      framePending = true;
      requestAnimationFrame(frame);
    }
    if (!drawPending && dirty.size) {
      drawPending = true;
      drawTask.port2.postMessage(null);
    }
  }

  /**
   * @param {HTMLElement} node
   * @param {string[]} lines
   */
  function setLines(node, lines) {
    const key = lines.join('\n');
    if (shownText.get(node) === key) {
      pendingText.delete(node);
      return;
    }
    pendingText.set(node, lines);
  }

  function applyText() {
    for (const [node, lines] of pendingText) {
      // Presentation mode shows the first lines whole and leaves the rest out (style.css).
      const shown = Number(node.dataset.projector) || lines.length;
      node.replaceChildren(...lines.map((l, i) => el('p', i < shown ? {} : { class: 'detail' }, l)));
      shownText.set(node, lines.join('\n'));
    }
    pendingText.clear();
  }

  /**
   * Sizes a bitmap to the chart canvas' CSS size; the device pixels per CSS pixel.
   * @param {Chart} ch
   * @param {HTMLCanvasElement} canvas the chart's, or its canvas off screen
   */
  function fit(ch, canvas) {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(200, Math.round(cssWidth.get(ch.canvas) ?? ch.canvas.clientWidth));
    const h = ch.cssHeight;
    const pw = Math.round(w * dpr);
    const ph = Math.round(h * dpr);
    if (canvas.width !== pw) canvas.width = pw;
    if (canvas.height !== ph) canvas.height = ph;
    return dpr;
  }

  /**
   * Copies what chart `name` drew off screen onto its canvas (in a frame).
   * @param {string} name
   */
  function present(name) {
    const ch = charts[name];
    const from = offscreen.get(name);
    if (!from) return;
    if (ch.canvas.width !== from.width) ch.canvas.width = from.width;
    if (ch.canvas.height !== from.height) ch.canvas.height = from.height;
    const ctx = ch.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, from.width, from.height);
    ctx.drawImage(from, 0, 0);
  }

  /** @param {string} name */
  function draw(name) {
    const ch = charts[name];
    const view = ch.view;
    if (!view) return;
    let canvas = offscreen.get(name);
    if (!canvas) {
      canvas = document.createElement('canvas');
      canvas.dataset.chart = name; // whose it is, for a reader of the canvas calls (tests)
      offscreen.set(name, canvas);
    }
    const to = canvas;
    const dpr = fit(ch, to);
    const t0 = performance.now();
    try {
      module.call((wasm) => {
        if (trapNext) {
          trapNext = false;
          wasm.trap_for_test();
        }
        const pick = pickOf(name);
        if (pick) wasm.draw_chart_picked(to, view.spec, dpr, pick);
        else wasm.draw_chart(to, view.spec, dpr);
      });
      ch.draws += 1;
      drawn.add(name);
    } catch (e) {
      // A trap: a fresh instance takes over and draws it (`redrawAll`).
      if (e instanceof WebAssembly.RuntimeError) dirty.add(name);
      else setLines(ch.readout, [say((w) => w.chart_not_drawn(faultOf(e)))]);
      return;
    }
    ch.drawMs = performance.now() - t0;
    perf.draw(t0, ch.drawMs);
  }

  /** The next chart to draw: the first new one on screen from `next` on (those off screen wait). */
  function nextDirty() {
    for (let i = 0; i < order.length; i++) {
      const name = order[(next + i) % order.length];
      if (!dirty.has(name)) continue;
      dirty.delete(name);
      if (!visible.has(name)) {
        stale.add(name);
        continue;
      }
      stale.delete(name);
      next = (order.indexOf(name) + 1) % order.length;
      return name;
    }
    return null;
  }

  // Each chart is drawn in a task of its own (a message to itself), apart from the frame's
  // style, layout, paint and commit, so each task stays short even when other programs take the
  // CPU. A hidden page draws nothing until it shows again (as frames, which it does not get).
  const drawTask = new MessageChannel();
  drawTask.port1.onmessage = () => {
    drawPending = false;
    // A trapped instance: the fresh one draws them (`redrawAll`).
    if (!module.current() || document.hidden) return;
    const name = nextDirty();
    if (name) {
      const t0 = performance.now();
      draw(name);
      perf.task(t0, `draw: ${name}`);
    }
    schedule();
  };
  document.addEventListener('visibilitychange', schedule);

  function frame() {
    framePending = false;
    const t0 = performance.now();
    applyText();
    for (const name of drawn) present(name);
    if (drawn.size) perf.frame(t0, drawn.size);
    drawn.clear();
    perf.task(t0, 'frame: text and charts');
  }

  const io = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const name = /** @type {HTMLElement} */ (e.target).dataset.chart;
      if (e.isIntersecting) visible.add(name);
      else visible.delete(name);
      if (e.isIntersecting && stale.has(name)) dirty.add(name);
    }
    schedule();
  }, { rootMargin: '100px' });

  /** @type {[string[], boolean, string[]] | null} the last layout's key charts, mode and hidden charts */
  let laid = null;
  /** The timer that puts out a revealed chart's light. */
  let litTimer = 0;
  // What stands above the key charts (the header, the chapter's text and questions) changes
  // height on its own (a notice, an upload's summary, a question answered): the key charts'
  // share of the first screen is measured again. Only heights count (a width change reflows
  // the canvases, which `resized` follows).
  // A height that changed with the width (a scroll bar came or went, the window was resized)
  // is not counted: the layout itself can cause that, and would chase its own tail.
  /** @type {WeakMap<Element, [number, number]>} */
  const sizes = new WeakMap();
  const above = new ResizeObserver((entries) => {
    let changed = false;
    for (const e of entries) {
      const [w, h] = [Math.round(e.contentRect.width), Math.round(e.contentRect.height)];
      const was = sizes.get(e.target);
      if (was && was[0] === w && was[1] !== h) changed = true;
      sizes.set(e.target, [w, h]);
    }
    if (changed && laid) api.layout(...laid);
  });
  for (const node of aboveCharts) above.observe(node);
  // On a projector a chart's text sets its panel's height (elsewhere the text's box has a fixed
  // height): a text that grew or shrank lays the key charts out again, whatever its width did
  // (a chart moved into its key place and got its first text in the same frame). The layout
  // changes only the canvases' heights, never a text's width: no tail to chase.
  /** @type {WeakMap<Element, number>} */
  const textHeights = new WeakMap();
  const texts = new ResizeObserver((entries) => {
    let changed = false;
    for (const e of entries) {
      const h = Math.round(e.contentRect.height);
      if (textHeights.get(e.target) !== h) changed = true;
      textHeights.set(e.target, h);
    }
    if (changed && laid?.[1]) api.layout(...laid);
  });

  // Widths are read when the layout changes (the observer runs where layout is clean).
  // Each canvas is observed: a chart changes width without the page changing (presentation
  // mode puts two abreast), and a stale width would stretch its bitmap.
  const resized = new ResizeObserver((entries) => {
    for (const e of entries) {
      const canvas = /** @type {HTMLCanvasElement} */ (e.target);
      const name = canvas.closest('figure')?.dataset.chart ?? '';
      cssWidth.set(canvas, canvas.clientWidth);
      if (charts[name]?.view) dirty.add(name);
    }
    schedule();
  });
  window.matchMedia?.(`(resolution: ${window.devicePixelRatio}dppx)`)?.addEventListener?.('change', () => {
    for (const name of order) if (charts[name].view) dirty.add(name);
    schedule();
  });

  /**
   * The figure as a PNG: caption, chart and numbers, at twice the chart's resolution.
   * @param {string} name
   */
  function savePng(name) {
    const ch = charts[name];
    const view = ch.view;
    if (!view || !module.current()) return;
    const out = document.createElement('canvas');
    const w = Math.max(400, Math.round(cssWidth.get(ch.canvas) ?? ch.canvas.clientWidth));
    // At least the chart's own height: a key chart sized down to fit the screen saves full size.
    const h = Math.max(ch.cssHeight, ch.baseHeight) + 60 + 20 * view.lines.length;
    out.width = 2 * w;
    out.height = 2 * h;
    try {
      module.call((wasm) => wasm.draw_figure(out, view, 2));
    } catch (e) {
      setLines(ch.readout, [say((w) => w.chart_not_saved(faultOf(e)))]);
      return;
    }
    out.toBlob((blob) => {
      if (!blob) return;
      const url = URL.createObjectURL(blob);
      const a = el('a', { href: url, download: `makemore-${name}.png` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }, 'image/png');
  }

  /** @param {unknown} e */
  const faultOf = (e) => (e instanceof Error ? e.message : String(e));

  /**
   * A sentence of the page's module ('' if it cannot say it).
   * @param {(wasm: import('./module.js').PageModule) => string} words
   */
  function say(words) {
    const wasm = module.current();
    try {
      return wasm ? words(wasm) : '';
    } catch {
      return '';
    }
  }

  const api = {
    /**
     * Makes a figure for each chart of the wasm's table, in its order, in the fold (once, when
     * the page's module is loaded; `layout` places them).
     * @param {import('./module.js').PageModule} wasm
     */
    build(wasm) {
      if (order.length) return;
      for (const f of /** @type {import('../types/protocol').Figure[]} */ (wasm.charts())) {
        const name = f.id;
        const words = /** @type {import('./figure.js').FigureWords} */ (wasm.figure_words(name));
        const { fig, canvas, readout, caption } = makeFigure(f, words, {
          png: () => savePng(name),
          csv: () => { if (f.csv) post({ type: 'export', what: f.csv }); },
        });
        foldGrid.append(fig);
        charts[name] = { fig, canvas, readout, caption, baseHeight: f.height, cssHeight: f.height, view: null, draws: 0, drawMs: 0, note: words.note ?? null };
        texts.observe(readout);
        order.push(name);
        io.observe(fig);
        resized.observe(canvas);
      }
    },
    /**
     * Places the charts for the chapter: its key charts (`keys`, most important first) first,
     * right under its explanation, two abreast (the first across when their number is odd); the
     * others folded into "more charts", in the table's order. Presentation mode shows only the
     * key charts, sized to fill the window; otherwise they are sized to fit the first screen.
     * The charts a teacher hid (`hidden`) are not shown, and the fold not at all when it would
     * be empty.
     * @param {string[]} allKeys
     * @param {boolean} present
     * @param {string[]} [hidden]
     */
    layout(allKeys, present, hidden = []) {
      laid = [allKeys, present, hidden];
      const keys = allKeys.filter((k) => !hidden.includes(k));
      const main = /** @type {HTMLElement} */ (fold.parentElement);
      for (const k of keys) if (charts[k] && !pinned.has(k)) main.insertBefore(charts[k].fig, fold);
      for (const name of order) if (!keys.includes(name) && !pinned.has(name)) foldGrid.append(charts[name].fig);
      fold.hidden = order.every((name) => keys.includes(name) || pinned.has(name) || hidden.includes(name));
      const n = keys.length;
      const rows = Math.max(1, Math.ceil(n / 2));
      for (const [name, ch] of Object.entries(charts)) {
        const i = keys.indexOf(name);
        ch.fig.hidden = (present && i < 0) || hidden.includes(name);
        ch.fig.classList.toggle('key', i >= 0);
        ch.fig.style.gridColumn = i >= 0 ? (n % 2 === 1 && i === 0 ? '1 / -1' : 'auto') : '';
        ch.cssHeight = ch.baseHeight;
      }
      const key = keys.map((k) => charts[k]).filter((ch) => ch);
      if (present && key.length) {
        // The screen's height, less each row's caption, controls and text (the projector's
        // text box is taller), shared by the rows' canvases.
        const each = shareOfScreen(key, n, rows, 4);
        for (const ch of key) ch.cssHeight = Math.max(MIN_HEIGHT, each);
      } else if (key.length && getComputedStyle(main).gridTemplateColumns.split(' ').length > 1) {
        // Two columns: the same share of the first screen. (In one column, on a phone, the
        // charts keep their own heights.)
        const each = shareOfScreen(key, n, rows);
        for (const ch of key) ch.cssHeight = Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, each));
      }
      for (const [name, ch] of Object.entries(charts)) {
        ch.canvas.style.height = `${ch.cssHeight}px`;
        if (ch.view) dirty.add(name);
      }
      // A sentence's link to a chart not shown here is words only.
      for (const a of document.querySelectorAll('a.chart-link')) {
        if (!(a instanceof HTMLElement)) continue;
        const off = Boolean(charts[a.dataset.chart ?? '']?.fig.hidden ?? true);
        a.classList.toggle('off', off);
        a.setAttribute('aria-disabled', String(off));
        a.tabIndex = off ? -1 : 0;
      }
      schedule();
    },
    /**
     * Takes the reader to chart `name` (a sentence's link): opens "more charts" if it is folded
     * there, scrolls it into view, gives it the focus and lights its frame for a moment. False
     * when the chart is not shown (hidden by the teacher, or not a key chart in presentation).
     * @param {string} name
     */
    reveal(name) {
      const ch = charts[name];
      if (!ch || ch.fig.hidden) return false;
      if (foldGrid.contains(ch.fig)) fold.open = true;
      const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
      ch.fig.scrollIntoView({ block: 'nearest', behavior: still ? 'auto' : 'smooth' });
      ch.fig.focus({ preventScroll: true });
      for (const c of Object.values(charts)) c.fig.classList.remove('lit');
      void ch.fig.offsetWidth; // restart the light when the same link is followed again
      ch.fig.classList.add('lit');
      clearTimeout(litTimer);
      litTimer = setTimeout(() => ch.fig.classList.remove('lit'), LIT_MS);
      return true;
    },
    /**
     * Moves chart `name`'s figure into `parent` for good: `layout` no longer places it.
     * @param {string} name
     * @param {HTMLElement} parent
     */
    pin(name, parent) {
      const ch = charts[name];
      if (!ch) return;
      pinned.add(name);
      parent.append(ch.fig);
    },
    /**
     * Shows the views the worker sent.
     * @param {ChartView[]} views
     */
    show(views) {
      for (const v of views) {
        const ch = charts[v.id];
        if (!ch) continue;
        ch.view = v;
        setText(ch.caption, v.caption);
        setLines(ch.readout, ch.note ? [...v.lines, ch.note] : v.lines);
        dirty.add(v.id);
      }
      onViews(views);
      schedule();
    },
    /**
     * Draws these charts again (a pick changed).
     * @param {string[]} names
     */
    redraw(names) {
      for (const name of names) if (charts[name]?.view) dirty.add(name);
      schedule();
    },
    /** Draws every chart that has a view (the page's module is loaded, or a fresh instance). */
    redrawAll() {
      for (const [name, ch] of Object.entries(charts)) if (ch.view) dirty.add(name);
      schedule();
    },
    /**
     * A chart's canvas, its text twin and its last view; null if the page has no such chart.
     * @param {string} name
     */
    get(name) {
      const ch = charts[name];
      return ch ? { canvas: ch.canvas, readout: ch.readout, view: () => ch.view } : null;
    },
    /**
     * What a chart shows and how often it was drawn (for the tests); null if no such chart.
     * @param {string} name
     */
    stats(name) {
      const ch = charts[name];
      if (!ch) return null;
      return { view: ch.view, draws: ch.draws, drawMs: ch.drawMs, pending: dirty.has(name) || stale.has(name) || drawn.has(name) };
    },
    /** The next draw traps (the end-to-end test of the recovery). */
    trapNextDraw() {
      trapNext = true;
    },
  };
  return api;
}

/** @typedef {ReturnType<typeof createCharts>} Charts */
