//! The settings of a run, typed, and the one table of knobs they come from. `knobs!` declares
//! each knob once (field, type, limits, group, label, help) and writes both the `Settings`
//! struct and `KNOBS`, from which parsing, limits, help text, the page's form and the link's
//! query all come. Adding a knob is one line of `knobs!` plus the code that acts on it
//! (`model_config`, `train_config`).
//!
//! `Settings::validate` checks the knobs together: the run's memory and work per step, so that
//! no settings that pass can stall the worker for long.

use crate::format;
use crate::lesson::{Chapter, ChapterId};
use crate::model::{Activation, BnConfig, ModelConfig, WeightInit};
use crate::train::{Schedule, TrainConfig};
use serde::{Deserialize, Serialize};

/// The kind of value a knob takes, with its limits.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum KnobKind {
    Int { min: u64, max: u64 },
    Float { min: f64, max: f64 },
    Choice { choices: &'static [&'static str] },
    Bool,
}

/// Where a knob sits in the page's form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Data,
    Model,
    Init,
    Training,
}

/// One knob: what the page's form shows, and how the value is read and written.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Knob {
    pub key: &'static str,
    pub label: &'static str,
    pub group: Group,
    pub kind: KnobKind,
    pub help: &'static str,
    #[serde(skip)]
    get: fn(&Settings) -> String,
    #[serde(skip)]
    set: fn(&mut Settings, &str, &KnobKind) -> Result<(), String>,
}

impl Knob {
    /// The knob's value as the form shows it (and as `set` reads it back exactly).
    pub fn get(&self, s: &Settings) -> String {
        (self.get)(s)
    }

    /// Sets the knob from text; the error names the knob and what it accepts.
    pub fn set(&self, s: &mut Settings, text: &str) -> Result<(), String> {
        (self.set)(s, text.trim(), &self.kind)
            .map_err(|e| format!("{}: '{}' {e}", self.label, text.trim()))
    }

    /// The knob of a key.
    pub fn find(key: &str) -> Result<&'static Knob, String> {
        KNOBS
            .iter()
            .find(|k| k.key == key)
            .ok_or_else(|| format!("there is no setting '{key}'"))
    }
}

/// A value a knob can hold: written as text, read back from text within the knob's limits.
pub trait KnobValue: Sized {
    fn to_text(&self) -> String;
    fn parse(text: &str, kind: &KnobKind) -> Result<Self, String>;
}

fn parse_int(text: &str, kind: &KnobKind) -> Result<u64, String> {
    let KnobKind::Int { min, max } = *kind else {
        return Err("is not a setting of this kind".into());
    };
    let n: u64 = text
        .parse()
        .map_err(|_| "is not a whole number".to_string())?;
    if n < min || n > max {
        return Err(format!("must be between {min} and {max}"));
    }
    Ok(n)
}

impl KnobValue for usize {
    fn to_text(&self) -> String {
        self.to_string()
    }
    fn parse(text: &str, kind: &KnobKind) -> Result<usize, String> {
        parse_int(text, kind).map(|n| n as usize)
    }
}

impl KnobValue for u64 {
    fn to_text(&self) -> String {
        self.to_string()
    }
    fn parse(text: &str, kind: &KnobKind) -> Result<u64, String> {
        parse_int(text, kind)
    }
}

impl KnobValue for f32 {
    fn to_text(&self) -> String {
        // As short as it reads back exactly: 0.1, 1.6666666, 1000.
        format!("{self}")
    }
    fn parse(text: &str, kind: &KnobKind) -> Result<f32, String> {
        let KnobKind::Float { min, max } = *kind else {
            return Err("is not a setting of this kind".into());
        };
        let x: f64 = text.parse().map_err(|_| "is not a number".to_string())?;
        if !x.is_finite() || x < min || x > max {
            return Err(format!("must be between {min} and {max}"));
        }
        Ok(x as f32)
    }
}

