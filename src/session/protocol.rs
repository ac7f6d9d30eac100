//! The one language between the page and the worker: every message each way, typed. The wasm
//! glue converts them at the boundary (serde-wasm-bindgen); JavaScript switches over the same
//! `type` tags and reads the same field names (snake_case, as written here). Each type derives
//! its TypeScript (`tsify::Tsify`, in the page's build): the page's scripts are type-checked
//! against it (www/types/protocol.d.ts), so a tag or a field renamed here fails `tsc`. A new
//! message, or a type it carries, needs only `#[cfg_attr(feature = "ts", derive(tsify::Tsify))]`.
//!
//! The page sends what the user typed as text; the worker parses and checks it (one rule, in
//! Rust). The worker sends ready-to-show text and chart specs; the page sets the text and draws
//! the specs with the same wasm module's `draw_chart`.

pub use super::sampling::SamplerAction;
pub use crate::backprop::{ExerciseView, PartView, Verdict, VerdictStatus};
use crate::charts::{ChartId, ChartSpec};
use crate::lesson::prose;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How the page looks, from a link (see `link`).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageOptions {
    /// Presentation mode: the chapter's key charts, large, with its explanation.
    pub present: bool,
    /// Panels and charts hidden from the students (ids of `panels::hideable`).
    pub hidden: Vec<String>,
}

/// Page -> worker. The page writes `{type: 'chapter', name: 'deep'}` like the events; the wasm
/// glue moves the tag and reads serde's external form, `{chapter: {name}}` (see web/worker.rs).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, strum::VariantNames)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
pub enum Request {
    /// Start: the names (an upload's bytes, or none for the default names.txt), `simd`
    /// ("plain" forces the simd128 build) and `threads` (the page's `?threads=`: "1" forces one
    /// thread); both are read by the worker script before the wasm exists (www/simd.js).
    Init {
        #[serde(default, with = "serde_bytes")]
        #[cfg_attr(feature = "ts", tsify(type = "Uint8Array | null"))]
        bytes: Option<Vec<u8>>,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        simd: Option<String>,
        /// The page's query string: a link to a setup (see `link`).
        #[serde(default)]
        link: Option<String>,
        /// The threads the worker's pool was asked for (read by the worker script).
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
    /// A break-it experiment: a chapter with one thing broken on purpose.
    Experiment {
        name: String,
    },
    /// Custom settings as the form's text, knob key -> value.
    Settings {
        values: BTreeMap<String, String>,
    },
    /// The step budget as typed; `hold` keeps the schedule of the current budget (no decay
    /// when the run stops early: the notebook's 1,000-step diagnostic run).
    Budget {
        steps: String,
        #[serde(default)]
        hold: bool,
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
        #[cfg_attr(feature = "ts", tsify(type = "Uint8Array"))]
        bytes: Vec<u8>,
        name: String,
        upload: u32,
    },
    /// The address of the current setup, with the page's options.
    Link {
        page: PageOptions,
    },
    /// What the loss chart's tool row chose: the earlier run drawn beside the current one, in
    /// the loss chart and the diagnostics' charts (None: none), and whether the loss chart shows
    /// only the first `history::HEAD_STEPS` steps (one message for the row: a message more would
    /// take the training builds over their size budget).
    Compare {
        run: Option<u32>,
        first_steps: bool,
    },
    /// A file to take home (answered with `Event::File`).
    Export {
        what: ExportKind,
    },
    /// The step-through sampler: a new name, its next character, or the rest of it.
    Sampler {
        action: SamplerAction,
        temperature: String,
    },
    /// Each character's probability of a typed name under the model.
    Score {
        name: String,
    },
    /// Weights saved by the page (`ExportKind::Weights`): a new run starts from them.
    LoadWeights {
        #[serde(with = "serde_bytes")]
        #[cfg_attr(feature = "ts", tsify(type = "Uint8Array"))]
        bytes: Vec<u8>,
        name: String,
    },
    /// For the end-to-end test of the page's error handling: a Rust panic.
    PanicForTest,
    /// Show the embedding at a position of its path's slider (`None`: the live model); answered
    /// with `Event::Path`.
    PathFrame {
        frame: Option<usize>,
    },
    /// A guess at the run's question `question` (from 0): a number as typed, or a choice.
    Guess {
        question: usize,
        #[serde(default)]
        number: Option<String>,
        #[serde(default)]
        choice: Option<usize>,
    },
    /// Show question `question`'s answer now (the class has guessed aloud), or as soon as the
    /// run shows it.
    Reveal {
        question: usize,
    },
    /// One step, shown in slow motion for a hidden neuron and an example of the batch, as
    /// typed; answered with `Event::Slow`.
    SlowStep {
        neuron: String,
        example: String,
    },
    /// Train at most `per_second` steps a second (a pace a class can follow); None: as fast as
    /// it goes.
    Pace {
        per_second: Option<u32>,
    },
    /// The lecture's exercise E02: fold each BatchNorm into the Linear before it and compare
    /// (answered with a `Topic::Fold` notice; the run's model stays as it is).
    Fold,
    /// Open the backprop sheet with the answers the page kept (exercise id -> text as typed)
    /// and those a teacher's link handed out (`handed`: they fill only the boxes the page has
    /// nothing in); answered with `Event::Sheet`, and a notice of what the link brought.
    SheetOpen {
        answers: BTreeMap<String, String>,
        #[serde(default)]
        handed: BTreeMap<String, String>,
    },
    /// An answer to exercise `id`, as typed: kept and judged (`Event::SheetVerdict`).
    SheetAnswer {
        id: String,
        text: String,
    },
    /// Exercise `id`'s hints up to `level` (1 the shape, 2 the local derivative, 3 the answer).
    SheetHint {
        id: String,
        level: usize,
    },
    /// Exercise 4: `steps` (as typed) with the sheet's answers beside the core's backward pass.
    SheetTrain {
        steps: String,
    },
}

/// Worker -> page.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, strum::VariantNames)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Event {
    /// The trainer is up: the data in use, the wasm build that trains, and the page's options
    /// from the link it was opened with.
    Ready {
        data: DataView,
        kernels: String,
        page: PageOptions,
    },
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
    /// A names file was refused; nothing changed. `message` is the whole sentence (“NAME” was
    /// not loaded: why. ...).
    LoadError {
        message: String,
        name: String,
        upload: u32,
    },
    /// Charts made on request (the step-through sampler, a name's score).
    Charts { charts: Vec<ChartView> },
    Samples {
        samples: Vec<SampleView>,
        line: String,
    },
    /// The runs of the session, newest last, the one drawn for comparison, and the one
    /// "compare with the previous chapter" chooses (`views::previous_chapter`: the newest run of
    /// the chapter before this one), with `previous_note` saying which, or why there is none.
    Runs {
        runs: Vec<RunRow>,
        compare: Option<u32>,
        previous: Option<u32>,
        previous_note: String,
    },
    /// The query string of the current setup (see `link`).
    Link { query: String },
    /// A file for the page to save.
    File {
        name: String,
        mime: String,
        /// A copy in JavaScript's memory (never a view of the wasm's, which may be shared).
        #[serde(with = "serde_bytes")]
        #[cfg_attr(feature = "ts", tsify(type = "Uint8Array<ArrayBuffer>"))]
        bytes: Vec<u8>,
    },
    /// A message for one part of the page.
    Notice {
        message: String,
        level: Level,
        topic: Topic,
    },
    /// The trainer cannot go on (a panic, out of memory).
    Fatal { message: String },
    /// The embedding at the position of its path the page asked for, with the slider's state.
    Path { path: PathView, chart: ChartView },
    /// The run's questions, when anything in them changed (a new run, a guess, an answer).
    Quiz { quiz: QuizView },
    /// A step in slow motion (`Request::SlowStep`).
    Slow { slow: SlowView },
    /// The backprop sheet: its four parts' text, the exercises in the lecture's order with the
    /// verdicts on the kept answers, each verdict's line, exercise 4's default steps.
    Sheet {
        parts: Vec<PartView>,
        exercises: Vec<ExerciseView>,
        lines: Vec<String>,
        steps: String,
    },
    /// An answer judged, with the line the page writes beside it.
    SheetVerdict { verdict: Verdict, line: String },
    /// An exercise's hints so far.
    SheetHints { id: String, hints: Vec<String> },
    /// Exercise 4: steps done of `steps`, the status line, and the two loss curves.
    SheetTraining {
        step: usize,
        steps: usize,
        running: bool,
        line: String,
        level: Level,
        chart: ChartView,
    },
}

