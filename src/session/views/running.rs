//! BatchNorm's running mean and variance against the last batch's: the first BatchNorm layer's
//! as histograms over its features, and a line per BatchNorm layer.

use super::parts::{hist_series, hist_spec, view, Diag, AFTER_FIRST_STEP};
use crate::charts::{ChartId, ChartSpec};
use crate::diagnostics;
use crate::format;
use crate::session::protocol::ChartView;
use crate::session::{Session, HIST_BINS};

pub const CAPTION: &str = "BatchNorm: running statistics against the batch's";

/// BatchNorm's running mean and variance against the last batch's, for the first BatchNorm
/// layer (as histograms over its features), and a line per BatchNorm layer.
pub fn chart(s: &Session, diag: &Diag) -> ChartView {
    let step = diag.step.step;
    let caption = CAPTION;
    let bns = diagnostics::batchnorm_running(&s.run().trainer.model);
    let Some(first) = bns.first().filter(|_| step > 0) else {
        let line = if bns.is_empty() {
            "this model has no BatchNorm"
        } else {
            AFTER_FIRST_STEP
        };
        let spec = ChartSpec::HistogramPair {
            left: hist_spec("means", "", false, vec![]),
            right: hist_spec("variances", "", false, vec![]),
        };
        return view(ChartId::Running, caption, spec, vec![line.into()]);
    };
    let h = |x: &[f32]| diagnostics::histogram(x, HIST_BINS);
    let spec = ChartSpec::HistogramPair {
        left: hist_spec(
            &format!("layer {}: means over features", first.index),
            "mean",
            false,
            vec![
                hist_series("batch", &h(&first.batch_mean)),
                hist_series("running", &h(&first.running_mean)),
            ],
        ),
        right: hist_spec(
            "variances over features",
            "variance",
            false,
            vec![
                hist_series("batch", &h(&first.batch_var)),
                hist_series("running", &h(&first.running_var)),
            ],
        ),
    };
    let gap = |a: &[f32], b: &[f32]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0f32, f32::max)
    };
    let lines = bns
        .iter()
        .map(|b| {
            format!(
                "layer {}: largest |running - batch|: mean {}, variance {}",
                b.index,
                format::plain(gap(&b.running_mean, &b.batch_mean)),
                format::plain(gap(&b.running_var, &b.batch_var))
            )
        })
        .collect();
    view(ChartId::Running, caption, spec, lines)
}
