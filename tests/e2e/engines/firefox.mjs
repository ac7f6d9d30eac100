// Firefox for driver.mjs: Debian's Firefox ESR through puppeteer-core over WebDriver BiDi (no
// geckodriver, no browser download). Downloads go to a folder of the run's own (Firefox's
// preferences), and the clipboard is read with the preference Firefox's own tests set; taps and
// touch drags are BiDi's touch input, though Firefox does not emulate a touch screen
// (navigator.maxTouchPoints stays 0, `pointer: coarse` does not match).

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { newFile } from './downloads.mjs';

export const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';

export async function launchFirefox() {
  const downloads = mkdtempSync(join(tmpdir(), 'makemore-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: {
      'browser.download.dir': downloads,
      'browser.download.folderList': 2,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      // navigator.clipboard.readText without the paste prompt (Firefox's own tests set it).
      'dom.events.testing.asyncClipboard': true,
    },
  });
  return {
    version: `Firefox ${(await browser.version()).replace(/^firefox\//, '')}`,
    can: { touch: true, offline: true, narrow: true, console: true, clipboard: true },
    async open(url, { width, height, touch }) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport({ width, height, hasTouch: touch, isMobile: touch });
      const errors = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e?.stack ?? e)));
      await page.goto(url);
      const point = async (selector, at) => {
        const el = await page.$(selector);
        if (!el) throw new Error(`no element ${selector}`);
        await el.scrollIntoView();
        const b = await el.boundingBox();
        // Whole pixels: a tap and a click at the same point land on the same pixel.
        const p = at ? { x: b.x + at.x, y: b.y + at.y } : { x: b.x + b.width / 2, y: b.y + b.height / 2 };
        return { x: Math.round(p.x), y: Math.round(p.y) };
      };
      return {
        goto: (u) => page.goto(u),
        reload: () => page.reload(),
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        click: async (selector) => {
          const p = await point(selector);
          await page.mouse.click(p.x, p.y);
        },
        clickAt: async (selector, at) => {
          const p = await point(selector, at);
          await page.mouse.click(p.x, p.y);
        },
        tap: async (selector, at) => {
          const p = await point(selector, at);
          await page.touchscreen.tap(p.x, p.y);
        },
        drag: async (selector, from, to) => {
          const a = await point(selector, from);
          const b = await point(selector, to);
          await page.touchscreen.touchStart(a.x, a.y);
          for (let i = 1; i <= 8; i++) await page.touchscreen.touchMove(a.x + ((b.x - a.x) * i) / 8, a.y + ((b.y - a.y) * i) / 8);
          await page.touchscreen.touchEnd();
        },
        fill: async (selector, text) => {
          await page.$eval(selector, (el) => { el.value = ''; el.focus(); });
          await page.keyboard.type(text);
          await page.$eval(selector, (el) => el.blur());
        },
        // A chord ('Control+Enter'): its modifiers held down around the last key.
        press: async (key) => {
          const held = key.split('+');
          const last = held.pop();
          for (const k of held) await page.keyboard.down(k);
          await page.keyboard.press(last);
          for (const k of held.reverse()) await page.keyboard.up(k);
        },
        upload: async (selector, path) => {
          const el = await page.$(selector);
          await el.uploadFile(path);
        },
        download: async (selector) => {
          const before = readdirSync(downloads);
          const p = await point(selector);
          await page.mouse.click(p.x, p.y);
          return newFile(downloads, before);
        },
        screenshot: (path) => page.screenshot({ path }),
        clipboard: () => page.evaluate(() => navigator.clipboard.readText()),
        setOffline: (on) => page.setOfflineMode(on),
        errors: () => [...errors],
        close: () => context.close(),
      };
    },
    async close() {
      await browser.close();
      rmSync(downloads, { recursive: true, force: true });
    },
  };
}
