//! The loss chart: the mini-batch loss (log10) with its moving average, the full-split
//! evaluations, and the last few earlier runs faded behind it.

use super::parts::{mean_of_last, smooth_window, view};
use crate::charts::{ChartId, ChartSpec, LossSpec, SeriesSpec};
use crate::diagnostics::TrainModeBatches;
use crate::format;
use crate::session::protocol::ChartView;
use crate::session::{RunRecord, Session};

pub const CAPTION: &str = "Loss: mini-batch (log10), smoothed, and full train/val splits";

/// Earlier runs drawn faded behind the loss curve.
pub const EARLIER_SHOWN: usize = 3;

pub fn chart(s: &Session) -> ChartView {
    let h = s.run().history();
    let series = h.loss_series();
    // The last few runs, and the compared one if it is older.
    let mut earlier: Vec<&RunRecord> = s
        .earlier_runs()
        .iter()
        .rev()
        .take(EARLIER_SHOWN)
        .rev()
        .collect();
    if let Some(c) = s.compare() {
        if !earlier.iter().any(|r| r.run == c.run) {
            earlier.insert(0, c);
        }
    }
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
        lines.push(format!(
            "step {}: {last_text}, mean of the last {} steps: {}",
            format::count(steps),
            format::count((window * every).min(steps)),
            format::loss(mean_of_last(&losses, window))
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
    let spec = LossSpec {
        title: String::new(),
        label: format!("run {}", s.run().number),
        losses,
        every,
        smooth_window: window,
        train_points: evals.iter().map(|e| (e.step, e.train)).collect(),
        val_points: evals.iter().map(|e| (e.step, e.val)).collect(),
        earlier_runs: earlier
            .iter()
            .map(|r| SeriesSpec {
                label: r.label.clone(),
                values: r.loss.points(),
                every: r.loss.every(),
            })
            .collect(),
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
