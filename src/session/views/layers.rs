//! Every hidden layer's activations and output gradients, one histogram a layer, with the
//! notebook's legend lines, beside the compared run's.

use super::parts::{hist_series, hist_spec, view, Compared, Diag, AFTER_FIRST_STEP};
use crate::charts::{ChartId, ChartSpec, HistSeriesSpec, HistogramSpec};
use crate::diagnostics::LayerDiag;
use crate::format;
use crate::session::diag::StepDiag;
use crate::session::protocol::ChartView;
use crate::session::Session;

/// The activations' caption for the usual Tanh layers (a view names the layers' kind).
pub const ACTS_CAPTION: &str = "Activations of every Tanh layer";
/// The gradients' caption, likewise.
pub const GRADS_CAPTION: &str = "Gradients of every Tanh layer's output";

/// Every layer's activations.
pub fn acts(_: &Session, diag: &Diag) -> ChartView {
    layers_chart(diag.step, true, diag.other)
}

/// Every layer's output gradients.
pub fn grads(_: &Session, diag: &Diag) -> ChartView {
    layers_chart(diag.step, false, diag.other)
}

/// The notebook's legend line for a Tanh layer's activations:
/// "layer 2 (Tanh): mean +0.00, std 0.63, saturated 3.2%" (an Identity layer, which cannot
/// saturate, has no saturation).
pub fn act_line(d: &LayerDiag) -> String {
    let line = format!(
        "layer {} ({}): mean {}, std {}",
        d.index,
        d.kind,
        format::signed(d.act.mean),
        format::plain(d.act.std),
    );
    if d.kind == "Tanh" {
        format!("{line}, saturated {}", format::pct(d.act.saturated))
    } else {
        line
    }
}

/// The notebook's legend line for a layer's output gradient:
/// "layer 2 (Tanh): mean +1.2e-5, std 4.1e-3".
pub fn grad_line(d: &LayerDiag) -> String {
    format!(
        "layer {} ({}): mean {}, std {}",
        d.index,
        d.kind,
        format::sci_signed(d.grad.mean),
        format::sci(d.grad.std)
    )
}

fn layers_chart(d: &StepDiag, acts: bool, other: Option<Compared>) -> ChartView {
    let kind = d.layers.first().map_or("Tanh", |l| l.kind);
    let (id, caption, title, x_label) = if acts {
        (
            ChartId::Acts,
            format!("Activations of every {kind} layer"),
            format!("activation distribution ({kind} layers)"),
            "activation",
        )
    } else {
        (
            ChartId::Grads,
            format!("Gradients of every {kind} layer's output"),
            format!("gradient distribution ({kind} layers)"),
            "gradient",
        )
    };
    if d.layers.is_empty() {
        let spec = ChartSpec::Histograms(hist_spec(&title, "", true, vec![]));
        return view(id, caption, spec, vec![AFTER_FIRST_STEP.into()]);
    }
    let line = |l: &LayerDiag| if acts { act_line(l) } else { grad_line(l) };
    let hist = |l: &'_ LayerDiag| {
        if acts {
            l.act_hist.clone()
        } else {
            l.grad_hist.clone()
        }
    };
    let mut lines: Vec<String> = d.layers.iter().map(line).collect();
    // The k-th activation layer follows the k-th Linear: key k + 1 (see `Pick::Layer`).
    let mut layers: Vec<usize> = (1..=d.layers.len()).collect();
    let mut series: Vec<HistSeriesSpec> = d
        .layers
        .iter()
        .zip(&lines)
        .map(|(l, text)| hist_series(text, &hist(l)))
        .collect();
    if let Some(c) = other {
        let run = c.run;
        for (k, l) in c.last.layers.iter().enumerate() {
            let text = format!("run {run}: {}", line(l));
            series.push(hist_series(&text, &hist(l)));
            lines.push(text);
            layers.push(k + 1);
        }
    }
    let spec = ChartSpec::Histograms(HistogramSpec {
        layers,
        ..hist_spec("", x_label, false, series)
    });
    view(id, caption, spec, lines)
}
