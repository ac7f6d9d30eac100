//! BREAK IT: experiments that take one chapter of the lesson and change one thing, to see what
//! the lesson's fixes are for. Each is data: the chapter it starts from, the change (a function
//! on that chapter's settings), what goes wrong and on which chart, and the chapter that fixes it.

use crate::model::{Activation, ModelConfig, WeightInit};
use crate::presets::{self, Preset};
use crate::train::{Schedule, TrainConfig};

/// The charts an experiment can point at (the page's chart ids).
pub const CHARTS: [&str; 9] = [
    "loss",
    "lr",
    "embedding",
    "preact",
    "map",
    "ratios",
    "acts",
    "grads",
    "kaiming",
];

#[derive(Clone, Debug)]
pub struct Experiment {
    /// The command-line name (`weights-x10`, `no-tanh`, ...).
    pub name: &'static str,
    pub title: &'static str,
    /// The preset it starts from.
    pub chapter: &'static str,
    /// What is changed, in one sentence.
    pub change: &'static str,
    /// The change itself, applied to the chapter's settings.
    pub apply: fn(&mut ModelConfig, &mut TrainConfig),
    /// What goes wrong, in one sentence.
    pub symptom: &'static str,
    /// Where it shows: one of `CHARTS`.
    pub chart: &'static str,
    /// The preset that fixes it.
    pub fix: &'static str,
    /// How that chapter fixes it, in one sentence.
    pub fix_how: &'static str,
}

impl Experiment {
    /// The chapter's preset with the change applied (its name and text stay the chapter's).
    pub fn preset(&self) -> Preset {
        let mut p = presets::preset(self.chapter).expect("experiments start from a preset");
        (self.apply)(&mut p.model, &mut p.train);
        p
    }
}

pub const NAMES: [&str; 10] = [
    "weights-x10",
    "zero-init",
    "lr-high",
    "lr-low",
    "output-not-scaled",
    "deep-gain-1",
    "deep-gain-3",
    "deep-gain-5-3",
    "no-tanh",
    "bn-zero-spread",
];

pub fn all() -> Vec<Experiment> {
    NAMES
        .iter()
        .map(|n| experiment(n).expect("listed"))
        .collect()
}

/// The deep chapter without BatchNorm, hidden weights at a Kaiming gain, the output Linear
/// scaled down by 0.1 instead (the lecture's "not too confident" without a last BatchNorm).
fn deep_without_bn(m: &mut ModelConfig, gain: f32) {
    m.batchnorm = None;
    m.output_bn = false;
    m.hidden_init = WeightInit::Kaiming(gain);
    m.output_init = WeightInit::Kaiming(0.1);
}

