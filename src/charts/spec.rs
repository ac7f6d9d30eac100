//! What every chart draws, as owned, serialisable types: the worker builds a `ChartSpec` from its
//! numbers and sends it; the page hands it back to the wasm module, which draws it
//! (`ChartSpec::draw`, each kind with its `draw_xxx(root, &XxxSpec)`). A chart kind is one type.

use super::embedding::draw_embedding_picked;
use super::histograms::draw_histograms_picked;
use super::pick::{clear_hits, emphasis, Pick};
use super::saturation::draw_saturation_map_picked;
use super::update_ratios::draw_update_ratios_picked;
use super::{draw_bars, draw_histogram_pair, draw_loss, draw_lr_finder, ChartError};
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

/// Any chart of the page, tagged by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartSpec {
    Loss(LossSpec),
    LrFinder(LrFinderSpec),
    Embedding(EmbeddingSpec),
    Histograms(HistogramSpec),
    HistogramPair {
        left: HistogramSpec,
        right: HistogramSpec,
    },
    Saturation(SaturationSpec),
    UpdateRatios(UpdateRatioSpec),
    Bars(BarsSpec),
}

/// A labelled series of values: value `i` stands for steps `i * every ..` (0 counts as 1).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SeriesSpec {
    pub label: String,
    pub values: Vec<f32>,
    pub every: usize,
}

/// `draw_loss`: the mini-batch loss of this run, plotted as log10(loss) vs step (as the lecture's
/// `lossi`), a moving average of it, the full-split losses, and earlier runs for comparison.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LossSpec {
    /// Caption, e.g. "Loss".
    pub title: String,
    /// Legend label of this run, e.g. "run 3 (kaiming init)".
    pub label: String,
    /// Mini-batch loss (not log10): value `i` stands for steps `i * every ..` (one step each when
    /// `every` is 1; a mean over `every` steps for a long run's thinned history). Values <= 0 or
    /// non-finite are skipped.
    pub losses: Vec<f32>,
    /// Steps per value of `losses` (0 counts as 1).
    pub every: usize,
    /// Trailing moving-average window in steps for the smoothed line; 0 or 1 draws none.
    pub smooth_window: usize,
    /// Full training-split loss evaluations `(step, loss)`, drawn as circles.
    pub train_points: Vec<(usize, f32)>,
    /// Full validation-split loss evaluations `(step, loss)`, drawn as triangles.
    pub val_points: Vec<(usize, f32)>,
    /// Earlier runs' mini-batch losses (not log10), drawn faded and smoothed over the same
    /// number of steps.
    pub earlier_runs: Vec<SeriesSpec>,
    /// The last step the x axis shows, from 0, what lies beyond left out (`None`: every series
    /// whole, the axis on round numbers).
    #[serde(default)]
    pub x_max: Option<usize>,
}

/// `draw_lr_finder`: loss vs log10(lr) of a learning-rate sweep (the notebook's
/// `plt.plot(lrs_exp, losses)`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LrFinderSpec {
    pub title: String,
    /// log10 of the learning rate of step `i` (e.g. `linspace(-3, 0, 1000)`).
    pub exponents: Vec<f32>,
    /// Mini-batch loss of step `i`. May be shorter than `exponents` while the sweep runs.
    pub losses: Vec<f32>,
    /// Centred moving-average window for the smoothed curve; 0 or 1 draws none.
    pub smooth_window: usize,
    /// log10 of the suggested learning rate, marked by a vertical line labelled with its value.
    pub suggested_exponent: Option<f32>,
}

