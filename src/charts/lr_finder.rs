//! The learning-rate finder: mini-batch loss vs log10(lr) over an exponential lr sweep, a
//! centred moving average, and a vertical line at the suggested lr.
//! The y axis stops at 1.5x the loss at the start of the sweep, so that the divergent tail does
//! not flatten the interesting part; higher losses are drawn on the top edge (plotters pins
//! points outside the plotting area to its border).

use super::common::*;
use super::prep::{decimate, finite_bounds, moving_average, nice_range, padded_nice_range, Align};
use super::{series_color, ChartError, LrFinderSpec};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The median of the finite values among the first tenth (at least one) of `losses`.
fn start_level(losses: &[f32]) -> Option<f64> {
    let head = &losses[..losses.len().div_ceil(10)];
    let mut finite: Vec<f64> = head
        .iter()
        .filter(|v| v.is_finite())
        .map(|&v| v as f64)
        .collect();
    finite.sort_by(f64::total_cmp);
    finite.get(finite.len() / 2).copied()
}

/// Draws the lr-finder chart of `data` (see [`LrFinderSpec`]) into `root`.
pub fn draw_lr_finder<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &LrFinderSpec,
) -> Result<(), ChartError> {
    if let Some(r) = too_small(root, &data.title) {
        return r;
    }
    let n = data.exponents.len().min(data.losses.len());
    // Steps whose exponent is not finite cannot be placed: treat their loss as missing.
    let exps = &data.exponents[..n];
    let losses: Vec<f32> = exps
        .iter()
        .zip(&data.losses[..n])
        .map(|(e, &l)| if e.is_finite() { l } else { f32::NAN })
        .collect();
    let Some((y_lo, y_max)) = finite_bounds(losses.iter().map(|&v| v as f64)) else {
        return draw_message(root, &data.title, NO_DATA);
    };
    let cap = start_level(&losses)
        .map(|s| 1.5 * s)
        .filter(|&c| c > y_lo)
        .map_or(y_max, |c| c.min(y_max));
    let suggested = data.suggested_exponent.filter(|e| e.is_finite());
    let x_bounds = finite_bounds(
        exps.iter()
            .zip(&losses)
            .filter(|(_, l)| l.is_finite())
            .map(|(&e, _)| e as f64)
            .chain(suggested.map(|e| e as f64)),
    );
    let Some((x_lo, x_hi)) = x_bounds else {
        return draw_message(root, &data.title, NO_DATA);
    };

    let theme = Theme::new();
    let x = nice_range(x_lo, x_hi);
    let y = padded_nice_range(y_lo, cap, 0.02);
    let mut chart = build_chart(root, &theme, &data.title, x, y)?;
    draw_axes(&mut chart, &theme, "log10(learning rate)", "loss", true)?;
    let buckets = line_buckets(&chart);
    let to_points = |values: &[f32]| -> Vec<(f64, f64)> {
        decimate(values, buckets)
            .into_iter()
            .map(|(i, v)| (exps[i] as f64, v as f64))
            .collect()
    };

    let smooth = (data.smooth_window > 1)
        .then(|| moving_average(&losses, data.smooth_window, Align::Centred));
    let raw_style = if smooth.is_some() {
        series_color(0).mix(0.3).stroke_width(1)
    } else {
        series_color(0).stroke_width(2)
    };
    draw_line(&mut chart, to_points(&losses), raw_style, Some("loss"))?;
    if let Some(smooth) = &smooth {
        let label = format!("mean of {}", data.smooth_window);
        let style = series_color(0).stroke_width(LINE_PX);
        draw_line(&mut chart, to_points(smooth), style, Some(&label))?;
    }
    if let Some(e) = suggested {
        let e = e as f64;
        let label = format!("suggested lr {}", format_sig2(10f64.powf(e)));
        let style = series_color(3).stroke_width(LINE_PX);
        draw_line(&mut chart, vec![(e, y.0), (e, y.1)], style, Some(&label))?;
    }
    draw_legend(&mut chart, &theme, SeriesLabelPosition::UpperLeft)
}
