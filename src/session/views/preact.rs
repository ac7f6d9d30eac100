//! The first hidden layer's pre-activations and tanh activations over the last batch, as the
//! notebook's histograms, beside the compared run's.

use super::parts::{
    hist_series, hist_spec, stats_bounds, stats_line, view, Diag, AFTER_FIRST_STEP,
};
use crate::charts::{ChartId, ChartSpec, HistogramSpec};
use crate::format;
use crate::session::protocol::ChartView;
use crate::session::Session;

pub const CAPTION: &str = "First hidden layer: pre-activations and tanh activations (last batch)";

pub fn chart(s: &Session, diag: &Diag) -> ChartView {
    let (d, other) = (diag.step, diag.other);
    let caption = CAPTION;
    let (pb, hb) = stats_bounds(s.settings().saturation_threshold);
    let (pb, hb) = (pb.as_str(), hb.as_str());
    let Some(f) = &d.first else {
        let spec = ChartSpec::HistogramPair {
            left: hist_spec("pre-activations hpreact", "", true, vec![]),
            right: hist_spec("activations h", "", true, vec![]),
        };
        return view(
            ChartId::Preact,
            caption,
            spec,
            vec![AFTER_FIRST_STEP.into()],
        );
    };
    let l = &f.layer;
    let mut left = vec![hist_series("", &l.preact_hist)];
    let mut right = vec![hist_series("", &l.act_hist)];
    let mut lines = vec![
        format!("step {}", format::count(d.step)),
        stats_line("pre-activation", &l.preact, pb),
        stats_line("activation h", &l.act, hb),
    ];
    if let Some(c) = other {
        if let Some(f) = c.init.and_then(|d| d.first.as_ref()) {
            lines.push(format!(
                "run {} at its first step: {}; {}",
                c.run,
                stats_line("pre-activation", &f.layer.preact, pb),
                stats_line("activation h", &f.layer.act, hb)
            ));
        }
    }
    if let Some((run, o)) = other.and_then(|c| c.last.first.as_ref().map(|f| (c.run, f))) {
        let (this, that) = (format!("run {}", s.run().number), format!("run {run}"));
        left = vec![
            hist_series(&this, &l.preact_hist),
            hist_series(&that, &o.layer.preact_hist),
        ];
        right = vec![
            hist_series(&this, &l.act_hist),
            hist_series(&that, &o.layer.act_hist),
        ];
        lines.push(format!(
            "compared with run {run} at its last step: {}; {}",
            stats_line("pre-activation", &o.layer.preact, pb),
            stats_line("activation h", &o.layer.act, hb)
        ));
    }
    let spec = ChartSpec::HistogramPair {
        left: hist_spec("pre-activations hpreact", "hpreact", true, left),
        right: HistogramSpec {
            tanh_slope: true,
            ..hist_spec("activations h = tanh(hpreact)", "h", true, right)
        },
    };
    view(ChartId::Preact, caption, spec, lines)
}