/// What a student can take home.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    /// The loss history (thinned), the learning rate and the full-split evaluations, as CSV.
    LossCsv,
    /// The runs table, as CSV.
    RunsCsv,
    /// The last step's per-layer statistics and the update ratios, as CSV.
    DiagnosticsCsv,
    /// The model's weights as `.safetensors`, with the notebook's parameter names.
    Weights,
}

#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Good,
    Warn,
    Bad,
}

/// Which part of the page a notice belongs to (the page shows it there).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Training,
    Settings,
    Sampling,
    Upload,
    Weights,
    /// The step-through sampler and the name scores.
    Sampler,
    /// The run's questions.
    Questions,
    /// One step in slow motion.
    Slow,
    /// BatchNorm folded into the Linear before it (exercise E02).
    Fold,
    /// The backprop sheet.
    Sheet,
}

/// One chart as the page shows it: the caption above, the spec to draw, the text twin below.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChartView {
    pub id: ChartId,
    pub caption: String,
    pub spec: ChartSpec,
    pub lines: Vec<String>,
}

/// The data in use, as text for the page's header: each field fills the element
/// `data-<field>` (underscores as dashes).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
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
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    pub run: u32,
    /// The chapter (preset name) the settings started from.
    pub chapter: String,
    /// The chapter's title, or "custom (from <title>)".
    pub title: String,
    /// The chapter's text; a phrase that names a chart is marked as a link to it
    /// (`lesson::prose`: the page module's `phrases` splits it).
    pub about: String,
    /// The layers and the parameter count.
    pub architecture: String,
    pub seed: String,
    /// Every knob's value as the form shows it.
    pub knobs: BTreeMap<String, String>,
    /// The charts this chapter is about, most important first.
    pub key_charts: Vec<ChartId>,
    /// The break-it experiment this run is, if it is one.
    pub experiment: Option<ExperimentInfo>,
    /// Charts that stay the same for the whole run (the Kaiming demo).
    pub charts: Vec<ChartView>,
}

