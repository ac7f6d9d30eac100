// @ts-check
// Backprop by hand (makemore part 4): the sheet's page. Open at the address #sheet (the link
// after the chapters), it takes the place of the lesson's charts: the four parts' text, one text
// area per exercise in the lecture's order (made from the template #sheet-exercise), a Check
// button (and Ctrl+Enter) with the verdict beside it, hints in steps, and exercise 4: train N
// steps and the two loss curves overlaid (the chart `sheet` of the chart table, pinned here).
// What the student writes stays in this browser (localStorage, one key per exercise) and is
// sent with the sheet when it opens; a link copied on the sheet hands its answers out
// (`#sheet?id=text&...`: they fill the boxes a student has nothing in). The sheet has a worker of its own (www/sheet-worker.js,
// started when the sheet first opens, so that the trainer's wasm does not carry the sheet's
// language): it judges every answer (src/session/sheet.rs) and writes every line the page shows;
// its events come back through `onEvent`, as the trainer's.
//
//   const sheet = createSheet({ charts, onEvent, names });  // names(): the uploaded file in use, or null
//   sheet.handout();                                 // the hash of a link with the answers
//   sheet.namesChanged(file);                        // an upload in use: the sheet works on it too
//   sheet.show(parts, exercises, lines, steps);      // Event::Sheet
//   sheet.verdict(verdict, line);                    // Event::SheetVerdict
//   sheet.hints(id, hints);                          // Event::SheetHints
//   sheet.training(step, steps, running, line, level, chart);   // Event::SheetTraining

import { $, el, setMsg, setText } from './dom.js';

/**
 * @typedef {import('../types/protocol').Request} Request
 * @typedef {import('../types/protocol').PartView} PartView
 * @typedef {import('../types/protocol').ExerciseView} ExerciseView
 * @typedef {import('../types/protocol').Verdict} Verdict
 * @typedef {import('../types/protocol').VerdictStatus} VerdictStatus
 * @typedef {import('../types/protocol').ChartView} ChartView
 * @typedef {import('../types/protocol').Level} Level
 * @typedef {{ name: string, bytes: Uint8Array }} NamesFile an uploaded names file
 */

/** The level each verdict is shown with: green, amber, red. */
/** @type {Record<VerdictStatus, Level | ''>} */
const LEVEL = { empty: '', exact: 'good', approximate: 'warn', wrong: 'bad', error: 'bad' };

const STORE = 'makemore-lab.sheet.';
/** The start of a hand-out's address: `#sheet?` and the answers as a query string. */
const HANDOUT = '#sheet?';

/** @param {string} id */
function stored(id) {
  try {
    return localStorage.getItem(STORE + id) ?? '';
  } catch {
    return '';
  }
}

/**
 * @param {string} id
 * @param {string} text
 */
function store(id, text) {
  try {
    if (text.trim()) localStorage.setItem(STORE + id, text);
    else localStorage.removeItem(STORE + id);
  } catch {
    // Storage full or refused (a private window): the answer still goes to the worker.
  }
}

/**
 * @param {object} o
 * @param {import('./charts.js').Charts} o.charts
 * @param {(event: import('../types/protocol').Event) => void} o.onEvent the sheet worker's events
 * @param {() => NamesFile | null} o.names the uploaded names file in use (null: the default names)
 */
