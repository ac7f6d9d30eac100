// The trainer: a module worker holding the wasm `WorkerLab` (src/session/lab.rs). Every message
// from the page goes to `handle`, whose answers (events) go back as they are; between messages,
// `tick` trains in time slices and the worker yields through a MessageChannel, so Pause is heard
// within one slice. The messages are the types of src/session/protocol.rs.

import { threadCount, wasmModule } from './simd.js';

let lab = null;
let dead = false;
const queue = [];

// The page asks this worker, and only this worker, for the files it loaded (its training build),
// to store them for offline visits (the page's own entries do not list a worker's): a `files`
// message carrying a port of its own, answered on that port once the build is loaded. Nothing
// goes out on a channel other tabs share.
let markLoaded;
const loaded = new Promise((resolve) => { markLoaded = resolve; });

/** Answers a `files` question on its port: the URLs this worker fetched. */
function answerFiles(port) {
  loaded.then(() => port.postMessage(performance.getEntriesByType('resource').map((e) => e.name)));
}

function fail(message) {
  if (dead) return;
  dead = true;
  postMessage({ type: 'fatal', message: plain(String(message)) });
}

/** A crash in words: what a wasm trap means for the user. */
function plain(message) {
  if (/unreachable|memory access out of bounds|out of memory|allocation failed|Array buffer allocation|could not allocate/i.test(message)) {
    return `the trainer ran out of memory or hit an internal error (${message}); try smaller settings or a smaller names file`;
  }
  return message;
}

// The Rust panic hook calls this before the module aborts.
self.__makemorePanic = (message) => fail(message);

/** Calls into the wasm; a trap or a panic is fatal (the instance cannot be used again). */
function call(f) {
  if (dead) return null;
  try {
    return f();
  } catch (e) {
    fail(e?.message ?? String(e));
    return null;
  }
}

function send(events) {
  for (const ev of events ?? []) postMessage(ev);
}

let looping = false;
const tickChannel = new MessageChannel();
tickChannel.port1.onmessage = tick;

function kick() {
  if (!looping && !dead && lab.busy()) {
    looping = true;
    tickChannel.port2.postMessage(null);
  }
}

function tick() {
  if (dead) return;
  send(call(() => lab.tick()));
  if (!dead && lab.busy()) tickChannel.port2.postMessage(null);
  else looping = false;
}

function handle(msg) {
  send(call(() => lab.handle(msg)));
  if (!dead) kick();
}

async function fetchDefaultNames() {
  const res = await fetch(new URL('./names.txt', import.meta.url));
  if (!res.ok) throw new Error(`names.txt: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function start(init) {
  try {
    // The names download overlaps the wasm module's download and compile.
    const names = init.bytes ? null : fetchDefaultNames();
    names?.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    const pkg = await import(wasmModule(init.simd, init.threads));
    await pkg.default();
    if (pkg.startPool) {
      // The threaded build: threads - 1 Web Workers on this module's memory, each holding one
      // of the pool's helpers; this worker is the other thread.
      const threads = threadCount(init.threads);
      await pkg.initThreadPool(threads - 1);
      pkg.startPool(threads);
    }
    lab = new pkg.WorkerLab(init, names ? await names : undefined);
    markLoaded();
    send(lab.start_events());
    for (const m of queue.splice(0)) handle(m);
  } catch (e) {
    fail(e?.message ?? String(e));
  }
}

self.onmessage = (e) => {
  const msg = e.data;
  if (msg?.type === 'files') {
    if (e.ports[0]) answerFiles(e.ports[0]);
  } else if (msg?.type === 'init') start(msg);
  else if (!lab) queue.push(msg);
  else handle(msg);
};

self.onerror = (e) => fail(e.message ?? 'worker error');
self.onunhandledrejection = (e) => fail(e.reason?.message ?? String(e.reason));
