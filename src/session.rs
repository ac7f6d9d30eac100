//! The lab session: everything the page's worker holds, with no web types, so it is tested
//! natively. A session has the names and their `Dataset`, the settings of the current run (a
//! chapter of the lesson, maybe changed knob by knob), the `Trainer`, a sampling `Rng` of its
//! own (sampling never changes the training run) and the `Seen` sets that mark samples new or
//! seen.
//!
//! Commands: load a names file, choose a chapter or custom settings, reset (same seed, same
//! weights), new seed, start/pause, `work` for a time slice (training, or a full-split evaluation
//! in pieces), one step, the learning rate while paused, sampling, full-split losses. What the
//! page draws comes out as plain numbers: `take_progress` (what is new since the last call, every
//! step's loss, learning rate and update:data ratios) and `diagnostics` (histograms, the
//! saturation map, the embedding), which the worker calls at the page's draw rate.
//!
//! The data split does not depend on the run's seed (it uses `DATA_SEED`), so runs with other
//! seeds or settings are compared on the same validation names.

use crate::data::{parse_names, Dataset, MAX_NAME_CHARS};
use crate::diagnostics::{self, FirstLayer, KaimingDemo, LayerDiag, Stats};
use crate::layers::Layer;
use crate::model::{Activation, BnConfig, Mlp, ModelConfig, WeightInit};
use crate::presets::{self, Preset};
use crate::rng::{self, Rng};
use crate::sample::{self, Sample, Seen};
use crate::train::{Schedule, Split, StepError, TrainConfig, Trainer};

/// Seed of the 90/10 shuffle of the names (the runner's default seed).
pub const DATA_SEED: u64 = crate::data::SPLIT_SEED;
/// Bins of every histogram (the notebook's `torch.histogram` default is 100; `plt.hist` uses 50).
pub const HIST_BINS: usize = 50;
/// The saturation map shows at most this many examples of the batch (the notebook's batch is 32).
pub const MAP_MAX_ROWS: usize = 64;
/// Examples per piece of a full-split evaluation: one piece takes a few ms, so the worker can
/// answer messages between pieces.
pub const EVAL_PIECE: usize = 256;
/// Names of the file shown as a preview of the data.
pub const PREVIEW_NAMES: usize = 8;
/// At most this many names per sampling request.
pub const MAX_SAMPLES: usize = 200;
/// Update:data ratios are taken every this many steps (the steps between hold NaN): computing
/// them costs about a tenth of a step, so every step would slow training down.
pub const RATIO_EVERY: usize = 10;
/// A mini-batch loss above this many times the run's starting level (its first loss, or
/// -ln(1/vocab) if that is higher) counts as exploded: training stops as for a NaN. With this
/// core the loss stays finite (a log-sum-exp), so a rate of 100 gives losses in the thousands
/// rather than NaN; this is what catches it.
pub const EXPLODE_FACTOR: f32 = 10.0;
/// The sampling stream is the run's seed mixed with this, so it never touches the training stream.
const SAMPLE_SALT: u64 = 0x5A3D_1E55;

/// The kind of value a knob takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KnobKind {
    Int { min: i64, max: i64 },
    Float { min: f64, max: f64 },
    Choice(&'static [&'static str]),
    Bool,
}

/// One custom setting, described for the page's form.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Knob {
    pub key: &'static str,
    pub label: &'static str,
    pub group: &'static str,
    pub kind: KnobKind,
    pub help: &'static str,
}

const BN_CHOICES: &[&str] = &["off", "class", "first-cell"];
const INIT_CHOICES: &[&str] = &["randn", "kaiming"];
const SCHEDULE_CHOICES: &[&str] = &["constant", "step-decay", "sweep", "sweep-then"];

/// Every knob of the core, in the order the page shows them.
pub const KNOBS: &[Knob] = &[
    Knob {
        key: "block_size",
        label: "context length (block_size)",
        group: "data",
        kind: KnobKind::Int { min: 1, max: 16 },
        help: "characters the model sees to predict the next one",
    },
    Knob {
        key: "n_embd",
        label: "embedding size (n_embd)",
        group: "model",
        kind: KnobKind::Int { min: 1, max: 64 },
        help: "numbers per character in the table C",
    },
    Knob {
        key: "n_hidden",
        label: "hidden units (n_hidden)",
        group: "model",
        kind: KnobKind::Int { min: 1, max: 1024 },
        help: "neurons in each hidden layer",
    },
    Knob {
        key: "n_layers",
        label: "hidden layers",
        group: "model",
        kind: KnobKind::Int { min: 1, max: 8 },
        help: "blocks of [Linear, (BatchNorm), Tanh]",
    },
    Knob {
        key: "batchnorm",
        label: "BatchNorm",
        group: "model",
        kind: KnobKind::Choice(BN_CHOICES),
        help: "off; class = the BatchNorm1D class (variance, eps 1e-5, momentum 0.1); \
               first-cell = the first BatchNorm cell (std, no eps, momentum 0.001)",
    },
    Knob {
        key: "output_bn",
        label: "BatchNorm on the output",
        group: "model",
        kind: KnobKind::Bool,
        help: "a BatchNorm after the last Linear (the deep model); needs BatchNorm on",
    },
    Knob {
        key: "hidden_bias",
        label: "hidden bias",
        group: "model",
        kind: KnobKind::Bool,
        help: "a bias in the hidden Linear layers (useless before a BatchNorm)",
    },
    Knob {
        key: "output_bias",
        label: "output bias",
        group: "model",
        kind: KnobKind::Bool,
        help: "a bias in the output Linear layer",
    },
    Knob {
        key: "hidden_init",
        label: "hidden weights init",
        group: "init",
        kind: KnobKind::Choice(INIT_CHOICES),
        help: "randn x scale, or kaiming: randn x gain / sqrt(fan_in)",
    },
    Knob {
        key: "hidden_init_value",
        label: "hidden scale or gain",
        group: "init",
        kind: KnobKind::Float {
            min: 0.0,
            max: 100.0,
        },
        help: "the scale (randn) or the gain (kaiming; 5/3 for tanh)",
    },
    Knob {
        key: "hidden_bias_scale",
        label: "hidden bias scale",
        group: "init",
        kind: KnobKind::Float {
            min: 0.0,
            max: 100.0,
        },
        help: "hidden biases start as randn x this",
    },
    Knob {
        key: "output_init",
        label: "output weights init",
        group: "init",
        kind: KnobKind::Choice(INIT_CHOICES),
        help: "randn x scale, or kaiming: randn x gain / sqrt(fan_in)",
    },
    Knob {
        key: "output_init_value",
        label: "output scale or gain",
        group: "init",
        kind: KnobKind::Float {
            min: 0.0,
            max: 100.0,
        },
        help: "0.01 makes the first loss about -ln(1/27) = 3.30",
    },
    Knob {
        key: "output_bias_scale",
        label: "output bias scale",
        group: "init",
        kind: KnobKind::Float {
            min: 0.0,
            max: 100.0,
        },
        help: "output biases start as randn x this",
    },
    Knob {
        key: "last_gamma",
        label: "output BatchNorm gain",
        group: "init",
        kind: KnobKind::Float {
            min: 0.0,
            max: 100.0,
        },
        help: "the last BatchNorm's gamma at init (0.1: not too confident)",
    },
    Knob {
        key: "batch_size",
        label: "batch size",
        group: "training",
        kind: KnobKind::Int { min: 1, max: 4096 },
        help: "examples per step",
    },
    Knob {
        key: "steps",
        label: "steps",
        group: "training",
        kind: KnobKind::Int {
            min: 1,
            max: 10_000_000,
        },
        help: "the run's budget (the schedule is laid over it)",
    },
    Knob {
        key: "schedule",
        label: "learning-rate schedule",
        group: "training",
        kind: KnobKind::Choice(SCHEDULE_CHOICES),
        help: "constant lr; step-decay: lr, then final lr from a fraction of the steps; \
               sweep: 10^min to 10^max over the steps; sweep-then: a sweep, then lr",
    },
    Knob {
        key: "lr",
        label: "learning rate",
        group: "training",
        kind: KnobKind::Float { min: 0.0, max: 1e6 },
        help: "the constant rate, the first rate of a decay, or the rate after a sweep",
    },
    Knob {
        key: "lr_final",
        label: "final learning rate",
        group: "training",
        kind: KnobKind::Float { min: 0.0, max: 1e6 },
        help: "step-decay: the rate after the decay",
    },
    Knob {
        key: "decay_at",
        label: "decay at (fraction)",
        group: "training",
        kind: KnobKind::Float { min: 0.0, max: 1.0 },
        help: "step-decay: the fraction of the steps where the rate drops",
    },
    Knob {
        key: "sweep_min_exp",
        label: "sweep from 10^",
        group: "training",
        kind: KnobKind::Float {
            min: -10.0,
            max: 3.0,
        },
        help: "sweep: log10 of the first rate",
    },
    Knob {
        key: "sweep_max_exp",
        label: "sweep to 10^",
        group: "training",
        kind: KnobKind::Float {
            min: -10.0,
            max: 3.0,
        },
        help: "sweep: log10 of the last rate",
    },
    Knob {
        key: "sweep_steps",
        label: "sweep steps",
        group: "training",
        kind: KnobKind::Int {
            min: 1,
            max: 10_000_000,
        },
        help: "sweep-then: steps of the sweep before the constant rate",
    },
    Knob {
        key: "seed",
        label: "seed",
        group: "training",
        kind: KnobKind::Int {
            min: 0,
            max: 9_007_199_254_740_991,
        },
        help: "same seed, same initial weights and batches",
    },
    Knob {
        key: "saturation_threshold",
        label: "saturated above |h| >",
        group: "training",
        kind: KnobKind::Float { min: 0.0, max: 1.0 },
        help: "0.99 in the early chapters, 0.97 in the deep model",
    },
];

