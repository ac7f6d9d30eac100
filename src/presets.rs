//! One preset per experiment of the notebook, with its exact hyperparameters and init, in the
//! lesson's order. `Preset::model` and `Preset::train` give the settings; custom runs start from
//! any preset and change the knobs.

use crate::model::{Activation, BnConfig, ModelConfig, WeightInit};
use crate::train::{Schedule, TrainConfig};

#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    /// The command-line name (`lr-finder`, `embed-2d`, ...).
    pub name: &'static str,
    pub title: &'static str,
    /// What the experiment shows and what to look for, in two or three sentences.
    pub about: &'static str,
    pub model: ModelConfig,
    pub train: TrainConfig,
    /// |h| above this counts as saturated in this chapter (0.99 early on, 0.97 in the deep model's cells).
    pub saturation_threshold: f32,
}

/// The notebook's 0.1, then 0.01 from half-way.
const DECAY: Schedule = Schedule::StepDecay {
    initial: 0.1,
    final_lr: 0.01,
    at: 0.5,
};

fn mlp(n_embd: usize) -> ModelConfig {
    // The notebook's first MLP: every tensor `torch.randn`, one hidden layer of 200.
    ModelConfig {
        vocab_size: 27,
        block_size: 3,
        n_embd,
        n_hidden: 200,
        n_layers: 1,
        activation: Activation::Tanh,
        batchnorm: None,
        output_bn: false,
        hidden_bias: true,
        output_bias: true,
        hidden_init: WeightInit::Randn(1.0),
        hidden_bias_scale: 1.0,
        output_init: WeightInit::Randn(1.0),
        output_bias_scale: 1.0,
        last_gamma: 1.0,
    }
}

fn train(steps: usize, schedule: Schedule) -> TrainConfig {
    TrainConfig {
        batch_size: 32,
        steps,
        schedule,
        seed: 42,
    }
}

pub const NAMES: [&str; 8] = [
    "lr-finder",
    "embed-2d",
    "naive",
    "fix-softmax",
    "fix-tanh",
    "kaiming",
    "batchnorm",
    "deep",
];

pub fn all() -> Vec<Preset> {
    NAMES.iter().map(|n| preset(n).expect("listed")).collect()
}

pub fn preset(name: &str) -> Option<Preset> {
    let fix_softmax = ModelConfig {
        output_init: WeightInit::Randn(0.01),
        output_bias_scale: 0.0,
        ..mlp(10)
    };
    let fix_tanh = ModelConfig {
        hidden_init: WeightInit::Randn(0.2),
        hidden_bias_scale: 0.01,
        ..fix_softmax.clone()
    };
    let kaiming = ModelConfig {
        hidden_init: WeightInit::Kaiming(5.0 / 3.0),
        ..fix_tanh.clone()
    };
    let sweep = Schedule::ExpSweep {
        min_exp: -3.0,
        max_exp: 0.0,
    };
    let p = |name, title, about, model, train, saturation_threshold| Preset {
        name,
        title,
        about,
        model,
        train,
        saturation_threshold,
    };
    Some(match name {
        "lr-finder" => p(
            "lr-finder",
            "1. Finding a learning rate",
            "One run of 1,000 steps whose learning rate grows from 0.001 to 1. The loss falls fastest \
             around 0.1, then blows up when the rate gets too big: that knee is the rate to pick.",
            mlp(2),
            train(1_000, sweep),
            0.99,
        ),
        "embed-2d" => p(
            "embed-2d",
            "2. A 2-D embedding",
            "The finder's sweep, then 100,000 steps at 0.1 on the same weights, as in the notebook. Each \
             character is a point in 2-D: watch the vowels gather in one corner and '.' stand apart.",
            mlp(2),
            train(
                101_000,
                Schedule::SweepThen {
                    sweep_steps: 1_000,
                    min_exp: -3.0,
                    max_exp: 0.0,
                    lr: 0.1,
                },
            ),
            0.99,
        ),
        "naive" => p(
            "naive",
            "3. Naive init: a first loss near 30",
            "Every weight drawn from randn, 10-D embeddings. With 27 characters a clueless model should \
             start at -ln(1/27) = 3.30, but this one starts near 30: it is confidently wrong, and the \
             first thousand steps only undo that.",
            mlp(10),
            train(100_000, Schedule::Constant(0.1)),
            0.99,
        ),
        "fix-softmax" => p(
            "fix-softmax",
            "4. Fix: a small output layer",
            "The output weights times 0.01 and the output bias zero: the logits start near zero, the \
             first loss is about 3.30, and no steps are wasted. Look at the hidden layer though: most \
             tanh units sit at +-1.",
            fix_softmax,
            train(100_000, Schedule::Constant(0.1)),
            0.99,
        ),
        "fix-tanh" => p(
            "fix-tanh",
            "5. Fix: tanh not saturated",
            "The hidden weights times 0.2 and its bias times 0.01: the pre-activations shrink, only a \
             few percent of units pass |h| > 0.99, and gradients flow through every neuron.",
            fix_tanh,
            train(100_000, Schedule::Constant(0.1)),
            0.99,
        ),
        "kaiming" => p(
            "kaiming",
            "6. Kaiming init",
            "Instead of a hand-picked 0.2, scale the hidden weights by (5/3) / sqrt(fan_in): x @ w then \
             keeps the spread of x (the demo shows std 5.5 without the factor, 1.0 with it).",
            kaiming.clone(),
            train(100_000, Schedule::Constant(0.1)),
            0.99,
        ),
        "batchnorm" => p(
            "batchnorm",
            "7. Batch normalisation",
            "Normalise the hidden pre-activations over the batch (the notebook's first version: std \
             with no epsilon, running statistics with momentum 0.001), learn a gain and a bias, and \
             drop the hidden bias. The learning rate drops from 0.1 to 0.01 half-way.",
            ModelConfig {
                hidden_bias: false,
                batchnorm: Some(BnConfig::FIRST_CELL),
                ..kaiming
            },
            train(100_000, DECAY),
            0.99,
        ),
        "deep" => p(
            "deep",
            "8. The deep network",
            "Five hidden layers of [Linear, BatchNorm1d, Tanh] and an output Linear with a BatchNorm. \
             Watch each layer's activations and gradients keep the same spread, and every weight's \
             update:data ratio settle near the 1e-3 line.",
            ModelConfig {
                n_layers: 5,
                batchnorm: Some(BnConfig::CLASS),
                output_bn: true,
                hidden_bias: false,
                output_bias: false,
                hidden_init: WeightInit::Kaiming(5.0 / 3.0),
                output_init: WeightInit::Kaiming(5.0 / 3.0),
                last_gamma: 0.1,
                ..mlp(10)
            },
            train(100_000, DECAY),
            0.97,
        ),
        _ => return None,
    })
}
