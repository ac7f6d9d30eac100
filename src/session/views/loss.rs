//! The loss chart: the mini-batch loss (log10) with its moving average, the full-split
//! evaluations, and a few earlier runs faded behind it (`EarlierRuns::shown`: the compared one
//! and the newest others); the whole run, or zoomed on its first `HEAD_STEPS` steps.

use super::parts::{mean_of_last, smooth_window, view};
use super::tools::{button, Control, Tools};
use crate::charts::{ChartId, ChartSpec, LossSpec, SeriesSpec};
use crate::diagnostics::TrainModeBatches;
use crate::format;
use crate::session::history::HEAD_STEPS;
use crate::session::protocol::ChartView;
use crate::session::{words, Session};

pub const CAPTION: &str = "Loss: mini-batch (log10), smoothed, and full train/val splits";

/// Right under the curve: the earlier run to compare with (the page fills the list from the runs
/// event), the newest run of the chapter before in one click, and the zoom on the first
/// `HEAD_STEPS` steps.
pub const TOOLS: Tools = Tools {
    form: None,
    controls: &[
        Control::Select {
            id: "compare",
            label: "compare",
        },
        button("compare-previous", "previous chapter"),
        Control::Check {
            id: "loss-zoom",
            label: "first 1,000 steps",
        },
    ],
    under: true,
};

pub fn chart(s: &Session) -> ChartView {
    let h = s.run().history();
    let series = h.loss_series();
    let earlier = s.runs().shown();
    let every = series.every();
    let losses = series.points();
    let window = smooth_window(losses.len());
    let evals = s.run().evals();
    let mut lines = Vec::new();
    if let (Some(&last), Some(first)) = (losses.last(), h.first_loss) {
        let steps = h.steps();
        let last_text = match h.newest() {
            Some(r) => format!("mini-batch loss {}", format::loss(r.loss)),
            None if every == 1 => format!("mini-batch loss {}", format::loss(last)),
            None => format!("mean loss of the last point {}", format::loss(last)),
        };
        // The mean as a loss, and where that loss sits on the chart's log10 axis.
        let mean = mean_of_last(&losses, window);
        let on_axis = if mean.is_finite() && mean > 0.0 {
            format!(" (at {} on the log10 axis)", format::plain(mean.log10()))
        } else {
            String::new()
        };
        // Over one step the mean is that step's loss: said once.
        let over = (window * every).min(steps);
        let mean_text = if over > 1 {
            format!(
                ", mean of the last {} steps: {}",
                format::count(over),
                format::loss(mean)
            )
        } else {
            String::new()
        };
        lines.push(format!(
            "step {}: {last_text}{mean_text}{on_axis}",
            format::count(steps),
        ));
        lines.push(format!(
            "first loss {} (a uniform guess over {} characters gives {})",
            format::loss(first),
            s.data().vocab.size(),
            format::loss(s.run().uniform_loss())
        ));
    } else {
        lines.push("no steps yet: press Train or Step".into());
    }
    for e in evals {
        lines.push(format!(
            "full splits at step {}: train {}, val {}",
            format::count(e.step),
            format::loss(e.train),
            format::loss(e.val)
        ));
    }
    if let Some((e, tm)) = evals
        .last()
        .and_then(|e| e.val_train_mode.map(|tm| (e, tm)))
    {
        lines.push(format!(
            "val split at step {}: train mode (batch statistics, {}): {}, eval mode (running statistics): {}",
            format::count(e.step),
            batches(s),
            format::loss(tm),
            format::loss(e.val)
        ));
    }
    if !earlier.is_empty() {
        let labels: Vec<&str> = earlier.iter().map(|r| r.label.as_str()).collect();
        lines.push(format!("earlier runs (faded): {}", labels.join("; ")));
    }
    let zoom = s.loss_zoom();
    if zoom {
        lines.push(words::loss_zoomed(HEAD_STEPS));
    }
    // Zoomed: the first steps exactly, this run's and the earlier ones'.
    let (losses, every) = if zoom {
        (h.loss_head(), 1)
    } else {
        (losses, every)
    };
    let spec = LossSpec {
        title: String::new(),
        label: format!("run {}", s.run().number),
        smooth_window: smooth_window(losses.len()),
        losses,
        every,
        train_points: evals.iter().map(|e| (e.step, e.train)).collect(),
        val_points: evals.iter().map(|e| (e.step, e.val)).collect(),
        earlier_runs: earlier
            .iter()
            .map(|r| SeriesSpec {
                label: r.label.clone(),
                values: if zoom {
                    r.head.clone()
                } else {
                    r.loss.points()
                },
                every: if zoom { 1 } else { r.loss.every() },
            })
            .collect(),
        x_max: zoom.then_some(HEAD_STEPS),
    };
    view(ChartId::Loss, CAPTION, ChartSpec::Loss(spec), lines)
}

/// The batches the train-mode val loss was taken in.
fn batches(s: &Session) -> String {
    let t = &s.run().trainer;
    match TrainModeBatches::of(t.data.val.len(), t.train.batch_size) {
        None => "a single example: no batch statistics".into(),
        Some(b) if b.count == 1 => format!("one batch of {}", format::count(b.last)),
        Some(b) if b.last == b.size => format!("batches of {}", format::count(b.size)),
        Some(b) => format!(
            "batches of {}, the last of {}",
            format::count(b.size),
            format::count(b.last)
        ),
    }
}
