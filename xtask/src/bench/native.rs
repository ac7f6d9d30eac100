//! The native bench (`src/bin/bench.rs --json`): the training core's steps per second, its
//! matrix products against the machine's FMA peak, and the deep model's full-split evaluation.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde::Deserialize;
use serde_json::Value;

use super::{capture, last_json, Measured, Opts};

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
