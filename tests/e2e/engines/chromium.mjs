// Chromium for driver.mjs: Debian's Chromium through playwright-core, launched as the other e2e
// tests launch it (harness.mjs). Touch is emulated (hasTouch, isMobile: a phone's or a tablet's
// viewport, taps and touch drags through the DevTools protocol); offline, downloads and the
// clipboard (its permissions granted, as a user grants them) are playwright's.

import { readFileSync } from 'node:fs';
import { launchBrowser } from '../harness.mjs';

export async function launchChromium() {
  const browser = await launchBrowser();
  return {
    version: `Chromium ${browser.version()}`,
    can: { touch: true, offline: true, narrow: true, console: true, clipboard: true },
    async open(url, { width, height, touch }) {
      const context = await browser.newContext({
        viewport: { width, height }, hasTouch: touch, isMobile: touch, acceptDownloads: true,
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      const page = await context.newPage();
      const errors = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push((m.worker() ? '[worker] ' : '') + m.text()); });
      page.on('pageerror', (e) => errors.push(String(e?.stack ?? e)));
      await page.goto(url);
      const box = async (selector) => {
        const el = page.locator(selector);
        await el.scrollIntoViewIfNeeded();
        return el.boundingBox();
      };
      const point = async (selector, at) => {
        const b = await box(selector);
        // Whole pixels: a tap and a click at the same point land on the same pixel.
        const p = at ? { x: b.x + at.x, y: b.y + at.y } : { x: b.x + b.width / 2, y: b.y + b.height / 2 };
        return { x: Math.round(p.x), y: Math.round(p.y) };
      };
      let cdp = null;
      const touch1 = async (type, p) => {
        cdp ??= await context.newCDPSession(page);
        await cdp.send('Input.dispatchTouchEvent', { type, touchPoints: p ? [{ x: p.x, y: p.y }] : [] });
      };
      return {
        goto: (u) => page.goto(u),
        reload: () => page.reload(),
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        click: (selector) => page.click(selector),
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
          await touch1('touchStart', a);
          for (let i = 1; i <= 8; i++) {
            await touch1('touchMove', { x: a.x + ((b.x - a.x) * i) / 8, y: a.y + ((b.y - a.y) * i) / 8 });
          }
          await touch1('touchEnd');
        },
        fill: async (selector, text) => {
          await page.fill(selector, text);
          await page.locator(selector).blur();
        },
        press: (key) => page.keyboard.press(key),
        upload: (selector, path) => page.setInputFiles(selector, path),
        download: async (selector) => {
          const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
          return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
        },
        screenshot: (path) => page.screenshot({ path }),
        clipboard: () => page.evaluate(() => navigator.clipboard.readText()),
        setOffline: (on) => context.setOffline(on),
        errors: () => [...errors],
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}
