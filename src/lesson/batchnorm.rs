//! Chapter 7, Batch normalisation: the notebook's first version, and what a zero spread does to it.

use super::chapter::{decay_rates, train, Chapter, ChapterId, Experiment, ExperimentId, DECAY};
use super::kaiming;
use super::prose;
use super::question::{self, Answer, Question, Reading};
use crate::charts::ChartId;
use crate::diagnostics::EvalStats;
use crate::format;
use crate::model::{BnConfig, ModelConfig, WeightInit};

/// Kaiming's model with the first BatchNorm cell after the hidden Linear, whose bias goes.
pub(super) fn model() -> ModelConfig {
    ModelConfig {
        hidden_bias: false,
        batchnorm: Some(BnConfig::FIRST_CELL),
        ..kaiming::model()
    }
}

/// The answers of the eval question, in the order of its reading: `EvalStats::Batch`, then
/// `EvalStats::Running`.
const EVAL_STATS: &[&str] = &[
    "the batch's own mean and std",
    "the running mean and std kept during training",
];

pub(super) fn chapter() -> Chapter {
    Chapter {
        id: ChapterId::Batchnorm,
        title: "7. Batch normalisation",
        text: |_| {
            let (initial, final_lr, _) = decay_rates();
            format!(
                "Normalise {} over the batch (the notebook's first \
                 version: std with no epsilon), then learn a gain and a bias. BatchNorm goes \
                 right after the Linear, whose bias it would subtract out with the batch mean: \
                 the hidden bias is redundant, so it goes. {} are not trained by backprop: each \
                 step moves them {} of the way toward the batch's, and at eval they replace the \
                 batch's. The learning rate drops from {} to {} half-way.",
                prose::to(ChartId::Preact, "the hidden pre-activations"),
                prose::to(ChartId::Running, "The running mean and std"),
                format::exact(BnConfig::FIRST_CELL.momentum),
                format::exact(initial),
                format::exact(final_lr),
            )
        },
        model: model(),
        train: train(100_000, DECAY),
        saturation_threshold: super::SATURATED,
        key_charts: &[
            ChartId::Loss,
            ChartId::Preact,
            ChartId::Map,
            ChartId::Running,
        ],
        experiments: vec![bn_zero_spread()],
        questions: vec![
            question::saturated_at_first_step(|f| {
                format!(
                    "BatchNorm gives each pre-activation a batch mean of 0 and a spread of 1 \
                     (gamma 1, beta 0 at the start), and few values of spread 1 lie past ±{} = \
                     atanh({}).",
                    format::plain(f.preact_cut),
                    format::exact(f.saturation_threshold)
                )
            }),
            Question {
                prompt: |_| {
                    "At eval (the val loss, sampling one name), what does BatchNorm normalise \
                     with?"
                        .into()
                },
                answer: Answer::Choice {
                    choices: EVAL_STATS,
                },
                // As the run measured its model's eval forward.
                read: |_, s| {
                    s.eval_stats.map(|e| {
                        Reading::Choice(match e {
                            EvalStats::Batch => 0,
                            EvalStats::Running => 1,
                        })
                    })
                },
                chart: ChartId::Running,
                asks: |_| true,
                why: |_| {
                    "The running mean and std, kept as a moving average during training (not by \
                     backprop): one example alone has no batch to take statistics of, and a \
                     name's probabilities must not depend on the other names beside it."
                        .into()
                },
            },
        ],
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
        fix_how: |_| {
            format!(
                "The BatchNorm class adds eps {} inside the square root (and random weights give \
                 a spread to normalise).",
                format::sci(BnConfig::CLASS.eps)
            )
        },
    }
}