export function createSheet({ charts, onEvent, names }) {
  const section = $('sheet');
  const parts = $('sheet-parts');
  const template = $('sheet-exercise', HTMLTemplateElement);
  /** @type {Map<string, {box: HTMLElement, text: HTMLTextAreaElement, verdict: HTMLElement, hints: HTMLElement, level: number}>} */
  const boxes = new Map();
  let sent = false;
  /** @type {Worker | null} the sheet's worker, once the sheet opened */
  let worker = null;

  /** @param {Request} msg */
  function post(msg) {
    if (!worker) {
      worker = new Worker(new URL('../sheet-worker.js', import.meta.url), { type: 'module' });
      worker.onmessage = (e) => onEvent(e.data);
      // The sheet works on the names the lesson uses: an upload goes first (a copy: the
      // trainer keeps its own for a restart).
      const file = names();
      if (file) worker.postMessage(load(file));
    }
    worker.postMessage(msg);
  }

  /**
   * The message that hands the sheet's worker a names file.
   * @param {NamesFile} file
   * @returns {Request}
   */
  function load(file) {
    return { type: 'load', bytes: file.bytes.slice(), name: file.name, upload: 0 };
  }

  /** The sheet's address: `#sheet`, or `#sheet?id=text&...` (a teacher's hand-out). */
  function open() {
    return location.hash === '#sheet' || location.hash.startsWith(HANDOUT);
  }

  /** The answers kept in this browser, for the worker's sheet. */
  function answers() {
    /** @type {Record<string, string>} */
    const all = {};
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key?.startsWith(STORE)) all[key.slice(STORE.length)] = stored(key.slice(STORE.length));
    }
    return all;
  }

  function apply() {
    const on = open();
    section.hidden = !on;
    document.body.classList.toggle('sheet-open', on);
    if (on && !sent) {
      sent = true;
      let kept = {};
      try {
        kept = answers();
      } catch {
        kept = {};
      }
      // A hand-out's answers go to the worker, which fills the empty boxes with them and says
      // so; the address keeps only #sheet (a reload does not hand them out again).
      /** @type {Record<string, string>} */
      const handed = {};
      if (location.hash.startsWith(HANDOUT)) {
        for (const [id, text] of new URLSearchParams(location.hash.slice(HANDOUT.length))) handed[id] = text;
        history.replaceState(null, '', `${location.pathname}${location.search}#sheet`);
      }
      post({ type: 'sheet_open', answers: kept, handed });
    }
    if (on) section.scrollIntoView({ block: 'start' });
  }

  function close() {
    history.pushState(null, '', location.pathname + location.search);
    apply();
  }

  // The sheet's chart lives here, never among the lesson's.
  charts.pin('sheet', $('sheet-chart'));
  $('sheet-close').onclick = close;
  // A chapter chosen while the sheet is open: back to the lesson, to see it.
  $('chapter-list').addEventListener('click', (e) => {
    if (open() && e.target instanceof Element && e.target.closest('button')) close();
  });
  window.addEventListener('hashchange', apply);
  $('sheet-train-form', HTMLFormElement).onsubmit = (e) => {
    e.preventDefault();
    setMsg($('sheet-msg'), '');
    post({ type: 'sheet_train', steps: $('sheet-steps', HTMLInputElement).value });
  };

  /** @param {string} id */
  function check(id) {
    const b = boxes.get(id);
    if (!b) return;
    setMsg($('sheet-msg'), '');
    post({ type: 'sheet_answer', id, text: b.text.value });
  }

  /**
   * Writes exercise `v`'s words into its box (again when the names change: shapes and counts
   * follow the vocabulary).
   * @param {HTMLElement} box
   * @param {ExerciseView} v
   */
  function describe(box, v) {
    const q = (/** @type {string} */ s) => /** @type {HTMLElement} */ (box.querySelector(s));
    q('.gradient').replaceChildren(el('code', {}, v.gradient));
    setText(q('.forward'), v.forward);
    setText(q('.meaning'), v.meaning);
    q('.key-line').hidden = !v.key_line;
    q('.key-line').replaceChildren(...(v.key_line ? [el('code', {}, v.key_line)] : []));
  }

  /**
   * The box of exercise `v`, made from the template.
   * @param {ExerciseView} v
   */
  function make(v) {
    const box = /** @type {HTMLElement} */ (/** @type {DocumentFragment} */ (template.content.cloneNode(true)).firstElementChild);
    box.dataset.id = v.id;
    box.id = `exercise-${v.id}`;
    const q = (/** @type {string} */ s) => /** @type {HTMLElement} */ (box.querySelector(s));
    describe(box, v);
    const text = /** @type {HTMLTextAreaElement} */ (q('textarea'));
    text.id = `answer-${v.id}`;
    text.setAttribute('aria-label', `your ${v.gradient}`);
    text.value = v.answer || stored(v.id);
    if (v.answer && !stored(v.id)) store(v.id, v.answer); // a hand-out's answer is the student's now
    text.rows = Math.max(2, text.value.split('\n').length);
    text.oninput = () => store(v.id, text.value);
    text.onkeydown = (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        check(v.id);
      }
    };
    const b = { box, text, verdict: q('.verdict'), hints: q('.hints'), level: 0 };
    q('.check').onclick = () => check(v.id);
    q('.hint').onclick = () => {
      b.level = Math.min(3, b.level + 1);
      post({ type: 'sheet_hint', id: v.id, level: b.level });
    };
    boxes.set(v.id, b);
    return box;
  }

  /**
   * @param {string} id
   * @param {VerdictStatus} status
   * @param {string} line
   */
  function showVerdict(id, status, line) {
    const b = boxes.get(id);
    if (!b) return;
    setText(b.verdict, line);
    b.verdict.className = `verdict ${LEVEL[status]}`.trim();
    b.box.dataset.status = status;
  }

  apply();

  return {
    /**
     * The page uses another names file (an upload): a sheet that has a worker works on it from
     * now on (an opened one is shown again, its answers kept); one that has none yet starts on it.
     * @param {NamesFile} file
     */
    namesChanged(file) {
      if (worker) worker.postMessage(load(file));
    },
    /**
     * The hash of a link that hands out this sheet as it is (its non-empty answers), or null
     * when the sheet is not open.
     * @returns {string | null}
     */
    handout() {
      if (!open()) return null;
      const answers = new URLSearchParams();
      for (const [id, b] of boxes) if (b.text.value.trim()) answers.append(id, b.text.value);
      const query = answers.toString();
      return query ? `${HANDOUT}${query}` : '#sheet';
    },
    /**
     * @param {PartView[]} partViews
     * @param {ExerciseView[]} exercises
     * @param {string[]} lines
     * @param {string} steps
     */
    show(partViews, exercises, lines, steps) {
      if (!boxes.size) {
        for (const p of partViews) {
          const part = el('section', { class: 'sheet-part', id: `sheet-part-${p.number}` });
          part.append(el('h3', {}, p.title), el('p', {}, p.text));
          if (p.number === 4) {
            part.append($('sheet-train-box'));
          } else {
            for (const v of exercises.filter((x) => x.number === p.number)) part.append(make(v));
          }
          parts.append(part);
        }
        $('sheet-steps', HTMLInputElement).value = steps;
      } else {
        // Shown again on other names: the same parts and boxes, their words anew; the hints
        // given were of the old shapes.
        for (const p of partViews) {
          const text = parts.querySelector(`#sheet-part-${p.number} > p`);
          if (text) setText(text, p.text);
        }
        for (const v of exercises) {
          const b = boxes.get(v.id);
          if (!b) continue;
          describe(b.box, v);
          b.level = 0;
          b.hints.replaceChildren();
        }
      }
      exercises.forEach((v, i) => showVerdict(v.id, v.verdict.status, lines[i] ?? ''));
    },
    /**
     * @param {Verdict} v
     * @param {string} line
     */
    verdict(v, line) {
      showVerdict(v.id, v.status, line);
    },
    /**
     * @param {string} id
     * @param {string[]} hints
     */
    hints(id, hints) {
      const b = boxes.get(id);
      if (!b) return;
      b.level = hints.length;
      b.hints.replaceChildren(...hints.map((h) => el('li', {}, h)));
    },
    /**
     * @param {number} step
     * @param {number} steps
     * @param {boolean} running
     * @param {string} line
     * @param {Level} level
     * @param {ChartView} chart
     */
    training(step, steps, running, line, level, chart) {
      $('sheet-train', HTMLButtonElement).disabled = running;
      $('sheet-train-box').dataset.step = String(step);
      $('sheet-train-box').dataset.running = String(running);
      $('sheet-train-box').dataset.steps = String(steps);
      setMsg($('sheet-train-msg'), line, running ? '' : level);
      charts.show([chart]);
    },
  };
}

/** @typedef {ReturnType<typeof createSheet>} Sheet */
