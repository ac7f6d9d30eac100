// The page: starts the worker (the trainer), loads the page's own wasm module for drawing
// (./pkg/page/: charts and the page's facts, no training code), and shows what the worker sends. Every message each way is a type of src/session/protocol.rs; this
// file handles the worker's events by their `type`. The page keeps no numbers of its own: the
// worker sends text and chart specs, bounded in size however long training runs.

import { $, setMsg, setText } from './js/dom.js';
import { createCharts } from './js/charts.js';
import { createControls } from './js/controls.js';
import { createUpload } from './js/upload.js';
import { createPresentation } from './js/present.js';
import { createRuns } from './js/runs.js';
import { createPicking } from './js/pick.js';
import { createPath } from './js/path.js';
import { startOffline } from './sw-register.js';

const simdOption = new URLSearchParams(location.search).get('simd');
const threadsOption = new URLSearchParams(location.search).get('threads');
// The page's module: one build for every browser; the worker picks its training build (simd.js).
const PAGE_MODULE = './pkg/page/makemore_lab.js';

const S = {
  worker: null,
  wasm: null,
  ready: false,
  dead: false,
  kernels: '',
  data: null,
  run: null,
  p: { step: 0, steps: 1, running: false, finished: false, evaluating: false, lr_text: '', budget_text: '' },
  diag: null,
  dataBytes: null, // the uploaded file in use (to restart the worker with it)
  dataName: null,
  drawMs: {}, // last draw time of each chart, for the tests
  longestDrawMs: 0,
  slow: [], // [start, what, ms] of frames and messages over 20 ms (the last 50), for the tests
};
window.__lab = S; // for the end-to-end tests

const post = (msg, transfer) => {
  if (S.worker && !S.dead) S.worker.postMessage(msg, transfer ?? []);
};
const charts = createCharts(S, post);
const controls = createControls(S, post);
const upload = createUpload(S, post);
const presentation = createPresentation(S, post, charts);
const runs = createRuns(S, post);
S.picking = createPicking(S, charts);
const path = createPath(S, post);
let pageOptions = null; // from the `ready` event, applied once the page's wasm is loaded

function showData(d) {
  S.data = d;
  for (const key of ['source', 'names', 'vocab_size', 'vocab', 'train', 'val', 'preview']) {
    setText($(`data-${key.replace('_', '-')}`), d[key]);
  }
  $('data-stats').title = d.detail;
}

const NOTICE_TARGET = {
  training: 'notice', settings: 'custom-msg', sampling: 'sample-msg', upload: 'upload-msg', weights: 'weights-msg', sampler: 'sampler-msg',
};

function onEvent(m) {
  switch (m.type) {
    case 'ready':
      S.ready = true;
      S.kernels = m.kernels;
      setText($('kernels'), `kernels: ${m.kernels}`);
      showData(m.data);
      pageOptions = m.page;
      if (S.wasm) presentation.start(m.page);
      document.body.dataset.ready = '1';
      break;
    case 'run':
      S.run = m.run;
      S.diag = null;
      setText($('seed'), m.run.seed);
      setText($('run-title'), m.run.title);
      setText($('run-about'), m.run.about);
      setText($('run-arch'), m.run.architecture);
      controls.showRun(m.run);
      charts.show(m.run.charts);
      presentation.run();
      break;
    case 'progress':
      if (m.progress.run !== S.run?.run) break; // from a run that has been replaced
      S.p = m.progress;
      if (m.progress.stopped) setMsg($('notice'), m.progress.stopped.message, m.progress.stopped.level);
      charts.show(m.progress.charts);
      break;
    case 'diag':
      if (m.diag.run !== S.run?.run) break;
      S.diag = m.diag;
      charts.show(m.diag.charts);
      path.show(m.diag.path);
      break;
    case 'path':
      if (m.path.run !== S.run?.run) break;
      path.show(m.path);
      charts.show([m.chart]);
      break;
    case 'data':
      upload.loaded(m.upload);
      showData(m.data);
      break;
    case 'load_error':
      upload.failed(m.upload);
      setMsg($('upload-msg'), m.message, 'bad');
      break;
    case 'samples': {
      const list = $('samples');
      list.replaceChildren();
      for (const s of m.samples) {
        const li = document.createElement('li');
        const name = document.createElement('bdi');
        name.className = 'name';
        name.textContent = s.name;
        const tag = document.createElement('span');
        tag.className = `tag ${s.novelty.replace('in ', '')}`;
        tag.textContent = s.novelty;
        li.append(name, tag);
        list.append(li);
      }
      setMsg($('sample-msg'), m.line);
      break;
    }
    case 'charts':
      charts.show(m.charts);
      break;
    case 'runs':
      runs.show(m.runs, m.compare);
      break;
    case 'link':
      presentation.link(m.query);
      break;
    case 'file':
      runs.save(m.name, m.mime, m.bytes);
      break;
    case 'notice':
      setMsg($(NOTICE_TARGET[m.topic]), m.message, m.level);
      break;
    case 'fatal':
      showFatal(m.message, false);
      break;
  }
}

