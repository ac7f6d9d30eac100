//! The lesson's plots, drawn with plotters on any `DrawingBackend`: the page passes a
//! plotters-canvas `CanvasBackend`, native tests an `SVGBackend` or a `BitMapBackend`.
//!
//! Every chart is one function `draw_xxx(root, &XxxData) -> Result<(), ChartError>` that fills
//! `root` (white) and draws into it; `root` may be a part of a larger area (`split_evenly`), and
//! the caller calls `root.present()` when everything is drawn (the SVG backend needs it). The data
//! structs hold plain slices, never model types, so this module depends on nothing else in the
//! crate (but `named_enum!`, for the charts' ids: `ChartId`). Empty data (or data that is all NaN/inf)
//! draws a frame saying "no data yet"; non-finite values are skipped; nothing panics.
//!
//! Text: on the page, plotters measures text through the DOM and the canvas draws it, so charts
//! must be drawn on the main thread (plotters calls `window().unwrap()`), not in the worker.
//! Natively the crate has no font feature: `SVGBackend` writes `<text>` elements (sizes are
//! estimated), but a `BitMapBackend` cannot rasterise text at all (plotters would panic), so the
//! native tests draw bitmaps through a wrapper backend that drops text (`NoText` in
//! tests/charts/support.rs).
//!
//! Colours: series `i` gets `series_color(i)` (matplotlib's ten-colour cycle), so a chart reads
//! like the notebook's.

mod bars;
mod common;
mod embedding;
mod figure;
mod histograms;
mod id;
mod loss;
mod lr_finder;
mod pick;
mod prep;
mod saturation;
mod spec;
mod update_ratios;

pub use bars::draw_bars;
pub use embedding::{draw_embedding, draw_embedding_path, MAX_LABELS as EMBEDDING_MAX_LABELS};
pub use figure::draw_figure;
pub use histograms::{draw_histogram_pair, draw_histograms};
pub use id::ChartId;
pub use loss::draw_loss;
pub use lr_finder::draw_lr_finder;
pub use pick::{locate, locate_on, nearest, pick, pick_on, step, Move, Pick, Probe, NEIGHBOURS};
pub use prep::{decimate, finite_bounds, moving_average, nice_range, nice_step, thousands, Align};
pub use saturation::draw_saturation_map;
pub use spec::{
    BarsSpec, ChartSpec, EmbeddingPathSpec, EmbeddingSpec, HistSeriesSpec, HistogramSpec, LossSpec,
    LrFinderSpec, SaturationSpec, SeriesSpec, UpdateRatioSpec,
};
pub use update_ratios::draw_update_ratios;

use plotters::drawing::DrawingAreaErrorKind;
use plotters::style::RGBColor;

/// matplotlib's default colour cycle (tab10): distinct, and familiar from the notebook.
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(0x1f, 0x77, 0xb4), // blue
    RGBColor(0xff, 0x7f, 0x0e), // orange
    RGBColor(0x2c, 0xa0, 0x2c), // green
    RGBColor(0xd6, 0x27, 0x28), // red
    RGBColor(0x94, 0x67, 0xbd), // purple
    RGBColor(0x8c, 0x56, 0x4b), // brown
    RGBColor(0xe3, 0x77, 0xc2), // pink
    RGBColor(0x7f, 0x7f, 0x7f), // grey
    RGBColor(0xbc, 0xbd, 0x22), // olive
    RGBColor(0x17, 0xbe, 0xcf), // cyan
];

/// The colour of series `i` (the palette repeats after ten series).
pub fn series_color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartError {
    /// The backend failed (the plotters `DrawingAreaErrorKind`, as text).
    Drawing(String),
    /// The data is inconsistent, e.g. a saturation map whose `values.len() != rows * cols`.
    InvalidData(String),
    /// The area cannot hold what must be drawn (a figure's caption, chart and text lines).
    TooSmall(String),
}

