//! Chapter 6, Kaiming init: the hidden weights scaled by (5/3) / sqrt(fan_in) instead of a
//! hand-picked 0.2; and what breaks when the init or the learning rate is wrong.

use super::chapter::{train, Chapter, ChapterId, Experiment, ExperimentId};
use super::facts::TANH_GAIN;
use super::prose;
use super::question::{self, Answer, Question, Reading};
use super::{fix_tanh, lr_finder};
use crate::charts::ChartId;
use crate::format;
use crate::model::{ModelConfig, WeightInit};
use crate::train::{Schedule, EXPLODE_FACTOR};

/// Tanh's gain over sqrt(fan_in) for the hidden weights; the rest as in the fix of tanh.
pub(super) fn model() -> ModelConfig {
    ModelConfig {
        hidden_init: WeightInit::Kaiming(TANH_GAIN),
        ..fix_tanh::model()
    }
}

pub(super) fn chapter() -> Chapter {
    Chapter {
        id: ChapterId::Kaiming,
        title: "6. Kaiming init",
        text: |f| {
            format!(
                "Kaiming init (He et al. 2015) aims for the same variance in every layer. With \
                 w ~ randn, x @ w spreads sqrt(fan_in) = sqrt({n}) = {} times wider than x; \
                 dividing w by sqrt({n}) keeps the spread of x ({}: std {} without the \
                 factor, {} with it). The 5/3 on top is tanh's gain: it makes the \
                 pre-activations spread about 5/3 = {} on purpose, to make up for tanh's \
                 squashing. So the hidden weights get (5/3) / sqrt({n}) = {} instead of the \
                 hand-picked {}; more units saturate than with {} (compare {}).",
                format::plain(f.sqrt_fan_in()),
                prose::to(ChartId::Kaiming, "the demo"),
                format::plain(f.demo_y_std),
                format::plain(f.demo_y_scaled_std),
                format::plain(TANH_GAIN),
                format::plain(f.kaiming_scale()),
                format::exact(fix_tanh::HIDDEN_SCALE),
                format::exact(fix_tanh::HIDDEN_SCALE),
                prose::to(ChartId::Preact, "the |h| lines"),
                n = f.fan_in,
            )
        },
        model: model(),
        train: train(100_000, Schedule::Constant(lr_finder::PICKED)),
        saturation_threshold: super::SATURATED,
        key_charts: &[ChartId::Kaiming, ChartId::Preact, ChartId::Loss],
        experiments: vec![
            weights_x10(),
            zero_init(),
            lr_high(),
            lr_low(),
            output_not_scaled(),
        ],
        questions: vec![
            Question {
                prompt: |f| {
                    format!(
                        "x has {} columns (fan_in) of spread 1. What spread (std) will x @ w have, \
                         with w ~ randn and no scaling?",
                        f.fan_in
                    )
                },
                answer: Answer::Number {
                    tolerance: 1.0,
                    percent: false,
                },
                read: |f, _| Some(Reading::Number(f.demo_y_std)),
                chart: ChartId::Kaiming,
                asks: |_| true,
                why: |f| {
                    format!(
                        "Each output sums {n} products of spread 1: their variances add up to {n}, \
                         so the spread is sqrt({n}) = {}.",
                        format::plain(f.sqrt_fan_in()),
                        n = f.fan_in
                    )
                },
            },
            question::saturated_at_first_step(|f| {
                format!(
                    "(5/3) / sqrt({}) makes the pre-activations spread about 5/3 = {} on purpose, \
                     wider than the {} chapter's {}: more of them lie past ±{} = atanh({}).",
                    f.fan_in,
                    format::plain(TANH_GAIN),
                    format::exact(fix_tanh::HIDDEN_SCALE),
                    format::plain(fix_tanh::HIDDEN_SCALE * f.sqrt_fan_in()),
                    format::plain(f.preact_cut),
                    format::exact(f.saturation_threshold)
                )
            }),
        ],
    }
}

/// The too-high and too-low learning rates of the break-it experiments.
const HIGH_LR: f32 = 10.0;
const LOW_LR: f32 = 1e-4;

