//! What a chapter of the lesson is, and what breaks it: the types every chapter file fills in.

use super::facts::Facts;
use super::question::Question;
use crate::charts::ChartId;
use crate::model::{Activation, ModelConfig, WeightInit};
use crate::named::named_enum;
use crate::train::{Schedule, TrainConfig};

named_enum! {
    /// A chapter of the lesson, in the lecture's order, by its name on the command line
    /// (`--preset NAME`), in links (`?chapter=NAME`) and on the page.
    pub enum ChapterId {
        LrFinder = "lr-finder",
        Embed2d = "embed-2d",
        Naive = "naive",
        FixSoftmax = "fix-softmax",
        FixTanh = "fix-tanh",
        Kaiming = "kaiming",
        Batchnorm = "batchnorm",
        Deep = "deep",
    }
}

named_enum! {
    /// A break-it experiment, by its name on the command line (`--experiment NAME`) and in links
    /// (`?experiment=NAME`), in the order the page and the runner list them.
    pub enum ExperimentId {
        WeightsX10 = "weights-x10",
        ZeroInit = "zero-init",
        LrHigh = "lr-high",
        LrLow = "lr-low",
        OutputNotScaled = "output-not-scaled",
        DeepGain1 = "deep-gain-1",
        DeepGain3 = "deep-gain-3",
        DeepGainFiveThirds = "deep-gain-5-3",
        NoTanh = "no-tanh",
        BnZeroSpread = "bn-zero-spread",
    }
}

/// A chapter of the lesson: one experiment of the notebook, with its exact hyperparameters and
/// init, what it shows, where to look, and what breaks it.
#[derive(Clone, Debug)]
pub struct Chapter {
    pub id: ChapterId,
    /// "6. Kaiming init".
    pub title: &'static str,
    /// What the chapter shows and what to look for, in two or three sentences, with the numbers
    /// of the run it describes (the vocabulary, the uniform loss, ...); a phrase that names a
    /// chart links to it (`prose::to`).
    pub text: fn(&Facts) -> String,
    /// The model (its `vocab_size` is the default names'; a run uses its data's).
    pub model: ModelConfig,
    pub train: TrainConfig,
    /// |h| above this counts as saturated (0.99 early on, 0.97 in the deep model's cells).
    pub saturation_threshold: f32,
    /// The charts this chapter is about, most important first (presentation mode shows these).
    pub key_charts: &'static [ChartId],
    /// The chapter with one thing broken on purpose.
    pub experiments: Vec<Experiment>,
    /// What the page asks before the run shows it (one to three), in the order asked.
    pub questions: Vec<Question>,
}

/// BREAK IT: a chapter with one thing changed, to see what the lesson's fixes are for.
#[derive(Clone, Debug)]
pub struct Experiment {
    pub id: ExperimentId,
    pub title: &'static str,
    /// What is changed, in one sentence.
    pub change: &'static str,
    /// The change itself, on the chapter's settings.
    pub apply: fn(&mut ModelConfig, &mut TrainConfig),
    /// What goes wrong, in one sentence, with the numbers of the run.
    pub symptom: fn(&Facts) -> String,
    /// Where it shows.
    pub chart: ChartId,
    /// The chapter that fixes it, and how, in one sentence.
    pub fix: ChapterId,
    pub fix_how: fn(&Facts) -> String,
}

impl Chapter {
    /// The chapter's text with `facts`, as words only (its links' words kept).
    pub fn plain_text(&self, facts: &Facts) -> String {
        super::prose::plain(&(self.text)(facts))
    }

    /// This chapter with `e`'s change applied (its title and text stay the chapter's).
    pub fn broken_by(&self, e: &Experiment) -> Chapter {
        let mut c = self.clone();
        (e.apply)(&mut c.model, &mut c.train);
        c
    }

    /// The facts of a run of this chapter on the default names.
    pub fn facts(&self) -> Facts {
        Facts::of(&self.model, self.train.seed, self.saturation_threshold)
    }

    /// The facts of a run of this chapter on data with `vocab_size` characters.
    pub fn facts_for_vocab(&self, vocab_size: usize) -> Facts {
        let model = ModelConfig {
            vocab_size,
            ..self.model.clone()
        };
        Facts::of(&model, self.train.seed, self.saturation_threshold)
    }
}

/// The notebook's first MLP: every tensor `torch.randn`, one hidden layer of 200.
pub(super) fn first_mlp(n_embd: usize) -> ModelConfig {
    ModelConfig {
        vocab_size: 27,
        block_size: 3,
        n_embd,
        n_hidden: 200,
        n_layers: 1,
        activation: Activation::Tanh,
        batchnorm: None,
        output_bn: false,
        hidden_bias: true,
        output_bias: true,
        hidden_init: WeightInit::Randn(1.0),
        hidden_bias_scale: 1.0,
        output_init: WeightInit::Randn(1.0),
        output_bias_scale: 1.0,
        last_gamma: 1.0,
    }
}

/// The notebook's batches of 32 and seed 42.
pub(super) fn train(steps: usize, schedule: Schedule) -> TrainConfig {
    TrainConfig {
        batch_size: 32,
        steps,
        schedule,
        seed: 42,
    }
}

/// The notebook's 0.1, then 0.01 from half-way.
pub(super) const DECAY: Schedule = Schedule::StepDecay {
    initial: 0.1,
    final_lr: 0.01,
    at: 0.5,
};

/// `DECAY`'s rates before and after the drop, and where it drops (a fraction of the steps).
pub(super) fn decay_rates() -> (f32, f32, f32) {
    match DECAY {
        Schedule::StepDecay {
            initial,
            final_lr,
            at,
        } => (initial, final_lr, at),
        _ => unreachable!("DECAY is a step decay"),
    }
}
