//! The browser bench (`tests/bench/browser.mjs`): the real page in headless Chromium (first
//! step, training speed with and without its charts, main-thread tasks) and both wasm builds'
//! kernels. Each of its parts that failed is recorded with its error text. The page trains with
//! the threaded build on every core (the bench's server sends COOP/COEP); `one_thread_round`
//! runs it again with `?threads=1` (the relaxed single-thread build), and `threads_round` runs
//! `tests/bench/threads.mjs` (the trainer alone in a worker: the threaded build on 1..cores
//! threads, and the scaling table, against the relaxed build). `engines_round` runs
//! `tests/bench/engines.mjs`: the page's own steps/s in Chromium, Firefox and WebKitGTK.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::common::{capture, last_json, EngineInfo, Measured, Opts};
use crate::process::root;

const FIGURES: [&str; 8] = [
    "mlp_steps_per_s",
    "deep_steps_per_s",
    "worker_only_mlp_steps_per_s",
    "worker_only_deep_steps_per_s",
    "first_step_ms",
    "ready_ms",
    "longest_task_ms",
    "main_busy_pct",
];
const KERNEL_FIGURES: [&str; 3] = ["peak_gflops", "matmul_gflops", "matmul_fraction"];
const TIMEOUT: Duration = Duration::from_secs(600);

#[derive(Deserialize)]
struct Line {
    chromium: String,
    page_kernels: Option<String>,
    /// Per build (`plain`, `relaxed`): its figures.
    kernels: Option<BTreeMap<String, BTreeMap<String, Value>>>,
    /// Error text by part (`load`, `page`, `no_charts`, `kernels`).
    #[serde(default)]
    failed: BTreeMap<String, String>,
    /// The page's own console errors and uncaught exceptions.
    #[serde(default)]
    errors: Vec<String>,
    #[serde(flatten)]
    figures: BTreeMap<String, Value>,
}

/// One round: runs browser.mjs and keeps its figures as `browser.*`.
pub fn round(m: &mut Measured, o: &Opts, round: usize) {
    let mut cmd = Command::new("node");
    cmd.arg(root().join("tests/bench/browser.mjs"))
        .args(["--rounds", if o.quick { "1" } else { "2" }]);
    let line = match capture(&mut cmd, "browser bench", Some(TIMEOUT), true)
        .and_then(|out| last_json::<Line>(&out))
    {
        Ok(line) => line,
        Err(e) => return m.fail("browser", e),
    };
    m.chromium = line.chromium;
    if let Some(k) = line.page_kernels {
        m.page_kernels = k;
    }
    for k in FIGURES {
        let v = line.figures.get(k).and_then(Value::as_f64);
        m.samples.push(format!("browser.{k}"), round, v);
    }
    for (build, figures) in line.kernels.iter().flatten() {
        for k in KERNEL_FIGURES {
            let v = figures.get(k).and_then(Value::as_f64);
            m.samples.push(format!("browser.{build}.{k}"), round, v);
        }
    }
    for (part, e) in line.failed {
        m.fail(&format!("browser.{part}"), e);
    }
    for e in line.errors {
        m.errors.push(format!("page: {e}"));
    }
}

/// The page's training speeds on one thread (`?threads=1`: the relaxed build), as `browser1.*`.
pub fn one_thread_round(m: &mut Measured, o: &Opts, round: usize) {
    let mut cmd = Command::new("node");
    cmd.arg(root().join("tests/bench/browser.mjs"))
        .args(["--rounds", if o.quick { "1" } else { "2" }])
        .args(["--threads", "1", "--no-kernels"]);
    let line = match capture(&mut cmd, "browser bench, 1 thread", Some(TIMEOUT), true)
        .and_then(|out| last_json::<Line>(&out))
    {
        Ok(line) => line,
        Err(e) => return m.fail("browser1", e),
    };
    for k in ["mlp_steps_per_s", "deep_steps_per_s"] {
        let v = line.figures.get(k).and_then(Value::as_f64);
        m.samples.push(format!("browser1.{k}"), round, v);
    }
    for (part, e) in line.failed {
        m.fail(&format!("browser1.{part}"), e);
    }
}

#[derive(Deserialize)]
struct Threads {
    cores: usize,
    steps: Vec<ThreadsRow>,
    #[serde(default)]
    errors: Vec<String>,
}

#[derive(Deserialize)]
struct ThreadsRow {
    build: String,
    threads: usize,
    chapter: String,
    n_hidden: usize,
    batch: usize,
    steps_per_s: Option<f64>,
    /// The median of the turns' ratios to the relaxed build.
    ratio: Option<f64>,
}

/// tests/bench/threads.mjs: `threads.<build>.<threads>.<chapter>.<n_hidden>.<batch>` (steps/s;
/// `.ratio`: the median of the turns' ratios to the relaxed build), and `threads.cores`.
pub fn threads_round(m: &mut Measured, o: &Opts, round: usize) {
    let mut cmd = Command::new("node");
    cmd.arg(root().join("tests/bench/threads.mjs"))
        .arg("--json");
    if o.quick {
        cmd.arg("--quick");
    }
    let line = match capture(&mut cmd, "browser threads bench", Some(TIMEOUT), true)
        .and_then(|out| last_json::<Threads>(&out))
    {
        Ok(line) => line,
        Err(e) => return m.fail("threads", e),
    };
    m.samples
        .push("threads.cores", round, Some(line.cores as f64));
    for r in line.steps {
        let key = format!(
            "threads.{}.{}.{}.{}.{}",
            r.build, r.threads, r.chapter, r.n_hidden, r.batch
        );
        m.samples.push(format!("{key}.ratio"), round, r.ratio);
        m.samples.push(key, round, r.steps_per_s);
    }
    for e in line.errors {
        m.errors.push(format!("threads bench: {e}"));
    }
}

#[derive(Deserialize)]
struct Engines {
    engines: Vec<EngineRow>,
    #[serde(default)]
    errors: Vec<String>,
}

#[derive(Deserialize)]
struct EngineRow {
    engine: String,
    version: String,
    kernels: String,
    mlp_steps_per_s: Option<f64>,
    deep_steps_per_s: Option<f64>,
}

/// tests/bench/engines.mjs: the page as a student opens it, in each engine in turn, as
/// `engines.<engine>.{mlp,deep}_steps_per_s`.
pub fn engines_round(m: &mut Measured, o: &Opts, round: usize) {
    let mut cmd = Command::new("node");
    cmd.arg(root().join("tests/bench/engines.mjs")).args([
        "--json",
        "--seconds",
        if o.quick { "5" } else { "10" },
    ]);
    let line = match capture(&mut cmd, "engines bench", Some(TIMEOUT), true)
        .and_then(|out| last_json::<Engines>(&out))
    {
        Ok(line) => line,
        Err(e) => return m.fail("engines", e),
    };
    for r in line.engines {
        for (model, v) in [("mlp", r.mlp_steps_per_s), ("deep", r.deep_steps_per_s)] {
            m.samples.push(
                format!("engines.{}.{model}_steps_per_s", r.engine),
                round,
                v,
            );
        }
        let info = EngineInfo {
            version: r.version,
            kernels: r.kernels,
        };
        m.engines.insert(r.engine, info);
    }
    for e in line.errors {
        m.fail("engines", e);
    }
}