/// The settings of a run, flat: one field per knob (schedule and init values are kept even when
/// another kind is chosen, so switching back and forth loses nothing).
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The chapter (preset name) these settings started from.
    pub chapter: &'static str,
    /// Some knob differs from the chapter's.
    pub custom: bool,
    pub block_size: usize,
    pub n_embd: usize,
    pub n_hidden: usize,
    pub n_layers: usize,
    /// "off", "class" or "first-cell".
    pub batchnorm: &'static str,
    pub output_bn: bool,
    pub hidden_bias: bool,
    pub output_bias: bool,
    pub hidden_kaiming: bool,
    pub hidden_init_value: f32,
    pub hidden_bias_scale: f32,
    pub output_kaiming: bool,
    pub output_init_value: f32,
    pub output_bias_scale: f32,
    pub last_gamma: f32,
    pub batch_size: usize,
    pub steps: usize,
    /// "constant", "step-decay", "sweep" or "sweep-then".
    pub schedule: &'static str,
    pub lr: f32,
    pub lr_final: f32,
    pub decay_at: f32,
    pub sweep_min_exp: f32,
    pub sweep_max_exp: f32,
    pub sweep_steps: usize,
    pub seed: u64,
    pub saturation_threshold: f32,
}

fn init_parts(w: WeightInit) -> (bool, f32) {
    match w {
        WeightInit::Randn(s) => (false, s),
        WeightInit::Kaiming(g) => (true, g),
    }
}

fn choice(choices: &'static [&'static str], value: &str) -> Option<&'static str> {
    choices.iter().copied().find(|c| *c == value)
}

impl Settings {
    pub fn from_preset(p: &Preset) -> Settings {
        let m = &p.model;
        let t = &p.train;
        let (hidden_kaiming, hidden_init_value) = init_parts(m.hidden_init);
        let (output_kaiming, output_init_value) = init_parts(m.output_init);
        let mut s = Settings {
            chapter: p.name,
            custom: false,
            block_size: m.block_size,
            n_embd: m.n_embd,
            n_hidden: m.n_hidden,
            n_layers: m.n_layers,
            batchnorm: match m.batchnorm {
                None => "off",
                Some(bn) if bn == BnConfig::FIRST_CELL => "first-cell",
                Some(_) => "class",
            },
            output_bn: m.output_bn,
            hidden_bias: m.hidden_bias,
            output_bias: m.output_bias,
            hidden_kaiming,
            hidden_init_value,
            hidden_bias_scale: m.hidden_bias_scale,
            output_kaiming,
            output_init_value,
            output_bias_scale: m.output_bias_scale,
            last_gamma: m.last_gamma,
            batch_size: t.batch_size,
            steps: t.steps,
            schedule: "constant",
            lr: 0.1,
            lr_final: 0.01,
            decay_at: 0.5,
            sweep_min_exp: -3.0,
            sweep_max_exp: 0.0,
            sweep_steps: 1000,
            seed: t.seed,
            saturation_threshold: p.saturation_threshold,
        };
        match t.schedule {
            Schedule::Constant(lr) => s.lr = lr,
            Schedule::StepDecay {
                initial,
                final_lr,
                at,
            } => {
                s.schedule = "step-decay";
                (s.lr, s.lr_final, s.decay_at) = (initial, final_lr, at);
            }
            Schedule::ExpSweep { min_exp, max_exp } => {
                s.schedule = "sweep";
                (s.sweep_min_exp, s.sweep_max_exp) = (min_exp, max_exp);
            }
            Schedule::SweepThen {
                sweep_steps,
                min_exp,
                max_exp,
                lr,
            } => {
                s.schedule = "sweep-then";
                (s.sweep_steps, s.sweep_min_exp, s.sweep_max_exp, s.lr) =
                    (sweep_steps, min_exp, max_exp, lr);
            }
        }
        s
    }

