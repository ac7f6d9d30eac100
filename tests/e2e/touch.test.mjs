// Phones and iPads: at 390x844 (a phone) nothing is wider than the screen, at 768x1024 and
// 1024x768 (an iPad) neither; with touch every control can be reached and tapped, a tap on the
// embedding, the saturation map or a layer picks as a mouse click does, the embedding's path
// slider moves by touch, and presentation mode fits the iPad's screen in every chapter. Chromium
// emulates a touch screen (hasTouch, isMobile); Firefox taps and drags by touch without one;
// WebKitGTK's WebDriver has no touch and no window narrower than 447 px: those parts are skipped
// by name. Saves docs/phone-390x844.png, docs/ipad-768x1024.png and docs/ipad-1024x768.png
// (Chromium). Needs www/pkg/ (`cargo xtask build`).

import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { counter, chooseChapter } from './engines/student.mjs';
import { eachEngine } from './engines/suite.mjs';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const SIZES = [
  { width: 390, height: 844, shot: 'phone-390x844.png', phone: true },
  { width: 768, height: 1024, shot: 'ipad-768x1024.png' },
  { width: 1024, height: 768, shot: 'ipad-1024x768.png' },
];
/** WCAG 2.5.8: a target of at least 24x24 CSS pixels (asked of the phone layout). */
const TARGET = 24;

/**
 * Elements that stick out of the screen's width and are not inside a box that clips or scrolls
 * them. What a closed <details> holds is not shown (Chromium keeps it laid out, offsetParent and
 * all, under content-visibility: hidden): it is skipped, its own summary not.
 */
function overflowing() {
  const width = document.documentElement.clientWidth;
  const folded = (el) => !!(el.tagName === 'SUMMARY' ? el.parentElement?.parentElement : el)?.closest('details:not([open])');
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return p.getBoundingClientRect().right <= width + 0.5;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.offsetParent === null || folded(el)) continue;
    const r = el.getBoundingClientRect();
    if ((r.right > width + 0.5 || r.left < -0.5) && !clipped(el)) {
      out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
    }
  }
  return { width, scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 12) };
}

/**
 * Every control shown (buttons, fields, pickers' labels, summaries, pickable charts), each
 * scrolled into view: those another element covers at their centre, and their sizes.
 */
function controls() {
  const found = [];
  // Inside a closed <details> (its own summary aside) or a closed dialog: not shown.
  const folded = (el) => !!(el.tagName === 'SUMMARY' ? el.parentElement?.parentElement : el)?.closest('details:not([open]), dialog:not([open])');
  for (const el of document.querySelectorAll('button, input, select, summary, label.button, canvas[tabindex], [role="region"][tabindex]')) {
    if (el.type === 'file' || el.offsetParent === null || folded(el)) continue;
    el.scrollIntoView({ block: 'center', inline: 'nearest' });
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    const reached = !!hit && (el.contains(hit) || [...(el.labels ?? [])].some((l) => l.contains(hit)));
    const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} “${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 24)}”`;
    found.push({ name, reached, popup: !!el.closest('#panel-list'), covered: reached ? '' : `${hit?.tagName.toLowerCase()}#${hit?.id}`, w: r.width, h: r.height,
      inside: r.left >= -0.5 && r.right <= document.documentElement.clientWidth + 0.5 });
  }
  return found;
}

/** The sentence under chart `name` about what is picked ('' when nothing is). */
const picked = (page, name) => page.evaluate((n) => {
  const p = document.getElementById(`picked-${n}`);
  return p && !p.hidden ? p.textContent : '';
}, name);

/**
 * Taps chart `name` on a grid of points until one picks something; then a mouse click at the
 * same point must pick the same, after a tap on an empty corner cleared it; `whilePicked` runs
 * then, and a last tap on the corner clears the pick. Returns the sentence.
 */
