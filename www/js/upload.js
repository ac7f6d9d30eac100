// Names files: the picker and drag-and-drop. The size is checked by the wasm module before the
// file is read; the worker parses it and answers with `data` or `load_error`, tagged with the
// upload's number, so a reply always matches its file, however many are in flight.

import { $, setMsg } from './dom.js';

export function createUpload(S, post) {
  let uploads = 0;
  const inflight = new Map(); // upload number -> {name, bytes}

  async function load(file) {
    if (!file) return;
    const name = file.name || 'the file';
    if (!S.wasm) {
      setMsg($('upload-msg'), `“${name}” was not loaded: the page is still starting; try again in a moment.`, 'warn');
      return;
    }
    const problem = S.wasm.file_size_problem(file.size);
    if (problem) {
      setMsg($('upload-msg'), `“${name}” was not loaded: ${problem}. The data, model and plots in use are unchanged.`, 'bad');
      return;
    }
    const upload = ++uploads;
    setMsg($('upload-msg'), `reading “${name}”…`);
    let buf;
    try {
      buf = await file.arrayBuffer();
    } catch (e) {
      setMsg($('upload-msg'), `“${name}” could not be read: ${e?.message ?? e}`, 'bad');
      return;
    }
    const bytes = new Uint8Array(buf);
    inflight.set(upload, { name, bytes: bytes.slice() });
    post({ type: 'load', bytes, name, upload }, [buf]);
  }

  $('file').onchange = () => {
    const f = $('file').files[0];
    $('file').value = '';
    load(f);
  };
  let depth = 0;
  window.addEventListener('dragenter', (e) => {
    if (![...(e.dataTransfer?.types ?? [])].includes('Files')) return;
    e.preventDefault();
    depth++;
    $('drop-veil').hidden = false;
  });
  window.addEventListener('dragover', (e) => { e.preventDefault(); });
  window.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (!depth) $('drop-veil').hidden = true;
  });
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    $('drop-veil').hidden = true;
    load(e.dataTransfer?.files?.[0]);
  });

  return {
    /** The worker loaded upload `upload`: it is the data in use from now on (and after a restart). */
    loaded(upload) {
      const f = inflight.get(upload);
      if (f) {
        S.dataBytes = f.bytes;
        S.dataName = f.name;
      }
      for (const k of [...inflight.keys()]) if (k <= upload) inflight.delete(k);
    },
    failed(upload) {
      inflight.delete(upload);
    },
    inflight: () => inflight.size,
  };
}