    /// The settings of a chapter by its preset name.
    pub fn chapter(name: &str) -> Result<Settings, String> {
        presets::preset(name)
            .map(|p| Settings::from_preset(&p))
            .ok_or_else(|| format!("there is no chapter '{name}'"))
    }

    pub fn schedule(&self) -> Schedule {
        match self.schedule {
            "step-decay" => Schedule::StepDecay {
                initial: self.lr,
                final_lr: self.lr_final,
                at: self.decay_at,
            },
            "sweep" => Schedule::ExpSweep {
                min_exp: self.sweep_min_exp,
                max_exp: self.sweep_max_exp,
            },
            "sweep-then" => Schedule::SweepThen {
                sweep_steps: self.sweep_steps,
                min_exp: self.sweep_min_exp,
                max_exp: self.sweep_max_exp,
                lr: self.lr,
            },
            _ => Schedule::Constant(self.lr),
        }
    }

    /// The steps of the learning-rate sweep, if the schedule has one: (steps, min_exp, max_exp).
    pub fn sweep(&self) -> Option<(usize, f32, f32)> {
        match self.schedule {
            "sweep" => Some((self.steps, self.sweep_min_exp, self.sweep_max_exp)),
            "sweep-then" => Some((self.sweep_steps, self.sweep_min_exp, self.sweep_max_exp)),
            _ => None,
        }
    }

    pub fn model_config(&self) -> ModelConfig {
        let init = |kaiming: bool, v: f32| {
            if kaiming {
                WeightInit::Kaiming(v)
            } else {
                WeightInit::Randn(v)
            }
        };
        ModelConfig {
            vocab_size: 27, // Trainer::new sets it from the data
            block_size: self.block_size,
            n_embd: self.n_embd,
            n_hidden: self.n_hidden,
            n_layers: self.n_layers,
            activation: Activation::Tanh,
            batchnorm: match self.batchnorm {
                "class" => Some(BnConfig::CLASS),
                "first-cell" => Some(BnConfig::FIRST_CELL),
                _ => None,
            },
            output_bn: self.output_bn,
            hidden_bias: self.hidden_bias,
            output_bias: self.output_bias,
            hidden_init: init(self.hidden_kaiming, self.hidden_init_value),
            hidden_bias_scale: self.hidden_bias_scale,
            output_init: init(self.output_kaiming, self.output_init_value),
            output_bias_scale: self.output_bias_scale,
            last_gamma: self.last_gamma,
        }
    }

    pub fn train_config(&self) -> TrainConfig {
        TrainConfig {
            batch_size: self.batch_size,
            steps: self.steps,
            schedule: self.schedule(),
            seed: self.seed,
        }
    }

    /// The value of a knob as the form shows it.
    pub fn get(&self, key: &str) -> Option<String> {
        let init = |k: bool| if k { "kaiming" } else { "randn" };
        Some(match key {
            "block_size" => self.block_size.to_string(),
            "n_embd" => self.n_embd.to_string(),
            "n_hidden" => self.n_hidden.to_string(),
            "n_layers" => self.n_layers.to_string(),
            "batchnorm" => self.batchnorm.to_string(),
            "output_bn" => self.output_bn.to_string(),
            "hidden_bias" => self.hidden_bias.to_string(),
            "output_bias" => self.output_bias.to_string(),
            "hidden_init" => init(self.hidden_kaiming).to_string(),
            "hidden_init_value" => fmt_num(self.hidden_init_value),
            "hidden_bias_scale" => fmt_num(self.hidden_bias_scale),
            "output_init" => init(self.output_kaiming).to_string(),
            "output_init_value" => fmt_num(self.output_init_value),
            "output_bias_scale" => fmt_num(self.output_bias_scale),
            "last_gamma" => fmt_num(self.last_gamma),
            "batch_size" => self.batch_size.to_string(),
            "steps" => self.steps.to_string(),
            "schedule" => self.schedule.to_string(),
            "lr" => fmt_num(self.lr),
            "lr_final" => fmt_num(self.lr_final),
            "decay_at" => fmt_num(self.decay_at),
            "sweep_min_exp" => fmt_num(self.sweep_min_exp),
            "sweep_max_exp" => fmt_num(self.sweep_max_exp),
            "sweep_steps" => self.sweep_steps.to_string(),
            "seed" => self.seed.to_string(),
            "saturation_threshold" => fmt_num(self.saturation_threshold),
            _ => return None,
        })
    }

