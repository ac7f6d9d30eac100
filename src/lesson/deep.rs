//! Chapter 8, the deep network: five [Linear, BatchNorm1d, Tanh] blocks; and what happens without
//! BatchNorm at three gains, or without tanh.

use super::chapter::{
    decay_rates, first_mlp, train, Chapter, ChapterId, Experiment, ExperimentId, DECAY,
};
use super::facts::TANH_GAIN;
use super::prose;
use super::question::{Answer, Question, Reading};
use super::seen::RATIO_STEPS;
use crate::charts::ChartId;
use crate::format;
use crate::model::{Activation, BnConfig, ModelConfig, WeightInit};

/// The lecture's deep network starts again from the first MLP: five hidden layers with the
/// BatchNorm class, a BatchNorm on the output, no biases, Kaiming init, the last gamma 0.1.
pub(super) fn model() -> ModelConfig {
    ModelConfig {
        n_layers: 5,
        batchnorm: Some(BnConfig::CLASS),
        output_bn: true,
        hidden_bias: false,
        output_bias: false,
        hidden_init: WeightInit::Kaiming(TANH_GAIN),
        output_init: WeightInit::Kaiming(TANH_GAIN),
        last_gamma: 0.1,
        ..first_mlp(10)
    }
}

/// The answers of the update-ratio question, in the order of the weights.
const WEIGHTS: &[&str] = &[
    "the embedding C",
    "the first Linear",
    "a middle Linear",
    "the output Linear",
];

/// Numbers as a sentence starts them.
const WORDS: [Option<&str>; 7] = [
    None,
    Some("One"),
    Some("Two"),
    Some("Three"),
    Some("Four"),
    Some("Five"),
    Some("Six"),
];

pub(super) fn chapter() -> Chapter {
    Chapter {
        id: ChapterId::Deep,
        title: "8. The deep network",
        text: |_| {
            let (initial, final_lr, _) = decay_rates();
            let m = model();
            format!(
                "{} hidden layers of [Linear, BatchNorm1d, Tanh] and an output Linear with a \
                 BatchNorm, whose gamma starts at {} so that the first outputs are not too \
                 confident. Watch {} and {} keep the same spread, and {} settle near the 1e-3 \
                 line while the learning rate is {}; at the drop to {} every ratio falls {} \
                 times ({} decade).",
                WORDS[m.n_layers].unwrap_or("Several"),
                format::exact(m.last_gamma),
                prose::to(ChartId::Acts, "each layer's activations"),
                prose::to(ChartId::Grads, "gradients"),
                prose::to(ChartId::Ratios, "every weight's update:data ratio"),
                format::exact(initial),
                format::exact(final_lr),
                format::whole(initial / final_lr),
                format::whole((initial / final_lr).log10()),
            )
        },
        model: model(),
        train: train(100_000, DECAY),
        saturation_threshold: super::SATURATED_DEEP,
        key_charts: &[
            ChartId::Acts,
            ChartId::Grads,
            ChartId::Ratios,
            ChartId::Loss,
        ],
        experiments: vec![
            deep_gain_1(),
            deep_gain_3(),
            deep_gain_five_thirds(),
            no_tanh(),
        ],
        questions: vec![Question {
            prompt: |_| {
                format!(
                    "Over the first {} steps, which weights will have the highest update:data \
                     ratio (the step's size against the weights' own)?",
                    format::count(RATIO_STEPS)
                )
            },
            answer: Answer::Choice { choices: WEIGHTS },
            read: |_, s| {
                let r = s.ratios.as_ref()?;
                let top = (0..r.len()).max_by(|&a, &b| r[a].total_cmp(&r[b]))?;
                Some(Reading::Choice(match top {
                    0 => 0,
                    1 => 1,
                    t if t + 1 == r.len() => 3,
                    _ => 2,
                }))
            },
            chart: ChartId::Ratios,
            asks: |_| true,
            why: |_| {
                "The ratio is lr x std(grad) / std(weights): weights that are small for their \
                 gradient move fast. The lecture wants every ratio near 1e-3 (-3 on the chart): \
                 one far above the rest learns too fast, one far below too slowly."
                    .into()
            },
        }],
    }
}

