//! Pointing at a chart: which item is under a pixel (a letter of the embedding, a cell of the
//! saturation map, a layer's curve or legend entry), the arrow keys' next item, and the nearest
//! neighbours of a letter. Charts record where they drew their items (`record`) while they draw;
//! `pick` draws the spec on a `Probe` (the size and text measures of a real backend, no pixels;
//! the page passes its own canvas backend with drawing off, `pick_on`) so the geometry is exactly
//! that of the chart on screen.

use super::{ChartError, ChartSpec};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

/// A picked item of a chart, in the spec's own terms: `{kind: "point", index}`,
/// `{kind: "cell", row, col}` or `{kind: "layer", layer}` on the page.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "RawPick")]
pub enum Pick {
    /// Point `index` of an embedding (its character is `chars[index]`).
    Point { index: usize },
    /// Row `row` (an example of the batch), column `col` (a neuron) of a saturation map.
    Cell { row: usize, col: usize },
    /// A layer, by its key in the per-layer charts' `layers` (0: the embedding C, k: the k-th
    /// Linear and the activation after it), shared by every per-layer chart.
    Layer { layer: usize },
}

/// A pick as the page sends it, read as a plain struct: serde's reader of an internally tagged
/// enum buffers the whole value first and cost 17 KB of the wasm; this one costs little.
#[derive(Deserialize)]
struct RawPick {
    kind: String,
    index: Option<usize>,
    row: Option<usize>,
    col: Option<usize>,
    layer: Option<usize>,
}

impl TryFrom<RawPick> for Pick {
    type Error = String;
    fn try_from(r: RawPick) -> Result<Pick, String> {
        match (r.kind.as_str(), r.index, r.row, r.col, r.layer) {
            ("point", Some(index), ..) => Ok(Pick::Point { index }),
            ("cell", _, Some(row), Some(col), _) => Ok(Pick::Cell { row, col }),
            ("layer", .., Some(layer)) => Ok(Pick::Layer { layer }),
            (kind, ..) => Err(format!("not a pick: kind '{kind}' without its fields")),
        }
    }
}

/// How many neighbours of a picked letter are drawn and listed.
pub const NEIGHBOURS: usize = 4;
/// How far (pixels) from a curve a click still picks it.
const LINE_SLACK: f64 = 6.0;

/// Where a chart drew a pickable item, in the backend's pixels.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Hit {
    /// Point `index`, drawn at `at` with this radius.
    Point {
        index: usize,
        at: (i32, i32),
        radius: i32,
    },
    /// A `rows` x `cols` grid over the rectangle `from`..`to`.
    Grid {
        rows: usize,
        cols: usize,
        from: (i32, i32),
        to: (i32, i32),
    },
    /// Series `index`'s legend entry, the rectangle `from`..`to`.
    Legend {
        index: usize,
        from: (i32, i32),
        to: (i32, i32),
    },
    /// Series `index` drawn as a line through `points`.
    Line {
        index: usize,
        points: Vec<(i32, i32)>,
    },
}

thread_local! {
    /// The items of the chart being drawn (`ChartSpec::draw_picked` clears them).
    static HITS: RefCell<Vec<Hit>> = const { RefCell::new(Vec::new()) };
}

pub(crate) fn record(hit: Hit) {
    HITS.with(|h| h.borrow_mut().push(hit));
}

pub(crate) fn clear_hits() {
    HITS.with(|h| h.borrow_mut().clear());
}

fn take_hits() -> Vec<Hit> {
    HITS.with(|h| std::mem::take(&mut *h.borrow_mut()))
}

/// A backend that draws nothing and measures as `DB` does: the layout of a chart without
/// its pixels.
pub struct Probe<'a, DB>(pub &'a DB);

impl<DB: DrawingBackend> DrawingBackend for Probe<'_, DB> {
    type ErrorType = DB::ErrorType;
    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        Ok(())
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        Ok(())
    }
    fn draw_pixel(
        &mut self,
        _: BackendCoord,
        _: BackendColor,
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        Ok(())
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: BackendCoord,
        _: &S,
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        Ok(())
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: BackendCoord,
        _: &S,
        _: bool,
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        Ok(())
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        _: I,
        _: &S,
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        Ok(())
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: u32,
        _: &S,
        _: bool,
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        Ok(())
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        _: I,
        _: &S,
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        Ok(())
    }
    fn draw_text<T: BackendTextStyle>(
        &mut self,
        _: &str,
        _: &T,
        _: BackendCoord,
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        Ok(())
    }
    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<DB::ErrorType>> {
        self.0.estimate_text_size(text, style)
    }
}

