// Helpers for the end-to-end tests: a static server for www/ on a free port (sending the headers
// of www/_headers, as `cargo xtask serve` and static hosts do: every test runs under the page's
// Content-Security-Policy and cross-origin isolation; and the service worker with the site's
// version and files, as `cargo xtask serve` and `dist` write it), Debian's headless
// Chromium driven by playwright-core (no browser download), and a log of everything the page
// did that a test may want to assert on (console errors, page errors, every request URL).
//
//   const app = await openApp();            // serves www/, opens index.html
//   await app.page.waitForFunction(() => document.body.dataset.ready === '1');
//   assert.deepEqual(app.errors(), []);
//   assert.deepEqual(app.foreignRequests(), []);
//   await app.close();
//
// www/pkg/ must have been built first (`cargo xtask build`; `cargo xtask test` does it).

import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/**
 * The rules of a `_headers` file (Netlify / Cloudflare Pages format): [{ pattern, headers }], a
 * path line (`/*`, `/pkg/*`, `/index.html`) followed by indented `Name: value` lines.
 */
export function parseHeaders(text) {
  const rules = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    if (!/^\s/.test(line)) rules.push({ pattern: t, headers: {} });
    else {
      const i = t.indexOf(':');
      if (i < 0 || !rules.length) throw new Error(`_headers: bad line '${line}'`);
      rules.at(-1).headers[t.slice(0, i).trim()] = t.slice(i + 1).trim();
    }
  }
  return rules;
}

/** The headers of `path` under `rules`: `/x/*` matches everything under /x/, else the path itself. */
export function headersFor(rules, path) {
  const out = {};
  for (const r of rules) {
    const match = r.pattern.endsWith('*') ? path.startsWith(r.pattern.slice(0, -1)) : r.pattern === path;
    if (match) Object.assign(out, r.headers);
  }
  return out;
}

/**
 * The service worker of the site in `dir` as `cargo xtask serve` and `dist` send it, with the
 * site's version and the list of its files (`cargo xtask sw`: xtask/src/site.rs is the one
 * place that says what they are). Made again on each request: a test may change the site.
 */
async function serviceWorker(dir) {
  try {
    const { stdout } = await promisify(execFile)('cargo', ['xtask', 'sw', dir], { cwd: REPO, maxBuffer: 16 << 20 });
    return Buffer.from(stdout);
  } catch (e) {
    console.error(`cargo xtask sw: ${e?.stderr || e}`);
    throw e;
  }
}

/**
 * Serves `root` on 127.0.0.1 at a free port, with the headers of www/_headers; `isolated: false`
 * leaves out COOP and COEP (a host that cannot send them). Resolves to { url, close() }.
 */
export async function startServer(root = WWW, { isolated = true } = {}) {
  const base = resolve(root);
  const rules = parseHeaders(readFileSync(join(WWW, '_headers'), 'utf8'));
  if (!isolated) {
    for (const r of rules) {
      delete r.headers['Cross-Origin-Opener-Policy'];
      delete r.headers['Cross-Origin-Embedder-Policy'];
    }
  }
  const server = createServer(async (req, res) => {
    let file;
    try {
      const urlPath = new URL(req.url, 'http://x').pathname;
      const path = decodeURIComponent(urlPath);
      file = resolve(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) throw new Error('outside root');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = file === join(base, 'sw.js') ? await serviceWorker(base) : await readFile(file);
      const headers = {
        'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-cache',
        ...headersFor(rules, urlPath),
      };
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain', ...headersFor(rules, '/') });
      res.end('not found\n');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}/`;
  return {
    url,
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(ok); }),
  };
}

/** The page's wasm module: one build for every browser, whichever training build the worker loads. */
export const PAGE_WASM = '/pkg/page/makemore_lab_bg.wasm';

/**
 * The .wasm files among `requests` (URLs), each once: { page: the page module's paths,
 * training: every other (the worker's training builds) }.
 */
export function wasmFetched(requests) {
  const wasm = [...new Set(requests.filter((u) => u.endsWith('.wasm')).map((u) => new URL(u).pathname))];
  return { page: wasm.filter((p) => p === PAGE_WASM), training: wasm.filter((p) => p !== PAGE_WASM) };
}

/** Launches Debian's Chromium headless. playwright-core never downloads a browser. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    // No --user-data-dir: playwright refuses it here; launch() already uses a fresh profile.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Starts the server for `root` (default www/) and the browser, opens `path` (default: index.html)
 * and records what happens.
 * Returns { page, browser, url, consoleErrors, pageErrors, requests, errors(), foreignRequests(),
 * close() }. Requests made by workers go through the same context, so they are recorded too.
 */
export async function openApp(path = '', { root = WWW, viewport, contextOptions = {}, isolated = true } = {}) {
  const server = await startServer(root, { isolated });
  let browser;
  try {
    browser = await launchBrowser();
    const context = await browser.newContext({ ...(viewport ? { viewport } : {}), ...contextOptions });
    const page = await context.newPage();
    const consoleErrors = [];
    const pageErrors = [];
    // What the page and its workers asked for; `everything` adds the service worker's own
    // requests (it stores every file of the site's version when it installs).
    const requests = [];
    const everything = [];
    // Worker console messages arrive here too (msg.worker() is set), so one listener suffices.
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push((msg.worker() ? '[worker] ' : '') + msg.text());
    });
    page.on('pageerror', (err) => pageErrors.push(String(err?.stack ?? err)));
    context.on('request', (req) => {
      everything.push(req.url());
      if (!req.serviceWorker()) requests.push(req.url());
    });
    await page.goto(server.url + path);
    const origin = new URL(server.url).origin;
    return {
      page,
      browser,
      context,
      url: server.url,
      consoleErrors,
      pageErrors,
      requests,
      /** Console errors and uncaught page errors, in one list (empty when all is well). */
      errors: () => [...consoleErrors, ...pageErrors],
      /** Requests that left the origin (data: and blob: URLs are local and not counted). */
      foreignRequests: () => everything.filter((u) => {
        const { protocol } = new URL(u);
        return protocol !== 'data:' && protocol !== 'blob:' && new URL(u).origin !== origin;
      }),
      close: async () => {
        await browser.close();
        await server.close();
      },
    };
  } catch (e) {
    await browser?.close();
    await server.close();
    throw e;
  }
}
