//! The settings as a chapter writes them and as the model and the trainer read them, and as
//! text (every knob's value, a knob set from text, what differs from a chapter, the layers in a
//! line).

use super::{BatchNorm, Init, Knob, Nonlinearity, ScheduleKind, Settings, KNOBS};
use crate::data::Dataset;
use crate::lesson::{Chapter, ChapterId};
use crate::model::{Activation, BnConfig, ModelConfig, WeightInit};
use crate::train::{Schedule, TrainConfig, Trainer};

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

    /// A trainer of these settings on `data`, the settings checked together first.
    pub fn trainer(&self, data: &Dataset) -> Result<Trainer, String> {
        let vocab = data.vocab.size();
        self.validate(vocab)?;
        Trainer::new(data.clone(), self.model_config(vocab), self.train_config())
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