impl KnobValue for bool {
    fn to_text(&self) -> String {
        self.to_string()
    }
    fn parse(text: &str, _: &KnobKind) -> Result<bool, String> {
        match text {
            "true" | "on" | "1" | "yes" => Ok(true),
            "false" | "off" | "0" | "no" => Ok(false),
            _ => Err("is not true or false".into()),
        }
    }
}

/// An enum knob: its choices' names, in order.
pub trait Choice: Sized + Copy + 'static {
    const ALL: &'static [Self];
    const NAMES: &'static [&'static str];
    fn name(self) -> &'static str {
        let i = Self::ALL
            .iter()
            .position(|c| c.name_eq(self))
            .expect("every choice is in ALL");
        Self::NAMES[i]
    }
    fn name_eq(self, other: Self) -> bool;
}

macro_rules! choice {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name { $( #[serde(rename = $text)] $variant ),+ }

        impl Choice for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            const NAMES: &'static [&'static str] = &[$($text),+];
            fn name_eq(self, other: Self) -> bool {
                self == other
            }
        }

        impl KnobValue for $name {
            fn to_text(&self) -> String {
                self.name().to_string()
            }
            fn parse(text: &str, _: &KnobKind) -> Result<Self, String> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|c| c.name() == text)
                    .ok_or_else(|| format!("is not one of {}", Self::NAMES.join(", ")))
            }
        }
    };
}

choice!(
    /// Which BatchNorm follows each hidden Linear.
    BatchNorm {
        Off = "off",
        Class = "class",
        FirstCell = "first-cell",
    }
);

choice!(
    /// The non-linearity after each hidden layer (identity: a linear sandwich).
    Nonlinearity {
        Tanh = "tanh",
        Identity = "identity",
    }
);

choice!(
    /// How a weight matrix starts.
    Init {
        Randn = "randn",
        Kaiming = "kaiming",
    }
);

choice!(
    /// The shape of the learning-rate schedule.
    ScheduleKind {
        Constant = "constant",
        StepDecay = "step-decay",
        Sweep = "sweep",
        SweepThen = "sweep-then",
    }
);

const fn choices<C: Choice>() -> KnobKind {
    KnobKind::Choice { choices: C::NAMES }
}

/// The largest step budget.
pub const MAX_STEPS: u64 = 10_000_000;
/// The largest seed: every seed is exact as a JavaScript number.
pub const MAX_SEED: u64 = (1 << 53) - 1;

