//! A legend outside the plot, for a chart whose lines may run anywhere in it (the loss chart
//! with earlier runs, a run cut short, a zoom): there the legend box of `common::draw_legend`
//! would cover the data it names. The legend is a strip under the plot, its entries in rows;
//! where that strip would take more than a quarter of a short, wide chart's height (a key chart
//! on a laptop's first screen), a column right of the plot instead. The chart asks where it goes (`place`, from its labels) before it builds its
//! frame in the rest (`split`), then draws the entries added while drawing into it (`draw`).

use super::common::*;
use super::ChartError;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Line height over font size.
const LINE_HEIGHT: f64 = 1.25;
/// Room left of a label for its swatch, and the swatch's length.
const SWATCH_AREA: i32 = 30;
const SWATCH: i32 = 24;
/// Space between two entries of a row, and around the legend.
const GAP: i32 = 18;
const MARGIN: i32 = 12;
/// The widest a column may be, as a share of the chart's width, and the narrowest chart that
/// gets one.
const COLUMN_SHARE: f64 = 0.35;
const COLUMN_FROM: u32 = 600;

/// Where the legend goes: a strip of this height under the plot, or a column of this width
/// right of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Under(u32),
    Right(u32),
}

/// A label as drawn (cut to the room there is), its x and y in the legend's area.
type Placed = (String, i32, i32);

/// The font of the legend, and its size: the legend's, smaller in a compact frame.
fn font(root_width: u32, theme: &Theme) -> (TextStyle<'static>, f64) {
    if root_width < COMPACT_W {
        (theme.compact_label(), COMPACT_LABEL_PX)
    } else {
        (theme.label(), LABEL_PX)
    }
}

/// Where each label goes in an area `width` pixels wide, and the height it takes.
fn layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: Vec<String>,
    (font, px): &(TextStyle, f64),
    place: Place,
    width: i32,
) -> Result<(Vec<Placed>, i32), ChartError> {
    let line = (px * LINE_HEIGHT).round() as i32;
    let (left, room) = match place {
        Place::Under(_) => (MARGIN, width - 2 * MARGIN),
        Place::Right(_) => (0, width - MARGIN / 2),
    };
    let (mut x, mut y) = (0, MARGIN / 2);
    let mut placed = Vec::with_capacity(labels.len());
    for label in labels {
        let label = fit_text(area, label, font, (room - SWATCH_AREA).max(1) as u32)?;
        let w = SWATCH_AREA + area.estimate_text_size(&label, font)?.0 as i32;
        // A strip starts a row when the entry does not fit; a column has one entry a row.
        if x > 0 && (matches!(place, Place::Right(_)) || x + w > room) {
            (x, y) = (0, y + line);
        }
        placed.push((label, left + x, y));
        x += w + GAP;
    }
    let height = if placed.is_empty() { 0 } else { y + line };
    Ok((placed, height))
}

/// Where a legend of `labels` goes in `root`: under the plot, or right of it on a chart too
/// short for the strip. `None`: nowhere (no labels, or no room on a narrow chart).
pub fn place<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: &Theme,
    labels: &[String],
) -> Result<Option<Place>, ChartError> {
    if labels.is_empty() {
        return Ok(None);
    }
    let (w, h) = root.dim_in_pixel();
    let font = font(w, theme);
    let (_, strip) = layout(root, labels.to_vec(), &font, Place::Under(0), w as i32)?;
    let strip = strip + MARGIN / 2;
    if 4 * strip <= h as i32 {
        return Ok(Some(Place::Under(strip as u32)));
    }
    // A narrow chart: a column would cut every label short, and a strip taller than a third
    // of the chart would squeeze the plot; the legend is left out (the text twin under every
    // chart names the series), as `common::draw_legend` leaves out one that would hide the data.
    if w < COLUMN_FROM {
        return Ok((3 * strip <= h as i32).then_some(Place::Under(strip as u32)));
    }
    let widest = labels
        .iter()
        .map(|l| root.estimate_text_size(l, &font.0).map(|s| s.0 as i32))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .max()
        .unwrap_or(0);
    let column = (SWATCH_AREA + widest + MARGIN).min((w as f64 * COLUMN_SHARE) as i32);
    Ok(Some(Place::Right(column.max(0) as u32)))
}

/// `root` split into the plot's area and the legend's.
pub fn split<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    place: Option<Place>,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    let (w, h) = root.dim_in_pixel();
    match place {
        None => root.split_vertically(h),
        Some(Place::Under(s)) => root.split_vertically(h.saturating_sub(s)),
        Some(Place::Right(s)) => root.split_horizontally(w.saturating_sub(s)),
    }
}

/// Draws the legend entries added since `build_chart` into `area` (see `place`); `root_width`
/// is the chart's (the font follows it). A column's entries that do not fit its height are left
/// out: the text twin under every chart names every series.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    root_width: u32,
    place: Option<Place>,
) -> Result<(), ChartError> {
    let entries = take_legend();
    let Some(place) = place else { return Ok(()) };
    let font = font(root_width, theme);
    let labels = entries.iter().map(|e| e.0.clone()).collect();
    let (w, h) = area.dim_in_pixel();
    let (placed, _) = layout(area, labels, &font, place, w as i32)?;
    let line = (font.1 * LINE_HEIGHT).round() as i32;
    for ((label, x, y), (_, swatch, _)) in placed.into_iter().zip(entries) {
        if y + line > h as i32 {
            break;
        }
        let (_, th) = area.estimate_text_size(&label, &font.0)?;
        draw_swatch(area, swatch, (x, y + th as i32 / 2), SWATCH)?;
        area.draw(&Text::new(label, (x + SWATCH_AREA, y), font.0.clone()))?;
    }
    Ok(())
}
