//! Chapter 7, Batch normalisation: the notebook's first version, and what a zero spread does to it.

use super::chapter::{train, Chapter, ChapterId, Experiment, ExperimentId, DECAY};
use super::kaiming;
use crate::charts::ChartId;
use crate::model::{BnConfig, ModelConfig, WeightInit};

/// Kaiming's model with the first BatchNorm cell after the hidden Linear, whose bias goes.
pub(super) fn model() -> ModelConfig {
    ModelConfig {
        hidden_bias: false,
        batchnorm: Some(BnConfig::FIRST_CELL),
        ..kaiming::model()
    }
}

pub(super) fn chapter() -> Chapter {
    Chapter {
        id: ChapterId::Batchnorm,
        title: "7. Batch normalisation",
        text: |_| {
            "Normalise the hidden pre-activations over the batch (the notebook's first version: \
             std with no epsilon, running statistics with momentum 0.001), learn a gain and a \
             bias, and drop the hidden bias. The learning rate drops from 0.1 to 0.01 half-way."
                .into()
        },
        model: model(),
        train: train(100_000, DECAY),
        saturation_threshold: 0.99,
        key_charts: &[
            ChartId::Loss,
            ChartId::Preact,
            ChartId::Map,
            ChartId::Running,
        ],
        experiments: vec![bn_zero_spread()],
        questions: vec![],
    }
}

fn bn_zero_spread() -> Experiment {
    Experiment {
        id: ExperimentId::BnZeroSpread,
        title: "BatchNorm with zero hidden weights",
        change: "The hidden weights start at zero, so every pre-activation is 0 for every example.",
        apply: |m, _| m.hidden_init = WeightInit::Randn(0.0),
        symptom: |_| {
            "The first step stops with a non-finite loss: the first-cell BatchNorm divides by \
             the batch's spread, which is zero, and it has no epsilon."
                .into()
        },
        chart: ChartId::Loss,
        fix: ChapterId::Deep,
        fix_how: "The BatchNorm class adds eps 1e-5 inside the square root (and random weights \
                  give a spread to normalise).",
    }
}
