// @ts-check
// Which training build the worker loads. A browser downloads two wasm modules: the page's own
// (./pkg/page/, charts only, the same for every browser; main.js) and one of the training builds
// chosen here (no charts), each carrying only its side.
//
// Three training builds of the same code (`cargo xtask build`): ./pkg/ is plain simd128,
// ./pkg/relaxed/ adds relaxed SIMD, whose f32x4.relaxed_madd V8 compiles to a fused multiply-add:
// the matrix kernels need half the instructions. A tiny module using relaxed_madd validates only
// where the browser has it (Chromium 114 on); elsewhere the plain build runs. Results agree to
// rounding.
// ./pkg/threads/ is the relaxed build on a shared memory: the worker splits each training step
// across threads (its losses are the relaxed build's, bit for bit). It needs a cross-origin
// isolated page (COOP + COEP, for SharedArrayBuffer) and more than one core.
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

/**
 * Threads to train with: every core (`navigator.hardwareConcurrency`, at most 16) where the page
 * is cross-origin isolated, else 1; `threads` (the page's `?threads=`) asks for a number, and '1'
 * forces one thread.
 * @param {string | null | undefined} threads
 */
export function threadCount(threads) {
  if (!globalThis.crossOriginIsolated || typeof SharedArrayBuffer === 'undefined') return 1;
  const asked = threads == null ? navigator.hardwareConcurrency || 1 : parseInt(threads, 10);
  return Number.isInteger(asked) && asked > 1 ? Math.min(asked, 16) : 1;
}

/**
 * The module URL of the training build to use, relative to www/: where the browser has relaxed SIMD,
 * './pkg/threads/makemore_lab.js' when `threadCount(threads)` > 1, else
 * './pkg/relaxed/makemore_lab.js'; elsewhere './pkg/makemore_lab.js'. `simd` 'plain' forces the
 * plain one (one thread).
 * @param {string | null | undefined} simd
 * @param {string | null | undefined} threads
 */
export function wasmModule(simd, threads) {
  if (simd === 'plain' || !hasRelaxedSimd()) return './pkg/makemore_lab.js';
  return threadCount(threads) > 1 ? './pkg/threads/makemore_lab.js' : './pkg/relaxed/makemore_lab.js';
}
