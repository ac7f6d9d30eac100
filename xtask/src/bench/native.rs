//! The native bench (`src/bin/bench.rs --json`): the training core's steps per second, its
//! matrix products against the machine's FMA peak, and the deep model's full-split evaluation;
//! and its scaling table (`--scaling`): the small MLP and the deep model at n_hidden x batch on
//! one thread and on every core, measured in turns.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde::Deserialize;
use serde_json::Value;

use super::common::{capture, last_json, Measured, Opts};

/// The figures of its JSON line that the table uses.
const FIGURES: [&str; 9] = [
    "peak_gflops",
    "matmul_deep_gflops",
    "matmul_deep_fraction",
    "mlp_steps_per_s",
    "deep_steps_per_s",
    "mlp_step_mflop",
    "deep_step_mflop",
    "deep_eval_train_s",
    "deep_eval_examples",
];

#[derive(Deserialize)]
struct Line {
    backend: String,
    #[serde(flatten)]
    figures: BTreeMap<String, Value>,
}

/// One round: runs `exe` and keeps its figures as `native.*`, or records why it failed.
pub fn round(m: &mut Measured, exe: &Path, o: &Opts, round: usize) {
    let mut cmd = Command::new(exe);
    cmd.arg("--json");
    if o.quick {
        cmd.arg("--quick");
    } else {
        cmd.args(["--reps", "3"]);
    }
    let line =
        capture(&mut cmd, "native bench", None, false).and_then(|out| last_json::<Line>(&out));
    match line {
        Ok(line) => {
            m.backend = line.backend;
            for k in FIGURES {
                let v = line.figures.get(k).and_then(Value::as_f64);
                m.samples.push(format!("native.{k}"), round, v);
            }
        }
        Err(e) => m.fail("native", e),
    }
}

#[derive(Deserialize)]
struct Scaling {
    threads: usize,
    /// Cores' worth of work the threads could get, before and after (1 = another program
    /// holds the other cores).
    capacity: [f64; 2],
    scaling: Vec<ScalingRow>,
}

#[derive(Deserialize)]
struct ScalingRow {
    model: String,
    n_hidden: usize,
    batch: usize,
    one: f64,
    threads: f64,
    ratio: f64,
    step_gflop: f64,
}

/// One round of the scaling table on every core: `native.scaling.<model>.<n_hidden>.<batch>.`
/// `one`, `many`, `ratio` (median of the turns' ratios) and `gflop` (per step), and
/// `native.threads`, `native.capacity_before` and `_after` (cores free for the threads).
pub fn scaling_round(m: &mut Measured, exe: &Path, o: &Opts, round: usize) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut cmd = Command::new(exe);
    cmd.args(["--scaling", "--json", "--threads", &cores.to_string()]);
    if o.quick {
        cmd.arg("--quick");
    } else {
        cmd.args(["--reps", "3"]);
    }
    let line = capture(&mut cmd, "native scaling bench", None, false)
        .and_then(|out| last_json::<Scaling>(&out));
    match line {
        Ok(line) => {
            m.samples
                .push("native.threads", round, Some(line.threads as f64));
            m.samples
                .push("native.capacity_before", round, Some(line.capacity[0]));
            m.samples
                .push("native.capacity_after", round, Some(line.capacity[1]));
            for r in line.scaling {
                let key = format!("native.scaling.{}.{}.{}", r.model, r.n_hidden, r.batch);
                for (k, v) in [
                    ("one", r.one),
                    ("many", r.threads),
                    ("ratio", r.ratio),
                    ("gflop", r.step_gflop),
                ] {
                    m.samples.push(format!("{key}.{k}"), round, Some(v));
                }
            }
        }
        Err(e) => m.fail("native.scaling", e),
    }
}