/// The state of training, as the controls and the status line show it.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
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
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub message: String,
    pub level: Level,
}

/// The charts of the last step.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiagView {
    pub run: u32,
    pub step: usize,
    pub charts: Vec<ChartView>,
    /// The embedding path's slider.
    pub path: PathView,
}

/// The slider under the embedding: its positions are the path's snapshots, the live model last.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathView {
    pub run: u32,
    /// Positions on the slider (at least 1: the live model).
    pub frames: usize,
    /// The position shown (`frames - 1`: live).
    pub frame: usize,
    /// "step 1,200" or "live, step 5,000", next to the slider and as its value text.
    pub step_text: String,
}

/// A break-it experiment as the page lists it (see `experiments`).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExperimentInfo {
    pub name: String,
    pub title: String,
    /// The chapter it breaks (preset name).
    pub chapter: String,
    pub change: String,
    pub symptom: String,
    /// Where it shows.
    pub chart: ChartId,
    /// The chapter that fixes it (its title), and how.
    pub fix: String,
    pub fix_how: String,
    /// All of it as the run's description says it: "CHANGE Look at CHART: SYMPTOM The fix: FIX.
    /// FIX_HOW", CHART marked as a link to the chart (as `RunView::about`).
    pub sentence: String,
}

/// A stretch of a sentence: its words, and the chart they link to (`lesson::prose`). The
/// worker sends a sentence whole, its links marked; the page module splits it into these.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Phrase {
    pub text: String,
    pub chart: Option<ChartId>,
}

impl Phrase {
    /// `text` (marked with `lesson::prose::to`) as its phrases.
    pub fn all(text: &str) -> Vec<Phrase> {
        prose::phrases(text)
            .into_iter()
            .map(|(text, chart)| Phrase { text, chart })
            .collect()
    }
}

/// One run of the session, as a row of the runs table: every cell as text.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRow {
    pub run: u32,
    /// The chapter's title, "custom from …" with what differs, or "break it: …".
    pub setup: String,
    pub seed: String,
    pub params: String,
    /// "3.31 (uniform 3.30)"
    pub first_loss: String,
    /// Of the first hidden layer at the first step: "12.5% saturated, 3 dead"
    pub at_init: String,
    pub steps: String,
    /// "2.135 / 2.183", or "–" before an evaluation.
    pub train_val: String,
    pub time: String,
    pub speed: String,
    /// The guesses at the chapter's questions: "2 of 3 right", or "–".
    pub guesses: String,
}

/// The run's questions (none for a break-it experiment or custom settings).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuizView {
    pub run: u32,
    pub questions: Vec<QuestionView>,
    /// The guesses judged so far, as the runs table says it: "1 of 2 right".
    pub summary: String,
    /// Before the first step: the questions are still to be asked (presentation mode shows them
    /// full screen).
    pub asking: bool,
    /// Before the first step, with a question neither guessed nor answered: the chapter's text
    /// (which may give the answers) waits until the student asks for it.
    pub hold_text: bool,
}

/// One question, where it stands.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionView {
    pub prompt: String,
    /// The answers to pick from (none: a number is typed).
    pub choices: Vec<String>,
    /// Written after a typed number ("%"), or empty.
    pub unit: String,
    /// Where the answer shows: the page writes `line` beside it.
    pub chart: ChartId,
    /// A guess is still taken (the answer is not shown yet).
    pub open: bool,
    /// The guess as the page writes it, once given.
    pub guess: Option<String>,
    /// The run's answer, once shown.
    pub answer: Option<String>,
    /// Whether the guess was right, once both are there.
    pub verdict: Option<bool>,
    /// One line for the chart: "Your guess 25% · the run 63.4%: wrong (right is within ±10
    /// points)."
    pub line: String,
    /// Why, once the answer is shown.
    pub why: Option<String>,
}

/// One step in slow motion: a title and its numbers in backprop's order.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlowView {
    pub run: u32,
    pub title: String,
    pub rows: Vec<SlowRow>,
}

/// A number of the step: what it is, its value (exact), and what it says (may be empty).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlowRow {
    pub what: String,
    pub value: String,
    pub note: String,
}

/// A sampled name.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SampleView {
    pub name: String,
    /// Where it is in the names file: "train", "val" or "new" (`sample::Novelty`; the page
    /// says it in words with `words::novelty_tag`).
    pub novelty: String,
}