/// The items `spec` draws on `root`.
fn hits_of<DB: DrawingBackend>(
    spec: &ChartSpec,
    root: &DrawingArea<DB, Shift>,
) -> Result<Vec<Hit>, ChartError> {
    spec.draw(root)?;
    Ok(take_hits())
}

fn dist2(a: (i32, i32), b: (i32, i32)) -> f64 {
    ((a.0 - b.0) as f64).powi(2) + ((a.1 - b.1) as f64).powi(2)
}

/// Squared distance from `p` to the segment `a`-`b`.
fn segment_dist2(p: (i32, i32), a: (i32, i32), b: (i32, i32)) -> f64 {
    let (px, py) = (p.0 as f64, p.1 as f64);
    let (ax, ay, bx, by) = (a.0 as f64, a.1 as f64, b.0 as f64, b.1 as f64);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (px - ax - t * dx).powi(2) + (py - ay - t * dy).powi(2)
}

/// The series `index` of a per-layer chart as a pick (its layer key).
fn layer_of(spec: &ChartSpec, index: usize) -> Option<Pick> {
    let layers = match spec {
        ChartSpec::Histograms(h) => &h.layers,
        ChartSpec::UpdateRatios(r) => &r.layers,
        _ => return None,
    };
    layers.get(index).map(|&layer| Pick::Layer { layer })
}

/// The item of `spec` at pixel `at` when drawn on a backend like `measure`: the letter whose
/// dot holds it (the nearest one), the map's cell, or a layer by its legend entry or a curve
/// within a few pixels. None: nothing there.
pub fn pick<DB: DrawingBackend>(
    spec: &ChartSpec,
    measure: &DB,
    at: (i32, i32),
) -> Result<Option<Pick>, ChartError> {
    pick_on(spec, &Probe(measure).into_drawing_area(), at)
}

/// [`pick`] on `root`, a backend that draws nothing itself (the page's canvas in measuring mode:
/// the same backend type as its drawing, so the charts are not compiled twice into the wasm).
pub fn pick_on<DB: DrawingBackend>(
    spec: &ChartSpec,
    root: &DrawingArea<DB, Shift>,
    at: (i32, i32),
) -> Result<Option<Pick>, ChartError> {
    let hits = hits_of(spec, root)?;
    // A legend box lies over the curves: it wins.
    for h in &hits {
        if let Hit::Legend { index, from, to } = h {
            if (from.0..=to.0).contains(&at.0) && (from.1..=to.1).contains(&at.1) {
                return Ok(layer_of(spec, *index));
            }
        }
    }
    let mut best: Option<(f64, Pick)> = None;
    let mut consider = |d2: f64, limit: f64, p: Option<Pick>| {
        if let Some(p) = p {
            if d2 <= limit * limit && best.is_none_or(|(b, _)| d2 < b) {
                best = Some((d2, p));
            }
        }
    };
    for h in &hits {
        match h {
            Hit::Point {
                index,
                at: c,
                radius,
            } => consider(
                dist2(at, *c),
                *radius as f64,
                Some(Pick::Point { index: *index }),
            ),
            Hit::Grid {
                rows,
                cols,
                from,
                to,
            } => {
                let (w, hgt) = ((to.0 - from.0) as f64, (to.1 - from.1) as f64);
                let (fx, fy) = ((at.0 - from.0) as f64 / w, (at.1 - from.1) as f64 / hgt);
                if (0.0..1.0).contains(&fx) && (0.0..1.0).contains(&fy) {
                    let row = ((fy * *rows as f64) as usize).min(rows - 1);
                    let col = ((fx * *cols as f64) as usize).min(cols - 1);
                    consider(0.0, 0.0, Some(Pick::Cell { row, col }));
                }
            }
            Hit::Line { index, points } => {
                let d2 = match points.as_slice() {
                    [p] => dist2(at, *p),
                    ps => ps
                        .windows(2)
                        .map(|w| segment_dist2(at, w[0], w[1]))
                        .fold(f64::INFINITY, f64::min),
                };
                consider(d2, LINE_SLACK, layer_of(spec, *index));
            }
            Hit::Legend { .. } => {}
        }
    }
    Ok(best.map(|(_, p)| p))
}

