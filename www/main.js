// @ts-check
// The page: starts the trainer (a worker), loads the page's own wasm module for drawing
// (./pkg/page/: charts and the page's facts, no training code), and shows what the worker
// sends. Every message each way is a type of src/session/protocol.rs (www/types/protocol.d.ts);
// this file wires the page's modules together and hands each event to the one that shows it.
// The modules own their state and talk through the interfaces in their headers:
//
//   js/trainer.js   the worker, its last reported state, crashes and restarts
//   js/module.js    the page's wasm module, and a fresh instance when one traps
//   js/charts.js    the figures: views, drawing, presentation layout, PNG
//   js/pick.js      pointing at charts (linked views)
//   js/path.js      the embedding's path slider
//   js/controls.js  training, sampling, chapters, the custom form
//   js/keys.js      the keyboard, and its help
//   js/present.js   presentation mode, hidden panels, the link
//   js/runs.js      the runs table, comparison, files to take home
//   js/upload.js    names files
//   js/quiz.js      the chapter's questions, the guesses beside their charts
//   js/slowmo.js    one step in slow motion for one neuron
//   js/sheet.js     backprop by hand (makemore part 4): the sheet at #sheet, its own worker
//   js/perf.js      timings; js/seam.js: the end-to-end tests' seam (window.__labSeam)
//
// The page keeps no numbers of its own: the worker sends text and chart specs, bounded in size
// however long training runs.

import { $, setMsg, setPhrases, setText } from './js/dom.js';
import { createTrainer } from './js/trainer.js';
import { createModule } from './js/module.js';
import { createPerf } from './js/perf.js';
import { createCharts } from './js/charts.js';
import { createPicking } from './js/pick.js';
import { createPath } from './js/path.js';
import { createControls } from './js/controls.js';
import { createKeyboard } from './js/keys.js';
import { createPresentation } from './js/present.js';
import { createRuns } from './js/runs.js';
import { createUpload } from './js/upload.js';
import { installSeam } from './js/seam.js';
import { createWords } from './js/words.js';
import { createQuiz } from './js/quiz.js';
import { createSlowMotion } from './js/slowmo.js';
import { createSheet } from './js/sheet.js';
import { startOffline } from './sw-register.js';

/**
 * @typedef {import('./types/protocol').Event} Event
 * @typedef {import('./types/protocol').Request} Request
 * @typedef {import('./types/protocol').DataView} DataView
 * @typedef {import('./types/protocol').Topic} Topic
 */

/** Where each topic's notices show (element ids). */
/** @type {Record<Topic, string>} */
const NOTICE_TARGET = {
  training: 'notice', settings: 'custom-msg', sampling: 'sample-msg', upload: 'upload-msg', weights: 'weights-msg', sampler: 'sampler-msg', questions: 'quiz-msg', slow: 'slow-msg', fold: 'fold-msg', sheet: 'sheet-msg',
};

const perf = createPerf();
const module = createModule({
  url: new URL('./pkg/page/makemore_lab.js', import.meta.url).href,
  onFresh: () => charts.redrawAll(),
  onBroken: (kind, fault) => trainer.fail(words.broken(kind, fault), true),
});
const words = createWords(module);
const trainer = createTrainer({
  onEvent: onMessage,
  onChange: () => controls.update(),
  say: (message, level) => setMsg($('notice'), message, level),
  words,
});
/**
 * @param {Request} msg
 * @param {Transferable[]} [transfer]
 */
const post = (msg, transfer) => trainer.post(msg, transfer);
const charts = createCharts({
  post,
  module,
  perf,
  pickOf: (name) => picking.of(name),
  onViews: (views) => picking.refresh(views),
  fold: $('more-charts', HTMLDetailsElement),
  aboveCharts: [$('top'), $('about')],
});
const slow = createSlowMotion({ post });
const picking = createPicking({ module, charts, onPick: (name, pick) => { if (name === 'map') slow.picked(pick); } });
/** @type {import('./js/sheet.js').Sheet | null} the backprop sheet, once the charts are made */
let sheet = null;
/** @type {import('./js/path.js').Path | null} the embedding's path slider, once its chart is made */
let path = null;
const controls = createControls({ post, status: trainer.status, phrases: words.phrases });
const quiz = createQuiz({ post, figure: (id) => charts.get(id)?.readout ?? null });
const presentation = createPresentation({
  post,
  module,
  layout: (keys, present, hidden) => {
    charts.layout(keys, present, hidden);
    quiz.layout();
  },
  // On the backprop sheet a copied link hands out what is written there.
  hash: () => sheet?.handout() ?? location.hash,
  words,
});
const runs = createRuns({ post, module, words });
const upload = createUpload({ post, module, words });
installSeam({ trainer, charts, picking, module, perf });

// A sentence's phrase that names a chart (dom.js setPhrases) takes the reader to it.
document.addEventListener('click', (e) => {
  const a = e.target instanceof Element ? e.target.closest('a.chart-link') : null;
  if (!(a instanceof HTMLElement)) return;
  e.preventDefault();
  charts.reveal(a.dataset.chart ?? '');
});

/**
 * The header's data fields: each a field of `DataView` (the type check says so), shown in the
 * element `data-<field>`.
 * @type {(keyof DataView)[]}
 */
