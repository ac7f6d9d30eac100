//! Owned, serialisable descriptions of every chart: the worker builds a `ChartSpec` from its
//! numbers and sends it; the page hands it back to the wasm module, which draws it
//! (`ChartSpec::draw`). The fields are those of the borrowed `XxxData` structs, owned.

use super::embedding::draw_embedding_picked;
use super::histograms::draw_histograms_picked;
use super::pick::{clear_hits, emphasis, Pick};
use super::saturation::draw_saturation_map_picked;
use super::update_ratios::draw_update_ratios_picked;
use super::{
    draw_bars, draw_embedding_path, draw_histogram_pair, draw_loss, draw_lr_finder, BarsData,
    CharPoint, ChartError, EmbeddingData, EmbeddingPathData, HistSeries, HistogramData,
    HistogramPairData, LossData, LrFinderData, NamedSeries, SaturationData, UpdateRatioData,
};
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

/// A labelled series (see [`NamedSeries`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SeriesSpec {
    pub label: String,
    pub values: Vec<f32>,
    pub every: usize,
}

/// See [`LossData`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LossSpec {
    pub title: String,
    pub label: String,
    pub losses: Vec<f32>,
    pub every: usize,
    pub smooth_window: usize,
    pub train_points: Vec<(usize, f32)>,
    pub val_points: Vec<(usize, f32)>,
    pub earlier_runs: Vec<SeriesSpec>,
}

/// See [`LrFinderData`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LrFinderSpec {
    pub title: String,
    pub exponents: Vec<f32>,
    pub losses: Vec<f32>,
    pub smooth_window: usize,
    pub suggested_exponent: Option<f32>,
}

/// See [`EmbeddingData`]; `chars[i]` sits at `(xs[i], ys[i])` and appears `counts[i]` times in
/// the names (empty: unknown).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingSpec {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub chars: Vec<char>,
    pub xs: Vec<f32>,
    pub ys: Vec<f32>,
    pub counts: Vec<u32>,
    /// Trails and fixed axes when the chart shows the embedding's path.
    #[serde(default)]
    pub path: Option<EmbeddingPathSpec>,
}

/// See [`EmbeddingPathData`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingPathSpec {
    pub bounds: Option<[f32; 4]>,
    pub note: String,
    pub trail_of: Vec<u32>,
    pub len: usize,
    pub xs: Vec<f32>,
    pub ys: Vec<f32>,
}

/// One histogram (see [`HistSeries`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HistSeriesSpec {
    pub label: String,
    pub lo: f32,
    pub hi: f32,
    pub values: Vec<f32>,
}

/// See [`HistogramData`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HistogramSpec {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<HistSeriesSpec>,
    pub bars: bool,
    /// Series `i`'s layer key (see [`Pick::Layer`]); empty for a chart of no layers.
    #[serde(default)]
    pub layers: Vec<usize>,
}

/// See [`SaturationData`]; `values` row-major, 1 = saturated.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SaturationSpec {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub rows: usize,
    pub cols: usize,
    pub values: Vec<u8>,
    /// Row `r`'s example: its context characters, e.g. "emm" (empty: unknown).
    #[serde(default)]
    pub contexts: Vec<String>,
    /// The batch's size (the map may show only its first rows).
    #[serde(default)]
    pub batch: usize,
}

/// See [`UpdateRatioData`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateRatioSpec {
    pub title: String,
    pub series: Vec<SeriesSpec>,
    /// Series `i`'s layer key (see [`Pick::Layer`]).
    #[serde(default)]
    pub layers: Vec<usize>,
}

/// See [`BarsData`]; `reference` is `(value, label)`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BarsSpec {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub labels: Vec<String>,
    pub values: Vec<f32>,
    pub highlight: Option<usize>,
    pub reference: Option<(f32, String)>,
    pub sort_desc: bool,
    pub max_labels: usize,
}

fn named(series: &[SeriesSpec]) -> Vec<NamedSeries<'_>> {
    series
        .iter()
        .map(|s| NamedSeries {
            label: &s.label,
            values: &s.values,
            every: s.every,
        })
        .collect()
}

