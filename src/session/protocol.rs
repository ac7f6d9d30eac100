//! The one language between the page and the worker: every message each way, typed. The wasm
//! glue converts them at the boundary (serde-wasm-bindgen); JavaScript switches over the same
//! `type` tags and reads the same field names (snake_case, as written here). A test
//! (tests/protocol.rs) fails when the page's scripts name a tag or a chart that is not here.
//!
//! The page sends what the user typed as text; the worker parses and checks it (one rule, in
//! Rust). The worker sends ready-to-show text and chart specs; the page sets the text and draws
//! the specs with the same wasm module's `draw_chart`.

use crate::charts::ChartSpec;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Page -> worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// Start: the names (an upload's bytes, or none for the default names.txt), `simd`
    /// ("plain" forces the simd128 build) and `threads` (the page's `?threads=`: "1" forces one
    /// thread); both are read by the worker script before the wasm exists (www/simd.js).
    Init {
        #[serde(default, with = "serde_bytes")]
        bytes: Option<Vec<u8>>,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        simd: Option<String>,
        #[serde(default)]
        threads: Option<String>,
    },
    Train,
    Pause,
    /// One mini-batch step while paused.
    Step,
    /// The same run again: same seed, same initial weights.
    Reset,
    NewSeed,
    /// Full-split train/val losses of the current weights.
    Evaluate,
    /// Forget the earlier runs drawn behind the loss.
    ClearRuns,
    /// A chapter of the lesson, with its own settings.
    Chapter {
        name: String,
    },
    /// Custom settings as the form's text, knob key -> value.
    Settings {
        values: BTreeMap<String, String>,
    },
    /// The step budget as typed.
    Budget {
        steps: String,
    },
    /// The learning rate while paused, as typed; `None` goes back to the schedule.
    Lr {
        lr: Option<String>,
    },
    /// `n` names at `temperature`, as typed.
    Sample {
        n: String,
        temperature: String,
    },
    /// A names file; `upload` tags the reply, so two uploads in flight cannot be confused.
    Load {
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
        name: String,
        upload: u32,
    },
    /// For the end-to-end test of the page's error handling: a Rust panic.
    PanicForTest,
}

/// Worker -> page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The trainer is up: the data in use and the wasm build that trains.
    Ready { data: DataView, kernels: String },
    /// A new run began (reset, seed, chapter, settings, data).
    Run { run: RunView },
    /// Step, speed, controls, and the charts that follow every step.
    Progress { progress: ProgressView },
    /// The charts of the last step's activations and gradients (a few times a second).
    Diag { diag: DiagView },
    /// A names file was loaded (and a new run began).
    Data {
        data: DataView,
        name: String,
        upload: u32,
    },
    /// A names file was refused; nothing changed.
    LoadError {
        message: String,
        name: String,
        upload: u32,
    },
    Samples {
        samples: Vec<SampleView>,
        line: String,
    },
    /// A message for one part of the page.
    Notice {
        message: String,
        level: Level,
        topic: Topic,
    },
    /// The trainer cannot go on (a panic, out of memory).
    Fatal { message: String },
}

impl Event {
    /// The `type` tag of every event, in declaration order (the page handles each).
    pub const TAGS: &'static [&'static str] = &[
        "ready",
        "run",
        "progress",
        "diag",
        "data",
        "load_error",
        "samples",
        "notice",
        "fatal",
    ];
}

impl Request {
    /// The `type` tag of every request.
    pub const TAGS: &'static [&'static str] = &[
        "init",
        "train",
        "pause",
        "step",
        "reset",
        "new_seed",
        "evaluate",
        "clear_runs",
        "chapter",
        "settings",
        "budget",
        "lr",
        "sample",
        "load",
        "panic_for_test",
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Good,
    Warn,
    Bad,
}

/// Which part of the page a notice belongs to (the page shows it there).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Training,
    Settings,
    Sampling,
    Upload,
}

/// The page's charts, by the `data-chart` name of their figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartId {
    Loss,
    Lr,
    Embedding,
    Preact,
    Map,
    Ratios,
    Acts,
    Grads,
    Kaiming,
}

impl ChartId {
    pub const ALL: [ChartId; 9] = [
        ChartId::Loss,
        ChartId::Lr,
        ChartId::Embedding,
        ChartId::Preact,
        ChartId::Map,
        ChartId::Ratios,
        ChartId::Acts,
        ChartId::Grads,
        ChartId::Kaiming,
    ];

    /// The name in `data-chart` (and in the page's scripts).
    pub fn name(self) -> &'static str {
        match self {
            ChartId::Loss => "loss",
            ChartId::Lr => "lr",
            ChartId::Embedding => "embedding",
            ChartId::Preact => "preact",
            ChartId::Map => "map",
            ChartId::Ratios => "ratios",
            ChartId::Acts => "acts",
            ChartId::Grads => "grads",
            ChartId::Kaiming => "kaiming",
        }
    }
}

/// One chart as the page shows it: the caption above, the spec to draw, the text twin below.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChartView {
    pub id: ChartId,
    pub caption: String,
    pub spec: ChartSpec,
    pub lines: Vec<String>,
}

/// The data in use, as text for the page's header: each field fills the element
/// `data-<field>` (underscores as dashes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataView {
    pub source: String,
    pub names: String,
    pub vocab_size: String,
    pub vocab: String,
    pub train: String,
    pub val: String,
    pub preview: String,
    /// The tooltip of the numbers: names per split, context length.
    pub detail: String,
}

/// A new run, as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    pub run: u32,
    /// The chapter (preset name) the settings started from.
    pub chapter: String,
    /// The chapter's title, or "custom (from <title>)".
    pub title: String,
    pub about: String,
    /// The layers and the parameter count.
    pub architecture: String,
    pub seed: String,
    /// Every knob's value as the form shows it.
    pub knobs: BTreeMap<String, String>,
    /// The charts this chapter is about, most important first.
    pub key_charts: Vec<ChartId>,
    /// Charts that stay the same for the whole run (the Kaiming demo).
    pub charts: Vec<ChartView>,
}

/// The state of training, as the controls and the status line show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressView {
    pub run: u32,
    pub step: usize,
    pub steps: usize,
    pub running: bool,
    pub finished: bool,
    pub evaluating: bool,
    /// The run's first mini-batch loss, once there is one (the lesson's "first loss").
    pub first_loss: Option<f32>,
    /// "step 1,234 of 10,000"
    pub step_text: String,
    /// "5,310 it/s" while training
    pub speed_text: String,
    /// "2 min 5 s left", or the evaluation's progress
    pub eta_text: String,
    /// The learning rate of the next step, as the lr field shows it.
    pub lr_text: String,
    /// The user's rate replaces the schedule.
    pub lr_override: bool,
    pub lr_note: String,
    /// The budget field's value.
    pub budget_text: String,
    /// Why training stopped on its own since the last progress (finished, diverged).
    pub stopped: Option<Notice>,
    /// The charts that follow every step (loss, update ratios, the LR finder), when new.
    pub charts: Vec<ChartView>,
}

/// A message with its level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub message: String,
    pub level: Level,
}

/// The charts of the last step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiagView {
    pub run: u32,
    pub step: usize,
    pub charts: Vec<ChartView>,
}

/// A sampled name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SampleView {
    pub name: String,
    /// "new", "in train" or "in val".
    pub novelty: String,
}