macro_rules! knobs {
    ($( $(#[doc = $doc:literal])+ $field:ident: $ty:ty = $kind:expr, $group:ident, $label:literal; )*) => {
        /// The settings of a run, flat: one field per knob (schedule and init values are kept
        /// even when another kind is chosen, so switching back and forth loses nothing).
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        pub struct Settings {
            $( $(#[doc = $doc])+ pub $field: $ty, )*
        }

        /// Every knob, in the order the page shows them.
        pub const KNOBS: &[Knob] = &[ $(
            Knob {
                key: stringify!($field),
                label: $label,
                group: Group::$group,
                kind: $kind,
                help: concat!($($doc),+),
                get: |s| KnobValue::to_text(&s.$field),
                set: |s, text, kind| {
                    s.$field = KnobValue::parse(text, kind)?;
                    Ok(())
                },
            },
        )* ];
    };
}

knobs! {
    /// characters the model sees to predict the next one
    block_size: usize = KnobKind::Int { min: 1, max: 16 }, Data, "context length (block_size)";
    /// numbers per character in the table C
    n_embd: usize = KnobKind::Int { min: 1, max: 64 }, Model, "embedding size (n_embd)";
    /// neurons in each hidden layer
    n_hidden: usize = KnobKind::Int { min: 1, max: 1024 }, Model, "hidden units (n_hidden)";
    /// blocks of [Linear, (BatchNorm), Tanh]
    n_layers: usize = KnobKind::Int { min: 1, max: 8 }, Model, "hidden layers";
    /// off; class = the BatchNorm1D class (variance, eps 1e-5, momentum 0.1); first-cell = the
    /// first BatchNorm cell (std, no eps, momentum 0.001)
    batchnorm: BatchNorm = choices::<BatchNorm>(), Model, "BatchNorm";
    /// tanh, or identity: no non-linearity at all (the stack is one linear map in disguise)
    activation: Nonlinearity = choices::<Nonlinearity>(), Model, "non-linearity";
    /// a BatchNorm after the last Linear (the deep model); needs BatchNorm on
    output_bn: bool = KnobKind::Bool, Model, "BatchNorm on the output";
    /// a bias in the hidden Linear layers (useless before a BatchNorm)
    hidden_bias: bool = KnobKind::Bool, Model, "hidden bias";
    /// a bias in the output Linear layer
    output_bias: bool = KnobKind::Bool, Model, "output bias";
    /// randn x scale, or kaiming: randn x gain / sqrt(fan_in)
    hidden_init: Init = choices::<Init>(), Init, "hidden weights init";
    /// the scale (randn) or the gain (kaiming; 5/3 for tanh)
    hidden_init_value: f32 = KnobKind::Float { min: 0.0, max: 100.0 }, Init, "hidden scale or gain";
    /// hidden biases start as randn x this
    hidden_bias_scale: f32 = KnobKind::Float { min: 0.0, max: 100.0 }, Init, "hidden bias scale";
    /// randn x scale, or kaiming: randn x gain / sqrt(fan_in)
    output_init: Init = choices::<Init>(), Init, "output weights init";
    /// 0.01 makes the first loss about -ln(1/27) = 3.30
    output_init_value: f32 = KnobKind::Float { min: 0.0, max: 100.0 }, Init, "output scale or gain";
    /// output biases start as randn x this
    output_bias_scale: f32 = KnobKind::Float { min: 0.0, max: 100.0 }, Init, "output bias scale";
    /// the last BatchNorm's gamma at init (0.1: not too confident)
    last_gamma: f32 = KnobKind::Float { min: 0.0, max: 100.0 }, Init, "output BatchNorm gain";
    /// examples per step
    batch_size: usize = KnobKind::Int { min: 1, max: 4096 }, Training, "batch size";
    /// the run's budget: training stops here
    steps: usize = KnobKind::Int { min: 1, max: MAX_STEPS }, Training, "steps";
    /// the steps the schedule is laid over; 0: the step budget. The chapter's length with a
    /// shorter budget stops early with no decay (the notebook's 1,000-step diagnostic run)
    schedule_steps: usize = KnobKind::Int { min: 0, max: MAX_STEPS }, Training, "schedule over (steps)";
    /// constant lr; step-decay: lr, then final lr from a fraction of the steps; sweep: 10^min to
    /// 10^max over the steps; sweep-then: a sweep, then lr
    schedule: ScheduleKind = choices::<ScheduleKind>(), Training, "learning-rate schedule";
    /// the constant rate, the first rate of a decay, or the rate after a sweep
    lr: f32 = KnobKind::Float { min: 0.0, max: 1e6 }, Training, "learning rate";
    /// step-decay: the rate after the decay
    lr_final: f32 = KnobKind::Float { min: 0.0, max: 1e6 }, Training, "final learning rate";
    /// step-decay: the fraction of the steps where the rate drops
    decay_at: f32 = KnobKind::Float { min: 0.0, max: 1.0 }, Training, "decay at (fraction)";
    /// sweep: log10 of the first rate
    sweep_min_exp: f32 = KnobKind::Float { min: -10.0, max: 3.0 }, Training, "sweep from 10^";
    /// sweep: log10 of the last rate
    sweep_max_exp: f32 = KnobKind::Float { min: -10.0, max: 3.0 }, Training, "sweep to 10^";
    /// sweep-then: steps of the sweep before the constant rate
    sweep_steps: usize = KnobKind::Int { min: 1, max: MAX_STEPS }, Training, "sweep steps";
    /// same seed, same initial weights and batches
    seed: u64 = KnobKind::Int { min: 0, max: MAX_SEED }, Training, "seed";
    /// 0.99 in the early chapters, 0.97 in the deep model
    saturation_threshold: f32 = KnobKind::Float { min: 0.0, max: 1.0 }, Training, "saturated above |h| >";
}

fn init_parts(w: WeightInit) -> (Init, f32) {
    match w {
        WeightInit::Randn(s) => (Init::Randn, s),
        WeightInit::Kaiming(g) => (Init::Kaiming, g),
    }
}

fn weight_init(kind: Init, v: f32) -> WeightInit {
    match kind {
        Init::Randn => WeightInit::Randn(v),
        Init::Kaiming => WeightInit::Kaiming(v),
    }
}

/// Most memory a run may use for its activations, gradients and weights (a school laptop's
/// browser tab has a few hundred MB to spare).
pub const MAX_RUN_BYTES: f64 = 256e6;
/// Most arithmetic per training step: about 50 ms of the wasm kernels, so Pause is heard
/// within 100 ms whatever the settings.
pub const MAX_STEP_FLOPS: f64 = 1e9;

/// What a run of some settings costs, estimated from the shapes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Cost {
    pub params: usize,
    /// Activations and their gradients for one batch, plus the weights three times (values,
    /// gradients, the kept previous values), in bytes.
    pub bytes: f64,
    /// Multiply-adds x 2 of one training step (forward and both backward products).
    pub flops: f64,
}

impl Settings {
    /// The settings of a chapter (maybe broken by an experiment: `Chapter::broken_by`).
    pub fn from_chapter(c: &Chapter) -> Settings {
        let m = &c.model;
        let t = &c.train;
        let (hidden_init, hidden_init_value) = init_parts(m.hidden_init);
        let (output_init, output_init_value) = init_parts(m.output_init);
        let mut s = Settings {
            block_size: m.block_size,
            n_embd: m.n_embd,
            n_hidden: m.n_hidden,
            n_layers: m.n_layers,
            batchnorm: match m.batchnorm {
                None => BatchNorm::Off,
                Some(bn) if bn == BnConfig::FIRST_CELL => BatchNorm::FirstCell,
                Some(_) => BatchNorm::Class,
            },
            activation: match m.activation {
                Activation::Tanh => Nonlinearity::Tanh,
                Activation::Identity => Nonlinearity::Identity,
            },
            output_bn: m.output_bn,
            hidden_bias: m.hidden_bias,
            output_bias: m.output_bias,
            hidden_init,
            hidden_init_value,
            hidden_bias_scale: m.hidden_bias_scale,
            output_init,
            output_init_value,
            output_bias_scale: m.output_bias_scale,
            last_gamma: m.last_gamma,
            batch_size: t.batch_size,
            steps: t.steps,
            schedule_steps: 0,
            schedule: ScheduleKind::Constant,
            lr: 0.1,
            lr_final: 0.01,
            decay_at: 0.5,
            sweep_min_exp: -3.0,
            sweep_max_exp: 0.0,
            sweep_steps: 1000,
            seed: t.seed,
            saturation_threshold: c.saturation_threshold,
        };
        match t.schedule {
            Schedule::Constant(lr) => s.lr = lr,
            Schedule::StepDecay {
                initial,
                final_lr,
                at,
            } => {
                s.schedule = ScheduleKind::StepDecay;
                (s.lr, s.lr_final, s.decay_at) = (initial, final_lr, at);
            }
            Schedule::ExpSweep { min_exp, max_exp } => {
                s.schedule = ScheduleKind::Sweep;
                (s.sweep_min_exp, s.sweep_max_exp) = (min_exp, max_exp);
            }
            Schedule::SweepThen {
                sweep_steps,
                min_exp,
                max_exp,
                lr,
            } => {
                s.schedule = ScheduleKind::SweepThen;
                (s.sweep_steps, s.sweep_min_exp, s.sweep_max_exp, s.lr) =
                    (sweep_steps, min_exp, max_exp, lr);
            }
        }
        s
    }

    /// The settings of a chapter of the lesson.
    pub fn chapter(id: ChapterId) -> Settings {
        Settings::from_chapter(&id.chapter())
    }

    pub fn schedule(&self) -> Schedule {
        match self.schedule {
            ScheduleKind::Constant => Schedule::Constant(self.lr),
            ScheduleKind::StepDecay => Schedule::StepDecay {
                initial: self.lr,
                final_lr: self.lr_final,
                at: self.decay_at,
            },
            ScheduleKind::Sweep => Schedule::ExpSweep {
                min_exp: self.sweep_min_exp,
                max_exp: self.sweep_max_exp,
            },
            ScheduleKind::SweepThen => Schedule::SweepThen {
                sweep_steps: self.sweep_steps,
                min_exp: self.sweep_min_exp,
                max_exp: self.sweep_max_exp,
                lr: self.lr,
            },
        }
    }

    /// The steps the schedule is laid over (the budget unless `schedule_steps` is set).
    pub fn schedule_horizon(&self) -> usize {
        if self.schedule_steps == 0 {
            self.steps
        } else {
            self.schedule_steps
        }
    }

    /// The learning rate of step `step` (counted from 0).
    pub fn lr_at(&self, step: usize) -> f32 {
        self.schedule().lr(step, self.schedule_horizon())
    }

    /// The steps of the learning-rate sweep, if the schedule has one: (steps, min_exp, max_exp).
    pub fn sweep(&self) -> Option<(usize, f32, f32)> {
        match self.schedule {
            ScheduleKind::Sweep => Some((
                self.schedule_horizon(),
                self.sweep_min_exp,
                self.sweep_max_exp,
            )),
            ScheduleKind::SweepThen => {
                Some((self.sweep_steps, self.sweep_min_exp, self.sweep_max_exp))
            }
            _ => None,
        }
    }

    pub fn model_config(&self, vocab_size: usize) -> ModelConfig {
        ModelConfig {
            vocab_size,
            block_size: self.block_size,
            n_embd: self.n_embd,
            n_hidden: self.n_hidden,
            n_layers: self.n_layers,
            batchnorm: match self.batchnorm {
                BatchNorm::Off => None,
                BatchNorm::Class => Some(BnConfig::CLASS),
                BatchNorm::FirstCell => Some(BnConfig::FIRST_CELL),
            },
            activation: match self.activation {
                Nonlinearity::Tanh => Activation::Tanh,
                Nonlinearity::Identity => Activation::Identity,
            },
            output_bn: self.output_bn,
            hidden_bias: self.hidden_bias,
            output_bias: self.output_bias,
            hidden_init: weight_init(self.hidden_init, self.hidden_init_value),
            hidden_bias_scale: self.hidden_bias_scale,
            output_init: weight_init(self.output_init, self.output_init_value),
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

    /// Every knob's (key, value as text), in `KNOBS` order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        KNOBS.iter().map(|k| (k.key, k.get(self))).collect()
    }

    /// Sets one knob from text (see `Knob::set`).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        Knob::find(key)?.set(self, value)
    }

    /// The knobs whose values differ from `base`'s: (key, value as text).
    pub fn diff(&self, base: &Settings) -> Vec<(&'static str, String)> {
        KNOBS
            .iter()
            .filter(|k| k.get(self) != k.get(base))
            .map(|k| (k.key, k.get(self)))
            .collect()
    }

    /// What a run of these settings on a vocabulary of `vocab` characters costs.
    pub fn cost(&self, vocab: usize) -> Cost {
        let (b, h, l) = (
            self.batch_size as f64,
            self.n_hidden as f64,
            self.n_layers as f64,
        );
        let fan_in = (self.block_size * self.n_embd) as f64;
        let v = vocab as f64;
        let config = self.model_config(vocab);
        let params = config_params(&config);
        // Per hidden layer: Linear, maybe BatchNorm, Tanh outputs, each with its gradient.
        let per_layer = if self.batchnorm == BatchNorm::Off {
            2.0
        } else {
            3.0
        };
        let acts = b * (fan_in + l * per_layer * h + 2.0 * v);
        let bytes = 4.0 * (2.0 * acts + 3.0 * params as f64);
        let macs = b * (fan_in * h + (l - 1.0) * h * h + h * v);
        Cost {
            params,
            bytes,
            flops: 6.0 * macs,
        }
    }

    /// Checks the knobs together for a vocabulary of `vocab` characters: what the core would
    /// refuse, and a run too large for a school laptop, with the knob to change.
    pub fn validate(&self, vocab: usize) -> Result<(), String> {
        self.model_config(vocab).validate()?;
        if self.output_bn && self.batchnorm == BatchNorm::Off {
            return Err("a BatchNorm on the output needs BatchNorm on".into());
        }
        if self.batchnorm != BatchNorm::Off && self.batch_size < 2 {
            return Err("BatchNorm needs a batch of at least 2".into());
        }
        if matches!(self.schedule, ScheduleKind::Sweep | ScheduleKind::SweepThen) {
            if self.sweep_min_exp >= self.sweep_max_exp {
                return Err("the sweep must go from a lower to a higher rate".into());
            }
        } else if self.lr <= 0.0 {
            return Err("the learning rate must be above 0".into());
        }
        let c = self.cost(vocab);
        let biggest = format!(
            "lower the batch size ({}), the hidden units ({}), the hidden layers ({}) or the \
             context length ({})",
            self.batch_size, self.n_hidden, self.n_layers, self.block_size
        );
        if c.bytes > MAX_RUN_BYTES {
            return Err(format!(
                "this run would need about {} for its activations and weights (the limit is {}, \
                 so that a school laptop's browser keeps up): {biggest}",
                format::megabytes(c.bytes),
                format::megabytes(MAX_RUN_BYTES)
            ));
        }
        if c.flops > MAX_STEP_FLOPS {
            return Err(format!(
                "one step of this run would take about {} (the limit is {}, so that Pause is \
                 heard at once): {biggest}",
                format::gflop(c.flops),
                format::tenths(MAX_STEP_FLOPS / 1e9)
            ));
        }
        Ok(())
    }

    /// Checks that the examples of a names file (`examples` of them, see
    /// `data::count_examples`) fit in memory at this context length, before they are built.
    pub fn fits_data(&self, examples: usize) -> Result<(), String> {
        let max = crate::data::max_block_size(examples);
        if self.block_size > max {
            return Err(format!(
                "these names make {examples} examples; at a context length (block_size) of {} \
                 they would need {}: lower the context length to at most {max}",
                self.block_size,
                format::megabytes(crate::data::examples_bytes(examples, self.block_size) as f64)
            ));
        }
        Ok(())
    }

    /// A one-line summary of the layers, for a vocabulary of `vocab` characters.
    pub fn architecture(&self, vocab: usize) -> String {
        let bias = |b: bool| if b { "with bias" } else { "no bias" };
        let bn = if self.batchnorm == BatchNorm::Off {
            ""
        } else {
            " + BatchNorm"
        };
        let out_bn = if self.output_bn { " + BatchNorm" } else { "" };
        let act = match self.activation {
            Nonlinearity::Tanh => " + Tanh",
            Nonlinearity::Identity => ", no non-linearity",
        };
        format!(
            "C {vocab}x{}, then {} x [Linear {}{bn}{act}] of {}, then Linear {}{out_bn} to the vocabulary",
            self.n_embd,
            self.n_layers,
            bias(self.hidden_bias),
            self.n_hidden,
            bias(self.output_bias),
        )
    }
}

/// The parameter count of a model of `config`, from its shapes (no weights are made).
fn config_params(c: &ModelConfig) -> usize {
    let fan_in = c.block_size * c.n_embd;
    let bn = if c.batchnorm.is_some() { 2 } else { 0 };
    let mut n = c.vocab_size * c.n_embd;
    let mut n_in = fan_in;
    for _ in 0..c.n_layers {
        n += n_in * c.n_hidden + if c.hidden_bias { c.n_hidden } else { 0 } + bn * c.n_hidden;
        n_in = c.n_hidden;
    }
    n += n_in * c.vocab_size + if c.output_bias { c.vocab_size } else { 0 };
    if c.output_bn {
        n += 2 * c.vocab_size;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Mlp;
    use crate::rng::Rng;

    #[test]
    fn every_knob_reads_back_what_it_writes() {
        for &name in ChapterId::ALL {
            let s = Settings::chapter(name);
            for k in KNOBS {
                let mut t = s.clone();
                k.set(&mut t, &k.get(&s)).unwrap();
                assert_eq!(t, s, "{name}: {}", k.key);
            }
        }
    }

    #[test]
    fn keys_are_unique_and_every_field_is_a_knob() {
        let mut keys: Vec<&str> = KNOBS.iter().map(|k| k.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), KNOBS.len());
        // serde sees the same fields as the table.
        let s = Settings::chapter(ChapterId::Deep);
        let v = serde_json::to_value(&s).unwrap();
        let mut fields: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, keys);
    }

    #[test]
    fn parameter_count_from_shapes_matches_the_model() {
        for &name in ChapterId::ALL {
            let mut s = Settings::chapter(name);
            for (bs, h, l) in [(3, 200, 1), (5, 64, 4), (2, 33, 8)] {
                (s.block_size, s.n_hidden, s.n_layers) = (bs, h, l);
                let cfg = s.model_config(31);
                let m = Mlp::new(&cfg, &mut Rng::new(1));
                assert_eq!(config_params(&cfg), m.n_params(), "{name} {bs} {h} {l}");
            }
        }
    }

    #[test]
    fn every_chapter_passes_and_huge_runs_are_refused_with_the_knobs_to_lower() {
        for &name in ChapterId::ALL {
            Settings::chapter(name).validate(27).unwrap();
        }
        let mut s = Settings::chapter(ChapterId::Deep);
        (s.block_size, s.n_embd, s.n_hidden, s.n_layers, s.batch_size) = (16, 64, 1024, 8, 4096);
        let e = s.validate(27).unwrap_err();
        assert!(e.contains("MB") && e.contains("batch size (4096)"), "{e}");
        s.batch_size = 256;
        let e = s.validate(27).unwrap_err();
        assert!(
            e.contains("GFLOP") && e.contains("hidden units (1024)"),
            "{e}"
        );
        s.n_layers = 1;
        s.n_hidden = 256;
        s.validate(27).unwrap();
    }

    #[test]
    fn bad_text_names_the_knob_and_the_limits() {
        let mut s = Settings::chapter(ChapterId::Deep);
        let e = s.set("n_hidden", "2000").unwrap_err();
        assert!(
            e.contains("hidden units") && e.contains("between 1 and 1024"),
            "{e}"
        );
        let e = s.set("batchnorm", "maybe").unwrap_err();
        assert!(e.contains("off, class, first-cell"), "{e}");
        let e = s.set("lr", "NaN").unwrap_err();
        assert!(e.contains("learning rate"), "{e}");
        assert!(s
            .set("nope", "1")
            .unwrap_err()
            .contains("no setting 'nope'"));
        s.set("schedule_steps", "100000").unwrap();
        s.set("steps", "1000").unwrap();
        assert_eq!(
            s.lr_at(999),
            0.1,
            "held: no decay within the shorter budget"
        );
    }
}
