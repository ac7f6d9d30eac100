// @ts-check
// The controls: training buttons, step budget, learning rate, sampling, the step-through
// sampler and the name score, chapters, break-it experiments and the custom form. Each sends
// the worker what the user typed, as text: the worker checks it and answers (one rule, in
// Rust). The chapters and the form come from the wasm module.
//
//   const controls = createControls({ post, status, phrases });  // status(): the trainer as the page knows it; phrases: words.phrases
//   controls.build(wasm);     // the chapter buttons and the form, once the page's module is loaded
//   controls.showRun(run);    // a new run
//   controls.update();        // the buttons and fields for the state of training
//   controls.trainOrPause(); controls.press('step'); controls.chapterBy(1);   // the keyboard's

import { $, el, setPhrases, setText, setMsg } from './dom.js';

/**
 * @typedef {import('../types/protocol').Request} Request
 * @typedef {import('../types/protocol').RunView} RunView
 * @typedef {import('../types/protocol').ExperimentInfo} ExperimentInfo
 * @typedef {import('../types/protocol').ChapterInfo} ChapterInfo
 * @typedef {import('../types/protocol').Knob} Knob
 * @typedef {import('./trainer.js').TrainerStatus} TrainerStatus
 */

/**
 * @param {object} o
 * @param {(msg: Request) => void} o.post to the trainer
 * @param {() => TrainerStatus} o.status the trainer's last reported state
 * @param {(text: string) => import('../types/protocol').Phrase[]} o.phrases a worker's sentence as its phrases (words.phrases)
 */
