//! Chapter 2, a 2-D embedding: the finder's sweep, then 100,000 steps at 0.1 on the same weights.

use super::chapter::{train, Chapter, ChapterId};
use super::lr_finder;
use super::naive;
use super::prose;
use super::question::{self, Answer, Question, Reading};
use crate::charts::ChartId;
use crate::format;
use crate::model::ModelConfig;
use crate::train::Schedule;

/// The finder's model: each character is a point in 2-D.
pub(super) fn model() -> ModelConfig {
    lr_finder::model()
}

/// The steps at the picked rate after the sweep.
const STEPS: usize = 100_000;

pub(super) fn chapter() -> Chapter {
    Chapter {
        id: ChapterId::Embed2d,
        title: "2. A 2-D embedding",
        text: |f| {
            format!(
                "The finder's sweep, then {} steps at {} on the same weights, as in the notebook. \
                 Each character is {}: watch the vowels (a e i o u) cluster together, \
                 as the notebook finds; the chart's line gives their mean distance to each other \
                 and to the consonants.",
                format::count(STEPS),
                format::exact(lr_finder::PICKED),
                prose::to(ChartId::Embedding, &format!("a point in {}-D", f.n_embd)),
            )
        },
        model: model(),
        train: train(
            lr_finder::STEPS + STEPS,
            Schedule::SweepThen {
                sweep_steps: lr_finder::STEPS,
                min_exp: -3.0,
                max_exp: 0.0,
                lr: lr_finder::PICKED,
            },
        ),
        saturation_threshold: super::SATURATED,
        key_charts: &[ChartId::Embedding, ChartId::Loss],
        experiments: vec![],
        questions: vec![
            Question {
                prompt: |_| {
                    "After training, where will the vowels (a e i o u) sit in the 2-D embedding?"
                        .into()
                },
                answer: Answer::Choice {
                    choices: &[
                        "closer to each other than to the consonants",
                        "no closer to each other than to the consonants",
                    ],
                },
                read: |_, s| {
                    s.vowel_distances
                        .map(|(vv, vc)| Reading::Choice(usize::from(vv >= vc)))
                },
                chart: ChartId::Embedding,
                // Two vowels and two consonants at least, as the distances need.
                asks: |itos| {
                    crate::diagnostics::vowel_distances(&vec![[0.0; 2]; itos.len()], itos).is_some()
                },
                why: |_| {
                    "Training moves characters that occur in the same places, and predict the \
                     same next characters, the same way: the vowels take each other's places in \
                     many names, and the notebook finds them together."
                        .into()
                },
            },
            question::first_loss_against_uniform(|_| naive::RANDN_LOGITS.into()),
        ],
    }
}