async function tapPicksAsClickDoes(page, name, whilePicked = async () => {}) {
  const canvas = `figure[data-chart="${name}"] canvas`;
  const [w, h] = await page.evaluate((sel) => {
    // A chart the chapter does not lead with is folded under "More charts": open it, as a
    // student would, before pointing at the chart.
    document.getElementById('more-charts').open = true;
    const c = document.querySelector(sel);
    c.scrollIntoView({ block: 'center' });
    return [c.clientWidth, c.clientHeight];
  }, canvas);
  const settle = () => new Promise((r) => setTimeout(r, 60));
  const corner = { x: 2, y: 2 };
  await page.tap(canvas, corner);
  await settle();
  assert.equal(await picked(page, name), '', `${name}: the corner picks nothing`);
  for (let gy = 1; gy < 10; gy++) {
    for (let gx = 1; gx < 14; gx++) {
      const at = { x: Math.round((w * gx) / 14), y: Math.round((h * gy) / 10) };
      await page.tap(canvas, at);
      await settle();
      const byTap = await picked(page, name);
      if (!byTap) continue;
      await page.tap(canvas, corner);
      await page.waitFor((n) => document.getElementById(`picked-${n}`).hidden, name);
      await page.clickAt(canvas, at);
      await page.waitFor((n) => !document.getElementById(`picked-${n}`).hidden, name);
      assert.equal(await picked(page, name), byTap, `${name} at ${JSON.stringify(at)}: a click picks what the tap picked`);
      await whilePicked();
      // Nothing stays picked (its sentence would take room from the charts in presentation mode).
      await page.tap(canvas, corner);
      await page.waitFor((n) => document.getElementById(`picked-${n}`).hidden, name);
      return byTap;
    }
  }
  throw new Error(`${name}: no tap on a 13x9 grid picked anything`);
}

