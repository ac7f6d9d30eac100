// The simd128 peak probe (peak.wat, assembled with `wat2wasm peak.wat`; 709 bytes), run in a
// Web Worker of the page under test. Exported as the source of a worker script, so the bench
// needs no file besides the page's own.

export const PEAK_WASM_BASE64 =
  'AGFzbQEAAAABBwFgAn99AX0DAwIAAAcRAgVtaXhlZAAABWNoYWluAAEKmQUCnQIBDntD7/9/P/0TIQJDlb/WM/0TIQMgAf0TIQQgBCAD/eQBIQUgBSAD/eQBIQYgBiAD/eQBIQcgByAD/eQBIQggCCAD/eQBIQkgBCEKIAUhCyAGIQwgByENIAghDiAJIQ8CQANAIABFDQEgBCAC/eYBIQQgCiAD/eQBIQogBSAC/eYBIQUgCyAD/eQBIQsgBiAC/eYBIQYgDCAD/eQBIQwgByAC/eYBIQcgDSAD/eQBIQ0gCCAC/eYBIQggDiAD/eQBIQ4gCSAC/eYBIQkgDyAD/eQBIQ8gAEEBayEADAALCyAEIAX95AEgBiAH/eQB/eQBIAggCf3kASAKIAv95AH95AH95AEgDCAN/eQBIA4gD/3kAf3kAf3kAf0fAAv3AgEOe0Pv/38//RMhAkOVv9Yz/RMhAyAB/RMhBCAEIAP95AEhBSAFIAP95AEhBiAGIAP95AEhByAHIAP95AEhCCAIIAP95AEhCSAJIAP95AEhCiAKIAP95AEhCyALIAP95AEhDCAMIAP95AEhDSANIAP95AEhDiAOIAP95AEhDwJAA0AgAEUNASAEIAL95gEgA/3kASEEIAUgAv3mASAD/eQBIQUgBiAC/eYBIAP95AEhBiAHIAL95gEgA/3kASEHIAggAv3mASAD/eQBIQggCSAC/eYBIAP95AEhCSAKIAL95gEgA/3kASEKIAsgAv3mASAD/eQBIQsgDCAC/eYBIAP95AEhDCANIAL95gEgA/3kASENIA4gAv3mASAD/eQBIQ4gDyAC/eYBIAP95AEhDyAAQQFrIQAMAAsLIAQgBf3kASAGIAf95AH95AEgCCAJ/eQBIAogC/3kAf3kAf3kASAMIA395AEgDiAP/eQB/eQB/eQB/R8ACw==';

/**
 * The worker's source: instantiates the probe, calls each kernel many times with a short loop so
 * that V8 tiers it up from Liftoff to TurboFan (a running call never switches), then times the
 * best of several long calls. Posts {mixed, chain} in GFLOP/s.
 */
export const PEAK_WORKER_SOURCE = `
const bytes = Uint8Array.from(atob('${PEAK_WASM_BASE64}'), (c) => c.charCodeAt(0));
WebAssembly.instantiate(bytes).then(({ instance }) => {
  const e = instance.exports;
  const out = {};
  for (const [name, flopsPerIter] of [['mixed', 12 * 4], ['chain', 12 * 8]]) {
    for (let i = 0; i < 60; i++) e[name](100000, 1.0);
    let best = 0;
    for (let i = 0; i < 15; i++) {
      const n = 2000000;
      const t = performance.now();
      e[name](n, 1.0);
      const s = (performance.now() - t) / 1e3;
      best = Math.max(best, (n * flopsPerIter) / s / 1e9);
    }
    out[name] = best;
  }
  postMessage(out);
});
`;
