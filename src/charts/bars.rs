//! Bar charts over a vocabulary: the step-through sampler's probabilities of the next character
//! (sorted, the chosen one highlighted, the uniform 1/vocab as a reference line) and "score a
//! name" (one bar per character, in order). Thousands of characters (Chinese names) become thin
//! bars, at most one per pixel column (the highest of those it covers), with the highlighted bar
//! drawn on top at least `MIN_HIGHLIGHT_PX` wide and high; only the highest get a label under the axis,
//! and a note says how many.

use super::common::*;
use super::prep::{finite_bounds, nice_range, sort_indices, thousands};
use super::{series_color, BarsSpec, ChartError};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The highlighted bar's colour index (orange, next to the bars' blue).
const HIGHLIGHT: usize = 1;
/// Narrowest highlighted bar in pixels, so that it shows among thousands of thin bars.
const MIN_HIGHLIGHT_PX: f64 = 3.0;
/// Bars at least this many pixels apart get a gap between them.
const GAP_FROM_PX: f64 = 4.0;
/// Smallest space between two labels under the axis, in pixels.
const LABEL_GAP_PX: i32 = 3;

/// The indices of `values` left to right: highest first when sorting (non-finite last, ties
/// in index order), else as given.
fn display_order(values: &[f32], sort_desc: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    if sort_desc {
        let key = |i: usize| Some(values[i]).filter(|v| v.is_finite());
        sort_indices(&mut order, &|a, b| {
            key(b)
                .partial_cmp(&key(a))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }
    order
}

/// Whether labels `(centre, width)` in pixels, on one row, leave `LABEL_GAP_PX` between them.
fn fit_in_row(labels: &[(i32, i32)]) -> bool {
    let mut by_x: Vec<usize> = (0..labels.len()).collect();
    sort_indices(&mut by_x, &|a, b| labels[a].cmp(&labels[b]));
    by_x.windows(2).all(|p| {
        let (a, b) = (labels[p[0]], labels[p[1]]);
        a.0 + (a.1 + 1) / 2 + LABEL_GAP_PX <= b.0 - (b.1 + 1) / 2
    })
}

/// The row (0 or 1) of each label `(centre, width)`, given in order of priority, or `None` if
/// there is no room for it: all on one row if they fit, else alternating between two rows from
/// left to right if that fits, else each in the first row where it overlaps no label placed
/// before it.
fn label_rows(labels: &[(i32, i32)]) -> Vec<Option<usize>> {
    if fit_in_row(labels) {
        return vec![Some(0); labels.len()];
    }
    let mut by_x: Vec<usize> = (0..labels.len()).collect();
    sort_indices(&mut by_x, &|a, b| labels[a].0.cmp(&labels[b].0));
    let mut rows = vec![None; labels.len()];
    for (rank, &i) in by_x.iter().enumerate() {
        rows[i] = Some(rank % 2);
    }
    let row = |r: usize| -> Vec<(i32, i32)> {
        (0..labels.len())
            .filter(|&i| rows[i] == Some(r))
            .map(|i| labels[i])
            .collect()
    };
    if fit_in_row(&row(0)) && fit_in_row(&row(1)) {
        return rows;
    }
    let mut placed: [Vec<(i32, i32)>; 2] = [Vec::new(), Vec::new()];
    labels
        .iter()
        .map(|&(x, w)| {
            let (a, b) = (
                x - (w + 1) / 2 - LABEL_GAP_PX,
                x + (w + 1) / 2 + LABEL_GAP_PX,
            );
            let r = (0..2).find(|&r| {
                placed[r]
                    .iter()
                    .all(|&(u, v)| b <= u - (v + 1) / 2 || a >= u + (v + 1) / 2)
            })?;
            placed[r].push((x, w));
            Some(r)
        })
        .collect()
}

/// Where the point `p` of `chart` is, in pixels of `root`.
fn in_root<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    p: (f64, f64),
) -> (i32, i32) {
    let ((x, y), (ox, oy)) = (chart.backend_coord(&p), root.get_base_pixel());
    (x - ox, y - oy)
}

/// Draws the bar chart of `data` (see [`BarsSpec`]) into `root`.
pub fn draw_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &BarsSpec,
) -> Result<(), ChartError> {
    if let Some(r) = too_small(root, &data.title) {
        return r;
    }
    let values = &data.values;
    let finite = |i: usize| Some(values[i] as f64).filter(|v| v.is_finite());
    let reference = data
        .reference
        .as_ref()
        .filter(|r| r.0.is_finite())
        .map(|(v, l)| (*v, l.as_str()));
    let bounds = finite_bounds(values.iter().map(|&v| v as f64));
    let Some((lo, hi)) = bounds else {
        return draw_message(root, &data.title, NO_DATA);
    };
    let r = reference.map_or(0.0, |r| r.0 as f64);
    let (bottom, top) = (lo.min(0.0).min(r), hi.max(0.0).max(r));
    // Head room for the highlighted bar's value and the note.
    let y = nice_range(
        bottom,
        if top > bottom {
            top + 0.15 * (top - bottom)
        } else {
            bottom + 1.0
        },
    );
    let order = display_order(values, data.sort_desc);
    let n = order.len();
    let x = (0.0, n as f64);

    let theme = Theme::new();
    let mut chart = build_chart(root, &theme, &data.title, x, y)?;
    let y_dec = tick_decimals(y.0, y.1, 6);
    let fy = move |v: &f64| format_tick(*v, y_dec);
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .max_light_lines(4)
        .y_label_formatter(&fy)
        .label_style(theme.tick())
        .axis_desc_style(theme.label())
        .axis_style(AXIS.stroke_width(2))
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .light_line_style(RGBColor(0xf2, 0xf2, 0xf2));
    if !data.x_label.is_empty() {
        mesh.x_desc(&data.x_label);
    }
    if !data.y_label.is_empty() {
        mesh.y_desc(&data.y_label);
    }
    mesh.draw()?;

    let plot_w = chart.plotting_area().dim_in_pixel().0.max(1) as usize;
    let bar_px = plot_w as f64 / n as f64;
    let base = 0f64.clamp(y.0, y.1);
    let fill = series_color(0).filled();
    let highlight = data.highlight.filter(|&i| i < n && finite(i).is_some());
    if n <= plot_w {
        let pad = if bar_px >= GAP_FROM_PX { 0.15 } else { 0.0 };
        chart.draw_series(
            order
                .iter()
                .enumerate()
                .filter(|&(_, &i)| Some(i) != highlight)
                .filter_map(|(k, &i)| Some((k as f64, finite(i)?)))
                .map(|(k, v)| Rectangle::new([(k + pad, base), (k + 1.0 - pad, v)], fill)),
        )?;
    } else {
        // One bar per pixel column, as high as the highest bar it covers.
        chart.draw_series((0..plot_w).filter_map(|c| {
            let (s, e) = (n * c / plot_w, n * (c + 1) / plot_w);
            let v = finite_bounds(order[s..e].iter().filter_map(|&i| finite(i)))?.1;
            Some(Rectangle::new([(s as f64, base), (e as f64, v)], fill))
        }))?;
    }

    // Where each bar stands, left to right.
    let mut slot = vec![0; n];
    for (k, &i) in order.iter().enumerate() {
        slot[i] = k;
    }
    let mark = series_color(HIGHLIGHT);
    let mut boxed = Vec::new();
    if let Some(h) = highlight {
        let v = values[h] as f64;
        let centre = slot[h] as f64 + 0.5;
        let half = if bar_px >= GAP_FROM_PX { 0.35 } else { 0.5 };
        let half = f64::max(half, MIN_HIGHLIGHT_PX / 2.0 / bar_px);
        // At least MIN_HIGHLIGHT_PX high too: the chosen character may be a rare one.
        let plot_h = chart.plotting_area().dim_in_pixel().1.max(1) as f64;
        let min_h = MIN_HIGHLIGHT_PX * (y.1 - y.0) / plot_h;
        let end = if v >= base {
            v.max(base + min_h)
        } else {
            v.min(base - min_h)
        };
        chart.draw_series(std::iter::once(Rectangle::new(
            [(centre - half, base), (centre + half, end)],
            mark.filled(),
        )))?;
        // Kept inside the plot at the ends.
        let at = centre / n as f64 * plot_w as f64;
        let h_pos = match at {
            a if a < 30.0 => HPos::Left,
            a if a > plot_w as f64 - 30.0 => HPos::Right,
            _ => HPos::Center,
        };
        let style = theme
            .bold(LABEL_PX, mark)
            .pos(Pos::new(h_pos, VPos::Bottom));
        let (px, py) = in_root(root, &chart, (centre, end));
        boxed.push((format_sig2(v), (px, py - 4), style));
    }
    if let Some((r, label)) = reference {
        let r = r as f64;
        draw_line(
            &mut chart,
            vec![(x.0, r), (x.1, r)],
            BLACK.stroke_width(2),
            None,
        )?;
        if !label.is_empty() {
            let style = theme.label().pos(Pos::new(HPos::Right, VPos::Bottom));
            let (px, py) = in_root(root, &chart, (x.1, r));
            boxed.push((label.to_string(), (px - 6, py - 4), style));
        }
    }
    for (text, at, style) in boxed {
        boxed_text(root, text, at, style)?;
    }

    // Labels under the axis: the highlighted bar's, then the highest bars' (at most
    // `max_labels`), as many as there is room for.
    let label_of = |i: usize| {
        data.labels
            .get(i)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    };
    let mut ranked: Vec<usize> = (0..n).filter(|&i| finite(i).is_some()).collect();
    sort_indices(&mut ranked, &|a, b| {
        values[b].total_cmp(&values[a]).then(slot[a].cmp(&slot[b]))
    });
    ranked.truncate(if data.max_labels == 0 {
        n
    } else {
        data.max_labels
    });
    let top = ranked.iter().filter(|&&i| label_of(i).is_some()).count();
    let candidates: Vec<(usize, &str)> = highlight
        .into_iter()
        .chain(ranked.into_iter().filter(|&i| Some(i) != highlight))
        .filter_map(|i| Some((i, label_of(i)?)))
        .collect();
    let font = theme.tick();
    let axis_y = in_root(root, &chart, (x.0, y.0)).1;
    let mut sizes = Vec::with_capacity(candidates.len());
    let mut row_h = 0;
    for &(i, text) in &candidates {
        let (w, h) = root.estimate_text_size(text, &font)?;
        let centre = in_root(root, &chart, (slot[i] as f64 + 0.5, y.0)).0;
        sizes.push((centre, w as i32));
        row_h = row_h.max(h as i32 + 2);
    }
    let rows = label_rows(&sizes);
    for ((&(i, text), &(centre, _)), row) in candidates.iter().zip(&sizes).zip(&rows) {
        let Some(row) = row else { continue };
        let style = if Some(i) == highlight {
            theme.bold(TICK_PX, mark)
        } else {
            font.clone()
        };
        let pos = (centre, axis_y + 4 + *row as i32 * row_h);
        root.draw(&Text::new(
            text.to_string(),
            pos,
            style.pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    let shown = rows.iter().flatten().count();
    if !candidates.is_empty() && shown < n {
        let note = if shown == candidates.len() {
            format!("labels: top {} of {}", thousands(top), thousands(n))
        } else {
            format!(
                "labels: {} of {} (the highest that fit)",
                thousands(shown),
                thousands(n)
            )
        };
        let style = theme.muted().pos(Pos::new(HPos::Right, VPos::Top));
        chart.draw_series(std::iter::once(
            EmptyElement::at((x.1, y.1)) + Text::new(note, (-8, 6), style),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_thousands() {
        let v = [0.1, f32::NAN, 0.5, 0.1, 0.3];
        assert_eq!(display_order(&v, true), vec![2, 4, 0, 3, 1]);
        assert_eq!(display_order(&v, false), vec![0, 1, 2, 3, 4]);
        assert_eq!(thousands(2431), "2,431");
        assert_eq!(thousands(20), "20");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn labels_one_row_two_rows_or_greedy() {
        // 10 px apart, 6 px wide: one row.
        let wide: Vec<(i32, i32)> = (0..5).map(|i| (i * 10, 6)).collect();
        assert_eq!(label_rows(&wide), vec![Some(0); 5]);
        // 6 px apart, 6 px wide: alternating rows, left to right (given in any order).
        let close = [(12, 6), (0, 6), (6, 6), (18, 6)];
        assert_eq!(label_rows(&close), vec![Some(0), Some(0), Some(1), Some(1)]);
        // 1 px apart: the first in priority order wins, the next ones take the second row or
        // find no room.
        let crowded = [(5, 6), (4, 6), (6, 6), (30, 6)];
        assert_eq!(label_rows(&crowded), vec![Some(0), Some(1), None, Some(0)]);
        assert!(label_rows(&[]).is_empty());
    }
}
