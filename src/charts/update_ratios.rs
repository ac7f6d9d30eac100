//! Update:data ratios: log10(std(lr * grad) / std(param)) vs step, one line per parameter, and
//! the lecture's black reference line at -3 (updates about 1/1000 of the values).

use super::common::*;
use super::pick::{self, Hit};
use super::prep::{decimate, finite_bounds, nice_range, padded_nice_range};
use super::{series_color, ChartError, UpdateRatioSpec};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The reference level, log10(1e-3).
pub const REFERENCE: f64 = -3.0;

/// Draws the update-ratio chart of `data` (see [`UpdateRatioSpec`]) into `root`.
pub fn draw_update_ratios<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &UpdateRatioSpec,
) -> Result<(), ChartError> {
    draw_update_ratios_picked(root, data, &[])
}

/// The ratios with the series marked in `emphasis` drawn thicker and the others faded (an
/// empty `emphasis`: all alike).
pub fn draw_update_ratios_picked<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &UpdateRatioSpec,
    emphasis: &[bool],
) -> Result<(), ChartError> {
    if let Some(r) = too_small(root, &data.title) {
        return r;
    }
    let values = data
        .series
        .iter()
        .flat_map(|s| s.values.iter().map(|&v| v as f64));
    let Some((lo, hi)) = finite_bounds(values) else {
        return draw_message(root, &data.title, NO_DATA);
    };
    let last_step = data
        .series
        .iter()
        .map(|s| s.values.len().saturating_sub(1) as f64 * s.every.max(1) as f64)
        .fold(1.0, f64::max);

    let theme = Theme::new();
    let x = nice_range(0.0, last_step);
    let y = padded_nice_range(lo.min(REFERENCE), hi.max(REFERENCE), 0.02);
    let mut chart = build_chart(root, &theme, &data.title, x, y)?;
    // Short enough for the height of a key chart on a laptop (the figure's caption and text say
    // which ratio: lr x std(grad) / std(weight)).
    draw_axes(&mut chart, &theme, "step", "log10(ratio)", true)?;
    let buckets = line_buckets(&chart);

    for (i, s) in data.series.iter().enumerate() {
        let every = s.every.max(1) as f64;
        let points: Vec<(f64, f64)> = decimate(&s.values, buckets)
            .into_iter()
            .map(|(i, v)| (i as f64 * every, v as f64))
            .collect();
        pick::record(Hit::Line {
            index: i,
            points: points.iter().map(|p| chart.backend_coord(p)).collect(),
        });
        let style = match emphasis.get(i) {
            Some(true) => series_color(i).stroke_width(5),
            Some(false) => series_color(i).mix(0.3).stroke_width(1),
            None => series_color(i).stroke_width(2),
        };
        let label = (!s.label.is_empty()).then_some(s.label.as_str());
        draw_line(&mut chart, points, style, label)?;
        if label.is_some() {
            tag_legend_entry(i);
        }
    }
    draw_line(
        &mut chart,
        vec![(x.0, REFERENCE), (x.1, REFERENCE)],
        BLACK.stroke_width(2),
        Some("1e-3 (reference)"),
    )?;
    draw_legend(&mut chart, &theme, SeriesLabelPosition::UpperRight)
}
