//! Chapter 6, Kaiming init: the hidden weights scaled by (5/3) / sqrt(fan_in) instead of a
//! hand-picked 0.2; and what breaks when the init or the learning rate is wrong.

use super::chapter::{train, Chapter, ChapterId, Experiment, ExperimentId};
use super::fix_tanh;
use crate::charts::ChartId;
use crate::format;
use crate::model::{ModelConfig, WeightInit};
use crate::train::Schedule;

/// Tanh's gain over sqrt(fan_in) for the hidden weights; the rest as in the fix of tanh.
pub(super) fn model() -> ModelConfig {
    ModelConfig {
        hidden_init: WeightInit::Kaiming(5.0 / 3.0),
        ..fix_tanh::model()
    }
}

pub(super) fn chapter() -> Chapter {
    Chapter {
        id: ChapterId::Kaiming,
        title: "6. Kaiming init",
        text: |f| {
            format!(
                "Instead of a hand-picked 0.2, scale the hidden weights by (5/3) / sqrt(fan_in): \
                 x @ w then keeps the spread of x (the demo shows std {} without the factor, 1.0 \
                 with it).",
                format::tenths((f.fan_in as f32).sqrt())
            )
        },
        model: model(),
        train: train(100_000, Schedule::Constant(0.1)),
        saturation_threshold: 0.99,
        key_charts: &[ChartId::Kaiming, ChartId::Preact, ChartId::Loss],
        experiments: vec![
            weights_x10(),
            zero_init(),
            lr_high(),
            lr_low(),
            output_not_scaled(),
        ],
        questions: vec![],
    }
}

fn weights_x10() -> Experiment {
    Experiment {
        id: ExperimentId::WeightsX10,
        title: "Weights x10 at init",
        change: "Every Linear weight and bias starts ten times larger than the Kaiming chapter's.",
        apply: |m, _| {
            m.hidden_init = WeightInit::Kaiming(10.0 * 5.0 / 3.0);
            m.hidden_bias_scale *= 10.0;
            m.output_init = WeightInit::Randn(0.1);
        },
        symptom: |f| {
            format!(
                "The first loss is well above -ln(1/{}) = {} and the |h| map turns white: almost \
                 every tanh sits at +-1, where no gradient passes.",
                f.vocab_size,
                format::plain(f.uniform_loss)
            )
        },
        chart: ChartId::Map,
        fix: ChapterId::Kaiming,
        fix_how: "Scaling the hidden weights by (5/3) / sqrt(fan_in) keeps the pre-activations \
                  near unit spread, so few units saturate.",
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
             learns the letter frequencies."
                .into()
        },
        chart: ChartId::Acts,
        fix: ChapterId::Kaiming,
        fix_how: "Random weights make every neuron different from the start.",
    }
}

fn lr_high() -> Experiment {
    Experiment {
        id: ExperimentId::LrHigh,
        title: "Learning rate too high",
        change: "A constant learning rate of 10 instead of 0.1.",
        apply: |_, t| t.schedule = Schedule::Constant(10.0),
        symptom: |_| {
            "The loss jumps past ten times its start within a few steps and the run stops, \
             keeping the last good weights."
                .into()
        },
        chart: ChartId::Loss,
        fix: ChapterId::LrFinder,
        fix_how: "The finder's sweep shows where the loss falls fastest (about 0.1) and where it \
                  blows up.",
    }
}

fn lr_low() -> Experiment {
    Experiment {
        id: ExperimentId::LrLow,
        title: "Learning rate too low",
        change: "A constant learning rate of 0.0001 instead of 0.1.",
        apply: |_, t| t.schedule = Schedule::Constant(1e-4),
        symptom: |_| {
            "The loss barely moves from its start: every update:data ratio sits hundreds of \
             times lower than at 0.1, under the 1e-3 line."
                .into()
        },
        chart: ChartId::Ratios,
        fix: ChapterId::LrFinder,
        fix_how: "The finder's sweep shows where the loss starts to fall fast (about 0.1).",
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
        fix_how: "Output weights times 0.01 and a zero output bias start the logits near zero.",
    }
}
