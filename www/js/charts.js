// @ts-check
// The charts: each figure[data-chart] shows the last ChartView the worker sent for it (caption,
// spec, text twin). A canvas is drawn with the wasm module's draw_chart only when its view is new
// and it is on screen, at most one chart per animation frame (round robin, so the loss chart,
// new every frame while training, cannot starve the others), sharp at any devicePixelRatio.
// Each canvas is an image whose description is its text twin; each figure saves as a PNG at
// twice its resolution with its caption and numbers (the wasm's draw_figure).
//
//   const charts = createCharts({ post, module, perf, pickOf, onViews });
//   charts.show(views);        // new ChartViews from the worker
//   charts.redraw(names);      // draw these again (a pick changed)
//   charts.redrawAll();        // every chart again (a fresh wasm instance)
//   charts.layout(keys|null);  // presentation mode's charts, or every chart
//   charts.get(name);          // a chart's canvas, readout and view (for picking)
//   charts.stats(name);        // its view, draws and last draw time (for the tests)

import { el, setText } from './dom.js';

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
 */

/** The file of numbers behind a chart (an `ExportKind` of the protocol). */
/** @type {Partial<Record<ChartId, ExportKind>>} */
const CSV_OF = { loss: 'loss_csv', ratios: 'diagnostics_csv', acts: 'diagnostics_csv', grads: 'diagnostics_csv' };

/**
 * @param {object} o
 * @param {(msg: Request) => void} o.post to the trainer
 * @param {import('./module.js').Module} o.module the page's wasm module
 * @param {import('./perf.js').Perf} o.perf
 * @param {(name: string) => Pick | null} o.pickOf the pick chart `name` is drawn with
 * @param {(views: ChartView[]) => void} o.onViews new views were shown
 */
