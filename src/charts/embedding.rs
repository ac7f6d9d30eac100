//! The embedding scatter: each character as a big dot with its letter on it (the notebook's
//! `plt.scatter(C[:,0], C[:,1], s=200)` plus `plt.text(..., ha='center', va='center',
//! color='white')` and a grid). A large vocabulary (Chinese names use thousands of characters)
//! would bury the plot under dots, so beyond `MAX_LABELS` every character is a small point and
//! only the most frequent (or, without counts, the farthest out) get a labelled dot, never two
//! overlapping; the chart says how many ("labels: 60 of 2,431 characters").
//!
//! On the embedding's path (`draw_embedding_path`) the axes are fixed over every snapshot, each
//! letter has a faint trail from where it started (a small ring) to where it is, and the
//! snapshot's step is written in the corner.

use super::common::*;
use super::pick::{self, nearest, Hit, NEIGHBOUR, NEIGHBOURS, PICKED};
use super::prep::{finite_bounds, padded_nice_range, sort_indices, thousands};
use super::{series_color, ChartError, EmbeddingPathSpec, EmbeddingSpec};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Dot radius in pixels.
const DOT_PX: u32 = 14;
/// Radius of an unlabelled point of a large vocabulary.
const POINT_PX: u32 = 2;
/// Most labelled dots; up to this many characters, every one is labelled.
pub const MAX_LABELS: usize = 60;

/// Which points get a label: all when there are at most `MAX_LABELS`; otherwise, in order of
/// `priority` (highest first, ties by index), each point at least two dot radii (in pixels, `px`)
/// from every one chosen before, until `MAX_LABELS` are chosen.
fn choose_labels(px: &[(i32, i32)], priority: &[f64]) -> Vec<bool> {
    let n = px.len();
    if n <= MAX_LABELS {
        return vec![true; n];
    }
    let mut order: Vec<usize> = (0..n).collect();
    sort_indices(&mut order, &|a, b| {
        priority[b].total_cmp(&priority[a]).then(a.cmp(&b))
    });
    let min_d2 = (2 * DOT_PX as i64).pow(2);
    let mut chosen = vec![false; n];
    let mut placed: Vec<(i32, i32)> = Vec::with_capacity(MAX_LABELS);
    for i in order {
        if placed.len() == MAX_LABELS {
            break;
        }
        let (x, y) = px[i];
        let free = placed.iter().all(|&(u, v)| {
            let (dx, dy) = ((x - u) as i64, (y - v) as i64);
            dx * dx + dy * dy >= min_d2
        });
        if free {
            placed.push((x, y));
            chosen[i] = true;
        }
    }
    chosen
}

/// Draws the embedding scatter of `data` (see [`EmbeddingSpec`]) into `root`; with its `path`,
/// at one snapshot of the embedding's path: trails, fixed axes, the step.
pub fn draw_embedding<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &EmbeddingSpec,
) -> Result<(), ChartError> {
    draw_embedding_picked(root, data, None)
}

/// The scatter with point `picked` ringed and joined to its `NEIGHBOURS` nearest points.
pub fn draw_embedding_picked<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &EmbeddingSpec,
    picked: Option<usize>,
) -> Result<(), ChartError> {
    scatter(root, data, data.path.as_ref(), picked)
}

/// One character's point in the plot.
#[derive(Clone, Copy)]
struct CharPoint {
    ch: char,
    x: f32,
    y: f32,
}

/// Trail width in pixels, and the radius of the ring where a trail starts.
const TRAIL_PX: u32 = 2;
const START_PX: u32 = 4;

/// The bounds widened to the path's fixed ones (when finite).
fn widen(b: (f64, f64), lo: f32, hi: f32) -> (f64, f64) {
    if lo.is_finite() && hi.is_finite() && lo <= hi {
        (b.0.min(lo as f64), b.1.max(hi as f64))
    } else {
        b
    }
}

