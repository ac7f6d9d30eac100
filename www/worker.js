// The trainer: a module worker holding the wasm `WorkerLab` (a `session::Session`).
//
// Protocol (page -> worker; every message has a `type`):
//   init {bytes?, name?, simd?} load the names (default: fetch ./names.txt) and start at chapter 1;
//                               simd 'plain' forces the simd128 build (default: the fastest the
//                               browser runs)
//   train | pause | step | reset | newSeed | evaluate
//   chapter {name}              a chapter of the lesson, with its own settings
//   settings {values}           custom settings, {knob: text}
//   budget {steps}              the run's step budget
//   lr {lr | null}              the learning rate while paused (null: the schedule's)
//   sample {n, temperature}
//   load {bytes, name}          a names file (checked here by the core's parser)
//   panicForTest                a Rust panic, to test the page's error handling
// Worker -> page:
//   ready {summary, kernels}    the data in use, and which wasm build trains
//   run {info}                  a new run began (reset, seed, chapter, settings, data)
//   progress {...}              new losses/lrs/ratios since the last one, step, lr, it/s, events
//   diag {...}                  chart specs and text of the last step (about 3 per second)
//   data {summary, name}        a file was loaded     loadError {message, name}
//   samples {list, step, temperature}    notice {message, level}    settingsError {message}
//   fatal {message}             a panic or an error the worker cannot go on from
//
// Training runs in slices of SLICE_MS; between slices the worker yields through a MessageChannel
// so the page's messages (Pause, Step, lr) are handled within one slice.

import { wasmModule } from './simd.js';

let WorkerLab = null;

const SLICE_MS = 40;
const PROGRESS_MS = 250;
const DIAG_MS = 500;

let lab = null;
let dead = false;
const queue = [];

function fail(message) {
  if (dead) return;
  dead = true;
  postMessage({ type: 'fatal', message: String(message) });
}

// The Rust panic hook calls this before the module aborts.
self.__makemorePanic = (message) => fail(message);

/** Runs `f`; a Rust error (a JS Error) is returned as {error}; a trap or panic is fatal. */
function call(f) {
  if (dead) return { error: 'the trainer has stopped' };
  try {
    return { value: f() };
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError || /unreachable|recursive use/.test(String(e))) {
      fail(e.message ?? String(e));
      return { error: String(e.message ?? e), fatal: true };
    }
    return { error: String(e?.message ?? e) };
  }
}

function notice(message, level = 'bad') {
  postMessage({ type: 'notice', message, level });
}

// ---- progress and diagnostics -------------------------------------------------------------

let lastProgress = 0;
let lastDiag = 0;
let diagKey = '';
let itps = 0;
let rate = { t: 0, step: 0 };

function postProgress() {
  const r = call(() => lab.take_progress());
  if (r.error) return;
  const p = r.value;
  const now = performance.now();
  if (p.running && rate.t > 0 && now > rate.t && p.step >= rate.step) {
    const inst = ((p.step - rate.step) * 1000) / (now - rate.t);
    itps = itps > 0 ? 0.6 * itps + 0.4 * inst : inst;
  }
  if (!p.running) itps = 0;
  rate = { t: now, step: p.step };
  postMessage({ type: 'progress', ...p, itps }, [p.losses.buffer, p.lrs.buffer, p.ratios.buffer]);
  lastProgress = now;
}

function postDiag(force) {
  const r = call(() => lab.diagnostics());
  if (r.error) return;
  const d = r.value;
  const key = `${d.run}:${d.step}`;
  lastDiag = performance.now();
  if (!force && key === diagKey) return; // nothing new since the last one
  diagKey = key;
  postMessage({ type: 'diag', ...d });
}

function flush(force) {
  const now = performance.now();
  if (force || now - lastProgress >= PROGRESS_MS) postProgress();
  if (force || now - lastDiag >= DIAG_MS) postDiag(force);
}

function postRun() {
  const r = call(() => lab.run_info());
  if (r.error) return;
  diagKey = '';
  postMessage({ type: 'run', info: r.value });
  flush(true);
}

// ---- the training loop ---------------------------------------------------------------------

let looping = false;
const tickChannel = new MessageChannel();
tickChannel.port1.onmessage = tick;