impl HistogramSpec {
    fn series(&self) -> Vec<HistSeries<'_>> {
        self.series
            .iter()
            .map(|s| HistSeries {
                label: &s.label,
                lo: s.lo,
                hi: s.hi,
                values: &s.values,
            })
            .collect()
    }

    fn data<'a>(&'a self, series: &'a [HistSeries<'a>]) -> HistogramData<'a> {
        HistogramData {
            title: &self.title,
            x_label: &self.x_label,
            y_label: &self.y_label,
            series,
            bars: self.bars,
        }
    }
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
            ChartSpec::Loss(s) => {
                let earlier = named(&s.earlier_runs);
                draw_loss(
                    root,
                    &LossData {
                        title: &s.title,
                        label: &s.label,
                        losses: &s.losses,
                        every: s.every,
                        smooth_window: s.smooth_window,
                        train_points: &s.train_points,
                        val_points: &s.val_points,
                        earlier_runs: &earlier,
                    },
                )
            }
            ChartSpec::LrFinder(s) => draw_lr_finder(
                root,
                &LrFinderData {
                    title: &s.title,
                    exponents: &s.exponents,
                    losses: &s.losses,
                    smooth_window: s.smooth_window,
                    suggested_exponent: s.suggested_exponent,
                },
            ),
            ChartSpec::Embedding(s) => {
                let points: Vec<CharPoint> = s
                    .chars
                    .iter()
                    .zip(s.xs.iter().zip(&s.ys))
                    .map(|(&ch, (&x, &y))| CharPoint { ch, x, y })
                    .collect();
                let picked = match picked {
                    Some(Pick::Point { index }) => Some(index),
                    _ => None,
                };
                let data = EmbeddingData {
                    title: &s.title,
                    x_label: &s.x_label,
                    y_label: &s.y_label,
                    points: &points,
                    counts: &s.counts,
                };
                match &s.path {
                    None => draw_embedding_picked(root, &data, picked),
                    Some(p) => draw_embedding_path(
                        root,
                        &data,
                        &EmbeddingPathData {
                            bounds: p.bounds,
                            note: &p.note,
                            trail_of: &p.trail_of,
                            len: p.len,
                            xs: &p.xs,
                            ys: &p.ys,
                        },
                        picked,
                    ),
                }
            }
            ChartSpec::Histograms(h) => {
                let series = h.series();
                let marks = emphasis(&h.layers, picked, series.len());
                draw_histograms_picked(root, &h.data(&series), &marks)
            }
            ChartSpec::HistogramPair { left, right } => {
                let (ls, rs) = (left.series(), right.series());
                draw_histogram_pair(
                    root,
                    &HistogramPairData {
                        left: left.data(&ls),
                        right: right.data(&rs),
                    },
                )
            }
            ChartSpec::Saturation(s) => {
                let values: Vec<bool> = s.values.iter().map(|&v| v != 0).collect();
                let picked = match picked {
                    Some(Pick::Cell { row, col }) => Some((row, col)),
                    _ => None,
                };
                draw_saturation_map_picked(
                    root,
                    &SaturationData {
                        title: &s.title,
                        x_label: &s.x_label,
                        y_label: &s.y_label,
                        rows: s.rows,
                        cols: s.cols,
                        values: &values,
                    },
                    picked,
                )
            }
            ChartSpec::UpdateRatios(s) => {
                let series = named(&s.series);
                let marks = emphasis(&s.layers, picked, series.len());
                draw_update_ratios_picked(
                    root,
                    &UpdateRatioData {
                        title: &s.title,
                        series: &series,
                    },
                    &marks,
                )
            }
            ChartSpec::Bars(s) => draw_bars(
                root,
                &BarsData {
                    title: &s.title,
                    x_label: &s.x_label,
                    y_label: &s.y_label,
                    labels: &s.labels,
                    values: &s.values,
                    highlight: s.highlight,
                    reference: s.reference.as_ref().map(|(v, l)| (*v, l.as_str())),
                    sort_desc: s.sort_desc,
                    max_labels: s.max_labels,
                },
            ),
        }
    }
}
