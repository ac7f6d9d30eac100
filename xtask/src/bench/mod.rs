//! `cargo xtask bench` (its flags: main.rs's USAGE): one table (or, with `--json`, one JSON
//! line) of this machine's speeds, measured side by side: every round runs the native bench and
//! its threads scaling table (native.rs), the browser bench (browser.rs: the real page in
//! headless Chromium, training in its Web Worker on every core and on one thread, the plain and
//! relaxed builds' kernels and peaks, and the threaded builds alone on 1..cores threads with the
//! scaling table; and the page in Chromium, Firefox and WebKitGTK, a row each), and, when `import torch` works, PyTorch's bench script (pytorch.rs). Medians
//! over rounds; PyTorch's "eager best" is the best eager median of either thread count. The
//! machine is shared, so the load average is printed with the numbers and only same-run ratios
//! mean much. A part that fails does not stop the others: its rows say FAILED with the error, in
//! the table and the JSON (rows.rs makes the rows, table.rs prints them).
//!
//! `--long-run`: a class that leaves training running; the page's memory and longest main-thread
//! task over ten million steps (tests/bench/longrun.mjs). `cargo xtask bench-threads`: threads.rs.

mod browser;
mod common;
mod native;
mod pytorch;
mod rows;
mod samples;
mod table;
pub mod threads;

use std::process::Command;

use crate::build;
use crate::process::{cargo, run, target_dir, Result};
use crate::toolchain::{ensure_chromium, ensure_engines, ensure_npm_packages};
use common::{loadavg, parse, Measured};

/// `--long-run [--steps N] [--json]`: builds the page and runs tests/bench/longrun.mjs, which
/// prints its own table and JSON line.
fn long_run(flags: &[String]) -> Result {
    let mut script = Command::new("node");
    script.arg("tests/bench/longrun.mjs");
    let mut it = flags.iter().filter(|f| *f != "--long-run");
    while let Some(f) = it.next() {
        match f.as_str() {
            "--steps" => {
                let n = it.next().ok_or("--steps needs a number")?;
                script.args(["--steps", n]);
            }
            "--json" => {
                script.arg("--json");
            }
            _ => return Err(format!("bench --long-run: unknown flag `{f}`")),
        }
    }
    ensure_chromium()?;
    build::build(false)?;
    run(&mut script)
}

pub fn bench(flags: &[String]) -> Result {
    if flags.iter().any(|f| f == "--long-run") {
        return long_run(flags);
    }
    let o = parse(flags)?;
    let say = |msg: &str| eprintln!("bench: {msg}");
    let mut m = Measured {
        rounds: o.rounds,
        loads: vec![loadavg()],
        ..Measured::default()
    };

    say("building the native bench (release)");
    run(cargo().args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "makemore-lab",
        "--bin",
        "bench",
    ]))?;
    let native_exe = target_dir().join("release").join("bench");
    if o.browser {
        say("building the wasm package (release) into www/pkg");
        ensure_chromium()?;
        ensure_engines()?;
        // The budget is per build (a browser loads the page module and one training build):
        // the largest one is the figure.
        let largest = build::build(false)?.into_iter().max_by_key(|b| b.gzip);
        (m.wasm_raw, m.wasm_gz) = (largest.as_ref().map(|b| b.raw), largest.map(|b| b.gzip));
        ensure_npm_packages()?;
    }
    let script = pytorch::script();
    if o.pytorch && script.is_file() {
        m.torch = pytorch::version();
    }
    m.torch_note = match (&m.torch, o.pytorch, script.is_file()) {
        (Some(v), _, _) => format!("PyTorch {v} (bench_pytorch.py, same run)"),
        (None, false, _) => "PyTorch skipped (--no-pytorch)".into(),
        (None, true, false) => format!(
            "no PyTorch columns: {} not found (set MAKEMORE_PYTORCH_BENCH)",
            script.display()
        ),
        (None, true, true) => {
            "no PyTorch columns: `import torch` fails here (`pip install torch`)".into()
        }
    };

    for round in 0..o.rounds {
        say(&format!(
            "round {} of {} (load {})",
            round + 1,
            o.rounds,
            loadavg()
        ));
        native::round(&mut m, &native_exe, &o, round);
        native::scaling_round(&mut m, &native_exe, &o, round);
        if o.browser {
            browser::round(&mut m, &o, round);
            browser::one_thread_round(&mut m, &o, round);
            browser::threads_round(&mut m, &o, round);
            browser::engines_round(&mut m, &o, round);
        }
        if m.torch.is_some() {
            pytorch::round(&mut m, &o, round, say);
        }
        m.loads.push(loadavg());
    }

    let rows = rows::rows(&m);
    if o.json {
        println!("{}", table::json(&m, &rows));
    } else {
        table::print(&m, &rows, &o);
    }
    Ok(())
}