pub fn experiment(name: &str) -> Option<Experiment> {
    let e = |name, title, chapter, change, apply, symptom, chart, fix, fix_how| Experiment {
        name,
        title,
        chapter,
        change,
        apply,
        symptom,
        chart,
        fix,
        fix_how,
    };
    Some(match name {
        "weights-x10" => e(
            "weights-x10",
            "Weights x10 at init",
            "kaiming",
            "Every Linear weight and bias starts ten times larger than the Kaiming chapter's.",
            |m, _| {
                m.hidden_init = WeightInit::Kaiming(10.0 * 5.0 / 3.0);
                m.hidden_bias_scale *= 10.0;
                m.output_init = WeightInit::Randn(0.1);
            },
            "The first loss is well above -ln(1/27) = 3.30 and the |h| map turns white: almost \
             every tanh sits at +-1, where no gradient passes.",
            "map",
            "kaiming",
            "Scaling the hidden weights by (5/3) / sqrt(fan_in) keeps the pre-activations near \
             unit spread, so few units saturate.",
        ),
        "zero-init" => e(
            "zero-init",
            "All weights zero",
            "kaiming",
            "Every Linear weight and bias starts at zero (the embedding C stays random).",
            |m, _| {
                m.hidden_init = WeightInit::Randn(0.0);
                m.hidden_bias_scale = 0.0;
                m.output_init = WeightInit::Randn(0.0);
                m.output_bias_scale = 0.0;
            },
            "Every hidden neuron outputs the same value for every example, forever: their \
             gradients are equal (here zero), so symmetry never breaks and only the output bias \
             learns the letter frequencies.",
            "acts",
            "kaiming",
            "Random weights make every neuron different from the start.",
        ),
        "lr-high" => e(
            "lr-high",
            "Learning rate too high",
            "kaiming",
            "A constant learning rate of 10 instead of 0.1.",
            |_, t| t.schedule = Schedule::Constant(10.0),
            "The loss jumps past ten times its start within a few steps and the run stops, \
             keeping the last good weights.",
            "loss",
            "lr-finder",
            "The finder's sweep shows where the loss falls fastest (about 0.1) and where it \
             blows up.",
        ),
        "lr-low" => e(
            "lr-low",
            "Learning rate too low",
            "kaiming",
            "A constant learning rate of 0.0001 instead of 0.1.",
            |_, t| t.schedule = Schedule::Constant(1e-4),
            "The loss barely moves from its start: every update:data ratio sits hundreds of times \
             lower than at 0.1, under the 1e-3 line.",
            "ratios",
            "lr-finder",
            "The finder's sweep shows where the loss starts to fall fast (about 0.1).",
        ),
        "output-not-scaled" => e(
            "output-not-scaled",
            "Output layer not scaled down",
            "kaiming",
            "The output Linear's weights and bias are plain randn, as in the naive chapter.",
            |m, _| {
                m.output_init = WeightInit::Randn(1.0);
                m.output_bias_scale = 1.0;
            },
            "The first loss is far above -ln(1/27) = 3.30: the model is confidently wrong, and \
             the first steps only undo that (the hockey stick).",
            "loss",
            "fix-softmax",
            "Output weights times 0.01 and a zero output bias start the logits near zero.",
        ),
        "deep-gain-1" => e(
            "deep-gain-1",
            "Deep net, no BatchNorm, gain 1",
            "deep",
            "No BatchNorm, hidden weights randn / sqrt(fan_in) (gain 1 instead of 5/3), the \
             output Linear times 0.1.",
            |m, _| deep_without_bn(m, 1.0),
            "Each tanh squashes, and gain 1 does not make up for it: the activations' spread \
             shrinks layer by layer, and the gradients' with it.",
            "acts",
            "kaiming",
            "Tanh's gain 5/3 restores the spread each layer loses; BatchNorm (the deep chapter) \
             makes the gain matter much less.",
        ),
        "deep-gain-3" => e(
            "deep-gain-3",
            "Deep net, no BatchNorm, gain 3",
            "deep",
            "No BatchNorm, hidden weights 3 / sqrt(fan_in), the output Linear times 0.1.",
            |m, _| deep_without_bn(m, 3.0),
            "Too much gain: the pre-activations grow until the deep layers' tanh units sit at \
             +-1 (saturation far above the 5/3 net's few percent).",
            "acts",
            "kaiming",
            "Tanh's gain 5/3 keeps every layer's spread steady; BatchNorm (the deep chapter) \
             makes the gain matter much less.",
        ),
        "deep-gain-5-3" => e(
            "deep-gain-5-3",
            "Deep net, no BatchNorm, gain 5/3",
            "deep",
            "No BatchNorm, hidden weights (5/3) / sqrt(fan_in), the output Linear times 0.1.",
            |m, _| deep_without_bn(m, 5.0 / 3.0),
            "Nothing breaks: with tanh's own gain every layer keeps about the same spread and \
             few units saturate, even without BatchNorm (compare gain 1 and gain 3).",
            "acts",
            "deep",
            "This is the fix for gains 1 and 3; BatchNorm makes the exact gain matter much less.",
        ),
        "no-tanh" => e(
            "no-tanh",
            "Deep net without tanh",
            "deep",
            "The Tanh of every hidden block is removed (an identity), BatchNorm kept.",
            |m, _| m.activation = Activation::Identity,
            "Every layer's activations and gradients look perfect, yet the loss stalls above \
             the tanh net's: a stack of linear layers is one linear map, however deep.",
            "loss",
            "deep",
            "The tanh between the Linears is what lets depth add anything.",
        ),
        "bn-zero-spread" => e(
            "bn-zero-spread",
            "BatchNorm with zero hidden weights",
            "batchnorm",
            "The hidden weights start at zero, so every pre-activation is 0 for every example.",
            |m, _| m.hidden_init = WeightInit::Randn(0.0),
            "The first step stops with a non-finite loss: the first-cell BatchNorm divides by \
             the batch's spread, which is zero, and it has no epsilon.",
            "loss",
            "deep",
            "The BatchNorm class adds eps 1e-5 inside the square root (and random weights give \
             a spread to normalise).",
        ),
        _ => return None,
    })
}
