// WebKitGTK (Safari's engine) for driver.mjs: Debian's `WebKitWebDriver` (W3C WebDriver classic
// over HTTP; the small client here speaks it with fetch) starts its MiniBrowser with
// `--automation` on an Xvfb display of our own. Each page is a session of its own (a fresh,
// ephemeral profile). JSC_useSharedArrayBuffer=1 is in its environment: Safari gives a
// cross-origin isolated page SharedArrayBuffer, WebKitGTK does so only with it. HOME is a folder
// of the run's own, where MiniBrowser saves downloads.
//
// What WebDriver classic cannot do here: touch (pointer actions of type "touch" arrive as a
// mouse), offline mode (the tests stop the server instead), the console (no log endpoint), the
// clipboard (no endpoint, and navigator.clipboard.readText is refused: NotAllowedError), and a
// window narrower than MiniBrowser's toolbar (447 px).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newFile } from './downloads.mjs';

const DRIVER = process.env.WEBKIT_WEBDRIVER ?? '/usr/bin/WebKitWebDriver';
/** MiniBrowser's path differs by architecture: /usr/lib/<triplet>/webkit2gtk-4.1/MiniBrowser. */
function miniBrowser() {
  for (const triplet of readdirSync('/usr/lib')) {
    const p = join('/usr/lib', triplet, 'webkit2gtk-4.1', 'MiniBrowser');
    if (existsSync(p)) return p;
  }
  throw new Error('MiniBrowser not found under /usr/lib/*/webkit2gtk-4.1/ (apt-get install webkit2gtk-driver)');
}
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
/** WebDriver's code points for the keys the tests press by name. */
const KEYS = {
  Escape: '\uE00C', Enter: '\uE007', Tab: '\uE004', ArrowLeft: '\uE012', ArrowRight: '\uE014', Home: '\uE011', End: '\uE010',
  Control: '\uE009', Shift: '\uE008', Alt: '\uE00A', Meta: '\uE03D',
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts Xvfb on a free display; resolves to { display, stop() }. */
async function startXvfb() {
  const x = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1920x1200x24', '-nolisten', 'tcp'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  const display = await new Promise((ok, fail) => {
    let out = '';
    x.stdio[3].on('data', (d) => { out += d; if (out.includes('\n')) ok(`:${out.trim()}`); });
    x.on('exit', (code) => fail(new Error(`Xvfb exited (${code}); apt-get install xvfb`)));
    x.on('error', fail);
  });
  return { display, stop: () => x.kill() };
}

/** Starts WebKitWebDriver on a free port; resolves to { call(method, path, body), stop() }. */
async function startDriver(env) {
  const port = await new Promise((ok) => {
    import('node:net').then(({ createServer }) => {
      const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); });
    });
  });
  const proc = spawn(DRIVER, [`--port=${port}`], { env, stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
    return json.value;
  };
  for (let i = 0; ; i++) {
    try {
      if ((await call('GET', '/status')).ready !== undefined) break;
    } catch (e) {
      if (i > 100) throw new Error(`WebKitWebDriver did not start: ${e.message}`);
      await sleep(50);
    }
  }
  return { call, stop: () => proc.kill() };
}