export function createCharts({ post, module, perf, pickOf, onViews }) {
  /** @type {Record<string, Chart>} */
  const charts = {};
  for (const fig of document.querySelectorAll('figure[data-chart]')) {
    if (!(fig instanceof HTMLElement)) continue;
    const name = fig.dataset.chart ?? '';
    const canvas = fig.querySelector('canvas');
    const readout = fig.querySelector('.readout');
    const caption = fig.querySelector('figcaption');
    if (!(canvas && readout instanceof HTMLElement && caption)) throw new Error(`figure ${name} lacks a part`);
    // The height attribute is the chart's CSS height; the bitmap is sized per devicePixelRatio.
    const height = Number(canvas.getAttribute('height'));
    canvas.style.height = `${height}px`;
    readout.id = `readout-${name}`;
    readout.tabIndex = 0; // it scrolls: reachable from the keyboard
    readout.setAttribute('role', 'group');
    readout.setAttribute('aria-label', `${name} chart in numbers`);
    caption.id = `caption-${name}`;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-labelledby', caption.id);
    canvas.setAttribute('aria-describedby', readout.id);
    const tools = el('span', { class: 'figure-tools' });
    const png = el('button', { type: 'button', title: 'save this chart as a PNG picture, with its numbers' }, 'PNG');
    png.setAttribute('aria-label', `save the ${name} chart as PNG`);
    png.onclick = () => savePng(name);
    tools.append(png);
    const what = CSV_OF[/** @type {ChartId} */ (name)];
    if (what) {
      const csv = el('button', { type: 'button', title: 'save the numbers as CSV' }, 'CSV');
      csv.setAttribute('aria-label', `save the ${name} numbers as CSV`);
      csv.onclick = () => post({ type: 'export', what });
      tools.append(csv);
    }
    fig.insertBefore(tools, canvas);
    charts[name] = { fig, canvas, readout, caption, baseHeight: height, cssHeight: height, view: null, draws: 0, drawMs: 0 };
  }
  const order = Object.keys(charts);
  const dirty = new Set(); // charts with a new view, not yet drawn
  const stale = new Set(); // off screen: text current, canvas waiting
  const visible = new Set();
  /** @type {Map<HTMLElement, string[]>} */
  const pendingText = new Map();
  /** @type {WeakMap<HTMLElement, string>} */
  const shownText = new WeakMap();
  /** @type {Map<HTMLCanvasElement, number>} */
  const cssWidth = new Map();
  let next = 0;
  let framePending = false;
  let trapNext = false; // the end-to-end test of a trap in a draw

  function schedule() {
    if (!framePending && module.current()) {
      framePending = true;
      requestAnimationFrame(frame);
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
      node.replaceChildren(...lines.map((l) => el('p', {}, l)));
      shownText.set(node, lines.join('\n'));
    }
    pendingText.clear();
  }

  /**
   * Sizes the bitmap to the canvas' CSS size; the device pixels per CSS pixel.
   * @param {Chart} ch
   */
  function fit(ch) {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(200, Math.round(cssWidth.get(ch.canvas) ?? ch.canvas.clientWidth));
    const h = ch.cssHeight;
    const pw = Math.round(w * dpr);
    const ph = Math.round(h * dpr);
    if (ch.canvas.width !== pw) ch.canvas.width = pw;
    if (ch.canvas.height !== ph) ch.canvas.height = ph;
    return dpr;
  }

  /** @param {string} name */
  function draw(name) {
    const ch = charts[name];
    const view = ch.view;
    if (!view) return;
    const dpr = fit(ch);
    const t0 = performance.now();
    try {
      module.call((wasm) => {
        if (trapNext) {
          trapNext = false;
          wasm.trap_for_test();
        }
        const pick = pickOf(name);
        if (pick) wasm.draw_chart_picked(ch.canvas, view.spec, dpr, pick);
        else wasm.draw_chart(ch.canvas, view.spec, dpr);
      });
      ch.draws += 1;
    } catch (e) {
      // A trap: a fresh instance takes over and draws it (`redrawAll`).
      if (e instanceof WebAssembly.RuntimeError) dirty.add(name);
      else setLines(ch.readout, [`this chart could not be drawn: ${e instanceof Error ? e.message : e}`]);
      return;
    }
    ch.drawMs = performance.now() - t0;
    perf.draw(t0, ch.drawMs);
  }

  // A frame's text goes in with the frame; its chart is drawn in a task of its own just after
  // (a message to itself), so the frame's style, layout, paint and commit and the chart's draw
  // are two tasks, not one: each stays short even when other programs take the CPU.
  const drawTask = new MessageChannel();
  drawTask.port1.onmessage = ({ data: name }) => {
    if (!module.current()) { // the instance trapped in between: the fresh one draws it
      dirty.add(name);
      return;
    }
    const t0 = performance.now();
    draw(name);
    perf.task(t0, `draw: ${name}`);
    if (dirty.size) schedule();
  };

  function frame() {
    framePending = false;
    const t0 = performance.now();
    let drawn = '';
    for (let i = 0; i < order.length && !drawn; i++) {
      const name = order[(next + i) % order.length];
      if (!dirty.has(name)) continue;
      dirty.delete(name);
      if (!visible.has(name)) {
        stale.add(name);
        continue;
      }
      stale.delete(name);
      drawn = name;
      next = (order.indexOf(name) + 1) % order.length;
    }
    applyText();
    perf.task(t0, 'frame: text');
    if (drawn) drawTask.port2.postMessage(drawn);
    else if (dirty.size) schedule();
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
  for (const ch of Object.values(charts)) io.observe(ch.fig);

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
  for (const ch of Object.values(charts)) resized.observe(ch.canvas);
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
    const h = ch.cssHeight + 60 + 20 * view.lines.length;
    out.width = 2 * w;
    out.height = 2 * h;
    try {
      module.call((wasm) => wasm.draw_figure(out, view, 2));
    } catch (e) {
      setLines(ch.readout, [`this chart could not be saved: ${e instanceof Error ? e.message : e}`]);
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

  return {
    /**
     * Presentation mode: only the `keys` charts, in that order, sized to fill the window (the
     * first one wide when their number is odd); null shows every chart at its own size.
     * @param {string[] | null} keys
     */
    layout(keys) {
      const rows = keys ? Math.ceil(keys.length / 2) : 0;
      const room = keys ? Math.max(160, (window.innerHeight - 24) / Math.max(1, rows) - 128) : 0;
      for (const [name, ch] of Object.entries(charts)) {
        const i = keys ? keys.indexOf(name) : 0;
        ch.fig.hidden = i < 0;
        ch.fig.style.order = keys ? String(i) : '';
        ch.fig.style.gridColumn = keys && keys.length % 2 === 1 && i === 0 ? '1 / -1' : '';
        // A control under the chart (the embedding's path slider) takes its room from the canvas.
        const control = keys && i >= 0 ? /** @type {HTMLElement | null} */ (ch.fig.querySelector('.chart-control'))?.offsetHeight ?? 0 : 0;
        ch.cssHeight = keys ? Math.round(room - control) : ch.baseHeight;
        ch.canvas.style.height = `${ch.cssHeight}px`;
        if (ch.view) dirty.add(name);
      }
      schedule();
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
        setLines(ch.readout, v.lines);
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
      return { view: ch.view, draws: ch.draws, drawMs: ch.drawMs, pending: dirty.has(name) || stale.has(name) };
    },
    /** The next draw traps (the end-to-end test of the recovery). */
    trapNextDraw() {
      trapNext = true;
    },
  };
}

/** @typedef {ReturnType<typeof createCharts>} Charts */
