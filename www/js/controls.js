// The controls: training buttons, step budget, learning rate, sampling, chapters, the custom
// form and the keyboard. Each sends the worker what the user typed, as text: the worker checks
// it and answers (one rule, in Rust). The chapters and the form come from the wasm module.

import { $, el, setText, setMsg } from './dom.js';

export function createControls(S, post) {
  const clear = () => setMsg($('notice'), '');
  $('train').onclick = () => { clear(); post({ type: 'train' }); };
  $('pause').onclick = () => post({ type: 'pause' });
  $('step').onclick = () => { clear(); post({ type: 'step' }); };
  $('reset').onclick = () => { clear(); post({ type: 'reset' }); };
  $('new-seed').onclick = () => { clear(); post({ type: 'new_seed' }); };
  $('evaluate').onclick = () => post({ type: 'evaluate' });
  $('clear-runs').onclick = () => post({ type: 'clear_runs' });
  $('budget').onchange = () => post({ type: 'budget', steps: $('budget').value, hold: $('budget-hold').checked });
  $('diag-run').onclick = () => { clear(); post({ type: 'budget', steps: '1000', hold: true }); };
  const setLr = () => { clear(); post({ type: 'lr', lr: $('lr').value }); };
  $('lr-set').onclick = setLr;
  $('lr').onkeydown = (e) => { if (e.key === 'Enter') setLr(); };
  $('lr-schedule').onclick = () => post({ type: 'lr', lr: null });
  const sampler = (action) => { setMsg($('sampler-msg'), ''); post({ type: 'sampler', action, temperature: $('sampler-t').value }); };
  $('sampler-new').onclick = () => sampler('new');
  $('sampler-next').onclick = () => sampler('next');
  $('sampler-finish').onclick = () => sampler('finish');
  const score = (name) => { setMsg($('sampler-msg'), ''); post({ type: 'score', name }); };
  $('score-form').onsubmit = (e) => { e.preventDefault(); score($('score-name').value); };
  $('score-jumble').onclick = () => { $('score-name').value = 'xqzjv'; score('xqzjv'); };
  $('sample').onclick = () => {
    setMsg($('sample-msg'), '');
    post({ type: 'sample', n: $('sample-n').value, temperature: $('sample-t').value });
  };

  function toggleTraining() {
    if (!S.ready || S.dead) return;
    if (S.p.running) post({ type: 'pause' });
    else if (!S.p.finished) post({ type: 'train' });
  }
  document.addEventListener('keydown', (e) => {
    if (e.code !== 'Space' && e.key !== ' ') return;
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    const t = e.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement || t?.isContentEditable) return;
    if (t instanceof HTMLElement && (t.closest('summary') || t.closest('button'))) return;
    e.preventDefault();
    toggleTraining();
  });

  function applyCustom() {
    const values = {};
    for (const input of $('custom-form').querySelectorAll('[data-key]')) {
      values[input.dataset.key] = input.type === 'checkbox' ? String(input.checked) : input.value;
    }
    setMsg($('custom-msg'), '');
    post({ type: 'settings', values });
  }
  $('custom-apply').onclick = applyCustom;

  return {
    /** The chapter buttons and the custom form, from the wasm module's tables. */
    build(wasm) {
      S.experiments = wasm.experiments();
      const list = $('chapter-list');
      for (const c of wasm.chapters()) {
        const b = el('button', { type: 'button', title: c.about }, c.title);
        b.dataset.chapter = c.name;
        b.setAttribute('aria-pressed', String(S.run?.chapter === c.name));
        b.onclick = () => { clear(); post({ type: 'chapter', name: c.name }); };
        const li = el('li');
        li.append(b);
        list.append(li);
      }
      const form = $('custom-form');
      const groups = {};
      for (const k of wasm.knobs()) {
        if (!groups[k.group]) {
          groups[k.group] = el('fieldset');
          groups[k.group].append(el('legend', {}, k.group));
          form.append(groups[k.group]);
        }
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
        groups[k.group].append(row);
      }
      form.onsubmit = (e) => { e.preventDefault(); applyCustom(); };
      if (S.run) this.showRun(S.run);
    },

    /** A new run: its chapter pressed, its break-it experiments listed, the form filled. */
    showRun(run) {
      for (const b of $('chapter-list').querySelectorAll('button')) {
        b.setAttribute('aria-pressed', String(b.dataset.chapter === run.chapter));
      }
      const list = $('break-list');
      list.replaceChildren();
      for (const x of (S.experiments ?? []).filter((x) => x.chapter === run.chapter)) {
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
      setText($('run-experiment'), x
        ? `${x.change} Look at the ${x.chart} chart: ${x.symptom} The fix: ${x.fix}. ${x.fix_how}`
        : '');
      for (const input of $('custom-form').querySelectorAll('[data-key]')) {
        const v = run.knobs[input.dataset.key];
        if (v === undefined) continue;
        if (input.type === 'checkbox') input.checked = v === 'true';
        else input.value = v;
      }
    },

    /** The buttons and fields for the state of training (a ProgressView). */
    update() {
      const p = S.p;
      const ok = S.ready && !S.dead;
      $('train').disabled = !ok || p.running || p.finished;
      $('pause').disabled = !ok || !p.running;
      $('step').disabled = !ok || p.running || p.finished;
      for (const id of ['reset', 'new-seed', 'sample', 'custom-apply', 'budget', 'clear-runs']) $(id).disabled = !ok;
      $('evaluate').disabled = !ok || p.evaluating;
      const paused = ok && !p.running;
      $('lr').disabled = !paused;
      $('lr-set').disabled = !paused;
      $('lr-schedule').disabled = !paused || !p.lr_override;
      if ((document.activeElement !== $('lr') || p.running) && $('lr').value !== p.lr_text) $('lr').value = p.lr_text;
      if (document.activeElement !== $('budget') && $('budget').value !== p.budget_text) $('budget').value = p.budget_text;
      setText($('lr-note'), p.lr_note);
      const max = Math.max(1, p.steps);
      if ($('progress').max !== max) $('progress').max = max;
      if ($('progress').value !== p.step) $('progress').value = p.step;
      setText($('step-count'), p.step_text);
      setText($('itps'), p.speed_text);
      setText($('eta'), p.eta_text);
    },
  };
}
