//! PyTorch side by side: `tests/reference/bench_pytorch.py` (or `$MAKEMORE_PYTORCH_BENCH`), eager
//! `notebook` and `nn_sgd` at 1 and 2 threads, and `nn_compile` for the deep model once, on the
//! page's own names file. Each configuration runs in its own process.

use std::env;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::Deserialize;

use super::common::{capture, last_json, Measured, Opts};
use super::samples::Samples;
use crate::process::{root, Result};

const TIMEOUT: Duration = Duration::from_secs(300);

/// One configuration of the script; `every_round` ones run each round, the others in the first.
pub struct Config {
    pub model: &'static str,
    pub imp: &'static str,
    pub threads: u32,
    every_round: bool,
}

impl Config {
    /// The key prefix of its figures: `torch.deep.nn_sgd.1`.
    pub fn key(&self) -> String {
        format!("torch.{}.{}.{}", self.model, self.imp, self.threads)
    }
}

pub fn configs(o: &Opts) -> Vec<Config> {
    let mut v = Vec::new();
    for model in ["mlp", "deep"] {
        for imp in ["notebook", "nn_sgd"] {
            v.push(Config {
                model,
                imp,
                threads: 1,
                every_round: true,
            });
            if !o.quick {
                // Two threads lose to one on this kind of machine (see pytorch.md); measured once.
                v.push(Config {
                    model,
                    imp,
                    threads: 2,
                    every_round: false,
                });
            }
        }
    }
    if o.compile {
        v.push(Config {
            model: "deep",
            imp: "nn_compile",
            threads: 1,
            every_round: false,
        });
    }
    v
}

/// The script: `$MAKEMORE_PYTORCH_BENCH`, else the repository's own.
pub fn script() -> PathBuf {
    env::var_os("MAKEMORE_PYTORCH_BENCH").map_or_else(
        || root().join("tests/reference/bench_pytorch.py"),
        PathBuf::from,
    )
}

/// `torch.__version__`, if `import torch` works.
pub fn version() -> Option<String> {
    let out = Command::new("python3")
        .args(["-c", "import torch; print(torch.__version__)"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[derive(Deserialize)]
struct Line {
    it_per_s_median: Option<f64>,
    eval_ms_median: Option<f64>,
}

fn run(c: &Config) -> Result<Line> {
    let (iters, warmup) = match c.model {
        "mlp" => ("4000", "400"),
        _ => ("1500", "200"),
    };
    let mut cmd = Command::new("python3");
    cmd.arg(script())
        .args(["--model", c.model, "--impl", c.imp, "--threads"])
        .arg(c.threads.to_string())
        .args(["--iters", iters, "--warmup", warmup, "--reps", "3"])
        .args(["--eval-reps", "1"])
        // The same names as ours (the page's default file).
        .arg("--data")
        .arg(root().join("www/names.txt"))
        .env("OMP_NUM_THREADS", c.threads.to_string());
    if c.threads > 1 {
        // libgomp's spin-waiting collapses 2-thread runs on a loaded 2-core machine
        // (see pytorch.md); passive waiting is what the reference used for its 2-thread rows.
        cmd.env("OMP_WAIT_POLICY", "PASSIVE");
    }
    let what = format!(
        "bench_pytorch.py {} {} {} thread(s)",
        c.model, c.imp, c.threads
    );
    let out = capture(&mut cmd, &what, Some(TIMEOUT), true)?;
    last_json(&out).map_err(|e| format!("{what}: {e}"))
}

/// One round: every configuration due in it, as `torch.<model>.<impl>.<threads>.*`.
pub fn round(m: &mut Measured, o: &Opts, round: usize, say: impl Fn(&str)) {
    for c in configs(o) {
        if !c.every_round && round > 0 {
            continue;
        }
        say(&format!(
            "PyTorch {} {}, {} thread(s)",
            c.model, c.imp, c.threads
        ));
        match run(&c) {
            Ok(line) => {
                let key = c.key();
                m.samples
                    .push(format!("{key}.it_per_s"), round, line.it_per_s_median);
                m.samples
                    .push(format!("{key}.eval_ms"), round, line.eval_ms_median);
            }
            Err(e) => m.fail("pytorch", e),
        }
    }
}

/// PyTorch's best eager speed of `model` (median over rounds, best of implementations and thread
/// counts), with which one it was.
pub fn eager_best(s: &Samples, model: &str) -> Option<(f64, String)> {
    best_of(s, model, &["notebook", "nn_sgd"], "it_per_s", |a, b| a > b)
}

/// PyTorch's fastest full-split evaluation of the deep model, ms, over every implementation.
pub fn eval_best(s: &Samples) -> Option<(f64, String)> {
    best_of(
        s,
        "deep",
        &["notebook", "nn_sgd", "nn_compile"],
        "eval_ms",
        |a, b| a < b,
    )
}

fn best_of(
    s: &Samples,
    model: &str,
    imps: &[&str],
    figure: &str,
    better: impl Fn(f64, f64) -> bool,
) -> Option<(f64, String)> {
    let mut best: Option<(f64, String)> = None;
    for imp in imps {
        for threads in [1, 2] {
            if let Some(v) = s.med(&format!("torch.{model}.{imp}.{threads}.{figure}")) {
                if best.as_ref().is_none_or(|(b, _)| better(v, *b)) {
                    best = Some((v, format!("{imp}, {threads} thr")));
                }
            }
        }
    }
    best
}

/// Ours over PyTorch's best eager speed of the same round, median over rounds: the two were
/// measured minutes apart rather than a whole run apart.
pub fn round_ratio(s: &Samples, rounds: usize, ours_key: &str, model: &str) -> Option<f64> {
    let ratios: Vec<f64> = (0..rounds)
        .filter_map(|r| {
            let ours = s.at(ours_key, r)?;
            let best = ["notebook", "nn_sgd"]
                .iter()
                .flat_map(|imp| [1, 2].map(|t| format!("torch.{model}.{imp}.{t}.it_per_s")))
                .filter_map(|k| s.at(&k, r))
                .fold(f64::NAN, f64::max);
            (best > 0.0).then(|| ours / best)
        })
        .collect();
    super::samples::median(ratios)
}
