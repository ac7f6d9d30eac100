//! The sentences that say why a chart's number reads as it does: how to read the loss chart's
//! log10 axis (a line of its view, at the run's loss), and the notes under the charts (the
//! page's module, `words::figure_words`): whose saturation threshold the deep network's 0.97 and
//! the first MLP's 0.99 are, and why the per-layer charts number their layers 2, 5, 8...

use crate::format;
use crate::lesson::{SATURATED, SATURATED_DEEP};

/// How to read the loss chart's log10 axis, at `loss` (the run's loss now): "reading the log10
/// axis: 0.35 on it is a loss of 2.24, about where the curve is now". None for a loss that has
/// no logarithm.
pub fn log10_reading(loss: f32) -> Option<String> {
    if !(loss.is_finite() && loss > 0.0) {
        return None;
    }
    Some(format!(
        "reading the log10 axis: {} on it is a loss of {}, about where the curve is now",
        format::plain(loss.log10()),
        format::plain(loss)
    ))
}

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
    fn the_log10_axis_is_read_at_the_runs_loss() {
        // The example: 0.35 on the axis is a loss of 2.24.
        assert_eq!(
            log10_reading(2.24).unwrap(),
            "reading the log10 axis: 0.35 on it is a loss of 2.24, about where the curve is now"
        );
        // The first loss of chapter 3, near 30, and a loss below 1.
        assert!(log10_reading(27.9)
            .unwrap()
            .contains("1.45 on it is a loss of 27.90"));
        assert!(log10_reading(0.5)
            .unwrap()
            .contains("-0.30 on it is a loss of 0.50"));
        for bad in [f32::NAN, f32::INFINITY, 0.0, -1.0] {
            assert_eq!(log10_reading(bad), None, "{bad}");
        }
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