const DATA_FIELDS = ['source', 'names', 'vocab_size', 'vocab', 'train', 'val', 'preview'];

/** @param {DataView} d */
function showData(d) {
  for (const key of DATA_FIELDS) setText($(`data-${key.replace('_', '-')}`), d[key]);
  $('data-stats').title = d.detail;
}

/** The link the page was opened with has been applied (by the trainer's first start). */
let linkApplied = false;

/** @param {Event} m */
function onEvent(m) {
  switch (m.type) {
    case 'ready': {
      setText($('kernels'), words.say((w) => w.kernels_line(m.kernels)));
      showData(m.data);
      // The link's page options (presentation, hidden panels) apply once: a restarted trainer
      // is not given the link again, and the page keeps its own.
      const wasm = module.current();
      if (wasm && !linkApplied) presentation.start(m.page);
      linkApplied = true;
      document.body.dataset.ready = '1';
      break;
    }
    case 'run':
      setText($('seed'), m.run.seed);
      setText($('run-title'), m.run.title);
      setPhrases($('run-about'), words.phrases(m.run.about));
      setText($('run-arch'), m.run.architecture);
      controls.showRun(m.run);
      charts.show(m.run.charts);
      presentation.run(m.run.key_charts);
      break;
    case 'progress':
      if (m.progress.stopped) setMsg($('notice'), m.progress.stopped.message, m.progress.stopped.level);
      charts.show(m.progress.charts);
      break;
    case 'diag':
      charts.show(m.diag.charts);
      path?.show(m.diag.path);
      break;
    case 'path':
      path?.show(m.path);
      charts.show([m.chart]);
      break;
    case 'data': {
      const file = upload.loaded(m.upload);
      if (file) {
        trainer.useData(file);
        sheet?.namesChanged(file);
      }
      showData(m.data);
      break;
    }
    case 'load_error':
      upload.failed(m.upload);
      setMsg($('upload-msg'), m.message, 'bad');
      break;
    case 'samples':
      showSamples(m.samples, m.line);
      break;
    case 'charts':
      charts.show(m.charts);
      break;
    case 'runs':
      runs.show(m.runs, m.compare, trainer.status().run?.run, m.previous, m.previous_note);
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
    case 'quiz':
      quiz.show(m.quiz);
      break;
    case 'slow':
      slow.show(m.slow);
      break;
    case 'sheet':
      sheet?.show(m.parts, m.exercises, m.lines, m.steps);
      break;
    case 'sheet_verdict':
      sheet?.verdict(m.verdict, m.line);
      break;
    case 'sheet_hints':
      sheet?.hints(m.id, m.hints);
      break;
    case 'sheet_training':
      sheet?.training(m.step, m.steps, m.running, m.line, m.level, m.chart);
      break;
    case 'fatal':
      trainer.fail(words.fatal(m.message), false);
      break;
    default: {
      // An event the page does not handle fails the type check here.
      /** @type {never} */
      const unhandled = m;
      void unhandled;
    }
  }
}

/**
 * The sampled names, each with the split it is in, or none.
 * @param {import('./types/protocol').SampleView[]} samples
 * @param {string} line
 */
function showSamples(samples, line) {
  const list = $('samples');
  list.replaceChildren();
  for (const s of samples) {
    const li = document.createElement('li');
    const name = document.createElement('bdi');
    name.className = 'name';
    name.textContent = s.name;
    const tag = document.createElement('span');
    tag.className = `tag ${s.novelty}`;
    tag.textContent = words.say((w) => w.novelty_tag(s.novelty), s.novelty);
    li.append(name, tag);
    list.append(li);
  }
  setMsg($('sample-msg'), line);
}

/** @param {Event} m */
function onMessage(m) {
  const t0 = performance.now();
  onEvent(m);
  controls.update();
  perf.task(t0, `message: ${m?.type}`);
}

window.addEventListener('unhandledrejection', (e) => {
  const fault = String(e.reason?.message ?? e.reason);
  trainer.fail(words.fatal(words.say((w) => w.page_error(fault), fault)), true);
});

// ---- start ---------------------------------------------------------------------------------

// The worker starts first: its wasm compile, names and model set-up overlap the page's own.
trainer.start();
startOffline();
const wasm = await module.load();
words.ready(wasm);
setText($('upload-hint'), wasm.upload_hint());
charts.build(wasm);
sheet = createSheet({ charts, onEvent: onMessage, names: trainer.file });
const embedding = charts.get('embedding');
path = embedding ? createPath({ post, under: embedding.readout, words: wasm.path_words() }) : null;
const actions = {
  train_pause: controls.trainOrPause,
  step: () => controls.press('step'),
  reset: () => controls.press('reset'),
  previous_chapter: () => controls.chapterBy(-1),
  next_chapter: () => controls.chapterBy(1),
  present: presentation.toggle,
  reveal: quiz.reveal,
};
createKeyboard(/** @type {import('./types/protocol').Key[]} */ (wasm.keys()), actions);
// Presentation mode hides the page's tools and the chapter list: on a tablet (no keyboard) these
// buttons do what ← → and P do.
$('present-prev').onclick = actions.previous_chapter;
$('present-next').onclick = actions.next_chapter;
$('present-leave').onclick = actions.present;
controls.build(wasm);
runs.bind();
controls.update();
picking.ready(wasm);
charts.redrawAll();
trainer.open();
