//! The embedding scatter: each character as a big dot with its letter on it (the notebook's
//! `plt.scatter(C[:,0], C[:,1], s=200)` plus `plt.text(..., ha='center', va='center',
//! color='white')` and a grid).

use super::common::*;
use super::prep::{finite_bounds, padded_nice_range};
use super::{series_color, ChartError, EmbeddingData};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Dot radius in pixels.
const DOT_PX: u32 = 14;

/// Draws the embedding scatter of `data` (see [`EmbeddingData`]) into `root`.
pub fn draw_embedding<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &EmbeddingData,
) -> Result<(), ChartError> {
    if let Some(r) = too_small(root, data.title) {
        return r;
    }
    let points: Vec<(char, (f64, f64))> = data
        .points
        .iter()
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .map(|p| (p.ch, (p.x as f64, p.y as f64)))
        .collect();
    let (Some(xb), Some(yb)) = (
        finite_bounds(points.iter().map(|p| p.1 .0)),
        finite_bounds(points.iter().map(|p| p.1 .1)),
    ) else {
        return draw_message(root, data.title, NO_DATA);
    };

    let theme = Theme::new();
    // Room for the dots at the edges.
    let x = padded_nice_range(xb.0, xb.1, 0.08);
    let y = padded_nice_range(yb.0, yb.1, 0.08);
    let mut chart = build_chart(root, &theme, data.title, x, y)?;
    draw_axes(&mut chart, &theme, data.x_label, data.y_label, true)?;

    let dot = series_color(0).filled();
    chart.draw_series(points.iter().map(|&(_, p)| Circle::new(p, DOT_PX, dot)))?;
    let letter = theme
        .bold(LABEL_PX, WHITE)
        .pos(Pos::new(HPos::Center, VPos::Center));
    chart.draw_series(
        points
            .iter()
            .map(|&(ch, p)| Text::new(ch.to_string(), p, letter.clone())),
    )?;
    Ok(())
}
