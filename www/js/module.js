// @ts-check
// The page's own wasm module (./pkg/page/: charts, picks and the page's facts; no training):
// loading it, and a fresh instance when one traps. A trap (a Rust panic, or worse) leaves an
// instance unusable; the next call would trap again. So every call that may trap goes through
// `call`: a trap starts a fresh instance of the same module (a new module URL makes a new
// instance), and those waiting for one (the charts) are told when it is there. A panic inside
// `call` is recovered from this way; a panic anywhere else breaks the page (`onBroken`).
//
//   const module = createModule({ url, onFresh, onBroken });   // onBroken(kind, fault)
//   const wasm = await module.load();          // the first instance
//   module.current();                          // the instance in use, or null while a fresh one loads
//   module.call((w) => w.draw_chart(...));     // throws what the call throws; a trap also recovers

/** @typedef {typeof import('../pkg/page/makemore_lab.js')} PageModule */

/**
 * @param {object} o
 * @param {string} o.url the module's absolute URL
 * @param {(wasm: PageModule) => void} o.onFresh a fresh instance took over after a trap
 * @param {(kind: 'internal' | 'restart', fault: string) => void} o.onBroken the page's module
 *   cannot go on: a panic outside `call`, or a fresh instance that failed to load
 */
export function createModule({ url, onFresh, onBroken }) {
  /** @type {PageModule | null} */
  let wasm = null;
  let instances = 0;
  let traps = 0;
  let recovering = false;
  let calls = 0; // calls in progress: a panic in one is recovered from

  /** @returns {Promise<PageModule>} */
  async function instantiate() {
    const n = instances++;
    /** @type {PageModule} */
    const fresh = await import(n === 0 ? url : `${url}?instance=${n}`);
    await fresh.default();
    fresh.init_panic_hook();
    return fresh;
  }

  async function recover() {
    if (recovering) return;
    recovering = true;
    try {
      wasm = await instantiate();
      onFresh(wasm);
    } catch (e) {
      onBroken('restart', e instanceof Error ? e.message : String(e));
    } finally {
      recovering = false;
    }
  }

  // The Rust panic hook calls this before the module aborts.
  /** @type {{__makemorePanic?: (message: string) => void}} */ (globalThis).__makemorePanic = (message) => {
    if (!calls) onBroken('internal', message);
  };

  return {
    /** Loads the first instance. */
    async load() {
      wasm = await instantiate();
      return wasm;
    },
    /** The instance in use; null before `load` and while a fresh one loads after a trap. */
    current: () => wasm,
    /**
     * `fn(wasm)`, with what it returns or throws. A trap (WebAssembly.RuntimeError) is thrown
     * too, after the broken instance is dropped and a fresh one started.
     * @template R
     * @param {(wasm: PageModule) => R} fn
     * @returns {R}
     */
    call(fn) {
      if (!wasm) throw new Error("the page's module is not loaded");
      calls++;
      try {
        return fn(wasm);
      } catch (e) {
        if (e instanceof WebAssembly.RuntimeError) {
          wasm = null;
          traps++;
          recover();
        }
        throw e;
      } finally {
        calls--;
      }
    },
    /** Instances made so far, traps met, and whether a fresh instance is loading (for tests). */
    stats: () => ({ instances, traps, recovering, ready: wasm !== null }),
  };
}

/** @typedef {ReturnType<typeof createModule>} Module */
