//! Chapter 5, Fix: tanh not saturated, the hidden layer's init scaled down.

use super::chapter::{train, Chapter, ChapterId};
use super::fix_softmax;
use super::prose;
use super::question;
use crate::charts::ChartId;
use crate::format;
use crate::model::{ModelConfig, WeightInit};
use crate::train::Schedule;

/// The notebook's hand-picked scale of the hidden weights.
pub(super) const HIDDEN_SCALE: f32 = 0.2;
/// And of the hidden bias.
const BIAS_SCALE: f32 = 0.01;

/// The small output layer, and the hidden weights times 0.2, its bias times 0.01.
pub(super) fn model() -> ModelConfig {
    ModelConfig {
        hidden_init: WeightInit::Randn(HIDDEN_SCALE),
        hidden_bias_scale: BIAS_SCALE,
        ..fix_softmax::model()
    }
}

pub(super) fn chapter() -> Chapter {
    Chapter {
        id: ChapterId::FixTanh,
        title: "5. Fix: tanh not saturated",
        text: |f| {
            format!(
                "The hidden weights times {} and its bias times {}: {} shrink, only {} pass \
                 |h| > {} (pre-activations past ±{} = atanh({})), and the gradient flows \
                 through every neuron.",
                format::exact(HIDDEN_SCALE),
                format::exact(BIAS_SCALE),
                prose::to(ChartId::Preact, "the pre-activations"),
                prose::to(ChartId::Map, "a few percent of units"),
                format::exact(f.saturation_threshold),
                format::plain(f.preact_cut),
                format::exact(f.saturation_threshold),
            )
        },
        model: model(),
        train: train(100_000, Schedule::Constant(0.1)),
        saturation_threshold: super::SATURATED,
        key_charts: &[ChartId::Preact, ChartId::Map, ChartId::Loss],
        experiments: vec![],
        questions: vec![question::saturated_at_first_step(|f| {
            format!(
                "Times {} the pre-activations spread about {} x sqrt({}) = {} instead of {}, and \
                 few of them lie past ±{} = atanh({}).",
                format::exact(HIDDEN_SCALE),
                format::exact(HIDDEN_SCALE),
                f.fan_in,
                format::plain(HIDDEN_SCALE * f.sqrt_fan_in()),
                format::plain(f.sqrt_fan_in()),
                format::plain(f.preact_cut),
                format::exact(f.saturation_threshold)
            )
        })],
    }
}
