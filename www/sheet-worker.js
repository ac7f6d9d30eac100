// @ts-check
// The backprop sheet's worker: a module worker holding the wasm `SheetWorker` (src/web/sheet.rs,
// the build www/pkg/sheet/), started by js/sheet.js when the page opens the sheet, on the
// default names (names.txt). Every message from the page goes to `handle`, whose answers
// (events) go back as they are; while exercise 4 trains, `tick` steps it in time slices and the
// worker yields through a MessageChannel. The messages are the types of src/session/protocol.rs.
// A crash becomes a notice under the sheet (the sheet is gone until the page is reloaded).

/**
 * @typedef {import('./types/protocol').Request} Request
 * @typedef {import('./types/protocol').Event} Event
 */

/** @type {import('./pkg/sheet/makemore_lab.js').SheetWorker | null} */
let room = null;
let dead = false;
/** @type {Request[]} requests that came before the sheet */
const queue = [];

/** @param {unknown} message */
function fail(message) {
  if (dead) return;
  dead = true;
  /** @type {Event} */
  const notice = { type: 'notice', topic: 'sheet', level: 'bad', message: `The sheet stopped (${String(message)}); reload the page to start it again.` };
  postMessage(notice);
}

// The Rust panic hook calls this before the module aborts.
/** @type {{__makemorePanic?: (message: string) => void}} */ (self).__makemorePanic = (message) => fail(message);

/** @param {unknown} e */
const messageOf = (e) => (e instanceof Error ? e.message : String(e));

/**
 * Calls into the wasm; a trap or a panic is fatal (the instance cannot be used again).
 * @param {() => Event[]} f
 */
function send(f) {
  if (dead) return;
  try {
    for (const ev of f()) postMessage(ev);
  } catch (e) {
    fail(messageOf(e));
  }
}

let looping = false;
const tickChannel = new MessageChannel();
tickChannel.port1.onmessage = () => {
  const r = room;
  if (dead || !r) return;
  send(() => r.tick());
  if (!dead && r.busy()) tickChannel.port2.postMessage(null);
  else looping = false;
};

/** @param {Request} msg */
function handle(msg) {
  const r = room;
  if (!r) return;
  send(() => r.handle(msg));
  if (!dead && !looping && r.busy()) {
    looping = true;
    tickChannel.port2.postMessage(null);
  }
}

async function start() {
  try {
    const names = fetch(new URL('./names.txt', import.meta.url)).then(async (res) => {
      if (!res.ok) throw new Error(`names.txt: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    });
    names.catch(() => {}); // awaited below
    const pkg = await import('./pkg/sheet/makemore_lab.js');
    await pkg.default();
    room = new pkg.SheetWorker(await names);
    for (const m of queue.splice(0)) handle(m);
  } catch (e) {
    fail(messageOf(e));
  }
}

self.onmessage = (e) => {
  if (!room) queue.push(e.data);
  else handle(e.data);
};
self.onerror = (e) => fail(typeof e === 'string' ? e : e.message ?? 'worker error');
self.onunhandledrejection = (e) => fail(messageOf(e.reason));
start();
