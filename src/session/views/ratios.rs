//! The update:data ratio of every weight matrix over the run (log10), with the lecture's 1e-3
//! line; its text also says how far every parameter tensor moved from its start, and which are
//! still symmetric (exercise E01: what trains when every weight and bias starts at zero).

use super::parts::{mean_of_last, view};
use crate::charts::{ChartId, ChartSpec, SeriesSpec, UpdateRatioSpec};
use crate::diagnostics::Moved;
use crate::format;
use crate::session::protocol::ChartView;
use crate::session::{Session, RATIO_EVERY};

pub const CAPTION: &str = "Update:data ratio per weight";

pub fn chart(s: &Session) -> ChartView {
    let (points, every) = s.run().history().ratio_points();
    let labels = s.run().ratio_labels();
    let tail = 5;
    let now: Vec<String> = labels
        .iter()
        .zip(&points)
        .map(|(label, v)| {
            let m = mean_of_last(v, tail);
            if m.is_finite() {
                format!("{label}: {}", format::exp10(m))
            } else {
                format!("{label}: –")
            }
        })
        .collect();
    let moved = s.run().moved();
    let lines = vec![
        format!(
            "log10(std(lr x grad) / std(weight)), every {} steps; the flat line is 1e-3, the lecture's guide",
            RATIO_EVERY
        ),
        now.join(" · "),
        format!(
            "{MOVED_LEAD}: {}",
            moved.iter().map(moved_text).collect::<Vec<_>>().join(" · ")
        ),
    ];
    let spec = UpdateRatioSpec {
        title: String::new(),
        // C, then each Linear's weight: key j is the j-th Linear (see `Pick::Layer`).
        layers: (0..labels.len()).collect(),
        series: labels
            .iter()
            .zip(points)
            .map(|(label, values)| SeriesSpec {
                label: label.clone(),
                values,
                every,
            })
            .collect(),
    };
    view(
        ChartId::Ratios,
        CAPTION,
        ChartSpec::UpdateRatios(spec),
        lines,
    )
}

/// How the text's line of distances from the start begins.
pub const MOVED_LEAD: &str = "How far each tensor moved from its start, ||p − p0|| (of ||p0||)";

/// One tensor in that line: "layers.0.weight 0.00, all equal", "C 1.23 (4.5%)".
pub fn moved_text(m: &Moved) -> String {
    let mut t = format!("{} {}", m.name, format::plain(m.dist));
    if let Some(rel) = m.rel {
        t += &format!(" ({})", format::pct(rel));
    }
    let same = match (m.shape.len(), m.same_columns, m.same_rows) {
        (2, true, false) => Some("columns all equal"),
        (2, false, true) => Some("rows all equal"),
        (_, true, _) => Some("all equal"),
        _ => None,
    };
    if let Some(same) = same {
        t += &format!(", {same}");
    }
    t
}
