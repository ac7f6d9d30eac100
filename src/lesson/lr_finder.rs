//! Chapter 1, Finding a learning rate: the notebook's sweep of the rate from 10^-3 to 10^0.

use super::chapter::{first_mlp, train, Chapter, ChapterId};
use crate::charts::ChartId;
use crate::model::ModelConfig;
use crate::train::Schedule;

/// The notebook's first MLP with a 2-D embedding.
pub(super) fn model() -> ModelConfig {
    first_mlp(2)
}

/// 1,000 steps whose rate grows from 10^-3 to 10^0.
pub(super) const SWEEP: Schedule = Schedule::ExpSweep {
    min_exp: -3.0,
    max_exp: 0.0,
};

pub(super) fn chapter() -> Chapter {
    Chapter {
        id: ChapterId::LrFinder,
        title: "1. Finding a learning rate",
        text: |_| {
            "One run of 1,000 steps whose learning rate grows from 0.001 to 1. The loss falls \
             fastest around 0.1, then blows up when the rate gets too big: that knee is the rate \
             to pick."
                .into()
        },
        model: model(),
        train: train(1_000, SWEEP),
        saturation_threshold: 0.99,
        key_charts: &[ChartId::Lr, ChartId::Loss],
        experiments: vec![],
        questions: vec![],
    }
}