/// `draw_embedding`: the notebook's scatter of `C[:, 0]` vs `C[:, 1]` with a letter on each dot
/// (at most `EMBEDDING_MAX_LABELS` letters; the other characters are small points):
/// `chars[i]` sits at `(xs[i], ys[i])`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingSpec {
    pub title: String,
    /// Axis descriptions, e.g. "C[:, 0]" / "C[:, 1]" or "PC1" / "PC2".
    pub x_label: String,
    pub y_label: String,
    pub chars: Vec<char>,
    pub xs: Vec<f32>,
    pub ys: Vec<f32>,
    /// How often each point's character occurs in the names (`Vocab::counts`), one per point:
    /// the most frequent are labelled first. Empty (or another length): the farthest out are.
    pub counts: Vec<u32>,
    /// Trails and fixed axes when the chart shows the embedding's path.
    #[serde(default)]
    pub path: Option<EmbeddingPathSpec>,
}

/// The embedding at one snapshot of its path, each letter with a faint trail of where it was
/// before, on axes fixed over the whole path (the letters move, not the axes). Trail `i` belongs
/// to the point `trail_of[i]` and has `len` points, oldest first: `xs[i * len..(i + 1) * len]`,
/// `ys` the same.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingPathSpec {
    /// The axes' ranges over every snapshot, [x0, x1, y0, y1], so the letters move and the
    /// axes do not; `None`: the axes fit the points shown (the live chart keeps the lecture's
    /// picture) and the trails are cut at their edges.
    pub bounds: Option<[f32; 4]>,
    /// Drawn in the plot's top right corner, e.g. "step 1,200".
    pub note: String,
    pub trail_of: Vec<u32>,
    pub len: usize,
    pub xs: Vec<f32>,
    pub ys: Vec<f32>,
}

/// One histogram: `values[k]` (a count or a density) of bin `k`, the bins splitting `[lo, hi]`
/// into `values.len()` equal parts (torch.histogram's `hy` and the ends of its `hx`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HistSeriesSpec {
    /// Legend label; the caller puts the statistics in it, e.g. "layer 2 | mean 0.01 | std 0.63".
    pub label: String,
    pub lo: f32,
    pub hi: f32,
    pub values: Vec<f32>,
}

/// `draw_histograms`: several histograms drawn as lines at the bin centres (the notebook's
/// `plt.plot(hx[:-1], hy)`), or as bars.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HistogramSpec {
    pub title: String,
    /// Axis descriptions, e.g. "activation" / "density". Empty strings draw none.
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<HistSeriesSpec>,
    /// Bars instead of lines (meant for a single series, like `plt.hist`; several series' bars
    /// are drawn translucent on top of each other).
    pub bars: bool,
    /// Series `i`'s layer key (see [`Pick::Layer`]); empty for a chart of no layers.
    #[serde(default)]
    pub layers: Vec<usize>,
    /// Draw tanh's local slope 1 - x² over the x axis's -1..1, scaled to the plot's height (on
    /// a histogram of tanh's outputs: where the bars pile up at ±1 the slope is near 0, so
    /// "saturated passes no gradient" shows).
    #[serde(default)]
    pub tanh_slope: bool,
}

/// `draw_saturation_map`: a boolean matrix as pixels, saturated white and the rest black (the
/// notebook's `plt.imshow(h.abs() > 0.99, cmap='gray')`); row 0 at the top.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SaturationSpec {
    /// Caption, e.g. "|h| > 0.99 (3 dead neurons)".
    pub title: String,
    /// Axis descriptions, e.g. "neuron" / "example". Empty strings draw none.
    pub x_label: String,
    pub y_label: String,
    pub rows: usize,
    pub cols: usize,
    /// Row-major, `rows * cols` values, 1 = saturated (otherwise `ChartError::InvalidData`).
    pub values: Vec<u8>,
    /// Row `r`'s example: its context characters, e.g. "emm" (empty: unknown).
    #[serde(default)]
    pub contexts: Vec<String>,
    /// The batch's size (the map may show only its first rows).
    #[serde(default)]
    pub batch: usize,
}