    /// Every knob's (key, value), in `KNOBS` order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        KNOBS
            .iter()
            .map(|k| (k.key, self.get(k.key).expect("every knob has a value")))
            .collect()
    }

    /// Sets one knob from the form's text; the error names the knob and the allowed values.
    /// Does not mark the settings custom (`Session::apply_settings` compares with the chapter).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let knob = KNOBS
            .iter()
            .find(|k| k.key == key)
            .ok_or_else(|| format!("there is no setting '{key}'"))?;
        let v = value.trim();
        let bad = |what: String| format!("{}: '{v}' {what}", knob.label);
        match knob.kind {
            KnobKind::Int { min, max } => {
                let n: i64 = v.parse().map_err(|_| bad("is not a whole number".into()))?;
                if n < min || n > max {
                    return Err(bad(format!("must be between {min} and {max}")));
                }
                let u = n as usize;
                match key {
                    "block_size" => self.block_size = u,
                    "n_embd" => self.n_embd = u,
                    "n_hidden" => self.n_hidden = u,
                    "n_layers" => self.n_layers = u,
                    "batch_size" => self.batch_size = u,
                    "steps" => self.steps = u,
                    "sweep_steps" => self.sweep_steps = u,
                    "seed" => self.seed = n as u64,
                    _ => unreachable!("every Int knob is handled"),
                }
            }
            KnobKind::Float { min, max } => {
                let x: f64 = v.parse().map_err(|_| bad("is not a number".into()))?;
                if !x.is_finite() || x < min || x > max {
                    return Err(bad(format!("must be between {min} and {max}")));
                }
                let x = x as f32;
                match key {
                    "hidden_init_value" => self.hidden_init_value = x,
                    "hidden_bias_scale" => self.hidden_bias_scale = x,
                    "output_init_value" => self.output_init_value = x,
                    "output_bias_scale" => self.output_bias_scale = x,
                    "last_gamma" => self.last_gamma = x,
                    "lr" => self.lr = x,
                    "lr_final" => self.lr_final = x,
                    "decay_at" => self.decay_at = x,
                    "sweep_min_exp" => self.sweep_min_exp = x,
                    "sweep_max_exp" => self.sweep_max_exp = x,
                    "saturation_threshold" => self.saturation_threshold = x,
                    _ => unreachable!("every Float knob is handled"),
                }
            }
            KnobKind::Choice(choices) => {
                let c = choice(choices, v)
                    .ok_or_else(|| bad(format!("is not one of {}", choices.join(", "))))?;
                match key {
                    "batchnorm" => self.batchnorm = c,
                    "hidden_init" => self.hidden_kaiming = c == "kaiming",
                    "output_init" => self.output_kaiming = c == "kaiming",
                    "schedule" => self.schedule = c,
                    _ => unreachable!("every Choice knob is handled"),
                }
            }
            KnobKind::Bool => {
                let b = match v {
                    "true" | "on" | "1" | "yes" => true,
                    "false" | "off" | "0" | "no" => false,
                    _ => return Err(bad("is not true or false".into())),
                };
                match key {
                    "output_bn" => self.output_bn = b,
                    "hidden_bias" => self.hidden_bias = b,
                    "output_bias" => self.output_bias = b,
                    _ => unreachable!("every Bool knob is handled"),
                }
            }
        }
        Ok(())
    }

    /// Checks what the core would refuse, with a message for the form.
    pub fn validate(&self) -> Result<(), String> {
        self.model_config().validate()?;
        if self.output_bn && self.batchnorm == "off" {
            return Err("a BatchNorm on the output needs BatchNorm on".into());
        }
        if self.batchnorm != "off" && self.batch_size < 2 {
            return Err("BatchNorm needs a batch of at least 2".into());
        }
        if self.schedule == "sweep" || self.schedule == "sweep-then" {
            if self.sweep_min_exp >= self.sweep_max_exp {
                return Err("the sweep must go from a lower to a higher rate".into());
            }
        } else if self.lr <= 0.0 {
            return Err("the learning rate must be above 0".into());
        }
        Ok(())
    }

    /// The chapter's title, or "custom (from <title>)".
    pub fn title(&self) -> String {
        let t = presets::preset(self.chapter).map_or("", |p| p.title);
        if self.custom {
            format!("custom (from {t})")
        } else {
            t.to_string()
        }
    }

    /// A one-line summary of the layers, for a vocabulary of `vocab` characters.
    pub fn architecture(&self, vocab: usize) -> String {
        let bn = if self.batchnorm == "off" {
            ""
        } else {
            " + BatchNorm"
        };
        let out_bn = if self.output_bn { " + BatchNorm" } else { "" };
        format!(
            "C {}x{}, then {} x [Linear {}{} + Tanh] of {}, then Linear {}{} to the vocabulary",
            vocab,
            self.n_embd,
            self.n_layers,
            if self.hidden_bias {
                "with bias"
            } else {
                "no bias"
            },
            bn,
            self.n_hidden,
            if self.output_bias {
                "with bias"
            } else {
                "no bias"
            },
            out_bn
        )
    }
}

/// The standard deviation (n - 1) in one pass (`kernels::sum_sumsq`: SIMD f32 sums over blocks
/// of 256 values, the blocks summed in f64). Several times faster than `diagnostics::stats`,
/// which this matches to about 1e-6 for the zero-centred weights and gradients it is used on.
pub fn fast_std(xs: &[f32]) -> f64 {
    let n = xs.len();
    if n < 2 {
        return 0.0;
    }
    let (sum, sumsq) = crate::kernels::sum_sumsq(xs);
    let mean = sum / n as f64;
    ((sumsq - sum * mean) / (n - 1) as f64).max(0.0).sqrt()
}

/// The notebook's update:data ratio, log10(std(lr * grad) / std(data)), with `fast_std`.
pub fn update_ratio(lr: f32, grad: &[f32], data: &[f32]) -> f32 {
    (lr as f64 * fast_std(grad) / fast_std(data)).log10() as f32
}

/// A number as short as it reads back exactly (0.1, 1.6666666, 1000).
pub fn fmt_num(x: f32) -> String {
    format!("{x}")
}

/// A count with thousands separators: 182625 -> "182,625".
pub fn fmt_count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A signed value for the stats lines: "+0.00", "-0.12"; tiny or huge values in e-notation.
pub fn fmt_signed(x: f32) -> String {
    if x == 0.0 || (x.abs() >= 0.01 && x.abs() < 1000.0) {
        format!("{x:+.2}")
    } else {
        format!("{x:+.1e}")
    }
}

fn fmt_plain(x: f32) -> String {
    if x == 0.0 || (x.abs() >= 0.01 && x.abs() < 1000.0) {
        format!("{x:.2}")
    } else {
        format!("{x:.1e}")
    }
}

fn fmt_pct(frac: f32) -> String {
    format!("{:.1}%", frac * 100.0)
}

/// The notebook's legend line for a Tanh layer's activations:
/// "layer 2 (Tanh): mean +0.00, std 0.63, saturated 3.2%".
pub fn act_line(d: &LayerDiag) -> String {
    format!(
        "layer {} ({}): mean {}, std {}, saturated {}",
        d.index,
        d.kind,
        fmt_signed(d.act.mean),
        fmt_plain(d.act.std),
        fmt_pct(d.act.saturated)
    )
}

/// The notebook's legend line for a layer's output gradient:
/// "layer 2 (Tanh): mean +1.2e-5, std 4.1e-3".
pub fn grad_line(d: &LayerDiag) -> String {
    format!(
        "layer {} ({}): mean {:+.1e}, std {:.1e}",
        d.index, d.kind, d.grad.mean, d.grad.std
    )
}

fn stats_line(what: &str, s: &Stats, threshold: f32) -> String {
    format!(
        "{what}: mean {}, std {}, |x| > {threshold}: {}",
        fmt_signed(s.mean),
        fmt_plain(s.std),
        fmt_pct(s.saturated)
    )
}

/// The data in use, as the page's header shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct DataSummary {
    /// "the default 32k names" or the uploaded file's name.
    pub source: String,
    pub names: usize,
    pub vocab: String,
    pub vocab_size: usize,
    pub block_size: usize,
    pub train_names: usize,
    pub val_names: usize,
    pub train_examples: usize,
    pub val_examples: usize,
    pub longest: usize,
    /// The first names of the file, as written (the page shows them as text).
    pub preview: Vec<String>,
}

impl DataSummary {
    /// "32,033 names, vocabulary 27, train 182,625 / val 22,521 examples".
    pub fn line(&self) -> String {
        format!(
            "{} names, vocabulary {}, train {} / val {} examples",
            fmt_count(self.names),
            self.vocab_size,
            fmt_count(self.train_examples),
            fmt_count(self.val_examples)
        )
    }
}

/// A full-split evaluation: the notebook's `split_loss('train')` and `split_loss('val')`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvalPoint {
    pub step: usize,
    pub train: f32,
    pub val: f32,
}

#[derive(Clone, Debug)]
struct EvalJob {
    split: Split,
    pos: usize,
    sum: f64,
    train: f32,
}