export async function launchWebKit() {
  const xvfb = await startXvfb();
  const home = mkdtempSync(join(tmpdir(), 'makemore-webkit-'));
  const env = { ...process.env, DISPLAY: xvfb.display, HOME: home, JSC_useSharedArrayBuffer: '1' };
  const binary = miniBrowser();
  const pages = new Set();
  let version = '';

  async function open(url, { width, height }) {
    const driver = await startDriver(env);
    let sid;
    try {
      const session = await driver.call('POST', '/session', {
        capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary, args: ['--automation'] } } },
      });
      sid = session.sessionId;
      version = `WebKitGTK ${session.capabilities.browserVersion}`;
    } catch (e) {
      driver.stop();
      throw e;
    }
    const S = (method, path, body) => driver.call(method, `/session/${sid}${path}`, body);
    const evaluate = (fn, arg) => S('POST', '/execute/sync', {
      script: `return (${fn}).apply(null, arguments)`,
      args: arg === undefined ? [] : [arg],
    });
    const find = async (selector) => {
      const found = await S('POST', '/element', { using: 'css selector', value: selector });
      return found[ELEMENT];
    };
    // The window is the viewport plus MiniBrowser's toolbar: measured, then the window sized so
    // that the page gets width x height (as near as the window allows).
    await S('POST', '/window/rect', { width, height });
    await S('POST', '/url', { url });
    const inner = await evaluate(() => [innerWidth, innerHeight]);
    await S('POST', '/window/rect', { width: 2 * width - inner[0], height: 2 * height - inner[1] });
    /** Scrolls the element to the middle of the screen and gives its centre or `at` in the viewport. */
    const point = async (selector, at) => {
      const r = await evaluate((sel) => {
        const el = document.querySelector(sel);
        el.scrollIntoView({ block: 'center', inline: 'center' });
        const b = el.getBoundingClientRect();
        return { x: b.x, y: b.y, w: b.width, h: b.height };
      }, selector);
      return at ? { x: Math.round(r.x + at.x), y: Math.round(r.y + at.y) } : { x: Math.round(r.x + r.w / 2), y: Math.round(r.y + r.h / 2) };
    };
    const mouseClick = async (p) => {
      await S('POST', '/actions', {
        actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: [
          { type: 'pointerMove', x: p.x, y: p.y, origin: 'viewport' },
          { type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 }] }],
      });
      await S('DELETE', '/actions');
    };
    /** Sends key actions (WebDriver's keyDown and keyUp of characters or key code points) to what has the focus. */
    const keyActions = async (actions) => {
      await S('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
      await S('DELETE', '/actions');
    };
    /** Types `values` (characters or WebDriver key code points) on what has the focus. */
    const keys = (values) => keyActions(values.flatMap((value) => [{ type: 'keyDown', value }, { type: 'keyUp', value }]));
    const noTouch = () => { throw new Error('WebKitGTK\'s WebDriver has no touch input (a touch pointer arrives as a mouse)'); };
    const page = {
      goto: (u) => S('POST', '/url', { url: u }),
      reload: () => S('POST', '/refresh', {}),
      evaluate,
      click: async (selector) => S('POST', `/element/${await find(selector)}/click`, {}),
      clickAt: async (selector, at) => mouseClick(await point(selector, at)),
      tap: noTouch,
      drag: noTouch,
      // Not WebDriver's Element Clear: it leaves the field with a `change`, and the page then
      // writes the field back before the keys arrive. The text is typed over a selection; a
      // newline is the Enter key (a "\n" key arrives as no key at all).
      fill: async (selector, text) => {
        await evaluate((sel) => { const el = document.querySelector(sel); el.focus(); el.select(); }, selector);
        await keys([...text].map((c) => (c === '\n' ? KEYS.Enter : c)));
        await evaluate((sel) => document.querySelector(sel).blur(), selector);
      },
      // A chord ('Control+Enter'): every key down in turn, then up in the reverse order.
      press: (key) => {
        const chord = key.split('+').map((k) => KEYS[k] ?? k);
        return keyActions([...chord.map((value) => ({ type: 'keyDown', value })), ...chord.reverse().map((value) => ({ type: 'keyUp', value }))]);
      },
      upload: async (selector, path) => S('POST', `/element/${await find(selector)}/value`, { text: path }),
      download: async (selector) => {
        const before = readdirSync(home);
        await page.click(selector);
        return newFile(home, before);
      },
      screenshot: async (path) => writeFileSync(path, Buffer.from(await S('GET', '/screenshot'), 'base64')),
      clipboard: () => { throw new Error('WebKitGTK\'s WebDriver cannot read the clipboard'); },
      setOffline: () => { throw new Error('WebKitGTK\'s WebDriver has no offline mode'); },
      errors: () => [],
      close: async () => {
        pages.delete(page);
        try { await S('DELETE', ''); } finally { driver.stop(); }
      },
    };
    pages.add(page);
    return page;
  }

  return {
    get version() { return version; },
    can: { touch: false, offline: false, narrow: false, console: false, clipboard: false },
    open,
    async close() {
      for (const p of [...pages]) await p.close().catch(() => {});
      xvfb.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
