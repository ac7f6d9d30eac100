//! Native tests of the charts: each chart is rendered to an SVG string (which keeps text, lines
//! and shapes as elements we can inspect) and to an in-memory RGB bitmap (whose pixels we count;
//! drawn through `NoText`, which drops text: plotters cannot rasterise it without a font).
//! One module per chart; `support` holds the shared helpers.

#[macro_use]
mod support;

mod bars;
mod embedding;
mod every_chart;
mod figure;
mod histograms;
mod loss;
mod lr_finder;
mod pick;
mod saturation;
mod update_ratios;