function onMessage(e) {
  const t0 = performance.now();
  onEvent(e.data);
  controls.update();
  charts.noteSlow(t0, `message: ${e.data?.type}`);
}

// ---- errors: never freeze ------------------------------------------------------------------

function showFatal(message, pageBroken) {
  S.dead = true;
  S.ready = false;
  S.p = { ...S.p, running: false };
  $('fatal-msg').textContent = `${/[.?!]$/.test(message) ? message : `${message}.`} The last charts stay on the page.`;
  $('restart').textContent = pageBroken ? 'Reload the page' : 'Restart the trainer';
  $('restart').dataset.reload = pageBroken ? '1' : '';
  $('fatal').hidden = false;
  controls.update();
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
  const init = { type: 'init', simd: simdOption, threads: threadsOption, link: location.search };
  if (S.dataBytes) {
    init.bytes = S.dataBytes.slice();
    init.name = S.dataName;
  }
  w.postMessage(init);
}

/**
 * The URLs of the files the trainer's worker loaded (its training build), asked on a port of its
 * own so that only this tab's worker answers; none if it does not answer in 30 s.
 * @returns {Promise<string[]>}
 */
function trainerFiles() {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    const done = (urls) => { clearTimeout(timer); port1.close(); resolve(urls); };
    const timer = setTimeout(() => done([]), 30_000);
    port1.onmessage = (e) => done(Array.isArray(e.data) ? e.data : []);
    if (S.worker && !S.dead) S.worker.postMessage({ type: 'files' }, [port2]);
    else done([]);
  });
}

// A restart that crashes again soon is not tried the same way twice: the first restart keeps
// the data and the settings, the next keeps the data with the chapter's own settings, the one
// after that goes back to the default names. No loop on a file or settings that fail again.
const CRASH_AGAIN_MS = 30_000;
let restarts = { level: 0, at: -Infinity };

$('restart').onclick = () => {
  if ($('restart').dataset.reload) { location.reload(); return; }
  const soon = performance.now() - restarts.at < CRASH_AGAIN_MS;
  restarts = { level: soon ? restarts.level + 1 : 0, at: performance.now() };
  const chapter = S.run?.chapter;
  const knobs = S.run?.knobs;
  if (restarts.level >= 2) { S.dataBytes = null; S.dataName = null; }
  S.worker?.terminate();
  S.dead = false;
  S.ready = false;
  $('fatal').hidden = true;
  setMsg($('notice'), [
    'The trainer was restarted; the data are the same and the model starts again.',
    'The trainer failed again: it was restarted with the chapter\'s own settings.',
    'The trainer failed again: it was restarted with the default names and the first chapter.',
  ][Math.min(restarts.level, 2)], 'warn');
  startWorker();
  if (chapter && restarts.level < 2) post({ type: 'chapter', name: chapter });
  if (knobs && restarts.level === 0) post({ type: 'settings', values: knobs });
};

// A trap in a chart draw leaves the page's wasm instance unusable: a fresh instance of the same
// module takes over (a new module URL makes a new instance), and the charts are drawn again.
let instances = 0;
S.onTrap = async () => {
  if (S.recovering) return;
  S.recovering = true;
  try {
    const fresh = await import(`${PAGE_MODULE}?instance=${++instances}`);
    await fresh.default();
    fresh.init_panic_hook();
    S.wasm = fresh;
    charts.ready(fresh);
  } catch (e) {
    showFatal(`The page's charts could not be restarted: ${e?.message ?? e}`, true);
  } finally {
    S.recovering = false;
  }
};

// A panic in a chart draw is recovered from (S.onTrap); any other one breaks the page.
window.__makemorePanic = (message) => {
  if (!S.drawing) showFatal(`The page hit an internal error: ${message}.`, true);
};
window.addEventListener('unhandledrejection', (e) => {
  showFatal(`The page hit an error: ${e.reason?.message ?? e.reason}.`, true);
});

// ---- start ---------------------------------------------------------------------------------

// The worker starts first: its wasm compile, names and model set-up overlap the page's own.
startWorker();
startOffline(trainerFiles);
const module = await import(PAGE_MODULE);
await module.default();
S.wasm = module;
module.init_panic_hook();
setText($('upload-hint'), module.upload_hint());
controls.build(module);
controls.update();
S.picking.ready(module);
charts.ready(module);
if (pageOptions) presentation.start(pageOptions);
pageReady = true;
for (const e of early.splice(0)) onMessage(e);