/// What changed since the last `take_progress`: new steps (loss, learning rate, update:data
/// ratios of every 2-D parameter, row-major steps x params), new evaluations, events.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    pub run: u32,
    /// Steps done.
    pub step: usize,
    /// The step budget.
    pub steps: usize,
    /// Index of the first new loss (the losses so far were sent before).
    pub first: usize,
    pub losses: Vec<f32>,
    pub lrs: Vec<f32>,
    pub ratios: Vec<f32>,
    pub evals: Vec<EvalPoint>,
    /// The learning rate of the next step.
    pub lr: f32,
    /// Set while paused by the user; replaces the schedule.
    pub lr_override: Option<f32>,
    pub running: bool,
    pub finished: bool,
    /// Fraction done of a full-split evaluation in progress.
    pub evaluating: Option<f32>,
    /// Why training stopped on its own since the last call (divergence, finished budget).
    pub stopped: Option<String>,
    /// The run stopped because the loss became NaN/inf (`stopped` says so).
    pub diverged: bool,
}

/// A description of the current run (sent when a run starts).
#[derive(Clone, Debug, PartialEq)]
pub struct RunInfo {
    pub run: u32,
    /// "run 3: 6. Kaiming init, seed 42", for the loss chart's legend.
    pub label: String,
    pub title: String,
    pub about: String,
    pub settings: Settings,
    pub n_params: usize,
    pub architecture: String,
    /// Labels of the 2-D parameters, in the order of `Progress::ratios`' columns: "C (27, 10)".
    pub ratio_labels: Vec<String>,
    /// -ln(1 / vocab_size): the loss of a uniform guess.
    pub uniform_loss: f32,
    pub kaiming: KaimingDemo,
    pub kaiming_fan_in: usize,
}

/// The first hidden layer's histograms and saturation map, the map cut to `MAP_MAX_ROWS` rows.
#[derive(Clone, Debug, PartialEq)]
pub struct FirstLayerView {
    pub layer: FirstLayer,
    /// Rows shown (the first examples of the batch) and the batch size.
    pub rows: usize,
    pub batch: usize,
    pub text: Vec<String>,
}

/// The diagnostics of the last step, as plain numbers (see the module doc).
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostics {
    pub run: u32,
    /// The step these numbers come from (0: no step yet, so no activations).
    pub step: usize,
    pub threshold: f32,
    pub first: Option<FirstLayerView>,
    pub layers: Vec<LayerDiag>,
    pub act_lines: Vec<String>,
    pub grad_lines: Vec<String>,
    /// The embedding as 2-D points, one per vocabulary character.
    pub chars: Vec<char>,
    pub points: Vec<[f32; 2]>,
    pub pca: bool,
    pub n_embd: usize,
    /// The LR finder's suggestion over the sweep so far: (step, lr, smoothed loss).
    pub lr_suggestion: Option<(usize, f32, f32)>,
}

/// Stats from the buffers of the last training step (cached: sampling and evaluation overwrite
/// the layers' outputs).
#[derive(Clone, Debug, PartialEq)]
struct StepDiag {
    step: usize,
    first: Option<FirstLayerView>,
    layers: Vec<LayerDiag>,
}

pub struct Session {
    words: Vec<String>,
    source: String,
    data: Dataset,
    seen: Seen,
    settings: Settings,
    trainer: Trainer,
    sample_rng: Rng,
    run: u32,
    lr_override: Option<f32>,
    running: bool,
    eval: Option<EvalJob>,
    evals: Vec<EvalPoint>,
    ratio_labels: Vec<String>,
    ratios: Vec<f32>,
    sent_steps: usize,
    sent_evals: usize,
    stopped: Option<String>,
    diverged: bool,
    /// The layers' buffers hold the last training step (no sample or eval since).
    fresh: bool,
    step_diag: Option<StepDiag>,
    /// The BatchNorm running statistics before the last step and before the one before it, to
    /// go back to (with the weights, see `rollback`) when a step's loss shows that the previous
    /// update blew the model up.
    ckpt_last: Checkpoint,
    ckpt_prev: Checkpoint,
}

/// The BatchNorm running statistics of a model before a step (buffers reused step to step). The
/// weights need no copy: `Mlp::sgd_step` keeps the previous ones for `Mlp::undo_sgd_step`.
#[derive(Clone, Debug, Default)]
struct Checkpoint {
    step: usize,
    running: Vec<(Vec<f32>, Vec<f32>)>,
}

impl Checkpoint {
    fn save(&mut self, m: &Mlp, step: usize) {
        self.step = step;
        let bns = m.layers.iter().filter_map(|l| match l {
            Layer::BatchNorm1d(b) => Some(b),
            _ => None,
        });
        self.running
            .resize_with(bns.clone().count(), Default::default);
        for (dst, b) in self.running.iter_mut().zip(bns) {
            dst.0.clear();
            dst.0.extend_from_slice(&b.running_mean);
            dst.1.clear();
            dst.1.extend_from_slice(&b.running_spread);
        }
    }

    fn restore(&self, m: &mut Mlp) {
        let bns = m.layers.iter_mut().filter_map(|l| match l {
            Layer::BatchNorm1d(b) => Some(b),
            _ => None,
        });
        for (b, src) in bns.zip(&self.running) {
            b.running_mean.copy_from_slice(&src.0);
            b.running_spread.copy_from_slice(&src.1);
        }
    }
}

impl Session {
    /// A session on a names file, at the first chapter.
    pub fn new(bytes: &[u8], source: &str) -> Result<Session, String> {
        let words = parse_names(bytes).map_err(|e| e.to_string())?;
        Session::from_words(words, source, Settings::chapter(presets::NAMES[0])?)
    }

    pub fn from_words(
        words: Vec<String>,
        source: &str,
        settings: Settings,
    ) -> Result<Session, String> {
        settings.validate()?;
        let data = Dataset::new(&words, settings.block_size, DATA_SEED);
        let trainer = Trainer::new(
            data.clone(),
            settings.model_config(),
            settings.train_config(),
        )?;
        let seen = Seen::new(&data.train_words, &data.val_words);
        let mut s = Session {
            words,
            source: source.to_string(),
            data,
            seen,
            sample_rng: Rng::new(settings.seed ^ SAMPLE_SALT),
            settings,
            trainer,
            run: 0,
            lr_override: None,
            running: false,
            eval: None,
            evals: Vec::new(),
            ratio_labels: Vec::new(),
            ratios: Vec::new(),
            sent_steps: 0,
            sent_evals: 0,
            stopped: None,
            diverged: false,
            fresh: false,
            step_diag: None,
            ckpt_last: Checkpoint::default(),
            ckpt_prev: Checkpoint::default(),
        };
        s.begin_run();
        Ok(s)
    }