/// Where `item` is drawn (the centre of its dot, cell or legend entry), on a backend like
/// `measure`; None if the chart does not draw it.
pub fn locate<DB: DrawingBackend>(
    spec: &ChartSpec,
    measure: &DB,
    item: Pick,
) -> Result<Option<(i32, i32)>, ChartError> {
    locate_on(spec, &Probe(measure).into_drawing_area(), item)
}

/// [`locate`] on `root`, a backend that draws nothing itself (see [`pick_on`]).
pub fn locate_on<DB: DrawingBackend>(
    spec: &ChartSpec,
    root: &DrawingArea<DB, Shift>,
    item: Pick,
) -> Result<Option<(i32, i32)>, ChartError> {
    let hits = hits_of(spec, root)?;
    let mid = |a: (i32, i32), b: (i32, i32)| ((a.0 + b.0) / 2, (a.1 + b.1) / 2);
    let found = hits.iter().find_map(|h| match (h, item) {
        (Hit::Point { index, at, .. }, Pick::Point { index: i }) if *index == i => Some(*at),
        (
            Hit::Grid {
                rows,
                cols,
                from,
                to,
            },
            Pick::Cell { row, col },
        ) if row < *rows && col < *cols => {
            let (w, hgt) = ((to.0 - from.0) as f64, (to.1 - from.1) as f64);
            Some((
                from.0 + ((col as f64 + 0.5) / *cols as f64 * w) as i32,
                from.1 + ((row as f64 + 0.5) / *rows as f64 * hgt) as i32,
            ))
        }
        (Hit::Legend { index, from, to }, Pick::Layer { .. })
            if layer_of(spec, *index) == Some(item) =>
        {
            Some(mid(*from, *to))
        }
        _ => None,
    });
    Ok(found.or_else(|| line_spot(spec, &hits, item)))
}

/// A layer with no legend entry (a short chart leaves its legend out): the point of its curve
/// farthest from every other curve, where a click picks it.
fn line_spot(spec: &ChartSpec, hits: &[Hit], item: Pick) -> Option<(i32, i32)> {
    let lines: Vec<(bool, &[(i32, i32)])> = hits
        .iter()
        .filter_map(|h| match h {
            Hit::Line { index, points } => {
                Some((layer_of(spec, *index) == Some(item), &points[..]))
            }
            _ => None,
        })
        .collect();
    let away = |p: (i32, i32), ps: &[(i32, i32)]| match ps {
        [q] => dist2(p, *q),
        ps => ps
            .windows(2)
            .map(|w| segment_dist2(p, w[0], w[1]))
            .fold(f64::INFINITY, f64::min),
    };
    lines
        .iter()
        .filter(|(own, _)| *own)
        .flat_map(|(_, ps)| ps.iter().copied())
        .map(|p| {
            let others = lines
                .iter()
                .filter(|(own, _)| !*own)
                .map(|(_, ps)| away(p, ps))
                .fold(f64::INFINITY, f64::min);
            (others, p)
        })
        .filter(|(others, _)| *others > 0.0)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, p)| p)
}

/// An arrow key's move from `current` (None: nothing picked yet, the first item).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Left,
    Right,
    Up,
    Down,
}

impl Move {
    /// The move of a `KeyboardEvent.key` ("ArrowLeft", ...), None for any other key.
    pub fn from_key(key: &str) -> Option<Move> {
        match key {
            "ArrowLeft" => Some(Move::Left),
            "ArrowRight" => Some(Move::Right),
            "ArrowUp" => Some(Move::Up),
            "ArrowDown" => Some(Move::Down),
            _ => None,
        }
    }

    fn forward(self) -> bool {
        matches!(self, Move::Right | Move::Down)
    }
}

