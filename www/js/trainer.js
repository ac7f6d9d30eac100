// @ts-check
// The trainer as the page knows it: its Web Worker (worker.js, which holds the wasm lab), the
// state it last reported, and its life: a crash is shown with a way to start again, and a
// restart that crashes again soon is not tried the same way twice. Events wait until the page
// is ready for them (`open`); the events of a run that has been replaced are dropped here.
//
//   const trainer = createTrainer({ onEvent, onChange, say, words });
//   trainer.start();            // the worker starts loading at once
//   trainer.open();             // the page's module is loaded: events flow to onEvent
//   trainer.post(request);      // to the worker (nothing once it stopped)
//   trainer.status();           // {ready, dead, kernels, run, progress, diagStep}
//   trainer.fail(text, pageBroken);      // the fatal message (words.fatal) and its button
//   trainer.useData(file);      // the names file in use, loaded again by a restart
//   trainer.file();             // that file, or null (the default names)

import { $ } from './dom.js';

/**
 * @typedef {import('../types/protocol').Event} Event
 * @typedef {import('../types/protocol').Request} Request
 * @typedef {import('../types/protocol').RunView} RunView
 * @typedef {import('../types/protocol').ProgressView} ProgressView
 * @typedef {import('../types/protocol').Level} Level
 */

/**
 * @typedef {object} TrainerStatus
 * @property {boolean} ready the worker is up and has not stopped
 * @property {boolean} dead it stopped (a crash, or a page that must reload)
 * @property {string} kernels the build that trains, as the worker says it
 * @property {RunView | null} run the run in use
 * @property {ProgressView} progress its last progress
 * @property {number | null} diagStep the step of its last diagnostics
 */

/** Before the first progress. */
/** @type {ProgressView} */
const IDLE = {
  run: 0, step: 0, steps: 1, running: false, finished: false, evaluating: false, first_loss: null,
  step_text: '', speed_text: '', eta_text: '', lr_text: '', lr_override: false, lr_note: '',
  budget_text: '', stopped: null, charts: [],
};

// A restart that crashes again within this time is not tried the same way twice: the first
// restart keeps the data and the settings, the next keeps the data with the chapter's own
// settings, the one after that goes back to the default names. No loop on a file or settings
// that fail again.
const CRASH_AGAIN_MS = 30_000;

const params = new URLSearchParams(location.search);

/**
 * @param {object} o
 * @param {(event: Event) => void} o.onEvent each event of the current run, in order, once open
 * @param {() => void} o.onChange the status changed other than by an event (it stopped)
 * @param {(message: string, level: Level) => void} o.say a message about the training
 * @param {import('./words.js').Words} o.words the page's sentences
 */
export function createTrainer({ onEvent, onChange, say, words }) {
  /** @type {Worker | null} */
  let worker = null;
  /** @type {TrainerStatus} */
  let status = { ready: false, dead: false, kernels: '', run: null, progress: IDLE, diagStep: null };
  let opened = false;
  /** @type {Event[]} */
  const early = [];
  /** @type {{ name: string, bytes: Uint8Array } | null} the uploaded names file in use */
  let data = null;
  let restarts = { level: 0, at: -Infinity };
  const restartButton = $('restart', HTMLButtonElement);

  /**
   * Keeps what the event says of the trainer's state; false for an event of a replaced run.
   * @param {Event} m
   */
  function note(m) {
    const current = status.run?.run;
    switch (m.type) {
      case 'ready':
        status = { ...status, ready: true, kernels: m.kernels };
        return true;
      case 'run':
        status = { ...status, run: m.run, diagStep: null };
        return true;
      case 'progress':
        if (m.progress.run !== current) return false;
        status = { ...status, progress: m.progress };
        return true;
      case 'diag':
        if (m.diag.run !== current) return false;
        status = { ...status, diagStep: m.diag.step };
        return true;
      case 'path':
        return m.path.run === current;
      default:
        return true;
    }
  }

  /** @param {Event} m */
  function receive(m) {
    if (note(m)) onEvent(m);
  }

  /**
   * @param {string} text the fatal message (`words.fatal`)
   * @param {boolean} pageBroken the page's own module failed: only a reload helps
   */
  function fail(text, pageBroken) {
    status = { ...status, dead: true, ready: false, progress: { ...status.progress, running: false } };
    $('fatal-msg').textContent = text;
    const label = words.restartButton(pageBroken);
    if (label) restartButton.textContent = label;
    restartButton.dataset.reload = pageBroken ? '1' : '';
    $('fatal').hidden = false;
    onChange();
    restartButton.focus();
  }

  /**
   * Starts a worker; `link` is the query string of a setup to apply (the page's address on the
   * first start; a restart brings the run back from the page's own state instead, so a link
   * whose setup crashed the trainer is not applied again).
   * @param {string | null} link
   */
  function start(link) {
    const w = new Worker(new URL('../worker.js', import.meta.url), { type: 'module' });
    w.onmessage = (e) => (opened ? receive(e.data) : early.push(e.data));
    w.onerror = (e) => {
      e.preventDefault();
      fail(words.fatal(words.say((m) => m.trainer_failed(e.message ?? ''), e.message ?? '')), false);
    };
    w.onmessageerror = () => fail(words.fatal(words.say((m) => m.trainer_unreadable())), false);
    worker = w;
    /** @type {Request} */
    const init = { type: 'init', simd: params.get('simd'), threads: params.get('threads'), link };
    if (data) {
      init.bytes = data.bytes.slice();
      init.name = data.name;
    }
    w.postMessage(init);
  }

  /**
   * @param {Request} msg
   * @param {Transferable[]} [transfer]
   */
  function post(msg, transfer) {
    if (worker && !status.dead) worker.postMessage(msg, transfer ?? []);
  }

  restartButton.onclick = () => {
    if (restartButton.dataset.reload) { location.reload(); return; }
    const soon = performance.now() - restarts.at < CRASH_AGAIN_MS;
    restarts = { level: soon ? restarts.level + 1 : 0, at: performance.now() };
    const chapter = status.run?.chapter;
    const knobs = status.run?.knobs;
    if (restarts.level >= 2) data = null;
    worker?.terminate();
    status = { ...status, dead: false, ready: false };
    $('fatal').hidden = true;
    say(words.say((m) => m.restart_notice(restarts.level)), 'warn');
    start(null);
    if (chapter && restarts.level < 2) post({ type: 'chapter', name: chapter });
    if (knobs && restarts.level === 0) post({ type: 'settings', values: knobs });
  };

  return {
    /** Starts the first worker, with the link the page was opened with. */
    start: () => start(location.search),
    /** The page is ready for events: those that waited come now, in order. */
    open() {
      opened = true;
      for (const m of early.splice(0)) receive(m);
    },
    post,
    fail,
    /** @returns {TrainerStatus} */
    status: () => status,
    /**
     * The names file in use from now on (an upload the worker loaded); a restart loads it again.
     * @param {{ name: string, bytes: Uint8Array }} file
     */
    useData(file) {
      data = file;
    },
    /** The uploaded names file in use (null: the default names). */
    file: () => data,
  };
}

/** @typedef {ReturnType<typeof createTrainer>} Trainer */
