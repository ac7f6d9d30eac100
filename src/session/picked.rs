//! What the page says about a picked item of a chart (the live line under it, and its
//! keyboard twin): a letter's nearest neighbours, a map cell's example and neuron, a layer's
//! line in each per-layer chart. Made from the chart spec the page holds. (Which charts can be
//! picked, and in which slot, is in the chart table: `views::CHARTS`.)

use crate::charts::{nearest, ChartSpec, Pick, NEIGHBOURS};
use crate::format;

/// The sentence for `pick` on `spec`; empty when the chart has no such item.
pub fn describe(spec: &ChartSpec, pick: Pick) -> String {
    match (spec, pick) {
        (ChartSpec::Embedding(e), Pick::Point { index }) => {
            let (Some(ch), Some(x), Some(y)) =
                (e.chars.get(index), e.xs.get(index), e.ys.get(index))
            else {
                return String::new();
            };
            let near = nearest(&e.xs, &e.ys, index, NEIGHBOURS);
            let list: Vec<String> = near
                .iter()
                .map(|&(j, d)| format!("'{}' {}", e.chars[j], format::coord(d)))
                .collect();
            format!(
                "'{ch}' at ({}, {}); nearest in this plot: {}",
                format::coord(*x),
                format::coord(*y),
                if list.is_empty() {
                    "none".to_string()
                } else {
                    list.join(", ")
                }
            )
        }
        (ChartSpec::Saturation(s), Pick::Cell { row, col }) => {
            if row >= s.rows || col >= s.cols || s.values.len() != s.rows * s.cols {
                return String::new();
            }
            let saturated = |r: usize| s.values[r * s.cols + col] != 0;
            let context = match s.contexts.get(row) {
                Some(c) => format!("context '{c}'"),
                None => "context unknown".into(),
            };
            let cell = if saturated(row) {
                "saturated (white)"
            } else {
                "not saturated (black)"
            };
            let count = (0..s.rows).filter(|&r| saturated(r)).count();
            let column = if count == s.rows && s.rows == s.batch {
                format!(
                    "neuron {col} is saturated for all {} examples: dead on this batch",
                    s.rows
                )
            } else if count == s.rows {
                format!(
                    "neuron {col} is saturated for all {} examples shown (of {})",
                    s.rows, s.batch
                )
            } else {
                format!(
                    "neuron {col} is saturated for {count} of {} examples",
                    s.rows
                )
            };
            format!("example {row}: {context} → neuron {col}: {cell}; {column}")
        }
        (ChartSpec::Histograms(h), Pick::Layer { layer }) => {
            let labels: Vec<&str> = h
                .series
                .iter()
                .zip(&h.layers)
                .filter(|(_, &k)| k == layer)
                .map(|(s, _)| s.label.as_str())
                .collect();
            picked_line(&labels, layer)
        }
        (ChartSpec::UpdateRatios(r), Pick::Layer { layer }) => {
            let labels: Vec<String> = r
                .series
                .iter()
                .zip(&r.layers)
                .filter(|(_, &k)| k == layer)
                .map(
                    |(s, _)| match s.values.iter().rev().find(|v| v.is_finite()) {
                        Some(v) => {
                            format!("{}: {} at the last point", s.label, format::exp10(*v))
                        }
                        None => s.label.clone(),
                    },
                )
                .collect();
            let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
            picked_line(&labels, layer)
        }
        _ => String::new(),
    }
}

fn picked_line(labels: &[&str], layer: usize) -> String {
    if labels.is_empty() {
        let what = if layer == 0 {
            "the embedding C"
        } else {
            "the picked layer"
        };
        format!("picked: {what}, which has no curve in this chart")
    } else {
        format!("picked: {}", labels.join("; "))
    }
}
