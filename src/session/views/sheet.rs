//! The backprop sheet's words and its chart: a verdict as the line beside the answer, and
//! exercise 4's two loss curves overlaid (the loss chart's spec: the core's backward as the run,
//! the student's as the series over it, unsmoothed, so that right formulas draw one curve).

use super::parts::view;
use crate::backprop::{StepLosses, Verdict, VerdictStatus};
use crate::charts::{ChartId, ChartSpec, LossSpec, SeriesSpec};
use crate::format;
use crate::session::protocol::{ChartView, Level};

pub const CAPTION: &str = "Exercise 4: the loss with your backward pass and with the core's";

/// Exercise 4's line after the names changed under its runs.
pub const NAMES_CHANGED: &str =
    "The names changed, so the earlier runs' curves are gone: train again to compare on these names.";

/// The two runs agree "to rounding" when their losses differ by less than this at every step.
pub const ROUNDING: f32 = 1e-4;

fn shape(s: &[usize]) -> String {
    crate::backprop::tensor::fmt_shape(s)
}

/// The line beside an answer: exact, approximate with the largest difference, wrong with the
/// message and the shapes, or where the answer fails to run.
/// What a teacher's link brought to the sheet: the answers it filled in, and the boxes that kept
/// what this browser had.
pub fn handed_line(filled: usize, kept: usize) -> String {
    let answers = |n: usize| match n {
        1 => "1 answer".to_string(),
        n => format!("{} answers", format::count(n)),
    };
    match kept {
        0 => format!("The link filled in {}.", answers(filled)),
        _ => format!(
            "The link filled in {}; {} kept what you wrote in this browser.",
            answers(filled),
            match kept {
                1 => "1 box".to_string(),
                n => format!("{} boxes", format::count(n)),
            }
        ),
    }
}

pub fn verdict_line(v: &Verdict) -> String {
    let note = |head: String| {
        if v.message.is_empty() {
            head
        } else {
            format!("{head}. {}", v.message)
        }
    };
    let diff = v.max_diff.map(format::sci).unwrap_or_default();
    match v.status {
        VerdictStatus::Empty => String::new(),
        VerdictStatus::Exact => note(format!(
            "{}: exact, every number equals the core's",
            v.gradient
        )),
        VerdictStatus::Approximate => note(format!(
            "{}: approximate, the largest difference from the core's is {diff}",
            v.gradient
        )),
        VerdictStatus::Wrong => {
            let shapes = match &v.shape {
                Some(s) if *s != v.want_shape => format!(
                    "yours has shape {}, the core's {}",
                    shape(s),
                    shape(&v.want_shape)
                ),
                _ => format!(
                    "shape {} is right, the largest difference is {diff}",
                    shape(&v.want_shape)
                ),
            };
            let m = if v.message.is_empty() {
                String::new()
            } else {
                format!(" {}", v.message)
            };
            format!("{}: wrong ({shapes}).{m}", v.gradient)
        }
        VerdictStatus::Error => match (v.line, v.col) {
            (Some(l), Some(c)) => format!("line {l}, column {c}: {}", v.message),
            _ => v.message.clone(),
        },
    }
}

/// Exercise 4's status: where it is, and whether the curves agree.
pub fn training_line(losses: &[StepLosses], steps: usize, failed: Option<&str>) -> (String, Level) {
    if let Some(e) = failed {
        return (e.to_string(), Level::Bad);
    }
    let Some(last) = losses.last() else {
        return (String::new(), Level::Good);
    };
    let gap = losses
        .iter()
        .fold(0.0f32, |m, s| m.max((s.student - s.core).abs()));
    let head = format!(
        "step {} of {}: loss {} with your backward, {} with the core's",
        format::count(last.step),
        format::count(steps),
        format::loss(last.student),
        format::loss(last.core)
    );
    if gap == 0.0 {
        (
            format!("{head}; the two curves are the same, bit for bit"),
            Level::Good,
        )
    } else if gap < ROUNDING {
        (
            format!(
                "{head}; they differ by at most {} (rounding)",
                format::sci(gap)
            ),
            Level::Good,
        )
    } else {
        (
            format!(
                "{head}; they part ways, by up to {}: one of your gradients is off",
                format::sci(gap)
            ),
            Level::Bad,
        )
    }
}

/// The two curves: the core's backward drawn as the run, the student's over it.
pub fn chart(losses: &[StepLosses]) -> ChartView {
    let core: Vec<f32> = losses.iter().map(|s| s.core).collect();
    let student: Vec<f32> = losses.iter().map(|s| s.student).collect();
    let mut lines = Vec::new();
    match (losses.first(), losses.last()) {
        (Some(first), Some(last)) => {
            lines.push(format!(
                "the core's backward: loss {} at step 1, {} at step {}",
                format::loss(first.core),
                format::loss(last.core),
                format::count(last.step)
            ));
            lines.push(format!(
                "your backward: loss {} at step 1, {} at step {}",
                format::loss(first.student),
                format::loss(last.student),
                format::count(last.step)
            ));
        }
        _ => lines.push("no steps yet: fill in the answers and press Train".into()),
    }
    let spec = LossSpec {
        x_max: None,
        title: String::new(),
        label: "the core's backward".into(),
        losses: core,
        every: 1,
        smooth_window: 0,
        train_points: Vec::new(),
        val_points: Vec::new(),
        earlier_runs: vec![SeriesSpec {
            label: "your backward".into(),
            values: student,
            every: 1,
        }],
    };
    view(ChartId::Sheet, CAPTION, ChartSpec::Loss(spec), lines)
}