/// `draw_update_ratios`: log10 of update:data ratios vs step, one series per parameter, with
/// the lecture's reference line at -3.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateRatioSpec {
    pub title: String,
    /// `values[i]`: log10(std(lr * grad) / std(param)) at step `i * every`, e.g. label
    /// "W1 (30, 200)".
    pub series: Vec<SeriesSpec>,
    /// Series `i`'s layer key (see [`Pick::Layer`]).
    #[serde(default)]
    pub layers: Vec<usize>,
}

/// `draw_bars`: one bar per entry of a vocabulary, e.g. the step-through sampler's probabilities
/// of the next character (sorted, the chosen one highlighted, the uniform 1/vocab as reference),
/// or per character of a name in "score a name" (unsorted: the name reads left to right).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BarsSpec {
    pub title: String,
    /// Axis descriptions, e.g. "next character" / "probability". Empty strings draw none.
    pub x_label: String,
    pub y_label: String,
    /// The text under bar `i`, e.g. its character; a missing or empty one leaves the bar
    /// unlabelled.
    pub labels: Vec<String>,
    /// Bar heights; a non-finite value draws no bar.
    pub values: Vec<f32>,
    /// Index into `values` of the bar drawn in another colour, labelled with its value (and
    /// always labelled under the axis).
    pub highlight: Option<usize>,
    /// A horizontal line at this value, labelled, e.g. `(1.0 / 27.0, "uniform 1/27")`.
    pub reference: Option<(f32, String)>,
    /// Highest bar first; otherwise the bars keep the order of `values`.
    pub sort_desc: bool,
    /// Label at most this many bars under the axis, the highest (0: all); when bars are left
    /// unlabelled a note says so ("labels: top 20 of 2,431"). Labels that would overlap are
    /// staggered on two rows, or (thousands of bars) left out.
    pub max_labels: usize,
}

impl ChartSpec {
    /// The chart's caption.
    pub fn title(&self) -> &str {
        match self {
            ChartSpec::Loss(s) => &s.title,
            ChartSpec::LrFinder(s) => &s.title,
            ChartSpec::Embedding(s) => &s.title,
            ChartSpec::Histograms(s) => &s.title,
            ChartSpec::HistogramPair { left, .. } => &left.title,
            ChartSpec::Saturation(s) => &s.title,
            ChartSpec::UpdateRatios(s) => &s.title,
            ChartSpec::Bars(s) => &s.title,
        }
    }

    /// Draws the chart into `root` with the `draw_xxx` function of its kind.
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), ChartError> {
        self.draw_picked(root, None)
    }

    /// Draws the chart with `picked` standing out: a letter and lines to its nearest
    /// neighbours, a cell and its column of the map, a layer's curves (the others faded). A
    /// pick of another kind, or of an item the chart lacks, draws the chart as `draw` does.
    pub fn draw_picked<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        picked: Option<Pick>,
    ) -> Result<(), ChartError> {
        clear_hits();
        match self {
            ChartSpec::Loss(s) => draw_loss(root, s),
            ChartSpec::LrFinder(s) => draw_lr_finder(root, s),
            ChartSpec::Embedding(s) => {
                let picked = match picked {
                    Some(Pick::Point { index }) => Some(index),
                    _ => None,
                };
                draw_embedding_picked(root, s, picked)
            }
            ChartSpec::Histograms(h) => {
                let marks = emphasis(&h.layers, picked, h.series.len());
                draw_histograms_picked(root, h, &marks)
            }
            ChartSpec::HistogramPair { left, right } => draw_histogram_pair(root, left, right),
            ChartSpec::Saturation(s) => {
                let picked = match picked {
                    Some(Pick::Cell { row, col }) => Some((row, col)),
                    _ => None,
                };
                draw_saturation_map_picked(root, s, picked)
            }
            ChartSpec::UpdateRatios(s) => {
                let marks = emphasis(&s.layers, picked, s.series.len());
                draw_update_ratios_picked(root, s, &marks)
            }
            ChartSpec::Bars(s) => draw_bars(root, s),
        }
    }
}