fn weights_x10() -> Experiment {
    Experiment {
        id: ExperimentId::WeightsX10,
        title: "Weights x10 at init",
        change: "Every Linear weight and bias starts ten times larger than the Kaiming chapter's.",
        apply: |m, _| {
            m.hidden_init = WeightInit::Kaiming(10.0 * TANH_GAIN);
            m.hidden_bias_scale *= 10.0;
            m.output_init = WeightInit::Randn(0.1);
        },
        symptom: |f| {
            format!(
                "The first loss is above -ln(1/{}) = {} and the |h| map turns mostly white: most \
                 tanh units sit at ±1 (|h| > {}), where tanh's slope 1 - h² is below {}, so at \
                 least {} times less gradient passes and they learn little.",
                f.vocab_size,
                format::plain(f.uniform_loss),
                format::exact(f.saturation_threshold),
                format::at_most(f.slope_at_threshold),
                format::at_least_whole(f.slope_factor())
            )
        },
        chart: ChartId::Map,
        fix: ChapterId::Kaiming,
        fix_how: |f| {
            format!(
                "Scaling the hidden weights by (5/3) / sqrt({}) = {} brings the \
                 pre-activations' spread back to about 5/3 = {}: some units still saturate, \
                 but the map is mostly dark.",
                f.fan_in,
                format::plain(f.kaiming_scale()),
                format::plain(TANH_GAIN)
            )
        },
    }
}

fn zero_init() -> Experiment {
    Experiment {
        id: ExperimentId::ZeroInit,
        title: "All weights zero",
        change: "Every Linear weight and bias starts at zero (the embedding C stays random).",
        apply: |m, _| {
            m.hidden_init = WeightInit::Randn(0.0);
            m.hidden_bias_scale = 0.0;
            m.output_init = WeightInit::Randn(0.0);
            m.output_bias_scale = 0.0;
        },
        symptom: |_| {
            "Every hidden neuron outputs the same value for every example, forever: their \
             gradients are equal (here zero), so symmetry never breaks and only the output bias \
             learns the letter frequencies. The update:data chart's text says how far each \
             tensor moved from its start: only the output bias moved; every Linear weight is \
             still all zeros, its columns all equal."
                .into()
        },
        chart: ChartId::Acts,
        fix: ChapterId::Kaiming,
        fix_how: |_| "Random weights make every neuron different from the start.".into(),
    }
}

fn lr_high() -> Experiment {
    Experiment {
        id: ExperimentId::LrHigh,
        title: "Learning rate too high",
        change: "A constant learning rate of 10 instead of 0.1.",
        apply: |_, t| t.schedule = Schedule::Constant(HIGH_LR),
        symptom: |_| {
            format!(
                "The loss jumps past {} times its start within the first steps and the run \
                 stops, keeping the last good weights.",
                format::whole(EXPLODE_FACTOR)
            )
        },
        chart: ChartId::Loss,
        fix: ChapterId::LrFinder,
        fix_how: |_| {
            format!(
                "The finder's sweep shows where the smoothed loss is lowest (the notebook reads \
                 roughly {}) and where it blows up.",
                format::exact(lr_finder::PICKED)
            )
        },
    }
}

fn lr_low() -> Experiment {
    Experiment {
        id: ExperimentId::LrLow,
        title: "Learning rate too low",
        change: "A constant learning rate of 0.0001 instead of 0.1.",
        apply: |_, t| t.schedule = Schedule::Constant(LOW_LR),
        symptom: |_| {
            let times = lr_finder::PICKED / LOW_LR;
            format!(
                "The loss barely moves from its start: the update is lr x grad, so every \
                 update:data ratio starts {} times ({} decades) lower than at {} and stays under \
                 the 1e-3 line.",
                format::count(times.round() as usize),
                format::whole(times.log10()),
                format::exact(lr_finder::PICKED)
            )
        },
        chart: ChartId::Ratios,
        fix: ChapterId::LrFinder,
        fix_how: |_| {
            format!(
                "The finder's sweep shows the loss falling faster as the rate grows toward \
                 roughly {}.",
                format::exact(lr_finder::PICKED)
            )
        },
    }
}

fn output_not_scaled() -> Experiment {
    Experiment {
        id: ExperimentId::OutputNotScaled,
        title: "Output layer not scaled down",
        change: "The output Linear's weights and bias are plain randn, as in the naive chapter.",
        apply: |m, _| {
            m.output_init = WeightInit::Randn(1.0);
            m.output_bias_scale = 1.0;
        },
        symptom: |f| {
            format!(
                "The first loss is far above -ln(1/{}) = {}: the model is confidently wrong, and \
                 the first steps only undo that (the hockey stick).",
                f.vocab_size,
                format::plain(f.uniform_loss)
            )
        },
        chart: ChartId::Loss,
        fix: ChapterId::FixSoftmax,
        fix_how: |_| {
            "Output weights times 0.01 and a zero output bias start the logits near zero.".into()
        },
    }
}
