//! A legend under the plot, its entries in rows, for a chart whose lines may run anywhere in
//! the plot (the loss chart with earlier runs, a run cut short, a zoom): there the legend box of
//! `common::draw_legend` would cover the data it names. The chart reserves the strip's height
//! (`strip_height`, from its labels) before it builds its frame above, then draws the entries
//! added while drawing into it (`draw_strip`).

use super::common::*;
use super::ChartError;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Line height over font size.
const LINE_HEIGHT: f64 = 1.25;
/// Room left of a label for its swatch, and the swatch's length.
const SWATCH_AREA: i32 = 30;
const SWATCH: i32 = 24;
/// Space between two entries of a row, and around the strip.
const GAP: i32 = 18;
const MARGIN: i32 = 12;

/// The font of the strip: the legend's, smaller in a compact frame.
fn font(root_width: u32, theme: &Theme) -> (TextStyle<'static>, f64) {
    if root_width < COMPACT_W {
        (theme.compact_label(), COMPACT_LABEL_PX)
    } else {
        (theme.label(), LABEL_PX)
    }
}

/// A label placed in the strip: its text (cut to the strip's width), its x and its row.
type Placed = (String, i32, usize);

/// Where each label goes, and the rows.
fn layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: Vec<String>,
    font: &TextStyle,
) -> Result<(Vec<Placed>, usize), ChartError> {
    let width = area.dim_in_pixel().0 as i32 - 2 * MARGIN;
    let room = (width - SWATCH_AREA).max(1) as u32;
    let (mut x, mut row) = (0, 0);
    let mut placed = Vec::with_capacity(labels.len());
    for label in labels {
        let label = fit_text(area, label, font, room)?;
        let w = SWATCH_AREA + area.estimate_text_size(&label, font)?.0 as i32;
        if x > 0 && x + w > width {
            (x, row) = (0, row + 1);
        }
        placed.push((label, MARGIN + x, row));
        x += w + GAP;
    }
    let rows = if placed.is_empty() { 0 } else { row + 1 };
    Ok((placed, rows))
}

/// The height (pixels) a strip under `root` needs for `labels`: 0 for none.
pub fn strip_height<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: &Theme,
    labels: &[String],
) -> Result<u32, ChartError> {
    let (font, px) = font(root.dim_in_pixel().0, theme);
    let (_, rows) = layout(root, labels.to_vec(), &font)?;
    Ok(match rows {
        0 => 0,
        n => (n as f64 * px * LINE_HEIGHT).ceil() as u32 + MARGIN as u32 / 2,
    })
}

/// Draws the legend entries added since `build_chart` into `strip`, in rows (see
/// `strip_height`); `root_width` is the chart's (the font follows it).
pub fn draw_strip<DB: DrawingBackend>(
    strip: &DrawingArea<DB, Shift>,
    theme: &Theme,
    root_width: u32,
) -> Result<(), ChartError> {
    let entries = take_legend();
    let (font, px) = font(root_width, theme);
    let labels = entries.iter().map(|e| e.0.clone()).collect();
    let (placed, _) = layout(strip, labels, &font)?;
    for ((label, x, row), (_, swatch, _)) in placed.into_iter().zip(entries) {
        let y = (row as f64 * px * LINE_HEIGHT).round() as i32;
        let (_, th) = strip.estimate_text_size(&label, &font)?;
        draw_swatch(strip, swatch, (x, y + th as i32 / 2), SWATCH)?;
        strip.draw(&Text::new(label, (x + SWATCH_AREA, y), font.clone()))?;
    }
    Ok(())
}
