//! Chapter 3, Naive init: every weight drawn from randn, and a first loss near 30.

use super::chapter::{first_mlp, train, Chapter, ChapterId};
use super::prose;
use super::question::{self, Answer, Question, Reading};
use crate::charts::ChartId;
use crate::format;
use crate::model::ModelConfig;
use crate::train::Schedule;

/// Why randn weights start far above the uniform loss (the naive and 2-D chapters' question).
pub(super) const RANDN_LOGITS: &str =
    "With every weight drawn from randn the logits are large and \
     random: the model is confidently wrong, giving the right character a tiny probability, and \
     -ln of a tiny probability is large.";

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
                 -ln(1/{v}) = {}, but this one {}: its logits are large and random, so it is \
                 confidently wrong, and the first thousand steps only undo that ({}).",
                f.n_embd,
                format::plain(f.uniform_loss),
                prose::to(ChartId::Loss, "starts near 30"),
                prose::to(ChartId::Loss, "the hockey stick"),
                v = f.vocab_size,
            )
        },
        model: model(),
        train: train(100_000, Schedule::Constant(0.1)),
        saturation_threshold: super::SATURATED,
        key_charts: &[ChartId::Loss, ChartId::Preact, ChartId::Map],
        experiments: vec![],
        questions: vec![
            Question {
                prompt: |f| {
                    format!(
                        "A model that knows nothing gives each of the {} characters the same \
                         probability. What loss does it give (the mean of -ln p of the right \
                         character)?",
                        f.vocab_size
                    )
                },
                answer: Answer::Number {
                    tolerance: 0.1,
                    percent: false,
                },
                read: |f, _| Some(Reading::Number(f.uniform_loss)),
                chart: ChartId::Loss,
                asks: |_| true,
                why: |f| {
                    format!(
                        "Every character gets probability 1/{v}, the right one too: -ln(1/{v}) = \
                         ln {v} = {}.",
                        format::plain(f.uniform_loss),
                        v = f.vocab_size
                    )
                },
            },
            question::first_loss_against_uniform(|_| RANDN_LOGITS.into()),
        ],
    }
}
