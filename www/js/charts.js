// The charts: each figure[data-chart] shows the last ChartView the worker sent for it (caption,
// spec, text twin). A canvas is drawn with the wasm module's draw_chart only when its view is new
// and it is on screen, at most one chart per animation frame (round robin, so the loss chart,
// new every frame while training, cannot starve the others), sharp at any devicePixelRatio.
// Each canvas is an image whose description is its text twin; each figure saves as a PNG at
// twice its resolution with its caption and numbers (the wasm's draw_figure).

import { el, setText } from './dom.js';

/** The file of numbers behind a chart (an `ExportKind` of the protocol). */
const CSV_OF = { loss: 'loss_csv', ratios: 'diagnostics_csv', acts: 'diagnostics_csv', grads: 'diagnostics_csv' };

export function createCharts(S, post) {
  const charts = {};
  for (const fig of document.querySelectorAll('figure[data-chart]')) {
    const name = fig.dataset.chart;
    const canvas = fig.querySelector('canvas');
    const readout = fig.querySelector('.readout');
    const caption = fig.querySelector('figcaption');
    // The height attribute is the chart's CSS height; the bitmap is sized per devicePixelRatio.
    canvas.style.height = `${canvas.getAttribute('height')}px`;
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
    if (CSV_OF[name]) {
      const csv = el('button', { type: 'button', title: 'save the numbers as CSV' }, 'CSV');
      csv.setAttribute('aria-label', `save the ${name} numbers as CSV`);
      csv.onclick = () => post({ type: 'export', what: CSV_OF[name] });
      tools.append(csv);
    }
    fig.insertBefore(tools, canvas);
    charts[name] = {
      fig,
      canvas,
      baseHeight: Number(canvas.getAttribute('height')),
      cssHeight: Number(canvas.getAttribute('height')),
      readout,
      caption,
      tools,
      view: null,
      draws: 0,
    };
  }
  const order = Object.keys(charts);
  const dirty = new Set(); // charts with a new view, not yet drawn
  const stale = new Set(); // off screen: text current, canvas waiting
  const visible = new Set();
  const pendingText = new Map();
  const shownText = new WeakMap();
  const cssWidth = new Map();
  let next = 0;
  let framePending = false;
  let wasm = null;
  S.dirty = dirty;
  S.stale = stale;
  S.charts = charts;

  function schedule() {
    if (!framePending && wasm) {
      framePending = true;
      requestAnimationFrame(frame);
    }
  }

  function noteSlow(t0, what) {
    const ms = performance.now() - t0;
    if (ms > 20) {
      S.slow.push([Math.round(t0), what, Math.round(ms)]);
      if (S.slow.length > 50) S.slow.shift();
    }
  }

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

  function draw(name) {
    const ch = charts[name];
    if (!ch.view || S.dead) return;
    const dpr = fit(ch);
    const t0 = performance.now();
    S.drawing = true;
    try {
      if (S.trapNextDraw) { // the end-to-end test of a trap in a draw
        S.trapNextDraw = false;
        wasm.trap_for_test();
      }
      const pick = S.picking?.of(name);
      if (pick) wasm.draw_chart_picked(ch.canvas, ch.view.spec, dpr, pick);
      else wasm.draw_chart(ch.canvas, ch.view.spec, dpr);
      ch.draws += 1;
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        // The instance is broken (a trap): draw nothing more with it; a fresh one takes over.
        wasm = null;
        dirty.add(name);
        S.traps = (S.traps ?? 0) + 1;
        S.onTrap?.();
        return;
      }
      setLines(ch.readout, [`this chart could not be drawn: ${e?.message ?? e}`]);
    } finally {
      S.drawing = false;
    }
    const ms = performance.now() - t0;
    S.drawMs[name] = ms;
    S.longestDrawMs = Math.max(S.longestDrawMs, ms);
  }

  // A frame's text goes in with the frame; its chart is drawn in a task of its own just after
  // (a message to itself), so the frame's style, layout, paint and commit and the chart's draw
  // are two tasks, not one: each stays short even when other programs take the CPU.
  const drawTask = new MessageChannel();
  drawTask.port1.onmessage = ({ data: name }) => {
    if (!wasm) { // the instance trapped in between: the fresh one draws it
      dirty.add(name);
      return;
    }
    const t0 = performance.now();
    draw(name);
    noteSlow(t0, `draw: ${name}`);
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
    noteSlow(t0, 'frame: text');
    if (drawn) drawTask.port2.postMessage(drawn);
    else if (dirty.size) schedule();
  }

  const io = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const name = e.target.dataset.chart;
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
      const name = e.target.closest('figure').dataset.chart;
      cssWidth.set(e.target, e.target.clientWidth);
      if (charts[name].view) dirty.add(name);
    }
    schedule();
  });
  for (const ch of Object.values(charts)) resized.observe(ch.canvas);
  window.addEventListener('resize', () => {
    if (document.body.classList.contains('present')) layout(S.run?.key_charts ?? []);
  });
  window.matchMedia?.(`(resolution: ${window.devicePixelRatio}dppx)`)?.addEventListener?.('change', () => {
    for (const name of order) if (charts[name].view) dirty.add(name);
    schedule();
  });

  /** The figure as a PNG: caption, chart and numbers, at twice the chart's resolution. */
  function savePng(name) {
    const ch = charts[name];
    if (!ch.view || !wasm) return;
    const out = document.createElement('canvas');
    const w = Math.max(400, Math.round(cssWidth.get(ch.canvas) ?? ch.canvas.clientWidth));
    const h = ch.cssHeight + 60 + 20 * ch.view.lines.length;
    out.width = 2 * w;
    out.height = 2 * h;
    try {
      wasm.draw_figure(out, ch.view, 2);
    } catch (e) {
      setLines(ch.readout, [`this chart could not be saved: ${e?.message ?? e}`]);
      return;
    }
    out.toBlob((blob) => {
      const url = URL.createObjectURL(blob);
      const a = el('a', { href: url, download: `makemore-${name}.png` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }, 'image/png');
  }

  /**
   * Presentation mode: only the `keys` charts, in that order, sized to fill the window (the
   * first one wide when their number is odd); null shows every chart at its own size.
   */
  function layout(keys) {
    const rows = keys ? Math.ceil(keys.length / 2) : 0;
    const room = keys ? Math.max(160, (window.innerHeight - 24) / Math.max(1, rows) - 128) : 0;
    for (const [name, ch] of Object.entries(charts)) {
      const i = keys ? keys.indexOf(name) : 0;
      ch.fig.hidden = i < 0;
      ch.fig.style.order = keys ? String(i) : '';
      ch.fig.style.gridColumn = keys && keys.length % 2 === 1 && i === 0 ? '1 / -1' : '';
      // A control under the chart (the embedding's path slider) takes its room from the canvas.
      const control = keys && i >= 0 ? ch.fig.querySelector('.chart-control')?.offsetHeight ?? 0 : 0;
      ch.cssHeight = keys ? Math.round(room - control) : ch.baseHeight;
      ch.canvas.style.height = `${ch.cssHeight}px`;
      if (ch.view) dirty.add(name);
    }
    schedule();
  }

  return {
    layout,
    /** Shows the views (ChartView[]) the worker sent. */
    show(views) {
      for (const v of views) {
        const ch = charts[v.id];
        if (!ch) continue;
        ch.view = v;
        setText(ch.caption, v.caption);
        setLines(ch.readout, v.lines);
        dirty.add(v.id);
      }
      S.picking?.refresh(views);
      schedule();
    },
    /** Draws these charts again (a pick changed). */
    redraw(names) {
      for (const name of names) if (charts[name]?.view) dirty.add(name);
      schedule();
    },
    /** Starts drawing once the page's wasm module is ready. */
    ready(module) {
      wasm = module;
      for (const [name, ch] of Object.entries(charts)) if (ch.view) dirty.add(name);
      schedule();
    },
    noteSlow,
  };
}
