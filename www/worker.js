// @ts-check
// The trainer: a module worker holding the wasm `WorkerLab` (src/session/lab.rs). Every message
// from the page goes to `handle`, whose answers (events) go back as they are; between messages,
// `tick` trains in time slices and the worker yields through a MessageChannel, so Pause is heard
// within one slice. The messages are the types of src/session/protocol.rs.

import { threadCount, wasmModule } from './simd.js';

/**
 * A training build: every build has the lab; the threaded one also starts a pool.
 * @typedef {typeof import('./pkg/makemore_lab.js')
 *   & Partial<Pick<typeof import('./pkg/threads/makemore_lab.js'), 'initThreadPool' | 'startPool'>>} TrainingBuild
 * @typedef {import('./types/protocol').Request} Request
 * @typedef {import('./types/protocol').Event} Event
 */

/** @type {import('./pkg/makemore_lab.js').WorkerLab | null} */
let lab = null;
let dead = false;
/** @type {Request[]} requests that came before the lab */
const queue = [];

/** @param {unknown} message */
function fail(message) {
  if (dead) return;
  dead = true;
  /** @type {Event} */
  const fatal = { type: 'fatal', message: plain(String(message)) };
  postMessage(fatal);
}

/**
 * A crash in words: what a wasm trap means for the user.
 * @param {string} message
 */
function plain(message) {
  if (/unreachable|memory access out of bounds|out of memory|allocation failed|Array buffer allocation|could not allocate/i.test(message)) {
    return `the trainer ran out of memory or hit an internal error (${message}); try smaller settings or a smaller names file`;
  }
  return message;
}

// The Rust panic hook calls this before the module aborts.
/** @type {{__makemorePanic?: (message: string) => void}} */ (self).__makemorePanic = (message) => fail(message);

/** @param {unknown} e */
const messageOf = (e) => (e instanceof Error ? e.message : String(e));

/**
 * Calls into the wasm; a trap or a panic is fatal (the instance cannot be used again).
 * @template R
 * @param {() => R} f
 * @returns {R | null}
 */
function call(f) {
  if (dead) return null;
  try {
    return f();
  } catch (e) {
    fail(messageOf(e));
    return null;
  }
}

/** @param {Event[] | null} events */
function send(events) {
  for (const ev of events ?? []) postMessage(ev);
}

let looping = false;
const tickChannel = new MessageChannel();
tickChannel.port1.onmessage = tick;

function kick() {
  if (!looping && !dead && lab?.busy()) {
    looping = true;
    tickChannel.port2.postMessage(null);
  }
}

function tick() {
  if (dead || !lab) return;
  const l = lab;
  send(call(() => l.tick()));
  if (!dead && l.busy()) tickChannel.port2.postMessage(null);
  else looping = false;
}

/** @param {Request} msg */
function handle(msg) {
  const l = lab;
  if (!l) return;
  send(call(() => l.handle(msg)));
  if (!dead) kick();
}

async function fetchDefaultNames() {
  const res = await fetch(new URL('./names.txt', import.meta.url));
  if (!res.ok) throw new Error(`names.txt: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** @param {Request & { type: 'init' }} init */
async function start(init) {
  try {
    // The names download overlaps the wasm module's download and compile.
    const names = init.bytes ? null : fetchDefaultNames();
    names?.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    /** @type {TrainingBuild} */
    const pkg = await import(wasmModule(init.simd, init.threads));
    await pkg.default();
    if (pkg.initThreadPool && pkg.startPool) {
      // The threaded build: threads - 1 Web Workers on this module's memory, each holding one
      // of the pool's helpers; this worker is the other thread.
      const threads = threadCount(init.threads);
      await pkg.initThreadPool(threads - 1);
      pkg.startPool(threads);
    }
    lab = new pkg.WorkerLab(init, names ? await names : undefined);
    send(lab.start_events());
    for (const m of queue.splice(0)) handle(m);
  } catch (e) {
    fail(messageOf(e));
  }
}

self.onmessage = (e) => {
  const msg = e.data;
  if (msg?.type === 'init') start(msg);
  else if (!lab) queue.push(msg);
  else handle(msg);
};

self.onerror = (e) => fail(typeof e === 'string' ? e : e.message ?? 'worker error');
self.onunhandledrejection = (e) => fail(messageOf(e.reason));
