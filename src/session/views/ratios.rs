//! The update:data ratio of every weight matrix over the run (log10), with the lecture's 1e-3
//! line.

use super::parts::{mean_of_last, view};
use crate::charts::{ChartId, ChartSpec, SeriesSpec, UpdateRatioSpec};
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
    let lines = vec![
        format!(
            "log10(std(lr x grad) / std(weight)), every {} steps; the flat line is 1e-3, the lecture's guide",
            RATIO_EVERY
        ),
        now.join(" · "),
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
