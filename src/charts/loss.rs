//! The loss curve: log10(mini-batch loss) vs step (the lecture's `lossi`), its trailing moving
//! average, full-split train/val losses as markers, and earlier runs as faded smoothed lines.
//! Long series are min/max-decimated to one point per pixel column before drawing.

use super::common::*;
use super::legend;
use super::prep::{decimate, finite_bounds, moving_average, nice_range, padded_nice_range, Align};
use super::{series_color, ChartError, LossSpec};
use plotters::coord::Shift;
use plotters::prelude::*;

fn log10_or_nan(v: f32) -> f32 {
    if v > 0.0 && v.is_finite() {
        v.log10()
    } else {
        f32::NAN
    }
}

fn log_points(points: &[(usize, f32)]) -> Vec<(f64, f64)> {
    points
        .iter()
        .map(|&(s, v)| (s as f64, log10_or_nan(v) as f64))
        .filter(|p| p.1.is_finite())
        .collect()
}

fn smoothed(log: &[f32], window: usize) -> Vec<f32> {
    moving_average(log, window, Align::Trailing)
}

fn line(values: &[f32], buckets: usize, every: f64) -> Vec<(f64, f64)> {
    decimate(values, buckets)
        .into_iter()
        .map(|(i, v)| (i as f64 * every, v as f64))
        .collect()
}

/// The values of a series (`every` steps each) up to step `last`, if the axis stops there.
fn up_to(values: Vec<f32>, every: f64, last: Option<f64>) -> Vec<f32> {
    match last {
        Some(last) => values
            .into_iter()
            .take((last / every).floor() as usize + 1)
            .collect(),
        None => values,
    }
}

/// Draws the loss chart of `data` (see [`LossSpec`]) into `root`. Its legend is outside the plot
/// (`legend`: under it, or right of a short one): the lines may run anywhere in it.
pub fn draw_loss<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &LossSpec,
) -> Result<(), ChartError> {
    if let Some(r) = too_small(root, &data.title) {
        return r;
    }
    let x_max = data.x_max.map(|m| m.max(1) as f64);
    let window = data.smooth_window;
    let every = data.every.max(1) as f64;
    let raw = up_to(
        data.losses.iter().map(|&v| log10_or_nan(v)).collect(),
        every,
        x_max,
    );
    let smooth = (window > 1).then(|| smoothed(&raw, window));
    // Earlier runs are smoothed over the same number of steps as this run.
    let earlier: Vec<(&str, Vec<f32>, f64)> = data
        .earlier_runs
        .iter()
        .map(|run| {
            let run_every = run.every.max(1) as f64;
            let log: Vec<f32> = run.values.iter().map(|&v| log10_or_nan(v)).collect();
            let w = ((window as f64 * every / run_every).round() as usize).max(1);
            let log = if w > 1 { smoothed(&log, w) } else { log };
            (run.label.as_str(), up_to(log, run_every, x_max), run_every)
        })
        .collect();
    let shown = |p: &(f64, f64)| x_max.is_none_or(|m| p.0 <= m);
    let train: Vec<_> = log_points(&data.train_points)
        .into_iter()
        .filter(shown)
        .collect();
    let val: Vec<_> = log_points(&data.val_points)
        .into_iter()
        .filter(shown)
        .collect();

    let curves = std::iter::once((&raw, every))
        .chain(smooth.as_ref().map(|s| (s, every)))
        .chain(earlier.iter().map(|(_, v, e)| (v, *e)));
    let y_values = curves
        .clone()
        .flat_map(|(c, _)| c.iter().map(|&v| v as f64))
        .chain(train.iter().chain(&val).map(|p| p.1));
    let Some((y_lo, y_hi)) = finite_bounds(y_values) else {
        return draw_message(root, &data.title, NO_DATA);
    };
    let last_step = curves
        .map(|(c, e)| c.len().saturating_sub(1) as f64 * e)
        .chain(train.iter().chain(&val).map(|p| p.0))
        .fold(1.0, f64::max);

    let theme = Theme::new();
    // This run's label, and the legend's labels in the order the lines add them.
    let label = if data.label.is_empty() {
        "mini-batch"
    } else {
        &data.label
    };
    let mean_label = format!("{label}, mean of {}", window * every as usize);
    let train_label = train
        .last()
        .map(|p| format!("train {:.3}", 10f64.powf(p.1)));
    let val_label = val.last().map(|p| format!("val {:.3}", 10f64.powf(p.1)));
    let labels: Vec<String> = std::iter::once(label.to_string())
        .chain(earlier.iter().map(|e| e.0.to_string()))
        .chain(smooth.is_some().then(|| mean_label.clone()))
        .chain(train_label.clone())
        .chain(val_label.clone())
        .collect();
    root.fill(&WHITE)?;
    let place = legend::place(root, &theme, &labels)?;
    let (plot, key) = legend::split(root, place);
    let x = match x_max {
        Some(m) => (0.0, m),
        None => nice_range(0.0, last_step),
    };
    let y = padded_nice_range(y_lo, y_hi, 0.02);
    let mut chart = build_chart(&plot, &theme, &data.title, x, y)?;
    draw_axes(&mut chart, &theme, "step", "log10(loss)", true)?;
    let buckets = line_buckets(&chart);

    // The faded raw curve at the bottom, earlier runs over it, this run's average on top.
    let raw_style = if smooth.is_some() {
        series_color(0).mix(0.3).stroke_width(1)
    } else {
        series_color(0).stroke_width(2)
    };
    draw_line(
        &mut chart,
        line(&raw, buckets, every),
        raw_style,
        Some(label),
    )?;
    for (i, (label, log, run_every)) in earlier.iter().enumerate() {
        let style = series_color(3 + i).mix(0.45).stroke_width(2);
        draw_line(
            &mut chart,
            line(log, buckets, *run_every),
            style,
            Some(label),
        )?;
    }
    if let Some(smooth) = &smooth {
        let style = series_color(0).stroke_width(LINE_PX);
        draw_line(
            &mut chart,
            line(smooth, buckets, every),
            style,
            Some(&mean_label),
        )?;
    }
    if let Some(label) = &train_label {
        let style = series_color(1).filled();
        chart.draw_series(train.iter().map(|&p| Circle::new(p, 6, style)))?;
        add_legend_entry(label, Swatch::Circle(style, 6));
    }
    if let Some(label) = &val_label {
        let style = series_color(2).filled();
        chart.draw_series(val.iter().map(|&p| TriangleMarker::new(p, 8, style)))?;
        add_legend_entry(label, Swatch::Triangle(style, 8));
    }
    legend::draw(&key, &theme, root.dim_in_pixel().0, place)
}
