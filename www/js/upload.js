// @ts-check
// Names files: the picker and drag-and-drop. The size is checked by the wasm module before the
// file is read; the worker parses it and answers with `data` or `load_error`, tagged with the
// upload's number, so a reply always matches its file, however many are in flight.
//
//   const upload = createUpload({ post, module, words });
//   upload.loaded(n);   // the worker loaded upload n: its file {name, bytes}, the data in use now
//   upload.failed(n);   // the worker refused it

import { $, setMsg } from './dom.js';

/** How long a good message stays (a refusal stays until closed or replaced). */
const GOOD_FOR_MS = 20_000;

/** @typedef {{ name: string, bytes: Uint8Array }} NamesFile */

/**
 * @param {object} o
 * @param {(msg: import('../types/protocol').Request, transfer?: Transferable[]) => void} o.post to the trainer
 * @param {import('./module.js').Module} o.module the page's wasm module (the file size limit)
 * @param {import('./words.js').Words} o.words the page's sentences
 */
export function createUpload({ post, module, words }) {
  let uploads = 0;
  /** The uploads sent so far, in the order they were chosen. */
  let sending = Promise.resolve();
  /** @type {Map<number, NamesFile>} upload number -> its file */
  const inflight = new Map();
  const msg = $('upload-msg');

  /** @param {File | undefined} file */
  async function load(file) {
    if (!file) return;
    const wasm = module.current();
    const name = file.name || (wasm?.unnamed_file() ?? '');
    if (!wasm) {
      setMsg(msg, words.stillStarting(name), 'warn');
      return;
    }
    const refused = wasm.names_file_refused(name, file.size);
    if (refused) {
      setMsg(msg, refused, 'bad');
      return;
    }
    const upload = ++uploads;
    setMsg(msg, wasm.reading_file(name));
    // Files go to the worker in the order they were chosen, each after the one before: a large
    // file read slowly never overtakes a small one chosen after it (the last chosen wins, and it
    // is the copy a restart loads).
    const read = file.arrayBuffer();
    read.catch(() => {}); // awaited in turn below; this only keeps a failure from going unhandled
    sending = sending.then(async () => {
      let buf;
      try {
        buf = await read;
      } catch (e) {
        const fault = e instanceof Error ? e.message : String(e);
        setMsg(msg, words.say((w) => w.file_unreadable(name, fault), fault), 'bad');
        return;
      }
      const bytes = new Uint8Array(buf);
      inflight.set(upload, { name, bytes: bytes.slice() });
      post({ type: 'load', bytes, name, upload }, [buf]);
    });
    await sending;
  }

  // On a laptop the message floats over the page (style.css): it closes with its button, and a
  // good one by itself after a while (the data line above keeps what it said).
  $('upload-close').onclick = () => setMsg(msg, '');
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let fading;
  new MutationObserver(() => {
    clearTimeout(fading);
    const said = msg.textContent;
    if (msg.className === 'good') fading = setTimeout(() => { if (msg.textContent === said) setMsg(msg, ''); }, GOOD_FOR_MS);
  }).observe(msg, { childList: true, characterData: true, subtree: true, attributes: true });

  const picker = $('file', HTMLInputElement);
  picker.onchange = () => {
    const f = picker.files?.[0];
    picker.value = '';
    load(f);
  };
  const veil = $('drop-veil');
  let depth = 0;
  window.addEventListener('dragenter', (e) => {
    if (![...(e.dataTransfer?.types ?? [])].includes('Files')) return;
    e.preventDefault();
    depth++;
    veil.hidden = false;
  });
  window.addEventListener('dragover', (e) => { e.preventDefault(); });
  window.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (!depth) veil.hidden = true;
  });
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    veil.hidden = true;
    load(e.dataTransfer?.files?.[0]);
  });

  return {
    /**
     * The worker loaded upload `upload`: its file, the data in use from now on (and after a
     * restart); null if it is not one of this page's.
     * @param {number} upload
     * @returns {NamesFile | null}
     */
    loaded(upload) {
      const f = inflight.get(upload) ?? null;
      for (const k of [...inflight.keys()]) if (k <= upload) inflight.delete(k);
      return f;
    },
    /** @param {number} upload */
    failed(upload) {
      inflight.delete(upload);
    },
  };
}