export function createControls({ post, status, phrases }) {
  /** @param {string} id */
  const button = (id) => $(id, HTMLButtonElement);
  /** @param {string} id */
  const field = (id) => $(id, HTMLInputElement);
  const notice = $('notice');
  const clear = () => setMsg(notice, '');
  /** @type {ExperimentInfo[]} */
  let experiments = [];

  button('train').onclick = () => { clear(); post({ type: 'train' }); };
  button('pause').onclick = () => post({ type: 'pause' });
  button('step').onclick = () => { clear(); post({ type: 'step' }); };
  button('reset').onclick = () => { clear(); post({ type: 'reset' }); };
  button('new-seed').onclick = () => { clear(); post({ type: 'new_seed' }); };
  button('evaluate').onclick = () => post({ type: 'evaluate' });
  const pace = $('pace', HTMLSelectElement);
  pace.onchange = () => post({ type: 'pace', per_second: pace.value ? Number(pace.value) : null });
  field('budget').onchange = () => post({ type: 'budget', steps: field('budget').value, hold: field('budget-hold').checked });
  // The notebook's diagnostic run: 1,000 steps at the first rate, then stop and look; it starts.
  button('diag-run').onclick = () => {
    clear();
    post({ type: 'budget', steps: '1000', hold: true });
    post({ type: 'train' });
  };
  const setLr = () => { clear(); post({ type: 'lr', lr: field('lr').value }); };
  button('lr-set').onclick = setLr;
  field('lr').onkeydown = (e) => { if (e.key === 'Enter') setLr(); };
  button('lr-schedule').onclick = () => post({ type: 'lr', lr: null });
  button('sample').onclick = () => {
    setMsg($('sample-msg'), '');
    post({ type: 'sample', n: field('sample-n').value, temperature: field('sample-t').value });
  };

  const form = $('custom-form', HTMLFormElement);
  /** The form's fields, each with its knob's key in `data-key`. */
  const knobFields = () => /** @type {NodeListOf<HTMLInputElement | HTMLSelectElement>} */ (form.querySelectorAll('[data-key]'));
  function applyCustom() {
    /** @type {Record<string, string>} */
    const values = {};
    for (const input of knobFields()) {
      values[input.dataset.key ?? ''] = input instanceof HTMLInputElement && input.type === 'checkbox' ? String(input.checked) : input.value;
    }
    setMsg($('custom-msg'), '');
    post({ type: 'settings', values });
  }
  button('custom-apply').onclick = applyCustom;

  /**
   * One field of the custom form.
   * @param {Knob} k
   */
  function knobField(k) {
    const id = `knob-${k.key}`;
    const row = el('div', { class: 'knob', title: k.help.trim() });
    row.append(el('label', { htmlFor: id }, k.label));
    let input;
    if (k.kind.type === 'choice') {
      input = el('select', { id });
      for (const c of k.kind.choices) input.append(el('option', { value: c }, c));
    } else if (k.kind.type === 'bool') {
      input = el('input', { id, type: 'checkbox' });
    } else {
      input = el('input', { id, type: 'text', inputmode: k.kind.type === 'int' ? 'numeric' : 'decimal' });
    }
    input.dataset.key = k.key;
    row.append(input);
    return row;
  }

  /** The charts' tool rows (made with the figures): the step-through sampler, the name score. */
  function bindTools() {
    /** @param {import('../types/protocol').SamplerAction} action */
    const sampler = (action) => { setMsg($('sampler-msg'), ''); post({ type: 'sampler', action, temperature: field('sampler-t').value }); };
    button('sampler-new').onclick = () => sampler('new');
    button('sampler-next').onclick = () => sampler('next');
    button('sampler-finish').onclick = () => sampler('finish');
    const name = field('score-name');
    $('score-form', HTMLFormElement).onsubmit = (e) => {
      e.preventDefault();
      setMsg($('sampler-msg'), '');
      post({ type: 'score', name: name.value });
    };
    // A button with a value of its own puts it in the field first ("try “xqzjv”").
    const jumble = button('score-jumble');
    jumble.onclick = () => { if (jumble.dataset.value) name.value = jumble.dataset.value; };
  }

  /** @param {RunView} run */
  function showRun(run) {
    for (const b of $('chapter-list').querySelectorAll('button')) {
      b.setAttribute('aria-pressed', String(b.dataset.chapter === run.chapter));
    }
    const list = $('break-list');
    list.replaceChildren();
    for (const x of experiments.filter((x) => x.chapter === run.chapter)) {
      const b = el('button', { type: 'button', title: x.change }, x.title);
      b.dataset.experiment = x.name;
      b.setAttribute('aria-pressed', String(run.experiment?.name === x.name));
      b.onclick = () => { clear(); post({ type: 'experiment', name: x.name }); };
      const li = el('li');
      li.append(b);
      list.append(li);
    }
    $('break-h').hidden = !list.children.length;
    const x = run.experiment;
    $('run-experiment').hidden = !x;
    setPhrases($('run-experiment'), x ? phrases(x.sentence) : []);
    for (const input of knobFields()) {
      const v = run.knobs[input.dataset.key ?? ''];
      if (v === undefined) continue;
      if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = v === 'true';
      else input.value = v;
    }
  }

  return {
    /**
     * The chapter buttons and the custom form, from the wasm module's tables.
     * @param {import('./module.js').PageModule} wasm
     */
    build(wasm) {
      experiments = wasm.experiments();
      const current = status().run?.chapter;
      const list = $('chapter-list');
      for (const c of wasm.chapters()) {
        const b = el('button', { type: 'button', title: c.about }, c.title);
        b.dataset.chapter = c.name;
        b.setAttribute('aria-pressed', String(current === c.name));
        b.onclick = () => { clear(); post({ type: 'chapter', name: c.name }); };
        const li = el('li');
        li.append(b);
        list.append(li);
      }
      /** @type {Record<string, HTMLFieldSetElement>} */
      const groups = {};
      for (const k of wasm.knobs()) {
        if (!groups[k.group]) {
          groups[k.group] = el('fieldset');
          groups[k.group].append(el('legend', {}, k.group));
          form.append(groups[k.group]);
        }
        groups[k.group].append(knobField(k));
      }
      form.onsubmit = (e) => { e.preventDefault(); applyCustom(); };
      bindTools();
      const run = status().run;
      if (run) showRun(run);
    },

    /** A new run: its chapter pressed, its break-it experiments listed, the form filled. */
    showRun,

    /** The buttons and fields for the state of training. */
    update() {
      const { ready, dead, progress: p } = status();
      const ok = ready && !dead;
      button('train').disabled = !ok || p.running || p.finished;
      button('pause').disabled = !ok || !p.running;
      button('step').disabled = !ok || p.running || p.finished;
      for (const id of ['reset', 'new-seed', 'sample', 'custom-apply', 'clear-runs']) button(id).disabled = !ok;
      field('budget').disabled = !ok;
      button('evaluate').disabled = !ok || p.evaluating;
      const paused = ok && !p.running;
      const lr = field('lr');
      const budget = field('budget');
      lr.disabled = !paused;
      button('lr-set').disabled = !paused;
      button('lr-schedule').disabled = !paused || !p.lr_override;
      if ((document.activeElement !== lr || p.running) && lr.value !== p.lr_text) lr.value = p.lr_text;
      if (document.activeElement !== budget && budget.value !== p.budget_text) budget.value = p.budget_text;
      setText($('lr-note'), p.lr_note);
      const progress = $('progress', HTMLProgressElement);
      const max = Math.max(1, p.steps);
      if (progress.max !== max) progress.max = max;
      if (progress.value !== p.step) progress.value = p.step;
      setText($('step-count'), p.step_text);
      setText($('itps'), p.speed_text);
      setText($('eta'), p.eta_text);
    },

    /** Trains, or pauses training (the keyboard's space). */
    trainOrPause() {
      const { ready, dead, progress } = status();
      if (!ready || dead) return;
      if (progress.running) post({ type: 'pause' });
      else if (!progress.finished) post({ type: 'train' });
    },

    /**
     * Presses a button of the controls, unless it is off (the keyboard's S and R).
     * @param {'step' | 'reset'} id
     */
    press(id) {
      if (!button(id).disabled) button(id).click();
    },

    /**
     * Goes to the chapter `offset` places from the current one (the keyboard's ← →).
     * @param {number} offset
     */
    chapterBy(offset) {
      const buttons = [...$('chapter-list').querySelectorAll('button')];
      const i = buttons.findIndex((b) => b.getAttribute('aria-pressed') === 'true');
      const next = buttons[Math.min(buttons.length - 1, Math.max(0, (i < 0 ? 0 : i) + offset))];
      if (next && next !== buttons[i]) next.click();
    },
  };
}
