// @ts-check
// Which training build the worker loads, and on how many threads. A browser downloads two wasm
// modules: the page's own (./pkg/page/, charts only, the same for every browser; main.js) and one
// of the training builds chosen here (no charts), each carrying only its side.
//
// Four training builds of the same code (`cargo xtask build`; the table is xtask/src/variants.rs):
//               one thread         every core (a cross-origin isolated page)
//   plain       ./pkg/             ./pkg/threads-plain/
//   relaxed     ./pkg/relaxed/     ./pkg/threads/
// Relaxed SIMD's f32x4.relaxed_madd compiles to a fused multiply-add: the matrix kernels need
// half the instructions. A tiny module using relaxed_madd validates only where the browser has it
// (Chromium 114 on); elsewhere (WebKit, Firefox) the plain kernels run. Results agree to rounding.
// A threaded build splits each training step across threads on a shared memory; its losses are
// its one-thread build's, bit for bit. It needs a cross-origin isolated page (COOP + COEP, for
// SharedArrayBuffer) and more than one core.
const RELAXED_MADD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, // \0asm, version 1
  1, 5, 1, 96, 0, 1, 123, // types: () -> v128
  3, 2, 1, 0, // one function of type 0
  10, 19, 1, 17, 0, // code: one body of 17 bytes, no locals
  65, 1, 253, 15, 65, 2, 253, 15, 65, 3, 253, 15, // three i8x16.splat(i32.const n)
  253, 133, 2, // f32x4.relaxed_madd
  11, // end
]);

export function hasRelaxedSimd() {
  try {
    return WebAssembly.validate(RELAXED_MADD_PROBE);
  } catch {
    return false;
  }
}

/** Shared memory: a cross-origin isolated page whose browser offers SharedArrayBuffer. */
function sharedMemory() {
  return Boolean(globalThis.crossOriginIsolated) && typeof SharedArrayBuffer !== 'undefined';
}

/**
 * The cores to train on, from the browser's user agent and its `navigator.hardwareConcurrency`
 * (`figure`). Chromium and Firefox report the cores. WebKit (Safari, and every browser on iOS)
 * does not: it says 8 on a machine with 8 cores or more, 4 on any other (this 2-core machine
 * too), and a random figure where it resists fingerprinting. Threads beyond the cores only wait
 * for each other, so there the figure counts only when it is 8, and 2 otherwise: every core of
 * a 2-core machine, and half of a 4-core one rather than twice the cores of a 2-core one. (A
 * measure of how many threads run at once, tried instead, said 1 on a busy machine.)
 * @param {string} userAgent
 * @param {number | undefined} figure
 * @returns {number}
 */
export function cores(userAgent, figure) {
  const webkit = /AppleWebKit\//.test(userAgent) && !/Chrome\//.test(userAgent);
  if (webkit) return figure === 8 ? 8 : 2;
  return figure || 1;
}

/**
 * Threads to train with: every core (`cores`, at most 16) where the page has shared memory,
 * else 1; `threads` (the page's `?threads=`) asks for a number, and '1' forces one thread.
 * @param {string | null | undefined} threads
 */
export function threadCount(threads) {
  if (!sharedMemory()) return 1;
  const asked = threads == null ? cores(navigator.userAgent, navigator.hardwareConcurrency) : parseInt(threads, 10);
  return Number.isInteger(asked) && asked > 1 ? Math.min(asked, 16) : 1;
}

/**
 * The module URL of the training build to use, relative to www/: the relaxed kernels where the
 * browser has relaxed SIMD and `simd` is not 'plain', else the plain ones; on
 * `threadCount(threads)` threads when that is more than one, else on one.
 * @param {string | null | undefined} simd
 * @param {string | null | undefined} threads
 */
export function wasmModule(simd, threads) {
  const relaxed = simd !== 'plain' && hasRelaxedSimd();
  const threaded = threadCount(threads) > 1;
  const folder = threaded ? (relaxed ? 'threads/' : 'threads-plain/') : (relaxed ? 'relaxed/' : '');
  return `./pkg/${folder}makemore_lab.js`;
}
