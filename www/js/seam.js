// @ts-check
// The test seam: `window.__labSeam`, the one door of the end-to-end tests (tests/e2e/) into the
// page, beside what a user sees and does. A frozen object of functions; each read returns a
// fresh plain value (a copy: changing it changes nothing), and two actions do what a user
// cannot. The page itself never uses it. This comment is its documentation:
//
//   trainer()       the trainer as the page knows it: {ready, dead, kernels, run, chapter,
//                   experiment, knobs, keyCharts, step, steps, running, finished, evaluating,
//                   firstLoss, lrText, lrOverride, diagStep}; `run` is the run's number (null
//                   before the first), `experiment` the break-it experiment's name or null,
//                   `diagStep` the step of the last diagnostics (null: none yet in this run)
//   chart(name)     chart `name`: {view, draws, drawMs, pending}: the last ChartView the worker
//                   sent (null: none), how many times it was drawn, its last draw's time in ms,
//                   and whether a draw is waiting (a new view, or off screen); null if no such chart
//   pick(name)      the item picked on chart `name` (a Pick, or null); the per-layer charts
//                   share one
//   locate(name, pick)   where `pick` is drawn on chart `name`: [x, y] in CSS pixels from the
//                   canvas' corner, or null
//   module()        the page's wasm module: {instances, traps, recovering, ready}
//   timings(since)  {longestDrawMs, slow, draws, shown, frames}: the longest chart draw, the
//                   frames, draws and messages over 20 ms ([start, what, ms]), the chart draws,
//                   and the charts put on the page by how many frames, from performance.now()
//                   `since` on
//   post(request)   sends the trainer a request as the page would (the tests' panic_for_test)
//   trapNextDraw()  the next chart draw traps in the page's wasm (a fresh instance takes over)

/**
 * @typedef {import('../types/protocol').Pick} Pick
 * @typedef {import('../types/protocol').Request} Request
 */

/**
 * A copy of a plain value.
 * @template T
 * @param {T} value
 * @returns {T}
 */
const copy = (value) => structuredClone(value);

/**
 * Installs `window.__labSeam`.
 * @param {object} o
 * @param {import('./trainer.js').Trainer} o.trainer
 * @param {import('./charts.js').Charts} o.charts
 * @param {import('./pick.js').Picking} o.picking
 * @param {import('./module.js').Module} o.module
 * @param {import('./perf.js').Perf} o.perf
 */
export function installSeam({ trainer, charts, picking, module, perf }) {
  const seam = Object.freeze({
    trainer() {
      const { ready, dead, kernels, run, progress: p, diagStep } = trainer.status();
      return copy({
        ready,
        dead,
        kernels,
        run: run?.run ?? null,
        chapter: run?.chapter ?? null,
        experiment: run?.experiment?.name ?? null,
        knobs: run?.knobs ?? {},
        keyCharts: run?.key_charts ?? [],
        step: p.step,
        steps: p.steps,
        running: p.running,
        finished: p.finished,
        evaluating: p.evaluating,
        firstLoss: p.first_loss,
        lrText: p.lr_text,
        lrOverride: p.lr_override,
        diagStep,
      });
    },
    /** @param {string} name */
    chart: (name) => copy(charts.stats(name)),
    /** @param {string} name */
    pick: (name) => copy(picking.of(name)),
    /**
     * @param {string} name
     * @param {Pick} pick
     */
    locate: (name, pick) => picking.locate(name, pick),
    module: () => module.stats(),
    /** @param {number} since */
    timings: (since) => perf.since(since),
    /** @param {Request} request */
    post: (request) => trainer.post(request),
    trapNextDraw: () => charts.trapNextDraw(),
  });
  Object.defineProperty(window, '__labSeam', { value: seam, enumerable: false, writable: false, configurable: false });
}
