//! Chapter 4, Fix: a small output layer, so the logits start near zero.

use super::chapter::{train, Chapter, ChapterId};
use super::naive;
use super::prose;
use super::question;
use crate::charts::ChartId;
use crate::format;
use crate::model::{ModelConfig, WeightInit};
use crate::train::Schedule;

/// The naive model with its output weights times 0.01 and no output bias at init.
pub(super) fn model() -> ModelConfig {
    ModelConfig {
        output_init: WeightInit::Randn(0.01),
        output_bias_scale: 0.0,
        ..naive::model()
    }
}

pub(super) fn chapter() -> Chapter {
    Chapter {
        id: ChapterId::FixSoftmax,
        title: "4. Fix: a small output layer",
        text: |f| {
            format!(
                "The output weights times 0.01 and the output bias zero: the logits start near \
                 zero, {} is about -ln(1/{}) = {}, and no steps are wasted. Look at {} \
                 though: {} (|h| > {}), where tanh's \
                 slope 1 - h² is below {}: the gradient through them is at least {} times \
                 smaller, so the weights feeding them learn little.",
                prose::to(ChartId::Loss, "the first loss"),
                f.vocab_size,
                format::plain(f.uniform_loss),
                prose::to(ChartId::Preact, "the hidden layer"),
                prose::to(ChartId::Map, "most tanh units sit at ±1"),
                format::exact(f.saturation_threshold),
                format::at_most(f.slope_at_threshold),
                format::at_least_whole(f.slope_factor())
            )
        },
        model: model(),
        train: train(100_000, Schedule::Constant(0.1)),
        saturation_threshold: super::SATURATED,
        key_charts: &[ChartId::Loss, ChartId::Preact, ChartId::Map],
        experiments: vec![],
        questions: vec![
            question::first_loss_against_uniform(|_| {
                "The output weights times 0.01 and the output bias zero make every logit nearly \
                 0: every character gets nearly the same probability, as a model that knows \
                 nothing would give."
                    .into()
            }),
            question::saturated_at_first_step(|f| {
                format!(
                    "The hidden weights are still randn: x @ w spreads about sqrt(fan_in) = {} \
                     times wider than x, so most pre-activations lie past ±{} = atanh({}), \
                     where tanh is flat.",
                    format::plain(f.sqrt_fan_in()),
                    format::plain(f.preact_cut),
                    format::exact(f.saturation_threshold)
                )
            }),
        ],
    }
}
