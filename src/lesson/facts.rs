//! The numbers of a run a chapter's sentences state. A text is a function of these rather than a
//! fixed string, so that it states the run's own numbers (another names file has another
//! vocabulary, so another uniform loss; another seed another Kaiming demo), and every one of
//! them is computed here from the run's model, seed and saturation threshold, never typed.

use crate::diagnostics;
use crate::model::ModelConfig;

/// Tanh's Kaiming gain, the lecture's 5/3: what the Kaiming chapter and the deep network scale
/// their hidden weights by, over sqrt(fan_in).
pub const TANH_GAIN: f32 = 5.0 / 3.0;

/// |h| above this counts as saturated in the chapters of the first MLP: the notebook's
/// threshold for its tanh layer (`h.abs() > 0.99`, the saturation map).
pub const SATURATED: f32 = 0.99;
/// The deep network's threshold: the notebook's per-layer printout for its tanh layers
/// (`(t.abs() > 0.97).float().mean()`).
pub const SATURATED_DEEP: f32 = 0.97;

/// Batch of the Kaiming demo's input x (the notebook's batch of 32).
pub const KAIMING_BATCH: usize = 32;
/// Fan-out of the Kaiming demo's weight matrix (the notebook's 200).
pub const KAIMING_FAN_OUT: usize = 200;

/// What the lesson's sentences may say about a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Facts {
    /// Characters of the vocabulary, the boundary '.' included (27 for the default names).
    pub vocab_size: usize,
    /// The loss of a uniform guess over the vocabulary: -ln(1/vocab_size).
    pub uniform_loss: f32,
    /// The width of a character's embedding.
    pub n_embd: usize,
    /// The first hidden Linear's inputs: block_size x n_embd.
    pub fan_in: usize,
    /// |h| above this counts as saturated (the run's threshold).
    pub saturation_threshold: f32,
    /// The pre-activation cut that matches it: atanh(threshold) (|x| > cut exactly when
    /// |tanh(x)| > threshold).
    pub preact_cut: f32,
    /// Tanh's local gradient 1 - h² at |h| = threshold: every saturated unit passes less.
    pub slope_at_threshold: f32,
    /// The Kaiming demo's spread of y = x @ w with w ~ randn, and with w / sqrt(fan_in) (the
    /// chart's own numbers: the same seed, the same draws).
    pub demo_y_std: f32,
    pub demo_y_scaled_std: f32,
}

impl Facts {
    /// The facts of a run of `model` (its `vocab_size` is its data's) with `seed`, counting
    /// |h| > `saturation_threshold` as saturated.
    pub fn of(model: &ModelConfig, seed: u64, saturation_threshold: f32) -> Facts {
        let fan_in = model.block_size * model.n_embd;
        let demo = kaiming_demo(seed, fan_in);
        Facts {
            vocab_size: model.vocab_size,
            uniform_loss: (model.vocab_size as f32).ln(),
            n_embd: model.n_embd,
            fan_in,
            saturation_threshold,
            preact_cut: diagnostics::preact_cut(saturation_threshold),
            slope_at_threshold: diagnostics::tanh_slope(saturation_threshold),
            demo_y_std: demo.y.std,
            demo_y_scaled_std: demo.y_scaled.std,
        }
    }

    /// sqrt(fan_in): the spread x @ w has for x and w ~ randn.
    pub fn sqrt_fan_in(&self) -> f32 {
        (self.fan_in as f32).sqrt()
    }

    /// The Kaiming scale of the first hidden weights: (5/3) / sqrt(fan_in).
    pub fn kaiming_scale(&self) -> f32 {
        TANH_GAIN / self.sqrt_fan_in()
    }

    /// How many times less gradient a saturated unit passes than an unsaturated one at least:
    /// 1 / (1 - threshold²).
    pub fn slope_factor(&self) -> f32 {
        1.0 / self.slope_at_threshold
    }
}

/// The Kaiming demo at `seed` and `fan_in`, as its chart draws it (session/views/kaiming.rs).
pub fn kaiming_demo(seed: u64, fan_in: usize) -> diagnostics::KaimingDemo {
    diagnostics::kaiming_demo(seed, KAIMING_BATCH, fan_in, KAIMING_FAN_OUT, 2)
}
