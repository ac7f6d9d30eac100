// @ts-check
// The chapter's questions, asked before the run shows the answers (src/lesson/question.rs; the
// worker sends where each stands as `QuizView`, src/session/views/quiz.rs, and judges every
// guess). Each question is a number to type or a choice; the guess stays beside the chart where
// the answer shows, and the answer comes with the chapter's sentence on why. Before the first
// step the chapter's text (which may give the answers away) waits behind a button. In
// presentation mode the question fills the screen: A shows the answers one at a time (the class
// guesses aloud first), then puts the charts back.
//
//   const quiz = createQuiz({ post, figure });  // figure(chartId): that chart's readout, or null
//   quiz.show(view);                            // the worker's QuizView
//   quiz.reveal();                              // the keyboard's A

import { $, el, setMsg, setText } from './dom.js';

/**
 * @typedef {import('../types/protocol').QuizView} QuizView
 * @typedef {import('../types/protocol').QuestionView} QuestionView
 * @typedef {import('../types/protocol').ChartId} ChartId
 * @typedef {import('../types/protocol').Request} Request
 */

/**
 * @param {object} o
 * @param {(msg: Request) => void} o.post to the trainer
 * @param {(chart: ChartId) => HTMLElement | null} o.figure the readout of a chart's figure
 */
export function createQuiz({ post, figure }) {
  const section = $('questions');
  const list = $('question-list');
  const about = $('run-about');
  const hold = $('about-hold', HTMLButtonElement);
  /** @type {QuizView | null} */
  let view = null;
  /** Runs whose text the student asked to see before guessing. */
  const textShown = new Set();
  /** Runs whose questions the presentation put away (A after the last answer). */
  const dismissed = new Set();
  /** Per run, the questions whose answers were asked for (the presentation shows one at a time). */
  let asked = new Set();

  hold.onclick = () => {
    if (view) textShown.add(view.run);
    apply();
  };

  /** Where the text and the full-screen question stand. */
  function apply() {
    const v = view;
    const holding = !!v && v.hold_text && !textShown.has(v.run) && !section.hidden;
    about.hidden = holding;
    hold.hidden = !holding;
    const present = document.body.classList.contains('present');
    const asking = present && !!v && v.asking && !dismissed.has(v.run) && v.questions.length > 0 && !section.hidden;
    section.classList.toggle('asking', asking);
    // The side column, where the questions are in presentation mode, is a layout root: it lets
    // them fill the screen only while they are asked.
    document.body.classList.toggle('asking', asking);
  }

  /**
   * One question: its prompt, its field or choices, its line and, once answered, why.
   * @param {QuestionView} q
   * @param {number} i
   */
  function item(q, i) {
    const li = el('li', { class: 'question' });
    li.dataset.verdict = q.verdict === null ? '' : q.verdict ? 'right' : 'wrong';
    li.append(el('p', { class: 'prompt' }, q.prompt));
    const form = el('form', { class: 'row guess' });
    if (q.choices.length) {
      const group = el('div', { class: 'choices', role: 'radiogroup' });
      group.setAttribute('aria-label', q.prompt);
      q.choices.forEach((c, k) => {
        const id = `q${i}-c${k}`;
        const box = el('input', { type: 'radio', name: `q${i}`, id, value: String(k), disabled: !q.open, checked: q.guess === c });
        box.onchange = () => post({ type: 'guess', question: i, number: null, choice: k });
        const label = el('label', { htmlFor: id }, c);
        group.append(el('span', { class: 'choice' }));
        group.lastElementChild?.append(box, label);
      });
      form.append(group);
      form.onsubmit = (e) => e.preventDefault();
    } else {
      const id = `q${i}-n`;
      const input = el('input', { id, type: 'text', inputmode: 'decimal', size: 6, disabled: !q.open, value: q.guess?.replace(/%$/, '') ?? '' });
      input.setAttribute('aria-label', q.prompt);
      form.append(input);
      if (q.unit) form.append(el('span', { class: 'unit' }, q.unit));
      form.append(el('button', { type: 'submit', disabled: !q.open }, 'Guess'));
      form.onsubmit = (e) => {
        e.preventDefault();
        post({ type: 'guess', question: i, number: input.value, choice: null });
      };
    }
    if (q.open) {
      const show = el('button', { type: 'button', class: 'reveal' }, 'Show the answer');
      show.onclick = () => revealOne(i);
      form.append(show);
    }
    li.append(form, el('p', { class: 'line' }, q.line));
    if (q.why) li.append(el('p', { class: 'why' }, q.why));
    return li;
  }

  /** @param {number} i */
  function revealOne(i) {
    asked.add(i);
    post({ type: 'reveal', question: i });
  }

  /** The guesses beside their charts (a line above the chart's text), none without a guess. */
  function lines() {
    for (const old of document.querySelectorAll('.guess-line')) old.remove();
    if (!view || section.hidden) return;
    for (const q of view.questions) {
      // A guess stays beside its chart; an answer alone is the chart's own number already.
      if (q.guess === null) continue;
      const readout = figure(q.chart);
      if (!readout) continue;
      const p = el('p', { class: 'guess-line' }, q.line);
      p.dataset.verdict = q.verdict === null ? '' : q.verdict ? 'right' : 'wrong';
      readout.before(p);
    }
  }

  return {
    /** @param {QuizView} v */
    show(v) {
      // A guess typed but not sent stays while the same run's view is redrawn.
      const focused = document.activeElement instanceof HTMLInputElement && list.contains(document.activeElement) ? document.activeElement : null;
      const keep = focused ? { id: focused.id, value: focused.value } : null;
      // Open while the questions are asked; folded once the run is under way (the lines beside
      // the charts say the rest), unless the student opens it.
      const fold = $('quiz-fold', HTMLDetailsElement);
      if (!view || view.run !== v.run || view.asking !== v.asking) fold.open = v.asking;
      if (!view || view.run !== v.run) asked = new Set();
      view = v;
      setText($('quiz-summary'), v.summary === '–' ? '' : `(${v.summary})`);
      section.dataset.count = String(v.questions.length);
      // Nothing to show once the run is under way with no guess: the charts keep the room.
      const empty = v.questions.length === 0 || (!v.asking && v.questions.every((q) => q.guess === null));
      section.classList.toggle('none', empty);
      list.replaceChildren(...v.questions.map(item));
      if (keep) {
        const again = document.getElementById(keep.id);
        if (again instanceof HTMLInputElement && !again.disabled) {
          again.value = keep.value;
          again.focus();
        }
      }
      setMsg($('quiz-msg'), '');
      apply();
      lines();
    },
    /** The keyboard's A: the next answer not shown; after the last, the charts again. */
    reveal() {
      if (!view || view.questions.length === 0) return;
      const next = view.questions.findIndex((q, i) => q.open && !asked.has(i));
      if (next >= 0) revealOne(next);
      else {
        dismissed.add(view.run);
        apply();
      }
    },
    /** Presentation mode went on or off, or panels were hidden. */
    layout() {
      apply();
      lines();
    },
  };
}

/** @typedef {ReturnType<typeof createQuiz>} Quiz */
