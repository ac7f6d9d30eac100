//! The saturation map: which of the first hidden layer's tanh units sit at +-1, example by
//! example of the last batch, and the dead neurons (saturated for the whole batch).

use super::parts::{view, Diag, AFTER_FIRST_STEP};
use crate::charts::{ChartId, ChartSpec, SaturationSpec};
use crate::diagnostics;
use crate::format;
use crate::session::protocol::ChartView;
use crate::session::Session;

pub const CAPTION: &str = "Saturation map: batch x neurons";

pub fn chart(s: &Session, diag: &Diag) -> ChartView {
    let (d, other) = (diag.step, diag.other);
    let caption = CAPTION;
    let th_value = s.settings().saturation_threshold;
    let th = format::exact(th_value);
    let Some(f) = &d.first else {
        let spec = ChartSpec::Saturation(SaturationSpec {
            title: "saturation map".into(),
            ..SaturationSpec::default()
        });
        return view(ChartId::Map, caption, spec, vec![AFTER_FIRST_STEP.into()]);
    };
    let m = &f.layer.map;
    let cols = m.cols;
    let mut lines = vec![
        format!(
            "|h| > {th}: {} of {} x {} values; dead on this batch (saturated for all {} \
             examples): {} of {} neurons",
            format::pct(m.fraction),
            f.batch,
            cols,
            f.batch,
            m.dead,
            cols
        ),
        format!(
            "where |h| > {th}, tanh's local gradient 1 - h² is below {}: a white cell passes at \
             most 1/{} of the gradient from above",
            format::at_most(diagnostics::tanh_slope(th_value)),
            format::at_least_whole(1.0 / diagnostics::tanh_slope(th_value))
        ),
    ];
    if f.rows < f.batch {
        lines.push(format!(
            "the map shows the first {} of {} examples",
            f.rows, f.batch
        ));
    }
    if let Some(c) = other {
        if let Some(f) = c.init.and_then(|d| d.first.as_ref()) {
            lines.push(format!(
                "run {} at its first step: {} saturated, {} of {} neurons dead",
                c.run,
                format::pct(f.layer.map.fraction),
                f.layer.map.dead,
                f.layer.map.cols
            ));
        }
    }
    if let Some((run, o)) = other.and_then(|c| c.last.first.as_ref().map(|f| (c.run, f))) {
        lines.push(format!(
            "run {run} at its last step: {} saturated, {} of {} neurons dead",
            format::pct(o.layer.map.fraction),
            o.layer.map.dead,
            o.layer.map.cols
        ));
    }
    let spec = ChartSpec::Saturation(SaturationSpec {
        title: format!(
            "|h| > {th} in white: {} neuron{} dead on this batch",
            m.dead,
            if m.dead == 1 { "" } else { "s" }
        ),
        x_label: "neuron".into(),
        y_label: "example".into(),
        rows: m.rows,
        cols,
        values: m.cells.iter().map(|&c| c as u8).collect(),
        contexts: f.contexts.clone(),
        batch: f.batch,
    });
    view(ChartId::Map, caption, spec, lines)
}