function kick() {
  if (!looping && !dead && lab.busy()) {
    looping = true;
    rate = { t: performance.now(), step: rate.step };
    tickChannel.port2.postMessage(null);
  }
}

function tick() {
  if (dead) return;
  if (!lab.busy()) {
    looping = false;
    flush(true);
    return;
  }
  const r = call(() => lab.work(SLICE_MS));
  if (r.fatal) return;
  flush(false);
  tickChannel.port2.postMessage(null);
}

// ---- messages from the page ----------------------------------------------------------------

function handle(msg) {
  if (dead) return;
  let r;
  switch (msg.type) {
    case 'train':
      r = call(() => lab.start());
      if (r.error) notice(r.error, 'warn');
      kick();
      flush(true);
      break;
    case 'pause':
      call(() => lab.pause());
      flush(true);
      break;
    case 'step':
      r = call(() => lab.step_once());
      if (r.error) notice(r.error, 'warn');
      flush(true);
      break;
    case 'reset':
      r = call(() => lab.reset());
      if (r.error) notice(r.error);
      else postRun();
      break;
    case 'newSeed':
      r = call(() => lab.new_seed());
      if (r.error) notice(r.error);
      else postRun();
      break;
    case 'chapter':
      r = call(() => lab.choose_chapter(msg.name, msg.steps ?? undefined));
      if (r.error) notice(r.error);
      else postRun();
      break;
    case 'settings':
      r = call(() => lab.apply_settings(msg.values));
      if (r.error) postMessage({ type: 'settingsError', message: r.error });
      else postRun();
      break;
    case 'budget':
      r = call(() => lab.set_steps(msg.steps));
      if (r.error) notice(r.error, 'warn');
      flush(true);
      break;
    case 'lr':
      r = call(() => lab.set_lr(msg.lr ?? undefined));
      if (r.error) notice(r.error, 'warn');
      flush(true);
      break;
    case 'evaluate':
      call(() => lab.request_eval());
      kick();
      flush(true);
      break;
    case 'sample': {
      // The session keeps the last step's diagnostics before sampling overwrites the buffers.
      r = call(() => lab.sample(msg.n, msg.temperature));
      if (r.error) postMessage({ type: 'samples', error: r.error });
      else postMessage({ type: 'samples', list: r.value, temperature: msg.temperature });
      break;
    }
    case 'load':
      r = call(() => lab.load_names(new Uint8Array(msg.bytes), msg.name));
      if (r.error) {
        postMessage({ type: 'loadError', message: r.error, name: msg.name });
      } else {
        postMessage({ type: 'data', summary: r.value, name: msg.name });
        postRun();
      }
      break;
    case 'resend':
      call(() => lab.resend());
      flush(true);
      break;
    case 'panicForTest':
      call(() => lab.panic_for_test());
      break;
    default:
      notice(`unknown message '${msg.type}'`);
  }
}

async function fetchDefaultNames() {
  const res = await fetch(new URL('./names.txt', import.meta.url));
  if (!res.ok) throw new Error(`names.txt: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function start(msg) {
  try {
    // The names download overlaps the wasm module's download and compile.
    const names = msg.bytes ? null : fetchDefaultNames();
    names?.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    const pkg = await import(wasmModule(msg.simd));
    await pkg.default();
    WorkerLab = pkg.WorkerLab;
    let bytes;
    let name;
    if (msg.bytes) {
      bytes = new Uint8Array(msg.bytes);
      name = msg.name;
    } else {
      bytes = await names;
      name = 'names.txt, the default 32k names';
    }
    lab = new WorkerLab(bytes, name);
    postMessage({ type: 'ready', summary: lab.summary(), kernels: lab.kernels() });
    postRun();
    for (const m of queue.splice(0)) handle(m);
  } catch (e) {
    fail(e?.message ?? String(e));
  }
}

self.onmessage = (e) => {
  const msg = e.data;
  if (msg?.type === 'init') {
    start(msg);
  } else if (!lab) {
    queue.push(msg);
  } else {
    handle(msg);
  }
};

self.onerror = (e) => fail(e.message ?? 'worker error');
self.onunhandledrejection = (e) => fail(e.reason?.message ?? String(e.reason));
