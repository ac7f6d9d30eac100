//! `cargo xtask bench [--json] [--quick] [--rounds N] [--no-browser] [--no-pytorch] [--no-compile]`
//! `cargo xtask bench --long-run [--steps N]`: a class that leaves training running; the page's
//! memory and longest main-thread task over ten million steps (tests/bench/longrun.mjs).
//!
//! One table (or, with `--json`, one JSON line) of this machine's speeds, measured side by side:
//! every round runs the native bench and its threads scaling table (native.rs), the browser bench
//! (browser.rs: the real page in headless Chromium, training in its Web Worker on every core and
//! on one thread, both wasm builds' kernels and peaks, and the threaded build alone on 1..cores
//! threads with its scaling table), and,
//! when `import torch` works, PyTorch's bench script (pytorch.rs). Medians over rounds; PyTorch's
//! "eager best" is the best eager median of either thread count. The machine is shared, so the
//! load average is printed with the numbers and only same-run ratios mean much. A part that
//! fails does not stop the others: its rows say FAILED with the error, in the table and the JSON.

mod browser;
mod native;
mod pytorch;
mod samples;
mod table;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;

use crate::{build, cargo, root, target_dir, toolchain, Result};
use samples::Samples;

pub struct Opts {
    json: bool,
    rounds: usize,
    quick: bool,
    browser: bool,
    pytorch: bool,
    compile: bool,
}

fn parse(flags: &[String]) -> Result<Opts> {
    let mut o = Opts {
        json: false,
        rounds: 3,
        quick: false,
        browser: true,
        pytorch: true,
        compile: true,
    };
    let mut it = flags.iter();
    while let Some(f) = it.next() {
        match f.as_str() {
            "--json" => o.json = true,
            "--quick" => {
                o.quick = true;
                o.rounds = 1;
                o.compile = false;
            }
            "--rounds" => {
                o.rounds = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&r| r > 0)
                    .ok_or("--rounds needs a positive number")?
            }
            "--no-browser" => o.browser = false,
            "--no-pytorch" => o.pytorch = false,
            "--no-compile" => o.compile = false,
            _ => {
                return Err("usage: cargo xtask bench [--json] [--quick] [--rounds N] \
                            [--no-browser] [--no-pytorch] [--no-compile]"
                    .into())
            }
        }
    }
    Ok(o)
}

/// Everything one run measured, and what failed.
#[derive(Default)]
pub struct Measured {
    pub rounds: usize,
    pub samples: Samples,
    /// The load average before the first round and after each.
    pub loads: Vec<String>,
    /// The native kernels (`avx2+fma (8 lanes, FMA)`).
    pub backend: String,
    pub chromium: String,
    /// The wasm build the page's worker chose.
    pub page_kernels: String,
    /// The largest of the four wasm builds (the page module, three training builds), raw and gzip -9.
    pub wasm_raw: Option<usize>,
    pub wasm_gz: Option<usize>,
    /// PyTorch's version, when it ran.
    pub torch: Option<String>,
    /// What the PyTorch columns are (or why there are none).
    pub torch_note: String,
    /// The first error of each part that failed (`native`, `browser`, `browser.page`, `pytorch`).
    pub failed: BTreeMap<String, String>,
    /// Every error, and the page's own errors, in order.
    pub errors: Vec<String>,
}

impl Measured {
    fn fail(&mut self, part: &str, error: String) {
        self.errors.push(format!("{part}: {error}"));
        self.failed.entry(part.to_string()).or_insert(error);
    }
}

/// `--long-run [--steps N]`: builds the page and runs tests/bench/longrun.mjs, which prints its
/// own table and JSON line.
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
            _ => return Err("usage: cargo xtask bench --long-run [--steps N] [--json]".into()),
        }
    }
    toolchain::ensure_chromium()?;
    build::build(false)?;
    crate::run(&mut script)
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
    crate::run(cargo().args([
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
        toolchain::ensure_chromium()?;
        build::build(false)?;
        // Each build has the budget (a browser loads the page module and one training build):
        // the largest one is the figure.
        for wasm in [
            "www/pkg/page",
            "www/pkg",
            "www/pkg/relaxed",
            "www/pkg/threads",
        ] {
            let wasm = root().join(wasm).join("makemore_lab_bg.wasm");
            let raw = std::fs::metadata(&wasm).ok().map(|m| m.len() as usize);
            let gz = gzip_len(&wasm);
            if gz > m.wasm_gz {
                (m.wasm_raw, m.wasm_gz) = (raw, gz);
            }
        }
        if !root().join("node_modules/playwright-core").is_dir() {
            crate::run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]))?;
        }
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
        }
        if m.torch.is_some() {
            pytorch::round(&mut m, &o, round, say);
        }
        m.loads.push(loadavg());
    }

    let rows = table::rows(&m);
    if o.json {
        println!("{}", table::json(&m, &rows));
    } else {
        table::print(&m, &rows, &o);
    }
    Ok(())
}

/// The last line of `out` that parses as a `T` (a JSON object), or why there is none.
fn last_json<T: DeserializeOwned>(out: &str) -> Result<T> {
    let mut error = "no JSON line in its output".to_string();
    for line in out
        .lines()
        .rev()
        .map(str::trim)
        .filter(|l| l.starts_with('{'))
    {
        match serde_json::from_str(line) {
            Ok(v) => return Ok(v),
            Err(e) => error = format!("its JSON line does not fit: {e}"),
        }
    }
    Err(error)
}

/// Runs `cmd` and returns its stdout, failing on a non-zero exit or after `timeout`. Its stderr
/// is passed through, or with `quiet` kept, shown if the command fails, and its last line put
/// in the error.
fn capture(
    cmd: &mut Command,
    what: &str,
    timeout: Option<Duration>,
    quiet: bool,
) -> Result<String> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(if quiet {
            Stdio::piped()
        } else {
            Stdio::inherit()
        })
        .spawn()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    let read_all = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let out_reader = read_all(Box::new(child.stdout.take().expect("piped")));
    let err_reader = child.stderr.take().map(|e| read_all(Box::new(e)));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if timeout.is_some_and(|t| start.elapsed() > t) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "{what}: no result after {} s",
                start.elapsed().as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.map(|r| r.join().unwrap_or_default());
    if !status.success() {
        let last = match &err {
            Some(err) => {
                eprint!("{err}");
                let last = err.lines().rev().find(|l| !l.trim().is_empty());
                last.map_or(String::new(), |l| format!(": {}", l.trim()))
            }
            None => " (its messages are above)".into(),
        };
        return Err(format!("{what}: failed ({status}){last}"));
    }
    Ok(out)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn cpu_model() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{model}, {cores} cores")
}

fn gzip_len(path: &std::path::Path) -> Option<usize> {
    let out = Command::new("gzip").arg("-9c").arg(path).output().ok()?;
    out.status.success().then_some(out.stdout.len())
}
