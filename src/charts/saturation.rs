//! The saturation map: a boolean matrix (examples x neurons, `|h| > 0.99`) as a grid of pixels,
//! true white and false black, row 0 at the top (the notebook's
//! `plt.imshow(h.abs() > 0.99, cmap='gray')`; an all-white column is a dead neuron).
//! Drawn as one black rectangle plus one white rectangle per run of trues in a row.

use super::common::*;
use super::pick::{self, Hit, NEIGHBOUR, PICKED};
use super::{ChartError, SaturationSpec};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Draws the saturation map of `data` (see [`SaturationSpec`]) into `root`.
/// Returns `ChartError::InvalidData` if `data.values.len() != rows * cols`.
pub fn draw_saturation_map<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &SaturationSpec,
) -> Result<(), ChartError> {
    draw_saturation_map_picked(root, data, None)
}

/// The map with cell `picked` (row, column) outlined, and its column (the neuron).
pub fn draw_saturation_map_picked<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &SaturationSpec,
    picked: Option<(usize, usize)>,
) -> Result<(), ChartError> {
    let (rows, cols) = (data.rows, data.cols);
    if rows.checked_mul(cols) != Some(data.values.len()) {
        return Err(ChartError::InvalidData(format!(
            "saturation map: {} values for {} x {}",
            data.values.len(),
            rows,
            cols
        )));
    }
    if let Some(r) = too_small(root, &data.title) {
        return r;
    }
    if data.values.is_empty() {
        return draw_message(root, &data.title, NO_DATA);
    }

    let theme = Theme::new();
    let (w, h) = (cols as f64, rows as f64);
    // The y range runs from `rows` at the bottom to 0 at the top: row r occupies [r, r + 1].
    let mut chart = build_chart(root, &theme, &data.title, (0.0, w), (h, 0.0))?;
    draw_axes(&mut chart, &theme, &data.x_label, &data.y_label, false)?;

    chart.draw_series(std::iter::once(Rectangle::new(
        [(0.0, 0.0), (w, h)],
        BLACK.filled(),
    )))?;
    let white = WHITE.filled();
    let runs = data.values.chunks(cols).enumerate().flat_map(|(r, row)| {
        let r = r as f64;
        true_runs(row)
            .map(move |(c0, c1)| Rectangle::new([(c0 as f64, r), (c1 as f64, r + 1.0)], white))
    });
    chart.draw_series(runs)?;
    if let Some((r, c)) = picked.filter(|&(r, c)| r < rows && c < cols) {
        let (r, c) = (r as f64, c as f64);
        chart.draw_series([
            Rectangle::new([(c, 0.0), (c + 1.0, h)], NEIGHBOUR.stroke_width(2)),
            Rectangle::new([(c, r), (c + 1.0, r + 1.0)], PICKED.stroke_width(3)),
        ])?;
    }
    pick::record(Hit::Grid {
        rows,
        cols,
        from: chart.backend_coord(&(0.0, 0.0)),
        to: chart.backend_coord(&(w, h)),
    });
    Ok(())
}

/// The maximal runs `[start, end)` of saturated cells (non-zero) in `row`.
fn true_runs(row: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut c = 0;
    std::iter::from_fn(move || {
        while c < row.len() && row[c] == 0 {
            c += 1;
        }
        if c == row.len() {
            return None;
        }
        let start = c;
        while c < row.len() && row[c] != 0 {
            c += 1;
        }
        Some((start, c))
    })
}

#[cfg(test)]
mod tests {
    use super::true_runs;

    #[test]
    fn runs_of_trues() {
        let row = [1, 1, 0, 1, 0, 0, 1];
        assert_eq!(
            true_runs(&row).collect::<Vec<_>>(),
            [(0, 2), (3, 4), (6, 7)]
        );
        assert_eq!(true_runs(&[0, 0]).count(), 0);
        assert_eq!(true_runs(&[]).count(), 0);
        assert_eq!(true_runs(&[1; 4]).collect::<Vec<_>>(), [(0, 4)]);
    }
}
