//! What a run has shown so far: the numbers a question's answer is read from. The session fills
//! it from the run (its first loss, its first step's diagnostics, its update ratios, its sweep,
//! its embedding); a number the run has not shown yet is `None`, and the question waits.

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
}

/// The steps the update-ratio question watches: the notebook's diagnostic run of 1,000 steps.
pub const RATIO_STEPS: usize = 1000;
