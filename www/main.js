// The page: controls, the worker (trainer), and the charts, drawn with the wasm module's
// `draw_*` functions (plotters-canvas) on this thread. Charts are drawn only when a message
// brought new numbers, at most once per animation frame, and a frame stops drawing after
// FRAME_BUDGET_MS (the rest waits for the next frame), so the page never blocks for long.
//
// Every text that comes from a file or the model is inserted with textContent, never as HTML.

import { wasmModule } from './simd.js';

// The wasm module (the same build the worker loads; see simd.js), set once it is ready.
let wasm = null;
const simdOption = new URLSearchParams(location.search).get('simd');

const FRAME_BUDGET_MS = 0;
const MAX_EARLIER_RUNS = 3;
const $ = (id) => document.getElementById(id);

// ---- small helpers -----------------------------------------------------------------------

/** A Float32Array that grows by doubling; `view()` is the filled part. */
class Grow {
  constructor(fill = 0) { this.a = new Float32Array(1024); this.n = 0; this.fill = fill; }
  truncate(n) { this.n = Math.min(this.n, n); }
  ensure(n) {
    if (n <= this.a.length) return;
    let cap = this.a.length;
    while (cap < n) cap *= 2;
    const b = new Float32Array(cap);
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  push(xs) { this.ensure(this.n + xs.length); this.a.set(xs, this.n); this.n += xs.length; }
  pushOne(x) { this.ensure(this.n + 1); this.a[this.n++] = x; }
  view() { return this.a.subarray(0, this.n); }
  get length() { return this.n; }
}

const fmtCount = (n) => Math.round(n).toLocaleString('en-US');
const fmt = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
function fmtLr(x) {
  if (!Number.isFinite(x)) return String(x);
  if (x >= 0.01 && x < 1000) return String(Number(x.toPrecision(3)));
  return x.toExponential(2);
}
function fmtDuration(s) {
  if (!Number.isFinite(s) || s < 0) return '';
  if (s < 60) return `${Math.ceil(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
function el(tag, props = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  if (text !== undefined) e.textContent = text;
  return e;
}
function setLines(node, lines) {
  // Unchanged text is not touched: new nodes would need style, layout and paint again.
  const key = lines.join('\n');
  if (shownText.get(node) === key) {
    pendingText.delete(node);
    return;
  }
  pendingText.set(node, lines);
}
/** Sets a text only when it changed (a write of the same text still invalidates layout). */
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
/** `text` ending in a full stop (core messages may end in '?' or '.'). */
const sentence = (text) => (/[.?!]$/.test(text) ? text : `${text}.`);
function setMsg(node, text, level = '') {
  node.textContent = text;
  node.className = level;
}

// ---- state -------------------------------------------------------------------------------

const S = {
  worker: null,
  ready: false,
  dead: false,
  summary: null,
  run: null,
  runs: [], // earlier runs: {label, values}
  losses: new Grow(),
  lrs: new Grow(),
  ratios: [], // one Grow per 2-D parameter
  evals: [],
  diag: null,
  p: { step: 0, steps: 1, lr: NaN, lrOverride: null, running: false, finished: false, evaluating: null, itps: 0 },
  dataBytes: null, // the uploaded file in use (to restart the worker with it)
  dataName: null,
  pendingUpload: null,
  drawMs: {}, // last draw time of each chart, for the tests
  longestDrawMs: 0,
  slow: [], // [start, what, ms] of frames and messages over 20 ms (the last 50), for the tests
};
window.__lab = S; // for the end-to-end tests

// ---- charts ------------------------------------------------------------------------------

const charts = {};
for (const fig of document.querySelectorAll('figure[data-chart]')) {
  charts[fig.dataset.chart] = {
    canvas: fig.querySelector('canvas'),
    readout: fig.querySelector('.readout'),
    caption: fig.querySelector('figcaption'),
    draws: 0,
  };
}
const ORDER = ['loss', 'lr', 'embedding', 'preact', 'map', 'ratios', 'acts', 'grads', 'kaiming'];
const dirty = new Set(); // charts with new numbers
const stale = new Set(); // charts off screen whose text is new but whose canvas is not
S.dirty = dirty;
S.stale = stale;
let framePending = false;

function markDirty(...names) {
  for (const n of names) dirty.add(n);
  if (!framePending) {
    framePending = true;
    requestAnimationFrame(frame);
  }
}

// Text for the readouts, applied after the frame's drawing, and only where it changed.
const pendingText = new Map();
const shownText = new WeakMap(); // node -> the lines it shows, joined

function noteSlow(t0, what) {
  const ms = performance.now() - t0;
  if (ms > 20) {
    S.slow.push([Math.round(t0), what, Math.round(ms)]);
    if (S.slow.length > 50) S.slow.shift();
  }
}

function frame() {
  framePending = false;
  const t0 = performance.now();
  const drawn = [];
  // Round robin from the chart after the last one drawn, so that a chart that is always dirty
  // (the loss while training) cannot starve the others.
  for (let i = 0; i < ORDER.length; i++) {
    const name = ORDER[(nextChart + i) % ORDER.length];
    if (!dirty.has(name)) continue;
    if (!visible.has(name)) {
      // Off screen: the text stays current (for screen readers), the canvas waits.
      dirty.delete(name);
      stale.add(name);
      drawChart(name, false);
      continue;
    }
    if (drawn.length && performance.now() - t0 > FRAME_BUDGET_MS) break;
    dirty.delete(name);
    stale.delete(name);
    drawChart(name, true);
    drawn.push(name);
    nextChart = (ORDER.indexOf(name) + 1) % ORDER.length;
  }
  applyText();
  noteSlow(t0, `frame: ${drawn.join(' ')}`);
  if (dirty.size) markDirty();
}

function applyText() {
  for (const [node, lines] of pendingText) {
    node.replaceChildren(...lines.map((l) => el('p', {}, l)));
    shownText.set(node, lines.join('\n'));
  }
  pendingText.clear();
}

// Charts off screen are not drawn; they stay dirty and are drawn when they scroll into view.
const visible = new Set();
const io = new IntersectionObserver((entries) => {
  for (const e of entries) {
    const name = e.target.dataset.chart;
    if (e.isIntersecting) visible.add(name);
    else visible.delete(name);
    if (e.isIntersecting && stale.has(name)) dirty.add(name);
  }
  if (dirty.size) markDirty();
}, { rootMargin: '100px' });
for (const fig of document.querySelectorAll('figure[data-chart]')) io.observe(fig);
let nextChart = 0;

// Canvas widths, read when the layout changes (in the ResizeObserver callback, where layout is
// clean): reading clientWidth in a frame would force a layout after the readouts' new text.
const canvasWidth = new Map();
function measureCanvases() {
  for (const ch of Object.values(charts)) canvasWidth.set(ch.canvas, ch.canvas.clientWidth);
}

function fitCanvas(c) {
  const w = Math.max(200, Math.round(canvasWidth.get(c) ?? c.clientWidth));
  if (c.width !== w) c.width = w;
}

function drawChart(name, paint) {
  const ch = charts[name];
  if (!ch || S.dead) return;
  ch.paint = paint;
  if (paint) fitCanvas(ch.canvas);
  const t0 = performance.now();
  try {
    DRAW[name](ch);
    if (paint) ch.draws += 1;
  } catch (e) {
    setLines(ch.readout, [`this chart could not be drawn: ${e?.message ?? e}`]);
  }
  if (!paint) return;
  const ms = performance.now() - t0;
  S.drawMs[name] = ms;
  S.longestDrawMs = Math.max(S.longestDrawMs, ms);
}

/** Draws with one of the wasm module's `draw_*` functions, unless the chart is off screen. */
function paint(ch, drawFn, spec) {
  if (ch.paint) drawFn(ch.canvas, spec);
}

function smoothWindow(n) {
  return Math.max(5, Math.min(1000, Math.round(n / 40)));
}

function meanOfLast(view, k) {
  let s = 0;
  let c = 0;
  for (let i = Math.max(0, view.length - k); i < view.length; i++) {
    if (Number.isFinite(view[i])) { s += view[i]; c++; }
  }
  return c ? s / c : NaN;
}

const emptyHist = (title) => ({ title, xLabel: '', yLabel: '', bars: true, series: [] });

const DRAW = {
  loss(ch) {
    const losses = S.losses.view();
    const w = smoothWindow(losses.length);
    const ev = S.evals;
    paint(ch, wasm.draw_loss, {
      title: '',
      label: S.run ? `run ${S.run.run}` : 'this run',
      losses,
      smoothWindow: w,
      trainSteps: ev.map((e) => e.step),
      trainLosses: ev.map((e) => e.train),
      valSteps: ev.map((e) => e.step),
      valLosses: ev.map((e) => e.val),
      earlier: S.runs,
    });
    const lines = [];
    if (losses.length) {
      const last = losses[losses.length - 1];
      lines.push(`step ${fmtCount(losses.length)}: mini-batch loss ${fmt(last)}, mean of the last ${w}: ${fmt(meanOfLast(losses, w))}`);
      lines.push(`first loss ${fmt(losses[0])} (a uniform guess over ${S.summary?.vocabSize ?? '?'} characters gives ${fmt(S.run?.uniformLoss ?? NaN)})`);
    } else {
      lines.push('no steps yet: press Train or Step');
    }
    for (const e of ev) lines.push(`full splits at step ${fmtCount(e.step)}: train ${fmt(e.train)}, val ${fmt(e.val)}`);
    if (S.runs.length) lines.push(`earlier runs (faded): ${S.runs.map((r) => r.label).join('; ')}`);
    setLines(ch.readout, lines);
  },

  lr(ch) {
    const sweep = S.run?.sweep;
    if (!sweep) {
      paint(ch, wasm.draw_lr_finder, { title: 'this run does not sweep the learning rate', exponents: [], losses: [] });
      setLines(ch.readout, ['Chapters 1 and 2 sweep the learning rate from 0.001 to 1; this run follows a fixed schedule.']);
      return;
    }
    const n = Math.min(sweep.steps, S.lrs.length);
    const lrs = S.lrs.view().subarray(0, n);
    const exponents = new Float32Array(n);
    for (let i = 0; i < n; i++) exponents[i] = Math.log10(lrs[i]);
    const sug = S.diag?.lrSuggestion;
    paint(ch, wasm.draw_lr_finder, {
      title: '',
      exponents,
      losses: S.losses.view().subarray(0, n),
      smoothWindow: 51,
      suggested: sug && sug.step < n ? Math.log10(sug.lr) : null,
    });
    const lines = [`sweep: 10^${sweep.minExp} to 10^${sweep.maxExp} over ${fmtCount(sweep.steps)} steps; ${fmtCount(n)} done`];
    if (sug) lines.push(`suggested learning rate ${fmtLr(sug.lr)} (10^${Math.log10(sug.lr).toFixed(2)}): lowest smoothed loss ${fmt(sug.loss)} at step ${fmtCount(sug.step)}`);
    setLines(ch.readout, lines);
  },

  embedding(ch) {
    const e = S.diag?.embedding;
    if (!e) {
      paint(ch, wasm.draw_embedding, { title: 'embedding C', chars: '', xs: [], ys: [] });
      setLines(ch.readout, []);
      return;
    }
    setText(ch.caption, e.pca
      ? `Character embedding C: the first two principal components of n_embd = ${S.run?.settings.n_embd}`
      : 'Character embedding C (n_embd = 2)');
    paint(ch, wasm.draw_embedding, { ...e, title: '' });
    const pts = [...e.chars].map((c, i) => `${c} (${fmt(e.xs[i], 2)}, ${fmt(e.ys[i], 2)})`);
    setLines(ch.readout, [pts.join('  ')]);
  },

  preact(ch) {
    const d = S.diag;
    if (!d?.prePair) {
      paint(ch, wasm.draw_histogram_pair, { left: emptyHist('pre-activations hpreact'), right: emptyHist('activations h') });
      setLines(ch.readout, ['after the first step']);
      return;
    }
    paint(ch, wasm.draw_histogram_pair, d.prePair);
    setLines(ch.readout, [`step ${fmtCount(d.step)}`, ...d.firstText.slice(0, 2)]);
  },

  map(ch) {
    const m = S.diag?.map;
    if (!m) {
      paint(ch, wasm.draw_saturation_map, { title: 'saturation map', rows: 0, cols: 0, cells: new Uint8Array(0) });
      setLines(ch.readout, ['after the first step']);
      return;
    }
    paint(ch, wasm.draw_saturation_map, m);
    setLines(ch.readout, S.diag.firstText.slice(2));
  },

  ratios(ch) {
    const labels = S.run?.ratioLabels ?? [];
    const series = labels.map((label, k) => ({ label, values: S.ratios[k]?.view() ?? new Float32Array(0) }));
    paint(ch, wasm.draw_update_ratios, { title: '', series });
    const lines = series.map((s) => {
      const v = meanOfLast(s.values, 5 * (S.run?.ratioEvery ?? 10));
      return `${s.label}: ${Number.isFinite(v) ? `10^${v.toFixed(2)}` : '–'}`;
    });
    setLines(ch.readout, [`log10(std(lr x grad) / std(weight)), every ${S.run?.ratioEvery ?? 10} steps; the black line is 1e-3`, lines.join(' · ')]);
  },

  acts(ch) {
    const d = S.diag;
    if (!d || !d.actLines.length) {
      paint(ch, wasm.draw_histograms, emptyHist('activation distribution'));
      setLines(ch.readout, ['after the first step']);
      return;
    }
    paint(ch, wasm.draw_histograms, { ...d.layersAct, title: '' });
    setLines(ch.readout, d.actLines);
  },

  grads(ch) {
    const d = S.diag;
    if (!d || !d.gradLines.length) {
      paint(ch, wasm.draw_histograms, emptyHist('gradient distribution'));
      setLines(ch.readout, ['after the first step']);
      return;
    }
    paint(ch, wasm.draw_histograms, { ...d.layersGrad, title: '' });
    setLines(ch.readout, d.gradLines);
  },

  kaiming(ch) {
    const k = S.run?.kaiming;
    if (!k) return;
    paint(ch, wasm.draw_histogram_pair, k.pair);
    setLines(ch.readout, [`x ~ randn(32, ${S.run.settings.block_size * S.run.settings.n_embd}), w ~ randn(fan_in, 200)`, k.text.slice(0, 2).join(' → '), k.text.slice(2).join(' → ')]);
  },
};

new ResizeObserver(() => { measureCanvases(); markDirty(...ORDER); }).observe($('charts'));

// ---- controls ----------------------------------------------------------------------------

const buttons = ['train', 'pause', 'step', 'reset', 'new-seed', 'evaluate', 'sample', 'custom-apply'];

function updateControls() {
  const p = S.p;
  const ok = S.ready && !S.dead;
  const busyEval = p.evaluating != null;
  $('train').disabled = !ok || p.running || p.finished;
  $('pause').disabled = !ok || !p.running;
  $('step').disabled = !ok || p.running || p.finished;
  for (const id of ['reset', 'new-seed', 'sample', 'custom-apply']) $(id).disabled = !ok;
  $('evaluate').disabled = !ok || busyEval;
  $('clear-runs').disabled = S.runs.length === 0;
  const paused = ok && !p.running;
  $('lr').disabled = !paused;
  $('lr-set').disabled = !paused;
  $('lr-schedule').disabled = !paused || p.lrOverride == null;
  $('budget').disabled = !ok;
  if ((document.activeElement !== $('lr') || p.running) && $('lr').value !== fmtLr(p.lr)) $('lr').value = fmtLr(p.lr);
  setText($('lr-note'), p.lrOverride != null
    ? `your rate (${fmtLr(p.lrOverride)}) replaces the schedule until you press Schedule`
    : (p.running ? 'pause to change the learning rate' : ''));
  const max = Math.max(1, p.steps);
  if ($('progress').max !== max) $('progress').max = max;
  if ($('progress').value !== p.step) $('progress').value = p.step;
  setText($('step-count'), `step ${fmtCount(p.step)} of ${fmtCount(p.steps)}`);
  setText($('itps'), p.running && p.itps > 0 ? `${fmtCount(p.itps)} it/s` : '');
  setText($('eta'), p.running && p.itps > 0 ? `${fmtDuration((p.steps - p.step) / p.itps)} left` : (busyEval ? `evaluating the full splits… ${Math.round(p.evaluating * 100)}%` : ''));
  if (document.activeElement !== $('budget') && $('budget').value !== String(p.steps)) $('budget').value = p.steps;
}

function post(msg, transfer) {
  if (!S.worker || S.dead) return;
  S.worker.postMessage(msg, transfer ?? []);
}

function toggleTraining() {
  if (!S.ready || S.dead) return;
  if (S.p.running) post({ type: 'pause' });
  else if (!S.p.finished) post({ type: 'train' });
}

$('train').onclick = () => { setMsg($('notice'), ''); post({ type: 'train' }); };
$('pause').onclick = () => post({ type: 'pause' });
$('step').onclick = () => { setMsg($('notice'), ''); post({ type: 'step' }); };
$('reset').onclick = () => { setMsg($('notice'), ''); post({ type: 'reset' }); };
$('new-seed').onclick = () => { setMsg($('notice'), ''); post({ type: 'newSeed' }); };
$('evaluate').onclick = () => post({ type: 'evaluate' });
$('clear-runs').onclick = () => { S.runs = []; updateControls(); markDirty('loss'); };
$('budget').onchange = () => {
  const v = Number($('budget').value);
  if (Number.isInteger(v) && v >= 1) post({ type: 'budget', steps: v });
  else setMsg($('notice'), 'the step budget must be a whole number of at least 1', 'warn');
};
function setLr() {
  const v = Number($('lr').value.trim());
  if (!(Number.isFinite(v) && v > 0)) {
    setMsg($('notice'), `the learning rate must be a number above 0, not “${$('lr').value}”`, 'warn');
    return;
  }
  setMsg($('notice'), '');
  post({ type: 'lr', lr: v });
}
$('lr-set').onclick = setLr;
$('lr').onkeydown = (e) => { if (e.key === 'Enter') setLr(); };
$('lr-schedule').onclick = () => post({ type: 'lr', lr: null });

$('sample').onclick = () => {
  const n = Number($('sample-n').value);
  const t = Number($('sample-t').value.trim());
  if (!(Number.isInteger(n) && n >= 1 && n <= 200)) { setMsg($('sample-msg'), 'ask for 1 to 200 names'); return; }
  if (!(Number.isFinite(t) && t > 0 && t <= 10)) { setMsg($('sample-msg'), 'the temperature must be above 0 and at most 10'); return; }
  post({ type: 'sample', n, temperature: t });
};

document.addEventListener('keydown', (e) => {
  if (e.code !== 'Space' && e.key !== ' ') return;
  if (e.ctrlKey || e.altKey || e.metaKey) return;
  const t = e.target;
  if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement || t?.isContentEditable) return;
  if (t instanceof HTMLElement && t.closest('summary')) return;
  e.preventDefault();
  toggleTraining();
});

// Chapters and custom settings come from the wasm module (the same tables as the worker's).
function buildChapters() {
  const list = $('chapter-list');
  for (const c of wasm.chapters()) {
    const b = el('button', { type: 'button', title: c.about }, c.title);
    b.dataset.chapter = c.name;
    b.setAttribute('aria-pressed', 'false');
    b.onclick = () => { setMsg($('notice'), ''); post({ type: 'chapter', name: c.name }); };
    list.append(el('li', {}, undefined));
    list.lastChild.append(b);
  }
}

function buildCustomForm() {
  const form = $('custom-form');
  const groups = {};
  for (const k of wasm.knobs()) {
    if (!groups[k.group]) {
      groups[k.group] = el('fieldset');
      groups[k.group].append(el('legend', {}, k.group));
      form.append(groups[k.group]);
    }
    const id = `knob-${k.key}`;
    const row = el('div', { class: 'knob', title: k.help });
    row.append(el('label', { htmlFor: id }, k.label));
    let input;
    if (k.kind === 'choice') {
      input = el('select', { id });
      for (const c of k.choices) input.append(el('option', { value: c }, c));
    } else if (k.kind === 'bool') {
      input = el('input', { id, type: 'checkbox' });
    } else {
      input = el('input', { id, type: 'text', inputmode: k.kind === 'int' ? 'numeric' : 'decimal' });
    }
    input.dataset.key = k.key;
    input.dataset.kind = k.kind;
    row.append(input);
    groups[k.group].append(row);
  }
  form.onsubmit = (e) => { e.preventDefault(); applyCustom(); };
}

function fillCustomForm(settings) {
  for (const input of $('custom-form').querySelectorAll('[data-key]')) {
    const v = settings[input.dataset.key];
    if (v === undefined) continue;
    if (input.dataset.kind === 'bool') input.checked = v === 'true';
    else input.value = v;
  }
}

function applyCustom() {
  const values = {};
  for (const input of $('custom-form').querySelectorAll('[data-key]')) {
    values[input.dataset.key] = input.dataset.kind === 'bool' ? String(input.checked) : input.value;
  }
  setMsg($('custom-msg'), '');
  post({ type: 'settings', values });
}
$('custom-apply').onclick = applyCustom;

// ---- upload --------------------------------------------------------------------------------

async function loadFile(file) {
  if (!file) return;
  const name = file.name || 'the file';
  if (!wasm) {
    setMsg($('upload-msg'), `“${name}” was not loaded: the page is still starting; try again in a moment.`, 'warn');
    return;
  }
  if (file.size > wasm.max_file_bytes()) {
    // Refused without reading it.
    setMsg($('upload-msg'), `“${name}” was not loaded: ${sentence(wasm.too_large_message(file.size))} The data, model and plots in use are unchanged.`, 'bad');
    return;
  }
  setMsg($('upload-msg'), `reading “${name}”…`);
  let buf;
  try {
    buf = await file.arrayBuffer();
  } catch (e) {
    setMsg($('upload-msg'), `“${name}” could not be read: ${e?.message ?? e}`, 'bad');
    return;
  }
  S.pendingUpload = { name, bytes: buf.slice(0) };
  post({ type: 'load', bytes: buf, name }, [buf]);
}

$('file').onchange = () => {
  const f = $('file').files[0];
  $('file').value = '';
  loadFile(f);
};
let dragDepth = 0;
window.addEventListener('dragenter', (e) => {
  if (![...(e.dataTransfer?.types ?? [])].includes('Files')) return;
  e.preventDefault();
  dragDepth++;
  $('drop-veil').hidden = false;
});
window.addEventListener('dragover', (e) => { e.preventDefault(); });
window.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (!dragDepth) $('drop-veil').hidden = true;
});
window.addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0;
  $('drop-veil').hidden = true;
  loadFile(e.dataTransfer?.files?.[0]);
});

// ---- messages from the worker --------------------------------------------------------------

function showSummary(d) {
  S.summary = d;
  $('data-source').textContent = d.source;
  $('data-names').textContent = fmtCount(d.names);
  $('data-vocab-size').textContent = String(d.vocabSize);
  $('data-vocab').textContent = d.vocab;
  $('data-train').textContent = fmtCount(d.trainExamples);
  $('data-val').textContent = fmtCount(d.valExamples);
  $('data-preview').textContent = d.preview.join(', ');
  $('data-stats').title = `${fmtCount(d.trainNames)} names for training, ${fmtCount(d.valNames)} for validation (90/10); context of ${d.blockSize} characters`;
}

function onRun(info) {
  if (S.run && S.losses.length >= 2) {
    S.runs.push({ label: S.run.label, values: S.losses.view().slice() });
    if (S.runs.length > MAX_EARLIER_RUNS) S.runs.shift();
  }
  S.run = info;
  S.losses = new Grow();
  S.lrs = new Grow();
  S.ratios = info.ratioLabels.map(() => new Grow());
  S.evals = [];
  S.diag = null;
  $('seed').textContent = info.seed;
  $('run-title').textContent = info.title;
  $('run-about').textContent = info.about;
  $('run-arch').textContent = `${info.architecture}; ${fmtCount(info.nParams)} parameters`;
  for (const b of $('chapter-list').querySelectorAll('button')) {
    b.setAttribute('aria-pressed', String(b.dataset.chapter === info.chapter));
  }
  fillCustomForm(info.settings);
  markDirty(...ORDER);
}

function onProgress(p) {
  if (!S.run || p.run !== S.run.run) return; // from a run that has been replaced
  S.losses.truncate(p.first);
  S.losses.push(p.losses);
  S.lrs.truncate(p.first);
  S.lrs.push(p.lrs);
  const k = S.ratios.length;
  if (k) {
    for (const g of S.ratios) g.truncate(p.first);
    for (let i = 0; i < p.ratios.length; i += k) {
      for (let j = 0; j < k; j++) S.ratios[j].pushOne(p.ratios[i + j]);
    }
  }
  for (const e of p.evals) {
    S.evals = S.evals.filter((x) => x.step !== e.step);
    S.evals.push(e);
  }
  S.p = p;
  if (p.stopped) {
    setMsg($('notice'), p.stopped, p.diverged ? 'bad' : 'good');
  }
  if (p.losses.length || p.evals.length || p.first < S.losses.length) {
    markDirty('loss', 'ratios');
    if (S.run.sweep && p.first < S.run.sweep.steps) markDirty('lr');
  }
  updateControls();
}

function onDiag(d) {
  if (!S.run || d.run !== S.run.run) return;
  const before = S.diag?.lrSuggestion?.step;
  S.diag = d;
  markDirty('embedding', 'preact', 'map', 'acts', 'grads');
  if (S.run.sweep && d.lrSuggestion?.step !== before) markDirty('lr');
}

function onSamples(m) {
  const list = $('samples');
  if (m.error) { setMsg($('sample-msg'), m.error); return; }
  list.replaceChildren();
  const counts = { new: 0, 'in train': 0, 'in val': 0 };
  for (const s of m.list) {
    counts[s.novelty] = (counts[s.novelty] ?? 0) + 1;
    const li = el('li');
    li.append(el('span', { class: 'name' }, s.name + (s.truncated ? '…' : '')));
    li.append(el('span', { class: `tag ${s.novelty.replace('in ', '')}` }, s.novelty));
    list.append(li);
  }
  setMsg($('sample-msg'), `${m.list.length} names at step ${fmtCount(S.p.step)}, temperature ${m.temperature}: ${counts.new} new, ${counts['in train']} in train, ${counts['in val']} in val`);
}

function onMessage(e) {
  const t0 = performance.now();
  handleMessage(e.data);
  noteSlow(t0, `message: ${e.data?.type}`);
}

function handleMessage(m) {
  switch (m.type) {
    case 'ready':
      S.ready = true;
      S.kernels = m.kernels;
      setText($('kernels'), `kernels: wasm ${m.kernels}`);
      showSummary(m.summary);
      document.body.dataset.ready = '1';
      break;
    case 'run':
      onRun(m.info);
      break;
    case 'progress':
      onProgress(m);
      break;
    case 'diag':
      onDiag(m);
      break;
    case 'data':
      showSummary(m.summary);
      if (S.pendingUpload) {
        S.dataBytes = S.pendingUpload.bytes;
        S.dataName = S.pendingUpload.name;
        S.pendingUpload = null;
      }
      setMsg($('upload-msg'), `Loaded “${m.name}”: ${fmtCount(m.summary.names)} names, vocabulary ${m.summary.vocabSize}. The model was reset for the new data (new vocabulary, new initial weights).`, 'good');
      break;
    case 'loadError':
      S.pendingUpload = null;
      setMsg($('upload-msg'), `“${m.name}” was not loaded: ${sentence(m.message)} The data, model and plots in use are unchanged.`, 'bad');
      break;
    case 'samples':
      onSamples(m);
      break;
    case 'notice':
      setMsg($('notice'), m.message, m.level);
      break;
    case 'settingsError':
      setMsg($('custom-msg'), `not applied: ${m.message}`, 'bad');
      break;
    case 'fatal':
      showFatal(m.message, false);
      break;
  }
  updateControls();
}

// ---- errors: never freeze ------------------------------------------------------------------

function showFatal(message, pageBroken) {
  S.dead = true;
  S.ready = false;
  S.p = { ...S.p, running: false };
  $('fatal-msg').textContent = `${sentence(message)} The last charts stay on the page.`;
  $('restart').textContent = pageBroken ? 'Reload the page' : 'Restart the trainer';
  $('restart').dataset.reload = pageBroken ? '1' : '';
  $('fatal').hidden = false;
  updateControls();
  $('restart').focus();
}

// Messages that arrive before the page's own wasm module is ready wait here.
let pageReady = false;
const early = [];

function startWorker() {
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  w.onmessage = (e) => (pageReady ? onMessage(e) : early.push(e));
  w.onerror = (e) => { e.preventDefault(); showFatal(`The trainer failed: ${e.message || 'an error in the worker'}.`, false); };
  w.onmessageerror = () => showFatal('A message from the trainer could not be read.', false);
  S.worker = w;
  const msg = { type: 'init' };
  // ?simd=plain forces the plain simd128 build (to compare, or if relaxed SIMD misbehaves).
  if (simdOption) msg.simd = simdOption;
  if (S.dataBytes) {
    msg.bytes = S.dataBytes.slice(0);
    msg.name = S.dataName;
  }
  w.postMessage(msg);
}

$('restart').onclick = () => {
  if ($('restart').dataset.reload) { location.reload(); return; }
  const chapter = S.run?.chapter;
  const settings = S.run?.settings;
  S.worker?.terminate();
  S.dead = false;
  S.ready = false;
  $('fatal').hidden = true;
  setMsg($('notice'), 'The trainer was restarted; the data are the same and the model starts again.', 'warn');
  startWorker();
  if (chapter) {
    post({ type: 'chapter', name: chapter });
    post({ type: 'settings', values: settings });
  }
};

window.__makemorePanic = (message) => showFatal(`The page hit an internal error: ${message}.`, true);
window.addEventListener('unhandledrejection', (e) => {
  showFatal(`The page hit an error: ${e.reason?.message ?? e.reason}.`, true);
});

// ---- start ---------------------------------------------------------------------------------

// The worker starts first: its wasm compile, names and model set-up overlap the page's own.
startWorker();
const module = await import(wasmModule(simdOption));
await module.default();
wasm = module;
wasm.init_panic_hook();
buildChapters();
buildCustomForm();
updateControls();
pageReady = true;
for (const e of early.splice(0)) onMessage(e);
