//! Chapter 8, the deep network: five [Linear, BatchNorm1d, Tanh] blocks; and what happens without
//! BatchNorm at three gains, or without tanh.

use super::chapter::{first_mlp, train, Chapter, ChapterId, Experiment, ExperimentId, DECAY};
use crate::charts::ChartId;
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
        hidden_init: WeightInit::Kaiming(5.0 / 3.0),
        output_init: WeightInit::Kaiming(5.0 / 3.0),
        last_gamma: 0.1,
        ..first_mlp(10)
    }
}

pub(super) fn chapter() -> Chapter {
    Chapter {
        id: ChapterId::Deep,
        title: "8. The deep network",
        text: |_| {
            "Five hidden layers of [Linear, BatchNorm1d, Tanh] and an output Linear with a \
             BatchNorm. Watch each layer's activations and gradients keep the same spread, and \
             every weight's update:data ratio settle near the 1e-3 line."
                .into()
        },
        model: model(),
        train: train(100_000, DECAY),
        saturation_threshold: 0.97,
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
        questions: vec![],
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
             shrinks layer by layer, and the gradients' with it."
                .into()
        },
        chart: ChartId::Acts,
        fix: ChapterId::Kaiming,
        fix_how: "Tanh's gain 5/3 restores the spread each layer loses; BatchNorm (the deep \
                  chapter) makes the gain matter much less.",
    }
}

fn deep_gain_3() -> Experiment {
    Experiment {
        id: ExperimentId::DeepGain3,
        title: "Deep net, no BatchNorm, gain 3",
        change: "No BatchNorm, hidden weights 3 / sqrt(fan_in), the output Linear times 0.1.",
        apply: |m, _| without_batchnorm(m, 3.0),
        symptom: |_| {
            "Too much gain: the pre-activations grow until the deep layers' tanh units sit at \
             +-1 (saturation far above the 5/3 net's few percent)."
                .into()
        },
        chart: ChartId::Acts,
        fix: ChapterId::Kaiming,
        fix_how: "Tanh's gain 5/3 keeps every layer's spread steady; BatchNorm (the deep \
                  chapter) makes the gain matter much less.",
    }
}

fn deep_gain_five_thirds() -> Experiment {
    Experiment {
        id: ExperimentId::DeepGainFiveThirds,
        title: "Deep net, no BatchNorm, gain 5/3",
        change: "No BatchNorm, hidden weights (5/3) / sqrt(fan_in), the output Linear times 0.1.",
        apply: |m, _| without_batchnorm(m, 5.0 / 3.0),
        symptom: |_| {
            "Nothing breaks: with tanh's own gain every layer keeps about the same spread and \
             few units saturate, even without BatchNorm (compare gain 1 and gain 3)."
                .into()
        },
        chart: ChartId::Acts,
        fix: ChapterId::Deep,
        fix_how: "This is the fix for gains 1 and 3; BatchNorm makes the exact gain matter much \
                  less.",
    }
}

fn no_tanh() -> Experiment {
    Experiment {
        id: ExperimentId::NoTanh,
        title: "Deep net without tanh",
        change: "The Tanh of every hidden block is removed (an identity), BatchNorm kept.",
        apply: |m, _| m.activation = Activation::Identity,
        symptom: |_| {
            "Every layer's activations and gradients look perfect, yet the loss stalls above \
             the tanh net's: a stack of linear layers is one linear map, however deep."
                .into()
        },
        chart: ChartId::Loss,
        fix: ChapterId::Deep,
        fix_how: "The tanh between the Linears is what lets depth add anything.",
    }
}
