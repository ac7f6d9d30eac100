// @ts-check
// How long the page's own work takes on its main thread: each chart draw, and every frame,
// draw or message that took over 20 ms; and how many charts each frame put on the page. Kept small (the last entries only), for the
// end-to-end tests (the seam's `timings`); the page itself never reads it.

const SLOW_MS = 20;
const KEEP_SLOW = 50;
const KEEP_DRAWS = 4096;

/**
 * @typedef {[start: number, what: string, ms: number]} SlowTask
 * @typedef {object} Timings
 * @property {number} longestDrawMs the longest chart draw that started at or after `since`
 * @property {SlowTask[]} slow frames, draws and messages over 20 ms that started at or after `since`
 * @property {number} draws chart draws that started at or after `since`
 * @property {number} shown charts put on the page by frames from `since` on
 * @property {number} frames the frames that put them there
 */

export function createPerf() {
  /** @type {SlowTask[]} */
  const slow = [];
  /** @type {[start: number, ms: number][]} */
  const draws = [];
  /** @type {[start: number, charts: number][]} */
  const frames = [];
  return {
    /**
     * Notes a task that began at `t0` (performance.now()) and ends now, if it took over 20 ms.
     * @param {number} t0
     * @param {string} what
     */
    task(t0, what) {
      const ms = performance.now() - t0;
      if (ms <= SLOW_MS) return;
      slow.push([Math.round(t0), what, Math.round(ms)]);
      if (slow.length > KEEP_SLOW) slow.shift();
    },
    /**
     * Notes one chart draw.
     * @param {number} t0 when it began
     * @param {number} ms how long it took
     */
    draw(t0, ms) {
      draws.push([t0, ms]);
      if (draws.length > KEEP_DRAWS) draws.shift();
    },
    /**
     * Notes a frame that put `charts` charts on the page.
     * @param {number} t0 when it began
     * @param {number} charts
     */
    frame(t0, charts) {
      frames.push([t0, charts]);
      if (frames.length > KEEP_DRAWS) frames.shift();
    },
    /**
     * What was noted from `since` on.
     * @param {number} since performance.now() time
     * @returns {Timings}
     */
    since(since) {
      const recent = draws.filter(([t]) => t >= since).map(([, ms]) => ms);
      const shown = frames.filter(([t]) => t >= since);
      return {
        longestDrawMs: Math.max(0, ...recent),
        slow: slow.filter(([t]) => t >= since),
        draws: recent.length,
        shown: shown.reduce((n, [, c]) => n + c, 0),
        frames: shown.length,
      };
    },
  };
}

/** @typedef {ReturnType<typeof createPerf>} Perf */
