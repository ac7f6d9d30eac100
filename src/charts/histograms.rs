//! Histograms: several distributions as lines through the bin centres (the notebook's
//! `hy, hx = torch.histogram(t, density=True); plt.plot(hx[:-1], hy)` per layer), or as bars
//! (`plt.hist`); and two histograms side by side (the Kaiming demo, pre-activation/activation).

use super::common::*;
use super::pick::{self, Hit};
use super::prep::{finite_bounds, nice_range};
use super::{series_color, ChartError, HistSeriesSpec, HistogramSpec};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Bin `k`'s edges and value, for the bins whose value is finite.
fn bins(s: &HistSeriesSpec) -> impl Iterator<Item = (f64, f64, f64)> + '_ {
    let (lo, hi) = (s.lo as f64, s.hi as f64);
    let width = (hi - lo) / s.values.len().max(1) as f64;
    s.values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .map(move |(k, &v)| (lo + k as f64 * width, lo + (k + 1) as f64 * width, v as f64))
}

fn usable(s: &HistSeriesSpec) -> bool {
    s.lo.is_finite() && s.hi.is_finite() && s.lo < s.hi && s.values.iter().any(|v| v.is_finite())
}

/// Draws the histograms of `data` (see [`HistogramSpec`]) into `root`.
pub fn draw_histograms<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &HistogramSpec,
) -> Result<(), ChartError> {
    draw_histograms_picked(root, data, &[])
}

/// The histograms with the series marked in `emphasis` drawn thicker and the others faded
/// (an empty `emphasis`: all alike).
pub fn draw_histograms_picked<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &HistogramSpec,
    emphasis: &[bool],
) -> Result<(), ChartError> {
    if let Some(r) = too_small(root, &data.title) {
        return r;
    }
    // Series keep their index (and so their colour) even when others are skipped.
    let series: Vec<(usize, &HistSeriesSpec)> = data
        .series
        .iter()
        .enumerate()
        .filter(|(_, s)| usable(s))
        .collect();
    let x_bounds = finite_bounds(series.iter().flat_map(|(_, s)| [s.lo as f64, s.hi as f64]));
    let y_bounds = finite_bounds(
        series
            .iter()
            .flat_map(|(_, s)| bins(s).map(|b| b.2))
            .chain([0.0]),
    );
    let (Some(xb), Some(yb)) = (x_bounds, y_bounds) else {
        return draw_message(root, &data.title, NO_DATA);
    };

    let theme = Theme::new();
    let x = nice_range(xb.0, xb.1);
    let y = nice_range(yb.0, yb.1 * 1.05);
    let mut chart = build_chart(root, &theme, &data.title, x, y)?;
    draw_axes(&mut chart, &theme, &data.x_label, &data.y_label, true)?;

    let alpha = if series.len() == 1 { 0.7 } else { 0.4 };
    for &(i, s) in &series {
        let (color, width, alpha) = match emphasis.get(i) {
            Some(true) => (series_color(i).mix(1.0), LINE_PX + 3, alpha),
            Some(false) => (series_color(i).mix(0.3), 1, alpha * 0.4),
            None => (series_color(i).mix(1.0), LINE_PX, alpha),
        };
        if data.bars {
            let fill = color.mix(alpha).filled();
            let base = 0f64.clamp(y.0, y.1);
            chart.draw_series(
                bins(s).map(|(x0, x1, v)| Rectangle::new([(x0, base), (x1, v)], fill)),
            )?;
            if !s.label.is_empty() {
                add_legend_entry(&s.label, Swatch::Bar(fill));
                tag_legend_entry(i);
            }
        } else {
            let points: Vec<(f64, f64)> = bins(s).map(|(x0, x1, v)| ((x0 + x1) / 2.0, v)).collect();
            pick::record(Hit::Line {
                index: i,
                points: points.iter().map(|p| chart.backend_coord(p)).collect(),
            });
            let label = (!s.label.is_empty()).then_some(s.label.as_str());
            draw_line(&mut chart, points, color.stroke_width(width), label)?;
            if label.is_some() {
                tag_legend_entry(i);
            }
        }
    }
    if data.tanh_slope {
        draw_tanh_slope(&mut chart, x, y)?;
    }
    if data.tanh_slope || series.iter().any(|(_, s)| !s.label.is_empty()) {
        draw_legend(&mut chart, &theme, SeriesLabelPosition::UpperRight)?;
    }
    Ok(())
}

/// The slope curve's colour: apart from the series' palette.
const SLOPE_COLOR: RGBColor = RGBColor(0x1b, 0x7f, 0x3b);

/// The legend's name of tanh's slope curve.
pub const TANH_SLOPE_LABEL: &str = "1 - h²: the slope of tanh (top = 1)";

/// Tanh's local slope 1 - h² over h in -1..1 (within the x range), scaled so that its peak of 1
/// sits at 90% of the plot's height: where the histogram piles up at ±1, the curve is at 0.
fn draw_tanh_slope<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    x: (f64, f64),
    y: (f64, f64),
) -> Result<(), ChartError> {
    let (lo, hi) = (x.0.max(-1.0), x.1.min(1.0));
    if hi <= lo {
        return Ok(());
    }
    let top = y.0 + 0.9 * (y.1 - y.0);
    let points: Vec<(f64, f64)> = (0..=100)
        .map(|i| {
            let h = lo + (hi - lo) * f64::from(i) / 100.0;
            (h, y.0 + (1.0 - h * h) * (top - y.0))
        })
        .collect();
    draw_line(
        chart,
        points,
        SLOPE_COLOR.stroke_width(LINE_PX),
        Some(TANH_SLOPE_LABEL),
    )
}

/// Draws `left` and `right` side by side in `root` (each with its own axes), e.g. the Kaiming
/// demo (`x` and `y = x @ w`) or the pre-activation / activation pair; `left` over `right` where
/// the area is too narrow for two plots abreast but tall enough for two (a portrait screen).
pub fn draw_histogram_pair<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    left: &HistogramSpec,
    right: &HistogramSpec,
) -> Result<(), ChartError> {
    root.fill(&WHITE)?;
    let (w, h) = root.dim_in_pixel();
    let stacked = w / 2 < MIN_SIZE.0 && h / 2 >= MIN_SIZE.1;
    let (left_area, right_area) = if stacked {
        root.split_vertically(h / 2)
    } else {
        root.split_horizontally(w / 2)
    };
    // Series of the same names on both sides (the batch's statistics and the running ones) get
    // one legend, on the right: a second one would cover half of the left plot.
    let (l, r) = (&left.series, &right.series);
    if l.len() > 1 && l.iter().map(|s| &s.label).eq(r.iter().map(|s| &s.label)) {
        let unnamed = HistogramSpec {
            series: l
                .iter()
                .map(|s| HistSeriesSpec {
                    label: String::new(),
                    ..s.clone()
                })
                .collect(),
            ..left.clone()
        };
        draw_histograms(&left_area, &unnamed)?;
    } else {
        draw_histograms(&left_area, left)?;
    }
    draw_histograms(&right_area, right)
}
