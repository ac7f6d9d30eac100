//! The lesson's plots, drawn with plotters on any `DrawingBackend`: the page passes a
//! plotters-canvas `CanvasBackend`, native tests an `SVGBackend` or a `BitMapBackend`.
//!
//! Every chart is one function `draw_xxx(root, &XxxSpec) -> Result<(), ChartError>` that fills
//! `root` (white) and draws into it; `root` may be a part of a larger area (`split_evenly`), and
//! the caller calls `root.present()` when everything is drawn (the SVG backend needs it). The
//! specs (spec.rs, also what the worker sends) hold plain numbers and text, never model types,
//! so this module depends on nothing else in the crate (but `named_enum!`, for the charts' ids:
//! `ChartId`). Empty data (or data that is all NaN/inf) draws a frame saying "no data yet";
//! non-finite values are skipped; nothing panics.
//!
//! Text: on the page, plotters measures text through the DOM and the canvas draws it, so charts
//! must be drawn on the main thread (plotters calls `window().unwrap()`), not in the worker.
//! Natively the crate has no font feature: `SVGBackend` writes `<text>` elements (sizes are
//! estimated), but a `BitMapBackend` cannot rasterise text at all (plotters would panic), so the
//! native tests draw bitmaps through a wrapper backend that drops text (`NoText` in
//! tests/native/charts/support.rs).
//!
//! Colours: series `i` gets `series_color(i)` (matplotlib's ten-colour cycle), so a chart reads
//! like the notebook's.

mod bars;
mod common;
mod embedding;
mod figure;
mod histograms;
mod id;
mod legend;
mod loss;
mod lr_finder;
mod pick;
mod prep;
mod saturation;
mod spec;
mod update_ratios;

pub use bars::draw_bars;
pub use embedding::{draw_embedding, MAX_LABELS as EMBEDDING_MAX_LABELS};
pub use figure::draw_figure;
pub use histograms::{draw_histogram_pair, draw_histograms, TANH_SLOPE_LABEL};
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

/// `draw_figure`: a chart as a stand-alone figure (a saved PNG): the caption in bold on top,
/// the chart, and the text lines below it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FigureData<'a> {
    pub caption: &'a str,
    /// The chart's key numbers, one paragraph each (wrapped to the width).
    pub lines: &'a [String],
    pub chart: &'a ChartSpec,
}
