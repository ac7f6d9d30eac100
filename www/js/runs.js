// @ts-check
// The runs of the session: a table (every cell written by the worker), the run to compare
// with (chosen beside the loss chart, in its figure's tool row: the list, "previous chapter",
// and the zoom on the first steps, sent with it), and files to take home (CSV and weights,
// written by the worker; saved here), and weights to load back; the button that folds
// BatchNorm into the Linear before it (E02).
//
//   const runs = createRuns({ post, module, words });
//   runs.bind();        // once the figures are made: the loss figure's tool row
//   runs.show(rows, compare, current, previous, note);  // a `runs` event; the run in use
//   runs.save(name, mime, bytes);                       // a `file` event

import { $, el, setMsg } from './dom.js';

/**
 * @typedef {import('../types/protocol').RunRow} RunRow
 * @typedef {import('../types/protocol').Request} Request
 */

/** The runs table's columns, in order: fields of a RunRow. */
/** @type {(keyof RunRow)[]} */
const COLUMNS = ['run', 'setup', 'seed', 'params', 'first_loss', 'at_init', 'steps', 'train_val', 'time', 'speed', 'guesses'];

/**
 * @param {object} o
 * @param {(msg: Request, transfer?: Transferable[]) => void} o.post to the trainer
 * @param {import('./module.js').Module} o.module the page's wasm module (the file size limit)
 * @param {import('./words.js').Words} o.words the page's sentences
 */
export function createRuns({ post, module, words }) {
  const weightsFile = $('weights-file', HTMLInputElement);
  $('clear-runs').onclick = () => post({ type: 'clear_runs' });
  $('runs-csv').onclick = () => post({ type: 'export', what: 'runs_csv' });
  $('save-weights').onclick = () => post({ type: 'export', what: 'weights' });
  // Exercise E02: the worker folds the model's BatchNorms (or says why not) in a `fold` notice.
  $('fold-bn').onclick = () => post({ type: 'fold' });
  weightsFile.onchange = async () => {
    const f = weightsFile.files?.[0];
    weightsFile.value = '';
    if (!f) return;
    const wasm = module.current();
    if (!wasm) {
      setMsg($('weights-msg'), words.stillStarting(f.name), 'warn');
      return;
    }
    const refused = wasm.weights_file_refused(f.name, f.size);
    if (refused) {
      setMsg($('weights-msg'), refused, 'bad');
      return;
    }
    let buf;
    try {
      buf = await f.arrayBuffer();
    } catch (e) {
      const fault = e instanceof Error ? e.message : String(e);
      setMsg($('weights-msg'), words.say((w) => w.file_unreadable(f.name, fault), fault), 'bad');
      return;
    }
    post({ type: 'load_weights', bytes: new Uint8Array(buf), name: f.name }, [buf]);
  };

  return {
    /**
     * Wires the loss figure's tool row (made with the figures): the run to compare with, the
     * previous chapter's in one click, and the zoom on the first steps, sent together.
     */
    bind() {
      const compare = $('compare', HTMLSelectElement);
      const previous = $('compare-previous', HTMLButtonElement);
      const zoom = $('loss-zoom', HTMLInputElement);
      /** @param {string} run */
      const send = (run) => post({ type: 'compare', run: run === '' ? null : Number(run), first_steps: zoom.checked });
      compare.onchange = () => send(compare.value);
      zoom.checked = false;
      zoom.onchange = () => send(compare.value);
      previous.disabled = true;
      previous.onclick = () => { if (previous.dataset.run) send(previous.dataset.run); };
    },
    /**
     * The table and the compare choices (a `runs` event); `current` is the run in use;
     * `previous` the run "previous chapter" chooses (null: none), `note` which, or why none.
     * @param {RunRow[]} rows
     * @param {number | null} compared
     * @param {number | undefined} current
     * @param {number | null} previous
     * @param {string} note
     */
    show(rows, compared, current, previous, note) {
      const body = $('runs-table', HTMLTableElement).tBodies[0];
      body.replaceChildren(...rows.map((r) => {
        const tr = el('tr');
        if (r.run === current) tr.className = 'current';
        for (const k of COLUMNS) {
          tr.append(el(k === 'run' ? 'th' : 'td', k === 'run' ? { scope: 'row' } : {}, String(r[k])));
        }
        return tr;
      }));
      const options = [el('option', { value: '' }, words.say((w) => w.compare_choice(undefined, '')))];
      for (const r of rows) {
        if (r.run === current) continue;
        options.push(el('option', { value: String(r.run) }, words.say((w) => w.compare_choice(r.run, r.setup))));
      }
      const compare = $('compare', HTMLSelectElement);
      compare.replaceChildren(...options);
      compare.value = compared == null ? '' : String(compared);
      $('clear-runs', HTMLButtonElement).disabled = options.length < 2;
      const button = $('compare-previous', HTMLButtonElement);
      button.disabled = previous == null;
      button.dataset.run = previous == null ? '' : String(previous);
      button.title = note;
    },
    /**
     * Saves a file the worker wrote.
     * @param {string} name
     * @param {string} mime
     * @param {Uint8Array<ArrayBuffer>} bytes
     */
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
