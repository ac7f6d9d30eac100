//! What several chart views share: a view from its parts, histograms as specs, the statistics
//! line, smoothing, and the compared run beside the current one.

use crate::charts::{ChartId, ChartSpec, HistSeriesSpec, HistogramSpec};
use crate::diagnostics::{Histogram, Stats};
use crate::format;
use crate::session::diag::StepDiag;
use crate::session::protocol::ChartView;

/// The line of a chart that needs a step to show anything.
pub const AFTER_FIRST_STEP: &str = "after the first step";

pub fn view(
    id: ChartId,
    caption: impl Into<String>,
    spec: ChartSpec,
    lines: Vec<String>,
) -> ChartView {
    ChartView {
        id,
        caption: caption.into(),
        spec,
        lines,
    }
}

/// The loss chart's smoothing window for `points` points.
pub fn smooth_window(points: usize) -> usize {
    (points / 40).clamp(5, 1000)
}

/// The mean of the last `k` finite values (NaN: none).
pub fn mean_of_last(values: &[f32], k: usize) -> f32 {
    let tail = &values[values.len().saturating_sub(k)..];
    let finite: Vec<f32> = tail.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        f32::NAN
    } else {
        finite.iter().sum::<f32>() / finite.len() as f32
    }
}

pub fn hist_series(label: &str, h: &Histogram) -> HistSeriesSpec {
    HistSeriesSpec {
        label: label.to_string(),
        lo: h.lo,
        hi: h.hi,
        values: h.density.clone(),
    }
}

pub fn hist_spec(
    title: &str,
    x_label: &str,
    bars: bool,
    series: Vec<HistSeriesSpec>,
) -> HistogramSpec {
    HistogramSpec {
        title: title.to_string(),
        x_label: x_label.to_string(),
        y_label: "density".into(),
        series,
        bars,
        layers: Vec::new(),
        tanh_slope: false,
    }
}

/// "activation h: mean +0.01, std 0.63, |h| > 0.99: 3.1%", with `bound` "|h| > 0.99" (the
/// statistics' `saturated` counts the values past it).
pub fn stats_line(what: &str, s: &Stats, bound: &str) -> String {
    format!(
        "{what}: mean {}, std {}, {bound}: {}",
        format::signed(s.mean),
        format::plain(s.std),
        format::pct(s.saturated)
    )
}

/// The bounds of the pre-activation and activation lines at saturation threshold `th`:
/// "|x| > 2.65 = atanh(0.99)" and "|h| > 0.99".
pub fn stats_bounds(th: f32) -> (String, String) {
    (
        format!(
            "|x| > {} = atanh({})",
            format::plain(crate::diagnostics::preact_cut(th)),
            format::exact(th)
        ),
        format!("|h| > {}", format::exact(th)),
    )
}

/// An earlier run and its diagnostics at its first and last steps, beside the current run's.
#[derive(Clone, Copy)]
pub struct Compared<'a> {
    pub run: u32,
    pub init: Option<&'a StepDiag>,
    pub last: &'a StepDiag,
}

/// What the diagnostics' charts are made from: the last step's numbers, and the compared run's.
pub struct Diag<'a> {
    pub step: &'a StepDiag,
    pub other: Option<Compared<'a>>,
}
