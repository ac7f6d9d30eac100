//! The gradient of every weight matrix, one histogram each, with the lecture's legend line
//! (mean, std, grad:data ratio).

use super::parts::{hist_series, hist_spec, view, Diag, AFTER_FIRST_STEP};
use crate::charts::{ChartId, ChartSpec, HistogramSpec};
use crate::diagnostics;
use crate::session::protocol::ChartView;
use crate::session::{Session, HIST_BINS};

pub const CAPTION: &str = "Gradient of every weight matrix";

/// Every weight matrix's gradient, with the lecture's legend line.
pub fn chart(s: &Session, diag: &Diag) -> ChartView {
    let step = diag.step.step;
    let caption = CAPTION;
    if step == 0 {
        let spec = ChartSpec::Histograms(hist_spec("weight gradients", "", false, vec![]));
        return view(
            ChartId::WeightGrads,
            caption,
            spec,
            vec![AFTER_FIRST_STEP.into()],
        );
    }
    let w = diagnostics::weight_grads(&s.run().trainer.model, HIST_BINS);
    let lines: Vec<String> = w.iter().map(|g| g.legend()).collect();
    let series = w
        .iter()
        .map(|g| hist_series(&g.label(), &g.grad_hist))
        .collect();
    let spec = ChartSpec::Histograms(HistogramSpec {
        // C, then each Linear's weight, as in the ratio chart.
        layers: (0..w.len()).collect(),
        ..hist_spec("", "gradient", false, series)
    });
    view(ChartId::WeightGrads, caption, spec, lines)
}