/// The deep chapter without BatchNorm, hidden weights at a Kaiming gain, the output Linear
/// scaled down by 0.1 instead (the lecture's "not too confident" without a last BatchNorm).
fn without_batchnorm(m: &mut ModelConfig, gain: f32) {
    m.batchnorm = None;
    m.output_bn = false;
    m.hidden_init = WeightInit::Kaiming(gain);
    m.output_init = WeightInit::Kaiming(0.1);
}

fn deep_gain_1() -> Experiment {
    Experiment {
        id: ExperimentId::DeepGain1,
        title: "Deep net, no BatchNorm, gain 1",
        change: "No BatchNorm, hidden weights randn / sqrt(fan_in) (gain 1 instead of 5/3), the \
                 output Linear times 0.1.",
        apply: |m, _| without_batchnorm(m, 1.0),
        symptom: |_| {
            "Each tanh squashes, and gain 1 does not make up for it: the activations' spread \
             shrinks layer by layer going deeper, and the gradients' spread shrinks going back \
             toward layer 1."
                .into()
        },
        chart: ChartId::Acts,
        fix: ChapterId::Kaiming,
        fix_how: |_| {
            "Tanh's gain 5/3 makes up for the spread each layer loses; BatchNorm (the deep \
             chapter) makes the gain matter much less."
                .into()
        },
    }
}

fn deep_gain_3() -> Experiment {
    Experiment {
        id: ExperimentId::DeepGain3,
        title: "Deep net, no BatchNorm, gain 3",
        change: "No BatchNorm, hidden weights 3 / sqrt(fan_in), the output Linear times 0.1.",
        apply: |m, _| without_batchnorm(m, 3.0),
        symptom: |f| {
            format!(
                "Too much gain: about half of layer 1's tanh units saturate (|h| > {}) at once, \
                 and every deeper layer stays heavily saturated too (tanh caps the growth); the \
                 gradients grow going back toward layer 1, the lecture's asymmetry.",
                format::exact(f.saturation_threshold)
            )
        },
        chart: ChartId::Acts,
        fix: ChapterId::Kaiming,
        fix_how: |_| {
            "Tanh's gain 5/3 keeps the deeper layers' spread steady with far fewer units \
             saturated; BatchNorm (the deep chapter) makes the gain matter much less."
                .into()
        },
    }
}

fn deep_gain_five_thirds() -> Experiment {
    Experiment {
        id: ExperimentId::DeepGainFiveThirds,
        title: "Deep net, no BatchNorm, gain 5/3",
        change: "No BatchNorm, hidden weights (5/3) / sqrt(fan_in), the output Linear times 0.1.",
        apply: |m, _| without_batchnorm(m, TANH_GAIN),
        symptom: |_| {
            "Nothing breaks, even without BatchNorm: with tanh's own gain the deeper layers \
             keep about the same spread and the gradients about the same size in every layer. \
             Layer 1, fed by the randn embedding, saturates most (compare gain 1 and gain 3)."
                .into()
        },
        chart: ChartId::Acts,
        fix: ChapterId::Deep,
        fix_how: |_| {
            "This is the fix for gains 1 and 3; BatchNorm makes the exact gain matter much less."
                .into()
        },
    }
}

fn no_tanh() -> Experiment {
    Experiment {
        id: ExperimentId::NoTanh,
        title: "Deep net without tanh",
        change: "The Tanh of every hidden block is removed (an identity), BatchNorm kept.",
        apply: |m, _| m.activation = Activation::Identity,
        symptom: |_| {
            "Every layer's activations and gradients look well spread, yet the loss stalls \
             above the tanh net's: without tanh, Linears and BatchNorms (in eval mode, a fixed \
             scale and shift) make one affine map of the context, however deep."
                .into()
        },
        chart: ChartId::Loss,
        fix: ChapterId::Deep,
        fix_how: |_| "The tanh between the Linears is what lets depth add anything.".into(),
    }
}