eachEngine(({ engine, before, after, test }) => {
  for (const size of SIZES) {
    describe(`${size.width}x${size.height}`, () => {
      let page;
      const narrowSkip = (t, browser) => {
        if (size.width < 447 && !browser.can.narrow) {
          t.skip(`${engine}: MiniBrowser's window is no narrower than 447 px`);
          return true;
        }
        return false;
      };
      const touchSkip = (t, browser) => {
        if (narrowSkip(t, browser)) return true;
        if (!browser.can.touch) {
          t.skip(`${engine}: its WebDriver has no touch input`);
          return true;
        }
        return false;
      };
      before(async ({ browser, open }) => {
        if (size.width < 447 && !browser.can.narrow) return;
        page = await open('?chapter=embed-2d', { width: size.width, height: size.height, touch: browser.can.touch });
      });
      after(async () => {
        await page?.close();
      });

      test('nothing is wider than the screen', async ({ browser }, t) => {
        if (narrowSkip(t, browser)) return;
        assert.deepEqual(await page.evaluate(() => [innerWidth, innerHeight]), [size.width, size.height]);
        await page.click('#step');
        await page.waitFor(() => /^step 1 of/.test(document.getElementById('step-count').textContent));
        await page.evaluate(() => { document.getElementById('custom').open = true; });
        const wide = await page.evaluate(overflowing);
        await page.evaluate(() => { document.getElementById('custom').open = false; });
        // The page's width: the screen's, less a scrollbar where the engine draws one (Firefox: 12 px).
        assert.ok(wide.width <= size.width && wide.width >= size.width - 20, `${wide.width} of ${size.width}`);
        assert.equal(wide.scrollWidth, wide.width, JSON.stringify(wide.out));
        assert.deepEqual(wide.out, []);
      });

      test('with touch, every control can be reached and tapped', async ({ browser }, t) => {
        if (touchSkip(t, browser)) return;
        // With the custom settings open, then the list of panels to hide (a pop-up over the page).
        for (const open of ['custom', 'share']) {
          await page.evaluate((o) => { for (const id of ['custom', 'share']) document.getElementById(id).open = id === o; }, open);
          const found = (await page.evaluate(controls)).filter((c) => open === 'custom' || c.popup);
          assert.ok(found.length > (open === 'custom' ? 40 : 5), `${found.length} controls`);
          const bad = found.filter((c) => !c.reached || !c.inside);
          assert.deepEqual(bad.map((c) => `${c.name} covered by ${c.covered}`), []);
          if (size.phone) {
            const small = found.filter((c) => c.w < TARGET - 0.5 || c.h < TARGET - 0.5);
            assert.deepEqual(small.map((c) => `${c.name} ${Math.round(c.w)}x${Math.round(c.h)}`), []);
          }
        }
        await page.evaluate(() => { document.getElementById('custom').open = false; document.getElementById('share').open = false; });
        // Taps do what clicks do.
        const { step } = await counter(page);
        await page.tap('#step');
        await page.waitFor((n) => document.getElementById('step-count').textContent.startsWith(`step ${n + 1} of`), step);
        await page.tap('#sample');
        await page.waitFor(() => document.querySelectorAll('#samples li').length === 20);
        await page.tap('#custom summary');
        await page.waitFor(() => document.getElementById('custom').open);
        await page.tap('#custom summary');
        await page.waitFor(() => !document.getElementById('custom').open);
      });

      test('the embedding path slider moves by touch', async ({ browser }, t) => {
        if (touchSkip(t, browser)) return;
        await page.tap('#train');
        await page.waitFor(() => Number(document.getElementById('path-frame').max) >= 20);
        await page.tap('#pause');
        await page.waitFor(() => document.getElementById('pause').disabled);
        const caption = 'figure[data-chart="embedding"] figcaption';
        await page.waitFor((c) => /, live, step [\d,]+$/.test(document.querySelector(c).textContent), caption);
        const [w, h] = await page.evaluate(() => {
          const s = document.getElementById('path-frame');
          return [s.clientWidth, s.clientHeight];
        });
        await page.drag('#path-frame', { x: w - 4, y: h / 2 }, { x: 1, y: h / 2 });
        await page.waitFor((c) => /, step 0$/.test(document.querySelector(c).textContent), caption);
        assert.equal(await page.evaluate(() => document.getElementById('path-frame').value), '0');
        await page.drag('#path-frame', { x: 4, y: h / 2 }, { x: w - 1, y: h / 2 });
        await page.waitFor((c) => /, live, step [\d,]+$/.test(document.querySelector(c).textContent), caption);
        if (engine === 'chromium') {
          mkdirSync(DOCS, { recursive: true });
          // The phone's shot shows the runs table and the loss chart (the page's top is the controls).
          if (size.phone) await page.evaluate(() => document.getElementById('runs').scrollIntoView());
          else await page.evaluate(() => scrollTo(0, 0));
          await page.screenshot(`${DOCS}${size.shot}`);
        }
      });

      test('a tap on the embedding picks a letter, as a click does', async ({ browser }, t) => {
        if (touchSkip(t, browser)) return;
        assert.match(await tapPicksAsClickDoes(page, 'embedding'), /^'.' at \(/);
      });

      test('a tap on the saturation map picks a cell, as a click does', async ({ browser }, t) => {
        if (touchSkip(t, browser)) return;
        assert.match(await tapPicksAsClickDoes(page, 'map'), /^example \d+: context '.*' → neuron \d+/);
      });

      test('a tap on a layer picks it in every per-layer chart, as a click does', async ({ browser }, t) => {
        if (touchSkip(t, browser)) return;
        await chooseChapter(page, 'deep');
        await page.tap('#step');
        await page.waitFor(() => /^step 1 of/.test(document.getElementById('step-count').textContent)
          && /layer 2 \(Tanh\)/.test(document.querySelector('figure[data-chart="acts"] .readout').textContent));
        let grads = '';
        const acts = await tapPicksAsClickDoes(page, 'acts', async () => { grads = await picked(page, 'grads'); });
        const layer = acts.match(/^picked: (layer \d+ \(Tanh\))/);
        assert.ok(layer, acts);
        assert.ok(grads.startsWith(`picked: ${layer[1]}`), `the same layer in the gradients chart: ${grads}`);
      });

      if (!size.phone) {
        test('presentation mode fits the screen in every chapter', async ({ browser }, t) => {
          if (touchSkip(t, browser)) return;
          const chapters = await page.evaluate(() => [...document.querySelectorAll('#chapter-list button')].map((b) => b.dataset.chapter));
          await chooseChapter(page, chapters[0]);
          // What each chart's last drawing wrote on its canvas: a chart squeezed below its least
          // size writes "area too small" in place of its plot (seen in Firefox at 768x1024, where
          // a canvas holds one device pixel per CSS pixel). A drawing starts by filling the whole
          // canvas; a layout on its way may draw a chart at a passing size, then again.
          await page.evaluate(() => {
            if (window.__tooSmall) return;
            window.__tooSmall = new Map();
            // A chart draws on a canvas of its own off screen (named by its chart), then the page's.
            const name = (ctx) => ctx.canvas.dataset.chart ?? ctx.canvas.closest('figure')?.dataset.chart ?? '?';
            const P = CanvasRenderingContext2D.prototype;
            const [text, rect] = [P.fillText, P.fillRect];
            P.fillText = function (t, ...rest) {
              if (t === 'area too small') window.__tooSmall.set(name(this), true);
              return text.call(this, t, ...rest);
            };
            P.fillRect = function (x, y, w, h) {
              if (x <= 0 && y <= 0 && w * this.getTransform().a >= this.canvas.width && h * this.getTransform().d >= this.canvas.height) window.__tooSmall.delete(name(this));
              return rect.call(this, x, y, w, h);
            };
          });
          await page.tap('#present');
          await page.waitFor(() => document.body.classList.contains('present'));
          try {
            // The chapter buttons are hidden in presentation mode: the arrow keys change chapter.
            for (const [i, ch] of chapters.entries()) {
              if (i > 0) await page.press('ArrowRight');
              await page.waitFor((c) => document.querySelector('#chapter-list button[aria-pressed="true"]')?.dataset.chapter === c
                && !document.getElementById('step').disabled, ch);
              await page.tap('#step');
              await page.waitFor(() => /^step [1-9]/.test(document.getElementById('step-count').textContent));
              await new Promise((r) => setTimeout(r, 250));
              const squeezed = await page.evaluate(() => [...window.__tooSmall.keys()]
                .filter((c) => document.querySelector(`figure[data-chart="${c}"]`)?.checkVisibility() ?? true)
                .map((c) => { const v = document.querySelector(`figure[data-chart="${c}"] canvas`); return `${c} (canvas ${v?.width}x${v?.height})`; }));
              assert.deepEqual(squeezed, [], `${ch}: every chart on screen is drawn, none says "area too small"`);
              const fit = await page.evaluate(() => {
                const boxes = [...document.querySelectorAll('figure[data-chart]')].filter((f) => !f.hidden).map((f) => {
                  const r = f.getBoundingClientRect();
                  return { chart: f.dataset.chart, top: r.top, bottom: r.bottom, left: r.left, right: r.right };
                });
                const about = document.getElementById('run-about').getBoundingClientRect();
                return { boxes, about: about.bottom, scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight] };
              });
              assert.ok(fit.boxes.length >= 1, ch);
              for (const b of fit.boxes) {
                assert.ok(b.top >= 0 && b.left >= 0 && b.bottom <= size.height && b.right <= size.width, `${ch}: ${b.chart} fits: ${JSON.stringify(b)}`);
              }
              assert.ok(fit.about <= size.height, `${ch}: the explanation is on screen (${fit.about})`);
              assert.deepEqual(fit.scroll, [size.width, size.height], `${ch}: no scrolling`);
            }
          } finally {
            // Left as a student leaves it, also after a failure: the next test starts outside it.
            if (await page.evaluate(() => document.body.classList.contains('present'))) await page.press('p');
          }
          await page.waitFor(() => !document.body.classList.contains('present'));
        });

        test('presentation mode can be left, and its chapter changed, by touch', async ({ browser }, t) => {
          if (touchSkip(t, browser)) return;
          await page.tap('#present');
          await page.waitFor(() => document.body.classList.contains('present'));
          try {
            // The page's tools and the chapter list are hidden there: its own buttons do what
            // the keys do.
            const before = await page.evaluate(() => document.querySelector('#chapter-list button[aria-pressed="true"]').dataset.chapter);
            const [away, back] = before === 'lr-finder' ? ['#present-next', '#present-prev'] : ['#present-prev', '#present-next'];
            await page.tap(away);
            await page.waitFor((c) => document.querySelector('#chapter-list button[aria-pressed="true"]').dataset.chapter !== c, before);
            await page.tap(back);
            await page.waitFor((c) => document.querySelector('#chapter-list button[aria-pressed="true"]').dataset.chapter === c, before);
            await page.tap('#present-leave');
            await page.waitFor(() => !document.body.classList.contains('present'));
          } finally {
            await page.evaluate(() => document.body.classList.contains('present')).then((on) => on && page.press('p'));
          }
        });
      }
    });
  }
}, { page: false });
