//! Chapter 1, Finding a learning rate: the notebook's sweep of the rate from 10^-3 to 10^0.

use super::chapter::{first_mlp, train, Chapter, ChapterId};
use super::prose;
use super::question::{self, Answer, Question, Reading};
use crate::charts::ChartId;
use crate::format;
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

/// The sweep's steps.
pub(super) const STEPS: usize = 1_000;

/// The rate the notebook reads from the sweep (roughly 1e-1) and the later chapters train at.
pub(super) const PICKED: f32 = 0.1;

/// The answers of the finder's question: the sweep's decades.
const RATES: &[&str] = &["0.001", "0.01", "0.1", "1"];

/// The sweep's first and last rates: 10^min_exp and 10^max_exp.
pub(super) fn sweep_range() -> (f32, f32) {
    match SWEEP {
        Schedule::ExpSweep { min_exp, max_exp } => (10f32.powf(min_exp), 10f32.powf(max_exp)),
        _ => unreachable!("SWEEP is a sweep"),
    }
}

pub(super) fn chapter() -> Chapter {
    Chapter {
        id: ChapterId::LrFinder,
        title: "1. Finding a learning rate",
        text: |_| {
            let (lo, hi) = sweep_range();
            format!(
                "One run of {} steps whose learning rate grows from {} to {}. From this naive \
                 init the loss falls while the rate grows, is lowest near {}, then blows up when \
                 the rate gets too big. {} marks the rate of the lowest smoothed loss; the \
                 notebook reads roughly {} from the same plot, the rate the next chapters train \
                 at.",
                format::count(STEPS),
                format::exact(lo),
                format::exact(hi),
                format::exact(PICKED),
                prose::to(ChartId::Lr, "The finder's chart"),
                format::exact(PICKED),
            )
        },
        model: model(),
        train: train(STEPS, SWEEP),
        saturation_threshold: super::SATURATED,
        key_charts: &[ChartId::Lr, ChartId::Loss],
        experiments: vec![],
        questions: vec![Question {
            prompt: |_| {
                let (lo, hi) = sweep_range();
                format!(
                    "The sweep raises the learning rate step by step from {} to {}. Near which \
                     rate will the (smoothed) loss be lowest?",
                    format::exact(lo),
                    format::exact(hi)
                )
            },
            answer: Answer::Choice { choices: RATES },
            read: |_, s| {
                s.best_lr
                    .and_then(|lr| question::nearest_decade(lr, RATES))
                    .map(Reading::Choice)
            },
            chart: ChartId::Lr,
            asks: |_| true,
            why: |_| {
                format!(
                    "Too small a rate moves the weights too little in the sweep's few steps; too \
                     large a one overshoots, and the loss climbs. The lowest loss lies between: \
                     the notebook picks about {}.",
                    format::exact(PICKED)
                )
            },
        }],
    }
}
