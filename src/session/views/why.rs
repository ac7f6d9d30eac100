//! The notes under the charts that say why a number reads as it does (the page's module,
//! `words::figure_words`): how to read the loss chart's log10 axis as a loss, whose saturation
//! threshold the deep network's 0.97 and the first MLP's 0.99 are, and why the per-layer charts
//! number their layers 2, 5, 8...

use crate::format;
use crate::lesson::{SATURATED, SATURATED_DEEP};

/// How to read the loss chart's log10 axis as a loss: a note under the chart (the page's
/// module, `words::figure_words`; the training builds are at their size budget), at the
/// exponents of `LOG10_POINTS`: "... 0.35 is a loss of 2.24, ...".
pub fn log10_note() -> String {
    let mut points = String::new();
    for (i, &e) in LOG10_POINTS.iter().enumerate() {
        let sep = if i == 0 { "" } else { "; " };
        points.push_str(&format!(
            "{sep}{} is a loss of {}",
            format::plain(e),
            format::plain(10f32.powf(e))
        ));
    }
    format!("Reading the log10 axis: {points}.")
}

/// Where the log10 note reads the axis: from a trained model's loss (about 2.2) to a first loss
/// near 30 (chapter 3).
pub const LOG10_POINTS: [f32; 5] = [0.0, 0.3, 0.35, 0.5, 1.5];

/// Why a tanh unit counts as saturated above the chapter's threshold: the notebook's for the
/// model at hand (0.99 for the first MLP's map, 0.97 for the deep network's tanh layers). A note
/// under the charts that count saturation (the page's module, `words::figure_words`).
pub fn thresholds() -> String {
    format!(
        "Saturated means |h| above the chapter's threshold: {} in the first MLP's chapters, the \
         notebook's threshold for its saturation map; {} in the deep network's, the notebook's \
         threshold for its tanh layers (custom settings can set another).",
        format::exact(SATURATED),
        format::exact(SATURATED_DEEP)
    )
}

/// Why the per-layer charts number their layers 2, 5, 8... (or 1, 3, 5... without BatchNorm):
/// a layer's number is its place in the notebook's `layers` list.
pub const LAYER_NUMBERS: &str = "Layer numbers are places in the notebook's `layers` list, \
     counted from 0 as its printout counts them: every Linear, BatchNorm1d and Tanh takes one.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log10_axis_is_read_as_a_loss() {
        let note = log10_note();
        // The example: 0.35 on the axis is a loss of 2.24; and chapter 3's first loss.
        assert!(note.contains("; 0.35 is a loss of 2.24;"), "{note}");
        assert!(note.contains("; 1.50 is a loss of 31.62."), "{note}");
        assert!(
            note.starts_with("Reading the log10 axis: 0.00 is a loss of 1.00; "),
            "{note}"
        );
    }

    #[test]
    fn every_threshold_says_whose_it_is() {
        let t = thresholds();
        assert!(t.contains("0.99 in the first MLP's chapters"), "{t}");
        assert!(
            t.contains("0.97 in the deep network's, the notebook's threshold for its tanh"),
            "{t}"
        );
    }
}