impl std::fmt::Display for ChartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChartError::Drawing(e) => write!(f, "chart drawing failed: {e}"),
            ChartError::InvalidData(e) => write!(f, "invalid chart data: {e}"),
            ChartError::TooSmall(e) => write!(f, "area too small: {e}"),
        }
    }
}

impl std::error::Error for ChartError {}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Drawing(e.to_string())
    }
}

/// A labelled series of values: value `i` stands for steps `i * every ..` (0 counts as 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NamedSeries<'a> {
    pub label: &'a str,
    pub values: &'a [f32],
    pub every: usize,
}

/// `draw_loss`: the mini-batch loss of this run, plotted as log10(loss) vs step (as the lecture's
/// `lossi`), a moving average of it, the full-split losses, and earlier runs for comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LossData<'a> {
    /// Caption, e.g. "Loss".
    pub title: &'a str,
    /// Legend label of this run, e.g. "run 3 (kaiming init)".
    pub label: &'a str,
    /// Mini-batch loss (not log10): value `i` stands for steps `i * every ..` (one step each when
    /// `every` is 1; a mean over `every` steps for a long run's thinned history). Values <= 0 or
    /// non-finite are skipped.
    pub losses: &'a [f32],
    /// Steps per value of `losses` (0 counts as 1).
    pub every: usize,
    /// Trailing moving-average window in steps for the smoothed line; 0 or 1 draws none.
    pub smooth_window: usize,
    /// Full training-split loss evaluations `(step, loss)`, drawn as circles.
    pub train_points: &'a [(usize, f32)],
    /// Full validation-split loss evaluations `(step, loss)`, drawn as triangles.
    pub val_points: &'a [(usize, f32)],
    /// Earlier runs' mini-batch losses (not log10), drawn faded and smoothed over the same
    /// number of steps.
    pub earlier_runs: &'a [NamedSeries<'a>],
}

/// `draw_lr_finder`: loss vs log10(lr) of a learning-rate sweep (the notebook's
/// `plt.plot(lrs_exp, losses)`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LrFinderData<'a> {
    pub title: &'a str,
    /// log10 of the learning rate of step `i` (e.g. `linspace(-3, 0, 1000)`).
    pub exponents: &'a [f32],
    /// Mini-batch loss of step `i`. May be shorter than `exponents` while the sweep runs.
    pub losses: &'a [f32],
    /// Centred moving-average window for the smoothed curve; 0 or 1 draws none.
    pub smooth_window: usize,
    /// log10 of the suggested learning rate, marked by a vertical line labelled with its value.
    pub suggested_exponent: Option<f32>,
}

/// One character's point in a 2-D view of the embedding table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CharPoint {
    pub ch: char,
    pub x: f32,
    pub y: f32,
}

/// `draw_embedding`: the notebook's scatter of `C[:, 0]` vs `C[:, 1]` with a letter on each dot
/// (at most `EMBEDDING_MAX_LABELS` letters; the other characters are small points).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmbeddingData<'a> {
    pub title: &'a str,
    /// Axis descriptions, e.g. "dim 0" / "dim 1" or "PC1" / "PC2".
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub points: &'a [CharPoint],
    /// How often each point's character occurs in the names (`Vocab::counts`), one per point:
    /// the most frequent are labelled first. Empty (or another length): the farthest out are.
    pub counts: &'a [u32],
}

/// `draw_embedding_path`: the embedding at one snapshot of its path, each letter with a faint
/// trail of where it was before, on axes fixed over the whole path (the letters move, not the
/// axes). Trail `i` belongs to the point `trail_of[i]` and has `len` points, oldest first:
/// `xs[i * len..(i + 1) * len]`, `ys` the same.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmbeddingPathData<'a> {
    /// The axes' ranges over every snapshot, [x0, x1, y0, y1], so the letters move and the
    /// axes do not; `None`: the axes fit the points shown (the live chart keeps the lecture's
    /// picture) and the trails are cut at their edges.
    pub bounds: Option<[f32; 4]>,
    /// Drawn in the plot's top right corner, e.g. "step 1,200".
    pub note: &'a str,
    pub trail_of: &'a [u32],
    pub len: usize,
    pub xs: &'a [f32],
    pub ys: &'a [f32],
}

