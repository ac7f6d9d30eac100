//! The settings of a run, typed, and the one table of knobs they come from. `knobs!` declares
//! each knob once (field, type, limits, group, label, help) and writes both the `Settings`
//! struct and `KNOBS`, from which parsing, limits, help text, the page's form and the link's
//! query all come. Adding a knob is one line of `knobs!` plus the code that acts on it
//! (`model_config`, `train_config`).
//!
//! - this file: what a knob is, the enum knobs' choices, and the table (`knobs!`);
//! - `config`: the settings as a chapter writes them and as the model and the trainer read them
//!   (`from_chapter`, `model_config`, `train_config`, the schedule), and as text (`pairs`, `set`,
//!   `diff`, `architecture`);
//! - `limits`: what a run costs, and `validate`, which checks the knobs together (the run's
//!   memory and work per step, so that no settings that pass can stall the worker for long).

mod config;
mod limits;

pub use limits::{Cost, MAX_RUN_BYTES, MAX_STEP_FLOPS};

use crate::named::named_enum;
use crate::session::words::echo;
use serde::{Deserialize, Serialize};

/// The kind of value a knob takes, with its limits.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum KnobKind {
    Int { min: u64, max: u64 },
    Float { min: f64, max: f64 },
    Choice { choices: &'static [&'static str] },
    Bool,
}

/// Where a knob sits in the page's form.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Data,
    Model,
    Init,
    Training,
}

/// One knob: what the page's form shows, and how the value is read and written.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
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
            .map_err(|e| format!("{}: '{}' {e}", self.label, echo(text.trim())))
    }

    /// The knob of a key.
    pub fn find(key: &str) -> Result<&'static Knob, String> {
        KNOBS
            .iter()
            .find(|k| k.key == key)
            .ok_or_else(|| format!("there is no setting '{}'", echo(key)))
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

/// An enum knob: a `named_enum!` whose names are its choices, written and read by them.
macro_rules! choice {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        named_enum! {
            $(#[$m])*
            pub enum $name { $($variant = $text),+ }
        }

        impl KnobValue for $name {
            fn to_text(&self) -> String {
                self.name().to_string()
            }
            fn parse(text: &str, _: &KnobKind) -> Result<Self, String> {
                Self::from_name(text)
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
    batchnorm: BatchNorm = KnobKind::Choice { choices: BatchNorm::NAMES }, Model, "BatchNorm";
    /// tanh, or identity: no non-linearity at all (the stack is one linear map in disguise)
    activation: Nonlinearity = KnobKind::Choice { choices: Nonlinearity::NAMES }, Model, "non-linearity";
    /// a BatchNorm after the last Linear (the deep model); needs BatchNorm on
    output_bn: bool = KnobKind::Bool, Model, "BatchNorm on the output";
    /// a bias in the hidden Linear layers (useless before a BatchNorm)
    hidden_bias: bool = KnobKind::Bool, Model, "hidden bias";
    /// a bias in the output Linear layer
    output_bias: bool = KnobKind::Bool, Model, "output bias";
    /// randn x scale, or kaiming: randn x gain / sqrt(fan_in)
    hidden_init: Init = KnobKind::Choice { choices: Init::NAMES }, Init, "hidden weights init";
    /// the scale (randn) or the gain (kaiming; 5/3 for tanh)
    hidden_init_value: f32 = KnobKind::Float { min: 0.0, max: 100.0 }, Init, "hidden scale or gain";
    /// hidden biases start as randn x this
    hidden_bias_scale: f32 = KnobKind::Float { min: 0.0, max: 100.0 }, Init, "hidden bias scale";
    /// randn x scale, or kaiming: randn x gain / sqrt(fan_in)
    output_init: Init = KnobKind::Choice { choices: Init::NAMES }, Init, "output weights init";
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
    schedule: ScheduleKind = KnobKind::Choice { choices: ScheduleKind::NAMES }, Training, "learning-rate schedule";
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::ChapterId;

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
