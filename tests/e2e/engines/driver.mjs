// One small interface over three browser engines, for the tests of the paths a student takes:
// Chromium (playwright-core, as the other e2e tests), Firefox ESR (puppeteer-core over WebDriver
// BiDi) and WebKitGTK, Safari's engine (its WebDriver, `WebKitWebDriver`, with our own client
// over HTTP, under Xvfb). Every browser is Debian's; nothing downloads one.
//
//   const browser = await launch('firefox');
//   const page = await browser.open(url, { width: 1366, height: 768 });
//   await page.click('#train');
//   await page.waitFor(() => /step [1-9]/.test(document.getElementById('step-count').textContent));
//   await browser.close();
//
// A page: goto(url), reload(), evaluate(fn, arg), waitFor(fn, arg, timeout), text(selector),
// click(selector), clickAt(selector, {x, y}), fill(selector, text), press(key), upload(selector, path),
// download(selector) -> {name, bytes}, screenshot(path), setOffline(on), tap(selector, {x, y}),
// drag(selector, from, to) by touch, clipboard(), errors(), close(). `browser.can` says what the
// engine can do in automation (touch, offline, narrow, console, clipboard); a test skips by name
// what it cannot.

import { launchChromium } from './chromium.mjs';
import { launchFirefox } from './firefox.mjs';
import { launchWebKit } from './webkit.mjs';

/** The engines, all three unless `ENGINES=firefox,webkit` (say) narrows them while working on one. */
export const ENGINES = process.env.ENGINES?.split(',') ?? ['chromium', 'firefox', 'webkit'];
const LAUNCH = { chromium: launchChromium, firefox: launchFirefox, webkit: launchWebKit };

/** An engine's page under the shared helpers (`waitFor`, `text`). */
class Page {
  constructor(backend) {
    this.b = backend;
  }

  goto(url) { return this.b.goto(url); }
  reload() { return this.b.reload(); }
  /** Runs `fn(arg)` in the page (a function without closures: its source is sent) and returns its JSON result. */
  evaluate(fn, arg) { return this.b.evaluate(fn, arg); }
  click(selector) { return this.b.click(selector); }
  /** A mouse click at `at` ({x, y}: CSS pixels from the element's top-left corner). */
  clickAt(selector, at) { return this.b.clickAt(selector, at); }
  /** A tap (touch) on the element's centre, or at `at` from its top-left corner. */
  tap(selector, at) { return this.b.tap(selector, at); }
  /** A touch that goes down at `from`, moves to `to` and lifts ({x, y} from the element's corner). */
  drag(selector, from, to) { return this.b.drag(selector, from, to); }
  /** Types `text` into an empty field, then leaves it (its `change` fires). */
  fill(selector, text) { return this.b.fill(selector, text); }
  /** Presses a key ('p', 'Escape', 'ArrowRight'), or a chord ('Control+Enter'), on whatever has the focus. */
  press(key) { return this.b.press(key); }
  /** Chooses the file at `path` in an <input type=file>, as the file picker does. */
  upload(selector, path) { return this.b.upload(selector, path); }
  /** Clicks `selector` and resolves to the file the page saved: { name, bytes }. */
  download(selector) { return this.b.download(selector); }
  screenshot(path) { return this.b.screenshot(path); }
  /** The text on the clipboard; throws where the engine cannot read it (see `can.clipboard`). */
  clipboard() { return this.b.clipboard(); }
  /** The browser's network off (or on); throws where the engine cannot (see `can.offline`). */
  setOffline(on) { return this.b.setOffline(on); }
  /** Console errors and uncaught errors the engine reported (none where it cannot: `can.console`). */
  errors() { return this.b.errors(); }
  close() { return this.b.close(); }

  /** Polls `fn(arg)` in the page until it is truthy; fails after `timeout` ms saying what it waited for. */
  async waitFor(fn, arg, timeout = 20_000) {
    const end = Date.now() + timeout;
    for (;;) {
      const v = await this.b.evaluate(fn, arg);
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${String(fn)} (${JSON.stringify(arg)})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The text of `selector` as shown, after the page's next two frames (it writes text on a frame). */
  text(selector) {
    return this.b.evaluate(async (sel) => {
      await new Promise((done) => {
        setTimeout(done, 200);
        requestAnimationFrame(() => requestAnimationFrame(done));
      });
      const node = document.querySelector(sel);
      return node ? node.innerText : null;
    }, selector);
  }
}

/**
 * Starts `engine` ('chromium', 'firefox' or 'webkit'). Resolves to { engine, version, can,
 * open(url, {width, height, touch}), close() }; `open` gives each page a fresh profile (no
 * cookies, caches or service workers of another page).
 */
export async function launch(engine) {
  const start = LAUNCH[engine];
  if (!start) throw new Error(`unknown engine '${engine}': one of ${ENGINES.join(', ')}`);
  const b = await start();
  return {
    engine,
    get version() { return b.version; },
    can: b.can,
    async open(url, options = {}) {
      return new Page(await b.open(url, { width: 1366, height: 768, touch: false, ...options }));
    },
    close: () => b.close(),
  };
}
