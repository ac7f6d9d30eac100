// The runs of the session: a table (every cell written by the worker), the run to compare
// with, and files to take home (CSV, written by the worker; saved here).

import { $, el, setMsg } from './dom.js';

export function createRuns(S, post) {
  $('compare').onchange = () => {
    const v = $('compare').value;
    post({ type: 'compare', run: v === '' ? null : Number(v) });
  };
  $('clear-runs').onclick = () => post({ type: 'clear_runs' });
  $('runs-csv').onclick = () => post({ type: 'export', what: 'runs_csv' });
  $('save-weights').onclick = () => post({ type: 'export', what: 'weights' });
  $('weights-file').onchange = async () => {
    const f = $('weights-file').files[0];
    $('weights-file').value = '';
    if (!f) return;
    const problem = S.wasm?.file_size_problem(f.size);
    if (problem) {
      setMsg($('weights-msg'), `“${f.name}” was not loaded: ${problem}. The model in use is unchanged.`, 'bad');
      return;
    }
    const buf = await f.arrayBuffer();
    post({ type: 'load_weights', bytes: new Uint8Array(buf), name: f.name }, [buf]);
  };

  return {
    /** The table and the compare choices (a `runs` event). */
    show(runs, compare) {
      S.runs = runs;
      const body = $('runs-table').tBodies[0];
      body.replaceChildren(...runs.map((r) => {
        const tr = el('tr');
        if (r.run === S.run?.run) tr.className = 'current';
        for (const k of ['run', 'setup', 'seed', 'params', 'first_loss', 'at_init', 'steps', 'train_val', 'time', 'speed']) {
          tr.append(el(k === 'run' ? 'th' : 'td', k === 'run' ? { scope: 'row' } : {}, String(r[k])));
        }
        return tr;
      }));
      const select = $('compare');
      const options = [el('option', { value: '' }, 'no earlier run')];
      for (const r of runs) {
        if (r.run === S.run?.run) continue;
        options.push(el('option', { value: String(r.run) }, `run ${r.run}: ${r.setup}`));
      }
      select.replaceChildren(...options);
      select.value = compare == null ? '' : String(compare);
      $('clear-runs').disabled = options.length < 2;
    },
    /** Saves a file the worker wrote. */
    save(name, mime, bytes) {
      const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
      const a = el('a', { href: url, download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  };
}