/// The item after (or before) `current` in `spec`: the next letter in vocabulary order, the
/// neighbouring cell (Left/Right: neuron, Up/Down: example), the next layer. Wraps around for
/// letters and layers, stops at the map's edges. None if the chart has no such items.
pub fn step(spec: &ChartSpec, current: Option<Pick>, m: Move) -> Option<Pick> {
    let cycle = |n: usize, i: Option<usize>| -> Option<usize> {
        if n == 0 {
            return None;
        }
        Some(match i {
            None => 0,
            Some(i) if m.forward() => (i + 1) % n,
            Some(i) => (i + n - 1) % n,
        })
    };
    match spec {
        ChartSpec::Embedding(e) => {
            let i = match current {
                Some(Pick::Point { index }) if index < e.chars.len() => Some(index),
                _ => None,
            };
            cycle(e.chars.len(), i).map(|index| Pick::Point { index })
        }
        ChartSpec::Saturation(s) => {
            if s.rows == 0 || s.cols == 0 {
                return None;
            }
            let Some(Pick::Cell { row, col }) = current else {
                return Some(Pick::Cell { row: 0, col: 0 });
            };
            let (row, col) = (row.min(s.rows - 1), col.min(s.cols - 1));
            Some(match m {
                Move::Left => Pick::Cell {
                    row,
                    col: col.saturating_sub(1),
                },
                Move::Right => Pick::Cell {
                    row,
                    col: (col + 1).min(s.cols - 1),
                },
                Move::Up => Pick::Cell {
                    row: row.saturating_sub(1),
                    col,
                },
                Move::Down => Pick::Cell {
                    row: (row + 1).min(s.rows - 1),
                    col,
                },
            })
        }
        ChartSpec::Histograms(_) | ChartSpec::UpdateRatios(_) => {
            let mut keys: Vec<usize> = match spec {
                ChartSpec::Histograms(h) => h.layers.clone(),
                ChartSpec::UpdateRatios(r) => r.layers.clone(),
                _ => unreachable!(),
            };
            keys.sort_unstable();
            keys.dedup();
            let i = match current {
                Some(Pick::Layer { layer }) => match keys.binary_search(&layer) {
                    Ok(i) => Some(i),
                    // A layer this chart lacks: continue from where it would sit.
                    Err(i) if m.forward() => Some((i + keys.len() - 1) % keys.len().max(1)),
                    Err(i) => Some(i % keys.len().max(1)),
                },
                _ => None,
            };
            cycle(keys.len(), i).map(|i| Pick::Layer { layer: keys[i] })
        }
        _ => None,
    }
}

/// The `k` points nearest to point `i` of (`xs`, `ys`), nearest first, with their distances
/// (non-finite points are skipped).
pub fn nearest(xs: &[f32], ys: &[f32], i: usize, k: usize) -> Vec<(usize, f32)> {
    let (Some(&x), Some(&y)) = (xs.get(i), ys.get(i)) else {
        return Vec::new();
    };
    if !(x.is_finite() && y.is_finite()) {
        return Vec::new();
    }
    let mut d: Vec<(usize, f32)> = xs
        .iter()
        .zip(ys)
        .enumerate()
        .filter(|&(j, (a, b))| j != i && a.is_finite() && b.is_finite())
        .map(|(j, (a, b))| (j, ((a - x).powi(2) + (b - y).powi(2)).sqrt()))
        .collect();
    d.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    d.truncate(k);
    d
}

/// Whether series `index` of a per-layer chart (keys `layers`) belongs to the picked layer;
/// all false when nothing is picked or no series has the picked layer.
pub(crate) fn emphasis(layers: &[usize], picked: Option<Pick>, n: usize) -> Vec<bool> {
    let Some(Pick::Layer { layer }) = picked else {
        return Vec::new();
    };
    let marks: Vec<bool> = (0..n).map(|i| layers.get(i) == Some(&layer)).collect();
    if marks.contains(&true) {
        marks
    } else {
        Vec::new()
    }
}

/// The highlight styles: the picked item and its neighbours.
pub(crate) const PICKED: RGBColor = RGBColor(0xd6, 0x27, 0x28);
pub(crate) const NEIGHBOUR: RGBColor = RGBColor(0xff, 0x7f, 0x0e);
