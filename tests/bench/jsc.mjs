#!/usr/bin/env node
// The plain wasm builds in JavaScriptCore (WebKit's engine) without a browser: its shell `jsc`
// (Debian: `apt-get install libjavascriptcoregtk-4.0-bin`) loads each package given, and times
// training steps (`StepBench`, one thread) or the deep model's products (`KernelBench`), the
// packages (and works) in turns, round after round. A figure is steps per second of the shell's
// main thread's CPU time (/proc/<pid>/task/<pid>/schedstat, read while the shell waits), so that other
// programs on a shared machine do not decide the ratios; each ratio is the median of the rounds'.
//
//   node tests/bench/jsc.mjs [--work deep|fix-tanh|lab:deep|forward|weight_grad|input_grad|products[,...]]
//                            [--steps N] [--rounds N] [PKG ...]
//
// lab:CHAPTER is the page's worker (`WorkerLab`: the session, its diagnostics and events) training
// the chapter, counted by the steps its progress events show: a window ends with the first tick
// whose progress reaches N more steps, and counts the steps that tick reports (a window starts
// where the one before ended, at a tick that reported its step). Several works, comma-separated,
// are each timed on each package, in turns (`--work deep,lab:deep`: the lab's cost per step
// against the bare trainer's, in one run).
//
// PKG: a folder with makemore_lab.js and makemore_lab_bg.wasm, default www/pkg/ (the plain
// build); the first package's first work is the reference. The relaxed builds do not load
// (JavaScriptCore has no relaxed SIMD). Needs www/pkg (`cargo xtask build`). Linux only (the CPU time).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { WWW } from '../e2e/harness.mjs';

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv.splice(i, 2)[1] : fallback;
};
const works = opt('--work', 'deep').split(',');
const products = ['forward', 'weight_grad', 'input_grad', 'products'];
const steps = Number(opt('--steps', works.includes('fix-tanh') ? '4000' : '300'));
const rounds = Number(opt('--rounds', '7'));
const pkgs = (argv.length ? argv : [join(WWW, 'pkg')]).map((p) => resolve(p));

// The shell has no TextEncoder, TextDecoder or `self` (the glue and wasm-bindgen-rayon's
// snippet name them); `readline` waits for this script between windows.
const dir = mkdtempSync(join(tmpdir(), 'jsc-bench-'));
writeFileSync(join(dir, 'shim.js'), `
globalThis.self = globalThis;
globalThis.TextEncoder = class { encode(s = '') { const u = unescape(encodeURIComponent(s)); return Uint8Array.from(u, (c) => c.charCodeAt(0)); }
  encodeInto(s, v) { const a = this.encode(s); v.set(a.subarray(0, v.length)); return { read: s.length, written: Math.min(a.length, v.length) }; } };
globalThis.TextDecoder = class { decode(b) { if (!b) return ''; let s = ''; for (const c of new Uint8Array(b)) s += String.fromCharCode(c); try { return decodeURIComponent(escape(s)); } catch { return s; } } };`);
writeFileSync(join(dir, 'run.mjs'), `import './shim.js';
const [workList, steps, rounds, ...pkgs] = globalThis.arguments;
const names = new Uint8Array(readFile(${JSON.stringify(join(WWW, 'names.txt'))}, 'binary'));
const runs = [];
for (const pkg of pkgs) {
  const m = await import(pkg + '/makemore_lab.js');
  await m.default({ module_or_path: readFile(pkg + '/makemore_lab_bg.wasm', 'binary') });
  for (const work of workList.split(',')) {
    const k = ${JSON.stringify(products)}.indexOf(work);
    let run;
    if (k >= 0) { const kb = new m.KernelBench(); run = (n) => { kb.run(k, n); return n; }; }
    else if (work.startsWith('lab:')) {
      // The page's worker: a WorkerLab training the chapter, ticked until n more steps are shown.
      const lab = new m.WorkerLab({ type: 'init', bytes: null, name: null, simd: null, link: null, threads: null }, names);
      lab.start_events();
      for (const msg of [{ type: 'chapter', name: work.slice(4) }, { type: 'budget', steps: '10000000', hold: false }, { type: 'train' }]) lab.handle(msg);
      let step = 0;
      run = (n) => { const from = step; while (step < from + n) for (const e of lab.tick()) if (e.type === 'progress') step = e.progress.step; return step - from; };
    } else { const sb = new m.StepBench(work, 200, 32, names); run = (n) => { sb.steps(n); return n; }; }
    run(Number(steps)); // warm-up: the optimizing tier
    runs.push(run);
  }
}
for (let r = 0; r < Number(rounds); r++) runs.forEach((run, i) => {
  print('S'); readline(); const done = run(Number(steps)); print('E ' + i + ' ' + done); readline();
});
print('DONE');`);

const jsc = spawn('jsc', ['-m', join(dir, 'run.mjs'), '--', works.join(','), String(steps), String(rounds), ...pkgs], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
jsc.on('error', (e) => { console.error(`jsc: ${e.message} (apt-get install libjavascriptcoregtk-4.0-bin)`); process.exit(1); });
const cpu = () => Number(readFileSync(`/proc/${jsc.pid}/task/${jsc.pid}/schedstat`, 'utf8').split(' ')[0]);
const contenders = pkgs.flatMap((p) => works.map((w) => `${p} ${w}`));
const rates = contenders.map(() => []);
let start = 0;
for await (const line of createInterface({ input: jsc.stdout })) {
  if (line === 'S') start = cpu();
  else if (line.startsWith('E ')) {
    const [i, done] = line.slice(2).split(' ').map(Number);
    rates[i].push(done / ((cpu() - start) / 1e9));
  }
  else if (line === 'DONE') break;
  else { console.log(line); continue; }
  jsc.stdin.write('\n');
}
jsc.stdin.end();
const median = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
const unit = works.every((w) => products.includes(w)) ? 'runs' : 'steps';
console.log(`JavaScriptCore shell, ${works.join(', ')}, ${steps} ${unit} a window, ${rounds} rounds in turns; ${unit} per CPU-second of the main thread`);
contenders.forEach((p, i) => {
  const ratios = rates[i].map((x, r) => x / rates[0][r]);
  console.log(`${p.padEnd(50)} ${median(rates[i]).toFixed(1).padStart(9)}  ${median(ratios).toFixed(3)}x the first [${Math.min(...ratios).toFixed(3)}..${Math.max(...ratios).toFixed(3)}]`);
});