    /// Per-run bookkeeping after `self.trainer` was replaced.
    fn begin_run(&mut self) {
        self.run += 1;
        self.sample_rng = Rng::new(self.settings.seed ^ SAMPLE_SALT);
        self.lr_override = None;
        self.running = false;
        self.eval = None;
        self.evals.clear();
        self.ratios.clear();
        self.ratio_labels = self
            .trainer
            .model
            .params()
            .iter()
            .filter(|p| p.shape.len() == 2)
            .map(|p| {
                let name = p.name.strip_suffix(".weight").unwrap_or(&p.name);
                format!("{name} ({}, {})", p.shape[0], p.shape[1])
            })
            .collect();
        self.sent_steps = 0;
        self.sent_evals = 0;
        self.stopped = None;
        self.diverged = false;
        self.fresh = false;
        self.step_diag = None;
        self.ckpt_last = Checkpoint::default();
        self.ckpt_prev = Checkpoint::default();
    }

    /// Replaces the trainer with a new run of `settings` on `data`; on error nothing changes.
    fn new_run(&mut self, settings: Settings, data: Option<Dataset>) -> Result<(), String> {
        settings.validate()?;
        let data = match data {
            Some(d) => d,
            None if settings.block_size != self.data.train.block_size => {
                Dataset::new(&self.words, settings.block_size, DATA_SEED)
            }
            None => self.data.clone(),
        };
        let trainer = Trainer::new(
            data.clone(),
            settings.model_config(),
            settings.train_config(),
        )?;
        if data.train_words != self.data.train_words || data.val_words != self.data.val_words {
            self.seen = Seen::new(&data.train_words, &data.val_words);
        }
        self.data = data;
        self.trainer = trainer;
        self.settings = settings;
        self.begin_run();
        Ok(())
    }

    /// Replaces the names with a file's (checked by `parse_names`); the model starts again with
    /// the same settings. On any error the session is unchanged.
    pub fn load_names(&mut self, bytes: &[u8], source: &str) -> Result<DataSummary, String> {
        let words = parse_names(bytes).map_err(|e| e.to_string())?;
        let data = Dataset::new(&words, self.settings.block_size, DATA_SEED);
        let old_words = std::mem::replace(&mut self.words, words);
        if let Err(e) = self.new_run(self.settings.clone(), Some(data)) {
            self.words = old_words;
            return Err(e);
        }
        self.seen = Seen::new(&self.data.train_words, &self.data.val_words);
        self.source = source.to_string();
        Ok(self.data_summary())
    }