/// One histogram: `values[k]` (a count or a density) of bin `k`, the bins splitting `[lo, hi]`
/// into `values.len()` equal parts (torch.histogram's `hy` and the ends of its `hx`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistSeries<'a> {
    /// Legend label; the caller puts the statistics in it, e.g. "layer 2 | mean 0.01 | std 0.63".
    pub label: &'a str,
    pub lo: f32,
    pub hi: f32,
    pub values: &'a [f32],
}

/// `draw_histograms`: several histograms drawn as lines at the bin centres (the notebook's
/// `plt.plot(hx[:-1], hy)`), or as bars.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistogramData<'a> {
    pub title: &'a str,
    /// Axis descriptions, e.g. "activation" / "density". Empty strings draw none.
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub series: &'a [HistSeries<'a>],
    /// Bars instead of lines (meant for a single series, like `plt.hist`; several series' bars
    /// are drawn translucent on top of each other).
    pub bars: bool,
}

/// `draw_histogram_pair`: two histograms side by side, e.g. the Kaiming demo (`x` and
/// `y = x @ w`) or the pre-activation / activation pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistogramPairData<'a> {
    pub left: HistogramData<'a>,
    pub right: HistogramData<'a>,
}

/// `draw_saturation_map`: a boolean matrix as pixels, true white and false black (the notebook's
/// `plt.imshow(h.abs() > 0.99, cmap='gray')`); row 0 at the top.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SaturationData<'a> {
    /// Caption, e.g. "|h| > 0.99 (3 dead neurons)".
    pub title: &'a str,
    /// Axis descriptions, e.g. "neuron" / "example". Empty strings draw none.
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub rows: usize,
    pub cols: usize,
    /// Row-major, `rows * cols` values (otherwise `ChartError::InvalidData`).
    pub values: &'a [bool],
}

/// `draw_update_ratios`: log10 of update:data ratios vs step, one series per parameter, with
/// the lecture's reference line at -3.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UpdateRatioData<'a> {
    pub title: &'a str,
    /// `values[i]`: log10(std(lr * grad) / std(param)) at step `i * every`, e.g. label
    /// "W1 (30, 200)".
    pub series: &'a [NamedSeries<'a>],
}

/// `draw_bars`: one bar per entry of a vocabulary, e.g. the step-through sampler's probabilities
/// of the next character (sorted, the chosen one highlighted, the uniform 1/vocab as reference),
/// or per character of a name in "score a name" (unsorted: the name reads left to right).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarsData<'a> {
    pub title: &'a str,
    /// Axis descriptions, e.g. "next character" / "probability". Empty strings draw none.
    pub x_label: &'a str,
    pub y_label: &'a str,
    /// The text under bar `i`, e.g. its character; a missing or empty one leaves the bar
    /// unlabelled.
    pub labels: &'a [String],
    /// Bar heights; a non-finite value draws no bar.
    pub values: &'a [f32],
    /// Index into `values` of the bar drawn in another colour, labelled with its value (and
    /// always labelled under the axis).
    pub highlight: Option<usize>,
    /// A horizontal line at this value, labelled, e.g. `(1.0 / 27.0, "uniform 1/27")`.
    pub reference: Option<(f32, &'a str)>,
    /// Highest bar first; otherwise the bars keep the order of `values`.
    pub sort_desc: bool,
    /// Label at most this many bars under the axis, the highest (0: all); when bars are left
    /// unlabelled a note says so ("labels: top 20 of 2,431"). Labels that would overlap are
    /// staggered on two rows, or (thousands of bars) left out.
    pub max_labels: usize,
}

/// `draw_figure`: a chart as a stand-alone figure (a saved PNG): the caption in bold on top,
/// the chart, and the text lines below it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FigureData<'a> {
    pub caption: &'a str,
    /// The chart's key numbers, one paragraph each (wrapped to the width).
    pub lines: &'a [String],
    pub chart: &'a ChartSpec,
}
