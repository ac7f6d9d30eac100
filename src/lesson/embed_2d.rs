//! Chapter 2, a 2-D embedding: the finder's sweep, then 100,000 steps at 0.1 on the same weights.

use super::chapter::{train, Chapter, ChapterId};
use super::lr_finder;
use crate::charts::ChartId;
use crate::model::ModelConfig;
use crate::train::Schedule;

/// The finder's model: each character is a point in 2-D.
pub(super) fn model() -> ModelConfig {
    lr_finder::model()
}

pub(super) fn chapter() -> Chapter {
    Chapter {
        id: ChapterId::Embed2d,
        title: "2. A 2-D embedding",
        text: |_| {
            "The finder's sweep, then 100,000 steps at 0.1 on the same weights, as in the \
             notebook. Each character is a point in 2-D: watch the vowels gather in one corner \
             and '.' stand apart."
                .into()
        },
        model: model(),
        train: train(
            101_000,
            Schedule::SweepThen {
                sweep_steps: 1_000,
                min_exp: -3.0,
                max_exp: 0.0,
                lr: 0.1,
            },
        ),
        saturation_threshold: 0.99,
        key_charts: &[ChartId::Embedding, ChartId::Loss],
        experiments: vec![],
        questions: vec![],
    }
}