    pub fn data_summary(&self) -> DataSummary {
        let d = &self.data;
        DataSummary {
            source: self.source.clone(),
            names: d.n_names(),
            vocab: d.vocab.as_string(),
            vocab_size: d.vocab.size(),
            block_size: d.train.block_size,
            train_names: d.train_words.len(),
            val_names: d.val_words.len(),
            train_examples: d.train.len(),
            val_examples: d.val.len(),
            longest: self
                .words
                .iter()
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(0),
            preview: self.words.iter().take(PREVIEW_NAMES).cloned().collect(),
        }
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    pub fn run(&self) -> u32 {
        self.run
    }

    /// Starts a chapter of the lesson with its own settings (keeping the current step budget
    /// when `keep_steps` is set).
    pub fn choose_chapter(&mut self, name: &str, keep_steps: Option<usize>) -> Result<(), String> {
        let mut s = Settings::chapter(name)?;
        if let Some(n) = keep_steps {
            s.steps = n.max(1);
        }
        self.new_run(s, None)
    }

    /// Custom settings: the current ones with each (knob, value) set; marked custom when they
    /// differ from the chapter's (other than the budget and the seed). On error nothing changes.
    pub fn apply_settings(&mut self, pairs: &[(String, String)]) -> Result<(), String> {
        let mut s = self.settings.clone();
        for (k, v) in pairs {
            s.set(k, v)?;
        }
        let mut base = Settings::chapter(s.chapter)?;
        base.steps = s.steps;
        base.seed = s.seed;
        s.custom = Settings {
            custom: false,
            ..s.clone()
        } != base;
        self.new_run(s, None)
    }

    /// Starts the run again with the same seed: the same initial weights and batches.
    pub fn reset(&mut self) -> Result<(), String> {
        self.new_run(self.settings.clone(), None)
    }

    /// Starts again with a seed from the platform's entropy source; returns it.
    pub fn new_seed(&mut self) -> Result<u64, String> {
        let mut seed = rng::random_seed();
        if seed == self.settings.seed {
            seed = seed.wrapping_add(1);
        }
        self.set_seed(seed)?;
        Ok(seed)
    }

    pub fn set_seed(&mut self, seed: u64) -> Result<(), String> {
        let s = Settings {
            seed,
            ..self.settings.clone()
        };
        self.new_run(s, None)
    }

    /// Changes the step budget of the current run (the schedule stretches with it).
    pub fn set_steps(&mut self, steps: usize) -> Result<(), String> {
        if steps == 0 || steps > 10_000_000 {
            return Err("the step budget must be between 1 and 10,000,000".into());
        }
        if steps < self.trainer.step {
            return Err(format!(
                "the run has already done {} steps; reset it for a smaller budget",
                fmt_count(self.trainer.step)
            ));
        }
        self.settings.steps = steps;
        self.trainer.train.steps = steps;
        Ok(())
    }

    /// The learning rate of the next step: the user's (set while paused) or the schedule's.
    pub fn lr(&self) -> f32 {
        self.lr_override.unwrap_or_else(|| self.trainer.lr())
    }

    pub fn lr_override(&self) -> Option<f32> {
        self.lr_override
    }

    /// Sets (or, with None, clears) the learning rate while paused; the weights stay.
    pub fn set_lr(&mut self, lr: Option<f32>) -> Result<(), String> {
        if self.running {
            return Err("pause training to change the learning rate".into());
        }
        if let Some(x) = lr {
            if !(x.is_finite() && x > 0.0) {
                return Err(format!(
                    "the learning rate must be a number above 0 (got {x})"
                ));
            }
        }
        self.lr_override = lr;
        Ok(())
    }

    pub fn start(&mut self) -> Result<(), String> {
        if self.trainer.finished() {
            return Err(format!(
                "the run has done all its {} steps; raise the step budget or reset",
                fmt_count(self.trainer.train.steps)
            ));
        }
        self.running = true;
        self.stopped = None;
        Ok(())
    }

    pub fn pause(&mut self) {
        self.running = false;
    }

    pub fn is_running(&self) -> bool {
        self.running
    }

    /// Training or evaluating: `work` has something to do.
    pub fn busy(&self) -> bool {
        self.running || self.eval.is_some()
    }

    /// One step at the current learning rate, recorded like the others. A NaN/inf loss or an
    /// exploded one (see `EXPLODE_FACTOR`) stops with `StepError::Diverged` before its own
    /// update, and puts back the weights from before the update that did the damage.
    fn one_step(&mut self) -> Result<f32, StepError> {
        let lr = self.lr();
        std::mem::swap(&mut self.ckpt_last, &mut self.ckpt_prev);
        self.ckpt_last.save(&self.trainer.model, self.trainer.step);
        let start = self
            .trainer
            .losses
            .first()
            .map_or(f32::INFINITY, |l| l.max(self.uniform_loss()));
        let result = self
            .trainer
            .step_guarded(self.lr_override, EXPLODE_FACTOR * start);
        let n2d = self.ratio_labels.len();
        match result {
            Ok(loss) => {
                self.fresh = true;
                let step = self.trainer.step - 1;
                if step.is_multiple_of(RATIO_EVERY) {
                    for p in self.trainer.model.params() {
                        if p.shape.len() == 2 {
                            self.ratios.push(update_ratio(lr, &p.grad, &p.data));
                        }
                    }
                } else {
                    self.ratios.extend(std::iter::repeat_n(f32::NAN, n2d));
                }
                Ok(loss)
            }
            Err(StepError::Diverged {
                step,
                lr,
                loss,
                cause,
            }) if step > 0 && (!loss.is_finite() || loss > EXPLODE_FACTOR * start) => {
                // The loss was computed with the weights of the previous update, and this
                // step's update was not made: undo the previous one.
                let culprit = self.trainer.lrs.get(step - 1).copied().unwrap_or(lr);
                self.rollback();
                Err(StepError::Diverged {
                    step,
                    lr: culprit,
                    loss,
                    cause,
                })
            }
            // A sane loss whose update would overflow keeps the weights, as the core does.
            Err(e) => Err(e),
        }
    }

    fn uniform_loss(&self) -> f32 {
        (self.data.vocab.size() as f32).ln()
    }

    /// After a step that stopped before its update: puts back the weights from before the
    /// previous step (`Mlp::undo_sgd_step`, exact) with the BatchNorm running statistics of
    /// then, and forgets that step. Without an update to undo, only the running statistics that
    /// the stopped step's forward pass moved are put back.
    fn rollback(&mut self) {
        let t = &mut self.trainer;
        let prev_ok = self.ckpt_prev.step + 1 == t.step && self.ckpt_last.step == t.step;
        if prev_ok && t.model.undo_sgd_step() {
            self.ckpt_prev.restore(&mut t.model);
            let step = self.ckpt_prev.step;
            t.step = step;
            t.losses.truncate(step);
            t.lrs.truncate(step);
            self.ratios.truncate(step * self.ratio_labels.len());
            self.sent_steps = self.sent_steps.min(step);
            self.ckpt_last = self.ckpt_prev.clone();
        } else if self.ckpt_last.step == t.step {
            self.ckpt_last.restore(&mut t.model);
        }
    }

    fn on_step_error(&mut self, e: StepError) {
        self.running = false;
        match e {
            StepError::Diverged { step, lr, loss, .. } => {
                // The layers hold the diverged batch, not a step that happened.
                self.fresh = false;
                self.diverged = true;
                let kept = self.trainer.step;
                let rolled_back = kept < step;
                self.stopped = Some(if loss.is_finite() && rolled_back {
                    format!(
                        "training stopped at step {}: the loss jumped to {loss:.0} after a step at \
                         learning rate {lr}, so the learning rate is too high; the last good weights \
                         (after step {kept}) are kept. Lower the learning rate and train on.",
                        step + 1
                    )
                } else {
                    format!(
                        "{e}; the run goes on from step {kept}. Lower the learning rate and train on."
                    )
                });
            }
            StepError::Finished => self.finish(),
        }
    }

    fn finish(&mut self) {
        self.running = false;
        self.stopped = Some(format!(
            "finished: {} steps done",
            fmt_count(self.trainer.step)
        ));
        if self.evals.last().map(|e| e.step) != Some(self.trainer.step) {
            self.request_eval();
        }
    }

    /// Up to `max_steps` steps while `out_of_time()` is false (checked after each step); stops
    /// at the end of the budget (then evaluates the full splits) or when the loss diverges.
    /// Returns the steps done.
    pub fn train(&mut self, max_steps: usize, mut out_of_time: impl FnMut() -> bool) -> usize {
        let mut done = 0;
        while done < max_steps {
            if self.trainer.finished() {
                self.finish();
                break;
            }
            match self.one_step() {
                Ok(_) => done += 1,
                Err(e) => {
                    self.on_step_error(e);
                    break;
                }
            }
            if self.trainer.finished() {
                self.finish();
                break;
            }
            if out_of_time() {
                break;
            }
        }
        done
    }

    /// One time slice of work: a piece of a pending evaluation, else training if running.
    /// Returns the training steps done.
    pub fn work(&mut self, mut out_of_time: impl FnMut() -> bool) -> usize {
        if self.eval.is_some() {
            while self.eval.is_some() {
                self.eval_piece();
                if out_of_time() {
                    break;
                }
            }
            return 0;
        }
        if self.running {
            return self.train(usize::MAX, out_of_time);
        }
        0
    }

    /// One step, even while paused (the page's Step button).
    pub fn step_once(&mut self) -> Result<f32, String> {
        if self.running {
            return Err("pause training first".into());
        }
        self.eval = None; // an evaluation of weights about to change
        match self.one_step() {
            Ok(loss) => {
                self.stopped = None;
                if self.trainer.finished() {
                    self.finish();
                }
                Ok(loss)
            }
            Err(e) => {
                let msg = match &e {
                    StepError::Finished => format!(
                        "the run has done all its {} steps; raise the step budget or reset",
                        fmt_count(self.trainer.train.steps)
                    ),
                    StepError::Diverged { .. } => e.to_string(),
                };
                if matches!(e, StepError::Diverged { .. }) {
                    self.on_step_error(e);
                    return Err(self.stopped.clone().unwrap_or(msg));
                }
                Err(msg)
            }
        }
    }

    /// Caches the diagnostics of the last step before the layers' buffers are overwritten.
    fn keep_step_diag(&mut self) {
        if self.fresh {
            self.step_diag = Some(self.compute_step_diag());
            self.fresh = false;
        }
    }

    /// Asks for a full-split evaluation of the current weights; `work` does it in pieces.
    pub fn request_eval(&mut self) {
        if self.eval.is_none() {
            self.keep_step_diag();
            self.eval = Some(EvalJob {
                split: Split::Train,
                pos: 0,
                sum: 0.0,
                train: f32::NAN,
            });
        }
    }

    fn eval_piece(&mut self) {
        let Some(job) = self.eval.as_mut() else {
            return;
        };
        let ex = match job.split {
            Split::Train => &self.trainer.data.train,
            Split::Val => &self.trainer.data.val,
        };
        let (n, bs) = (ex.len(), ex.block_size);
        let end = (job.pos + EVAL_PIECE).min(n);
        let (x, y) = (&ex.x[job.pos * bs..end * bs], &ex.y[job.pos..end]);
        let loss = self.trainer.model.eval_loss(x, y, EVAL_PIECE);
        job.sum += loss as f64 * (end - job.pos) as f64;
        job.pos = end;
        if end < n {
            return;
        }
        let mean = (job.sum / n.max(1) as f64) as f32;
        match job.split {
            Split::Train => {
                *job = EvalJob {
                    split: Split::Val,
                    pos: 0,
                    sum: 0.0,
                    train: mean,
                };
            }
            Split::Val => {
                let point = EvalPoint {
                    step: self.trainer.step,
                    train: job.train,
                    val: mean,
                };
                self.evals.retain(|e| e.step != point.step);
                self.evals.push(point);
                self.eval = None;
            }
        }
    }

    /// The full-split losses now, in one go (for tests and the native runner's style).
    pub fn evaluate_now(&mut self) -> EvalPoint {
        self.eval = None;
        self.request_eval();
        while self.eval.is_some() {
            self.eval_piece();
        }
        *self.evals.last().expect("just evaluated")
    }

    pub fn evals(&self) -> &[EvalPoint] {
        &self.evals
    }

    /// Fraction done of a pending evaluation.
    pub fn eval_progress(&self) -> Option<f32> {
        self.eval.as_ref().map(|j| {
            let (nt, nv) = (self.data.train.len(), self.data.val.len());
            let done = match j.split {
                Split::Train => j.pos,
                Split::Val => nt + j.pos,
            };
            done as f32 / (nt + nv).max(1) as f32
        })
    }

    /// `n` names at `temperature` from the current model, marked new / in train / in val.
    /// Uses the session's own stream, so it never changes the training run.
    pub fn sample(&mut self, n: usize, temperature: f32) -> Result<Vec<Sample>, String> {
        if n == 0 || n > MAX_SAMPLES {
            return Err(format!("ask for 1 to {MAX_SAMPLES} names"));
        }
        if !(temperature.is_finite() && temperature > 0.0 && temperature <= 10.0) {
            return Err("the temperature must be above 0 and at most 10".into());
        }
        self.keep_step_diag();
        Ok(sample::sample(
            &mut self.trainer.model,
            &self.data.vocab,
            &self.seen,
            &mut self.sample_rng,
            n,
            temperature,
            MAX_NAME_CHARS,
        ))
    }

    /// Everything new since the last call (see `Progress`).
    pub fn take_progress(&mut self) -> Progress {
        let t = &self.trainer;
        let first = self.sent_steps.min(t.losses.len());
        let n2d = self.ratio_labels.len();
        let p = Progress {
            run: self.run,
            step: t.step,
            steps: t.train.steps,
            first,
            losses: t.losses[first..].to_vec(),
            lrs: t.lrs[first..].to_vec(),
            ratios: self.ratios[first * n2d..].to_vec(),
            evals: self.evals[self.sent_evals.min(self.evals.len())..].to_vec(),
            lr: self.lr(),
            lr_override: self.lr_override,
            running: self.running,
            finished: t.finished(),
            evaluating: self.eval_progress(),
            stopped: self.stopped.take(),
            diverged: std::mem::take(&mut self.diverged),
        };
        self.sent_steps = t.losses.len();
        self.sent_evals = self.evals.len();
        p
    }

    /// Sends everything again from the start of the run with the next `take_progress`.
    pub fn resend(&mut self) {
        self.sent_steps = 0;
        self.sent_evals = 0;
    }

    pub fn run_info(&self) -> RunInfo {
        let s = &self.settings;
        let about = presets::preset(s.chapter).map_or("", |p| p.about);
        let fan_in = s.block_size * s.n_embd;
        let v = self.data.vocab.size();
        RunInfo {
            run: self.run,
            label: format!("run {}: {}, seed {}", self.run, short_title(s), s.seed),
            title: s.title(),
            about: about.to_string(),
            settings: s.clone(),
            n_params: self.trainer.model.n_params(),
            architecture: s.architecture(v),
            ratio_labels: self.ratio_labels.clone(),
            uniform_loss: (v as f32).ln(),
            kaiming: diagnostics::kaiming_demo(s.seed, 32, fan_in, 200, HIST_BINS),
            kaiming_fan_in: fan_in,
        }
    }

    fn compute_step_diag(&self) -> StepDiag {
        let m = &self.trainer.model;
        let th = self.settings.saturation_threshold;
        let batch = self.trainer.train.batch_size;
        let first = diagnostics::first_layer(m, batch, th, HIST_BINS).map(|mut f| {
            let rows = batch.min(MAP_MAX_ROWS);
            let cols = f.map.cols;
            f.map.cells.truncate(rows * cols);
            let mut text = vec![
                stats_line("pre-activation", &f.preact, th),
                stats_line("activation h", &f.act, th),
                format!(
                    "|h| > {th}: {} of {} x {} values; dead neurons (saturated for the whole batch): {} of {}",
                    fmt_pct(f.map.fraction),
                    batch,
                    cols,
                    f.map.dead,
                    cols
                ),
            ];
            if rows < batch {
                text.push(format!("the map shows the first {rows} of {batch} examples"));
            }
            f.map.rows = rows;
            FirstLayerView {
                layer: f,
                rows,
                batch,
                text,
            }
        });
        StepDiag {
            step: self.trainer.step,
            first,
            layers: diagnostics::layer_diagnostics(m, th, HIST_BINS),
        }
    }

    /// The diagnostics of the last training step (histograms, saturation map, per-layer stats)
    /// and of the current weights (embedding, LR suggestion). Call it at the draw rate.
    pub fn diagnostics(&mut self) -> Diagnostics {
        self.keep_step_diag();
        let t = &self.trainer;
        let s = &self.settings;
        let c = &t.model.emb.weight;
        let (points, pca) = diagnostics::embedding_2d(&c.data, c.shape[0], c.shape[1]);
        let lr_suggestion = s.sweep().and_then(|(n, _, _)| {
            let n = n.min(t.losses.len());
            (n > 0)
                .then(|| diagnostics::lr_suggestion(&t.lrs[..n], &t.losses[..n]))
                .flatten()
        });
        let sd = self.step_diag.clone().unwrap_or(StepDiag {
            step: 0,
            first: None,
            layers: Vec::new(),
        });
        Diagnostics {
            run: self.run,
            step: sd.step,
            threshold: s.saturation_threshold,
            act_lines: sd.layers.iter().map(act_line).collect(),
            grad_lines: sd.layers.iter().map(grad_line).collect(),
            first: sd.first,
            layers: sd.layers,
            chars: self.data.vocab.itos.clone(),
            points,
            pca,
            n_embd: c.shape[1],
            lr_suggestion,
        }
    }
}

/// "6. Kaiming init" or "custom from 6. Kaiming init", short enough for a legend.
fn short_title(s: &Settings) -> String {
    let t = presets::preset(s.chapter).map_or("", |p| p.title);
    if s.custom {
        format!("custom from {t}")
    } else {
        t.to_string()
    }
}
