//! What every part of the bench shares: its options, what it measured (and what failed), and
//! running a part's program to its JSON line.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;

use super::samples::Samples;
use crate::process::Result;

/// `cargo xtask bench`'s flags (main.rs's USAGE says what each does).
pub struct Opts {
    pub json: bool,
    pub rounds: usize,
    pub quick: bool,
    pub browser: bool,
    pub pytorch: bool,
    pub compile: bool,
}

pub fn parse(flags: &[String]) -> Result<Opts> {
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
            _ => return Err(format!("bench: unknown flag `{f}`")),
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
    /// Per engine of the engines bench (`chromium`, `firefox`, `webkit`): its version and the
    /// build and threads its page said it trains with.
    pub engines: BTreeMap<String, EngineInfo>,
    /// The largest of the wasm builds (variants.rs: the page module, the training builds), raw
    /// and gzip -9: the budget is per build, and a browser loads the page module and one other.
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

/// An engine as the engines bench saw it.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct EngineInfo {
    pub version: String,
    /// The page's "kernels: ..." line without its label.
    pub kernels: String,
}

impl Measured {
    pub fn fail(&mut self, part: &str, error: String) {
        self.errors.push(format!("{part}: {error}"));
        self.failed.entry(part.to_string()).or_insert(error);
    }
}

/// The last line of `out` that parses as a `T` (a JSON object), or why there is none.
pub fn last_json<T: DeserializeOwned>(out: &str) -> Result<T> {
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
pub fn capture(
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

pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

pub fn cpu_model() -> String {
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
