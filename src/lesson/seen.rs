//! What a run has shown so far: the numbers a question's answer is read from. The session fills
//! it from the run (its first loss, its first step's diagnostics and what its eval forward is
//! measured to normalise with, its update ratios, its sweep, its embedding); a number the run
//! has not shown yet is `None`, and the question waits.

use crate::diagnostics::EvalStats;

/// The run's own numbers, as far as it has got.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Seen {
    /// Steps done.
    pub steps: usize,
    /// The first mini-batch loss.
    pub first_loss: Option<f32>,
    /// Percent of the first hidden layer's tanh outputs with |h| above the run's threshold, at
    /// the first step.
    pub init_saturated_pct: Option<f32>,
    /// Each followed weight's update:data ratio (log10), averaged over the ratios taken up to
    /// `RATIO_STEPS`, once the run has done them: the embedding C first, the output Linear
    /// last.
    pub ratios: Option<Vec<f32>>,
    /// The LR finder's rate of the lowest smoothed loss, once the sweep is over.
    pub best_lr: Option<f32>,
    /// The trained 2-D embedding's mean distances (vowel to vowel, vowel to consonant), once the
    /// run has done every step; `None` too when the vocabulary has no a e i o u.
    pub vowel_distances: Option<(f32, f32)>,
    /// What the model's eval forward (the val loss, sampling) normalises BatchNorm with, as the
    /// run measured it at its first step: an example alone and inside a batch, against the
    /// running statistics and the batch's (`diagnostics::eval_normalises_with`).
    pub eval_stats: Option<EvalStats>,
}

/// The steps the update-ratio question watches: the notebook's diagnostic run of 1,000 steps.
pub const RATIO_STEPS: usize = 1000;
