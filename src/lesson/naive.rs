//! Chapter 3, Naive init: every weight drawn from randn, and a first loss near 30.

use super::chapter::{first_mlp, train, Chapter, ChapterId};
use crate::charts::ChartId;
use crate::format;
use crate::model::ModelConfig;
use crate::train::Schedule;

/// The first MLP with 10-D embeddings.
pub(super) fn model() -> ModelConfig {
    first_mlp(10)
}

pub(super) fn chapter() -> Chapter {
    Chapter {
        id: ChapterId::Naive,
        title: "3. Naive init: a first loss near 30",
        text: |f| {
            format!(
                "Every weight drawn from randn, {}-D embeddings. With {v} characters a model \
                 that knows nothing should give each one probability 1/{v} and start at \
                 -ln(1/{v}) = {}, but this one starts near 30: its logits are large and random, \
                 so it is confidently wrong, and the first thousand steps only undo that (the \
                 hockey stick).",
                f.n_embd,
                format::plain(f.uniform_loss),
                v = f.vocab_size,
            )
        },
        model: model(),
        train: train(100_000, Schedule::Constant(0.1)),
        saturation_threshold: 0.99,
        key_charts: &[ChartId::Loss, ChartId::Preact, ChartId::Map],
        experiments: vec![],
        questions: vec![],
    }
}