/// The parts of a polyline inside the rectangle `(x0, x1, y0, y1)`: each segment cut to it
/// (Liang-Barsky), consecutive pieces joined.
fn clip(line: &[(f64, f64)], r: (f64, f64, f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut open = false;
    for w in line.windows(2) {
        let ((ax, ay), (bx, by)) = (w[0], w[1]);
        let (dx, dy) = (bx - ax, by - ay);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        let inside = [
            (-dx, ax - r.0),
            (dx, r.1 - ax),
            (-dy, ay - r.2),
            (dy, r.3 - ay),
        ]
        .iter()
        .all(|&(p, q)| {
            if p == 0.0 {
                return q >= 0.0;
            }
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
            t0 <= t1
        });
        if !inside {
            open = false;
            continue;
        }
        let a = (ax + t0 * dx, ay + t0 * dy);
        let b = (ax + t1 * dx, ay + t1 * dy);
        match pieces.last_mut() {
            Some(piece) if open && t0 == 0.0 => piece.push(b),
            _ => pieces.push(vec![a, b]),
        }
        open = t1 == 1.0;
    }
    pieces
}

fn scatter<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &EmbeddingSpec,
    path: Option<&EmbeddingPathSpec>,
    picked: Option<usize>,
) -> Result<(), ChartError> {
    if let Some(r) = too_small(root, &data.title) {
        return r;
    }
    // `chars[i]` at `(xs[i], ys[i])`.
    let all: Vec<CharPoint> = data
        .chars
        .iter()
        .zip(data.xs.iter().zip(&data.ys))
        .map(|(&ch, (&x, &y))| CharPoint { ch, x, y })
        .collect();
    // (character, position, count if known) of the finite points.
    let points: Vec<(char, (f64, f64), Option<u32>)> = all
        .iter()
        .enumerate()
        .filter(|(_, p)| p.x.is_finite() && p.y.is_finite())
        .map(|(i, p)| (p.ch, (p.x as f64, p.y as f64), data.counts.get(i).copied()))
        .collect();
    let (Some(xb), Some(yb)) = (
        finite_bounds(points.iter().map(|p| p.1 .0)),
        finite_bounds(points.iter().map(|p| p.1 .1)),
    ) else {
        return draw_message(root, &data.title, NO_DATA);
    };
    let (xb, yb) = match path.and_then(|p| p.bounds) {
        Some(b) => (widen(xb, b[0], b[1]), widen(yb, b[2], b[3])),
        None => (xb, yb),
    };

    let theme = Theme::new();
    // Room for the dots at the edges.
    let x = padded_nice_range(xb.0, xb.1, 0.08);
    let y = padded_nice_range(yb.0, yb.1, 0.08);
    let mut chart = build_chart(root, &theme, &data.title, x, y)?;
    draw_axes(&mut chart, &theme, &data.x_label, &data.y_label, true)?;
    if let Some(p) = path {
        let faint = series_color(0).mix(0.3);
        for i in 0..p.trail_of.len() {
            let trail: Vec<(f64, f64)> = (i * p.len..(i + 1) * p.len)
                .filter_map(|k| Some((*p.xs.get(k)?, *p.ys.get(k)?)))
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .map(|(x, y)| (x as f64, y as f64))
                .collect();
            let Some(&start) = trail.first() else {
                continue;
            };
            let pieces = clip(&trail, (x.0, x.1, y.0, y.1));
            chart.draw_series(
                pieces
                    .into_iter()
                    .map(|piece| PathElement::new(piece, faint.stroke_width(TRAIL_PX))),
            )?;
            if x.0 <= start.0 && start.0 <= x.1 && y.0 <= start.1 && start.1 <= y.1 {
                chart.draw_series(std::iter::once(Circle::new(
                    start,
                    START_PX,
                    faint.stroke_width(TRAIL_PX),
                )))?;
            }
        }
    }

    // The most frequent characters first when every point has a count, else the farthest from
    // the centre (the characters that stand apart are the story of the plot).
    let by_count = data.counts.len() == all.len();
    let n = points.len() as f64;
    let centre = (
        points.iter().map(|p| p.1 .0).sum::<f64>() / n,
        points.iter().map(|p| p.1 .1).sum::<f64>() / n,
    );
    let priority: Vec<f64> = points
        .iter()
        .map(|&(_, (px, py), count)| match count {
            Some(c) if by_count => c as f64,
            _ => {
                // In pixels, so that a stretched axis does not decide.
                let (a, b) = (chart.backend_coord(&(px, py)), chart.backend_coord(&centre));
                (((a.0 - b.0) as f64).powi(2) + ((a.1 - b.1) as f64).powi(2)).sqrt()
            }
        })
        .collect();
    let px: Vec<(i32, i32)> = points.iter().map(|p| chart.backend_coord(&p.1)).collect();
    let labelled = choose_labels(&px, &priority);
    let shown: Vec<(char, (f64, f64))> = points
        .iter()
        .zip(&labelled)
        .filter(|(_, &l)| l)
        .map(|(p, _)| (p.0, p.1))
        .collect();

    // The notes in the plot's top-left corner, one per line (side by side they ran into each
    // other), each cut to the plot's width, on white boxes over the trails and under the dots
    // (the trails would hide the step; a note must not hide a letter).
    let mut notes = Vec::new();
    if shown.len() < points.len() {
        notes.push(format!(
            "labels: {} of {} characters ({})",
            thousands(shown.len()),
            thousands(points.len()),
            if by_count {
                "the most frequent"
            } else {
                "the farthest out"
            }
        ));
    }
    if let Some(p) = path.filter(|p| !p.note.is_empty()) {
        notes.push(p.note.to_string());
    }
    let area = chart.plotting_area().strip_coord_spec();
    let room = (area.dim_in_pixel().0 as i32 - 16).max(LABEL_PX as i32) as u32;
    let style = theme.muted().pos(Pos::new(HPos::Left, VPos::Top));
    for (i, note) in notes.into_iter().enumerate() {
        let note = fit_text(&area, note, &style, room)?;
        let dy = 6 + (i as f64 * LABEL_PX * 1.25).round() as i32;
        boxed_text(&area, note, (8, dy), style.clone())?;
    }

    // The picked point's lines go under the dots.
    let at = |i: usize| {
        let p = all[i];
        (p.x as f64, p.y as f64)
    };
    let neighbours = match picked.filter(|&i| i < all.len()) {
        Some(i) => {
            let (xs, ys): (Vec<f32>, Vec<f32>) = all.iter().map(|p| (p.x, p.y)).unzip();
            nearest(&xs, &ys, i, NEIGHBOURS)
        }
        None => Vec::new(),
    };
    if let Some(i) = picked {
        chart.draw_series(
            neighbours
                .iter()
                .map(|&(j, _)| PathElement::new(vec![at(i), at(j)], NEIGHBOUR.stroke_width(3))),
        )?;
    }

    let color = series_color(0);
    if points.len() > MAX_LABELS {
        let small = color.mix(0.5).filled();
        chart.draw_series(
            points
                .iter()
                .zip(&labelled)
                .filter(|(_, &l)| !l)
                .map(|(p, _)| Circle::new(p.1, POINT_PX, small)),
        )?;
    }
    chart.draw_series(
        shown
            .iter()
            .map(|&(_, p)| Circle::new(p, DOT_PX, color.filled())),
    )?;
    let letter = theme
        .bold(LABEL_PX, WHITE)
        .pos(Pos::new(HPos::Center, VPos::Center));
    chart.draw_series(
        shown
            .iter()
            .map(|&(ch, p)| Text::new(ch.to_string(), p, letter.clone())),
    )?;
    for (&(j, _), d) in neighbours.iter().zip(0..) {
        let ring = if d == 0 { 2 } else { 1 };
        chart.draw_series(std::iter::once(Circle::new(
            at(j),
            DOT_PX + 3,
            NEIGHBOUR.stroke_width(ring + 1),
        )))?;
    }
    if let Some(i) = picked.filter(|_| !neighbours.is_empty()) {
        chart.draw_series(std::iter::once(Circle::new(
            at(i),
            DOT_PX + 4,
            PICKED.stroke_width(4),
        )))?;
    }
    for (i, p) in all.iter().enumerate() {
        if p.x.is_finite() && p.y.is_finite() {
            let radius = if points.len() > MAX_LABELS {
                POINT_PX + 4
            } else {
                DOT_PX
            };
            pick::record(Hit::Point {
                index: i,
                at: chart.backend_coord(&(p.x as f64, p.y as f64)),
                radius: radius as i32,
            });
        }
    }
    Ok(())
}
