//! Chapter 5, Fix: tanh not saturated, the hidden layer's init scaled down.

use super::chapter::{train, Chapter, ChapterId};
use super::fix_softmax;
use crate::charts::ChartId;
use crate::model::{ModelConfig, WeightInit};
use crate::train::Schedule;

/// The small output layer, and the hidden weights times 0.2, its bias times 0.01.
pub(super) fn model() -> ModelConfig {
    ModelConfig {
        hidden_init: WeightInit::Randn(0.2),
        hidden_bias_scale: 0.01,
        ..fix_softmax::model()
    }
}

pub(super) fn chapter() -> Chapter {
    Chapter {
        id: ChapterId::FixTanh,
        title: "5. Fix: tanh not saturated",
        text: |_| {
            "The hidden weights times 0.2 and its bias times 0.01: the pre-activations shrink, \
             only a few percent of units pass |h| > 0.99, and gradients flow through every \
             neuron."
                .into()
        },
        model: model(),
        train: train(100_000, Schedule::Constant(0.1)),
        saturation_threshold: 0.99,
        key_charts: &[ChartId::Preact, ChartId::Map, ChartId::Loss],
        experiments: vec![],
        questions: vec![],
    }
}
