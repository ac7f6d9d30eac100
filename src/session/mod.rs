//! The lab session: everything the page's worker holds, with no web types, so it is tested
//! natively. Its rooms:
//!
//! - `settings`: the typed settings of a run and the one table of knobs;
//! - `protocol`: every message between the page and the worker;
//! - `lab`: the worker's loop as plain Rust: a request in, events out, time slices of work;
//! - `views`: what the page shows (text and chart specs) made from the session's numbers;
//! - `history`: the run's loss, rates and ratios at bounded resolution;
//! - `embedding_path`: snapshots of the embedding over the run, for the page's slider;
//! - `rollback`: what puts a step back when its loss shows the previous update blew up;
//!
//! Every number the page shows is written by `crate::format`.
//!
//! `Session` itself is the lab's state machine: the names and their `Dataset`, the settings of
//! the current run (a chapter of the lesson, maybe changed knob by knob), the `Trainer`, a
//! sampling `Rng` of its own (sampling never changes the training run), the `Seen` sets that mark
//! samples new or seen, the run's `History`, and the earlier runs kept for comparison.
//!
//! The data split does not depend on the run's seed (it uses `data::SPLIT_SEED`), so runs with
//! other seeds or settings are compared on the same validation names.

pub mod embedding_path;
pub mod export;
pub mod history;
pub mod lab;
pub mod link;
pub mod path_view;
pub mod picked;
pub mod protocol;
pub mod settings;
pub mod views;

use crate::data::{parse_names, Dataset, MAX_NAME_CHARS, SPLIT_SEED};
use crate::diagnostics::{self, FirstLayer, LayerDiag};
use crate::format;
use crate::lesson::{ChapterId, ExperimentId};
use crate::pool::Par;
use crate::rng::{self, Rng};
use crate::sample::{self, NameScore, Sample, Seen, Stepper};
use crate::train::{DivergeCause, Split, StepError, Trainer, EXPLODE_FACTOR};
use embedding_path::EmbeddingPath;
use history::{History, StepRecord, Thinned};
use protocol::SamplerAction;
use protocol::{Level, Notice};
pub use settings::Settings;
use std::collections::VecDeque;

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
/// The highest sampling temperature.
pub const MAX_TEMPERATURE: f32 = 10.0;
/// Update:data ratios are taken every this many steps: computing them costs about a tenth of a
/// step, so every step would slow training down.
pub const RATIO_EVERY: usize = 10;
/// Earlier runs kept for comparison.
pub const MAX_EARLIER_RUNS: usize = 20;
/// The sampling stream is the run's seed mixed with this, so it never touches the training stream.
const SAMPLE_SALT: u64 = 0x5A3D_1E55;

/// A full-split evaluation: the notebook's `split_loss('train')` and `split_loss('val')`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvalPoint {
    pub step: usize,
    pub train: f32,
    pub val: f32,
    /// A BatchNorm model's val loss in train mode (each batch of the run's size normalised by
    /// its own statistics, as training sees it); `val` is eval mode (the running statistics).
    pub val_train_mode: Option<f32>,
}

#[derive(Clone, Debug)]
struct EvalJob {
    split: Split,
    pos: usize,
    sum: f64,
    train: f32,
    /// The last pass, BatchNorm models only: the val split again in train mode.
    train_mode: bool,
    val: f32,
}

/// The first hidden layer's histograms and saturation map, the map cut to `MAP_MAX_ROWS` rows.
#[derive(Clone, Debug, PartialEq)]
pub struct FirstLayerView {
    pub layer: FirstLayer,
    /// Rows shown (the first examples of the batch) and the batch size.
    pub rows: usize,
    pub batch: usize,
    /// Each shown row's context characters, e.g. "emm".
    pub contexts: Vec<String>,
}

/// Stats from the buffers of the last training step (cached: sampling and evaluation overwrite
/// the layers' outputs).
#[derive(Clone, Debug, PartialEq)]
pub struct StepDiag {
    /// The steps done when these numbers were taken (0: none yet).
    pub step: usize,
    pub first: Option<FirstLayerView>,
    pub layers: Vec<LayerDiag>,
}

/// What a run was started from: a chapter of the lesson, or a break-it experiment on one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setup {
    Chapter(ChapterId),
    Experiment(ExperimentId),
}

impl Setup {
    /// A chapter by its name (as the page and links write it).
    pub fn chapter_named(name: &str) -> Result<Setup, String> {
        ChapterId::from_name(name)
            .map(Setup::Chapter)
            .ok_or_else(|| format!("there is no chapter '{name}'"))
    }

    /// A break-it experiment by its name.
    pub fn experiment_named(name: &str) -> Result<Setup, String> {
        ExperimentId::from_name(name)
            .map(Setup::Experiment)
            .ok_or_else(|| format!("there is no experiment '{name}'"))
    }

    /// The settings the setup starts with.
    pub fn settings(&self) -> Settings {
        match *self {
            Setup::Chapter(id) => Settings::chapter(id),
            Setup::Experiment(id) => {
                let (chapter, e) = id.find();
                Settings::from_chapter(&chapter.broken_by(&e))
            }
        }
    }

    /// The chapter: the chapter itself, or the one the experiment breaks.
    pub fn chapter(&self) -> ChapterId {
        match *self {
            Setup::Chapter(id) => id,
            Setup::Experiment(id) => id.find().0.id,
        }
    }

    /// "6. Kaiming init" or "break it: weights x10 at init".
    pub fn title(&self) -> String {
        match *self {
            Setup::Chapter(id) => id.chapter().title.into(),
            Setup::Experiment(id) => format!("break it: {}", id.find().1.title),
        }
    }
}

/// A run of the session, as the runs table and the comparisons show it. The current run's is
/// made when asked (`Session::record`); earlier runs keep theirs, their loss thinned.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    pub run: u32,
    /// "run 3: 6. Kaiming init, seed 42", for legends.
    pub label: String,
    /// The setup and what differs from it: "custom from 6. Kaiming init: n_hidden=64".
    pub setup: String,
    pub seed: u64,
    pub params: usize,
    pub first_loss: Option<f32>,
    /// -ln(1/vocab).
    pub uniform: f32,
    /// The first hidden layer at the first step: (fraction saturated, dead neurons, neurons).
    pub at_init: Option<(f32, usize, usize)>,
    pub steps: usize,
    pub last_eval: Option<EvalPoint>,
    /// Milliseconds spent training.
    pub train_ms: f64,
    pub loss: Thinned,
    /// The diagnostics of its first and of its last step.
    pub init: Option<StepDiag>,
    pub last: Option<StepDiag>,
}

pub struct Session {
    words: Vec<String>,
    source: String,
    data: Dataset,
    seen: Seen,
    /// What the settings started from, and whether a knob differs from it.
    setup: Setup,
    custom: bool,
    settings: Settings,
    trainer: Trainer,
    /// The threads every run's steps are split across (one unless `set_par`).
    par: Par,
    sample_rng: Rng,
    run: u32,
    lr_override: Option<f32>,
    running: bool,
    eval: Option<EvalJob>,
    evals: Vec<EvalPoint>,
    ratio_labels: Vec<String>,
    history: History,
    runs: VecDeque<RunRecord>,
    /// The earlier run drawn beside the current one.
    compare: Option<u32>,
    /// The current run's time spent training, and its first step's diagnostics.
    train_ms: f64,
    init_diag: Option<StepDiag>,
    /// How often each character occurs in the names (for the embedding's labels).
    char_counts: Vec<u32>,
    /// The step-through sampler's name in progress.
    stepper: Option<Stepper>,
    stopped: Option<Notice>,
    /// The layers' buffers hold the last training step (no sample or eval since).
    fresh: bool,
    step_diag: Option<StepDiag>,
    /// The run's embedding snapshots (made at its first step), and the step the page's slider
    /// chose (`None`: the live model).
    path: Option<EmbeddingPath>,
    path_at: Option<usize>,
}

impl Session {
    /// A session on a names file, at the first chapter.
    pub fn new(bytes: &[u8], source: &str) -> Result<Session, String> {
        let words = parse_names(bytes).map_err(|e| e.to_string())?;
        Session::from_words(words, source, ChapterId::FIRST)
    }

    /// A session on checked names, at a chapter.
    pub fn from_words(
        words: Vec<String>,
        source: &str,
        chapter: ChapterId,
    ) -> Result<Session, String> {
        let settings = Settings::chapter(chapter);
        let data = Dataset::new(&words, settings.block_size, SPLIT_SEED);
        settings.validate(data.vocab.size())?;
        let trainer = Trainer::new(
            data.clone(),
            settings.model_config(data.vocab.size()),
            settings.train_config(),
        )?;
        let seen = Seen::new(&data.train_words, &data.val_words);
        let mut s = Session {
            words,
            source: source.to_string(),
            data,
            seen,
            setup: Setup::Chapter(chapter),
            custom: false,
            sample_rng: Rng::new(settings.seed ^ SAMPLE_SALT),
            settings,
            trainer,
            par: Par::single(),
            run: 0,
            lr_override: None,
            running: false,
            eval: None,
            evals: Vec::new(),
            ratio_labels: Vec::new(),
            history: History::new(0, RATIO_EVERY, 0),
            runs: VecDeque::new(),
            compare: None,
            train_ms: 0.0,
            init_diag: None,
            char_counts: Vec::new(),
            stepper: None,
            stopped: None,
            fresh: false,
            step_diag: None,
            path: None,
            path_at: None,
        };
        s.char_counts = s.data.vocab.counts(&s.words);
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
        let sweep_steps = self.settings.sweep().map_or(0, |(n, _, _)| n);
        self.history = History::new(self.ratio_labels.len(), RATIO_EVERY, sweep_steps);
        self.stopped = None;
        self.fresh = false;
        self.step_diag = None;
        self.train_ms = 0.0;
        self.init_diag = None;
        self.stepper = None;
        self.path = None;
        self.path_at = None;
    }

    /// The current run as a record, its loss thinned to `points` (without its last step's
    /// diagnostics, which only `keep_run` takes).
    pub fn record(&self, points: usize) -> RunRecord {
        let at_init = self.init_diag.as_ref().and_then(|d| {
            d.first
                .as_ref()
                .map(|f| (f.layer.act.saturated, f.layer.map.dead, f.layer.map.cols))
        });
        let diff: Vec<String> = self
            .settings
            .diff(&self.setup.settings())
            .into_iter()
            .filter(|(k, _)| !["steps", "seed", "schedule_steps"].contains(k))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let setup = if diff.is_empty() {
            self.setup.title()
        } else {
            format!("custom from {}: {}", self.setup.title(), diff.join(", "))
        };
        RunRecord {
            run: self.run,
            label: format!(
                "run {}: {}, seed {}",
                self.run,
                self.short_title(),
                self.settings.seed
            ),
            setup,
            seed: self.settings.seed,
            params: self.trainer.model.n_params(),
            first_loss: self.history.first_loss,
            uniform: self.uniform_loss(),
            at_init,
            steps: self.trainer.step,
            last_eval: self.evals.last().copied(),
            train_ms: self.train_ms,
            loss: self.history.loss_series().thinned_to(points),
            init: self.init_diag.clone(),
            // Only a kept run needs its last step's diagnostics (`keep_run`): the runs table,
            // asked for at every report, does not.
            last: None,
        }
    }

    /// Keeps the run that ends (if it took a step) among the earlier runs.
    fn keep_run(&mut self) {
        if self.history.steps() == 0 {
            return;
        }
        let mut r = self.record(history::EARLIER_POINTS);
        r.last = Some(self.step_diag());
        self.runs.push_back(r);
        while self.runs.len() > MAX_EARLIER_RUNS {
            self.runs.pop_front();
        }
        if self
            .compare
            .is_some_and(|c| !self.runs.iter().any(|r| r.run == c))
        {
            self.compare = None;
        }
    }

    /// Adds time spent training to the current run.
    pub fn note_train_ms(&mut self, ms: f64) {
        self.train_ms += ms.max(0.0);
    }

    /// Splits this run's steps and every later run's across `par`'s threads (the results are
    /// the same bit for bit).
    pub fn set_par(&mut self, par: Par) {
        self.trainer.model.par = par.clone();
        self.par = par;
    }

    /// Replaces the trainer with a new run of `settings` on `data`; on error nothing changes.
    fn new_run(
        &mut self,
        setup: Setup,
        settings: Settings,
        data: Option<Dataset>,
    ) -> Result<(), String> {
        let data = match data {
            Some(d) => d,
            None if settings.block_size != self.data.train.block_size => {
                settings.fits_data(crate::data::count_examples(&self.words))?;
                Dataset::new(&self.words, settings.block_size, SPLIT_SEED)
            }
            None => self.data.clone(),
        };
        settings.validate(data.vocab.size())?;
        let trainer = Trainer::new(
            data.clone(),
            settings.model_config(data.vocab.size()),
            settings.train_config(),
        )?;
        if data.train_words != self.data.train_words || data.val_words != self.data.val_words {
            self.seen = Seen::new(&data.train_words, &data.val_words);
        }
        let mut base = setup.settings();
        self.keep_run();
        (base.steps, base.seed, base.schedule_steps) =
            (settings.steps, settings.seed, settings.schedule_steps);
        self.custom = settings != base;
        self.setup = setup;
        self.data = data;
        self.trainer = trainer;
        self.trainer.model.par = self.par.clone();
        self.settings = settings;
        self.begin_run();
        Ok(())
    }

    /// Replaces the names with a file's (checked by `parse_names`); the model starts again with
    /// the same settings. On any error the session is unchanged.
    pub fn load_names(&mut self, bytes: &[u8], source: &str) -> Result<(), String> {
        let words = parse_names(bytes).map_err(|e| e.to_string())?;
        self.settings
            .fits_data(crate::data::count_examples(&words))?;
        let data = Dataset::new(&words, self.settings.block_size, SPLIT_SEED);
        let old_words = std::mem::replace(&mut self.words, words);
        if let Err(e) = self.new_run(self.setup, self.settings.clone(), Some(data)) {
            self.words = old_words;
            return Err(e);
        }
        self.char_counts = self.data.vocab.counts(&self.words);
        self.seen = Seen::new(&self.data.train_words, &self.data.val_words);
        self.source = source.to_string();
        Ok(())
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn data(&self) -> &Dataset {
        &self.data
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The chapter of the setup.
    pub fn chapter(&self) -> ChapterId {
        self.setup.chapter()
    }

    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    /// How often each vocabulary character occurs in the names.
    pub fn char_counts(&self) -> &[u32] {
        &self.char_counts
    }

    pub fn is_custom(&self) -> bool {
        self.custom
    }

    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    /// The runs before the current one (at most `MAX_EARLIER_RUNS`), oldest first.
    pub fn earlier_runs(&self) -> &VecDeque<RunRecord> {
        &self.runs
    }

    /// Forgets the earlier runs.
    pub fn clear_earlier(&mut self) {
        self.runs.clear();
        self.compare = None;
    }

    /// The earlier run drawn beside the current one.
    pub fn compare(&self) -> Option<&RunRecord> {
        self.compare
            .and_then(|c| self.runs.iter().find(|r| r.run == c))
    }

    /// Chooses the earlier run to draw beside the current one (None: none).
    pub fn set_compare(&mut self, run: Option<u32>) -> Result<(), String> {
        if let Some(r) = run {
            if !self.runs.iter().any(|x| x.run == r) {
                return Err(format!("there is no earlier run {r} to compare with"));
            }
        }
        self.compare = run;
        Ok(())
    }

    pub fn ratio_labels(&self) -> &[String] {
        &self.ratio_labels
    }

    pub fn run(&self) -> u32 {
        self.run
    }

    /// The setup's title, or "custom (from <title>)".
    pub fn title(&self) -> String {
        let t = self.setup.title();
        if self.custom {
            format!("custom (from {t})")
        } else {
            t
        }
    }

    /// "6. Kaiming init" or "custom from 6. Kaiming init", short enough for a legend.
    pub fn short_title(&self) -> String {
        let t = self.setup.title();
        if self.custom {
            format!("custom from {t}")
        } else {
            t
        }
    }

    /// Starts a chapter of the lesson with its own settings.
    pub fn choose_chapter(&mut self, name: &str) -> Result<(), String> {
        self.choose(Setup::chapter_named(name)?)
    }

    /// Starts a break-it experiment (see `experiments`).
    pub fn choose_experiment(&mut self, name: &str) -> Result<(), String> {
        self.choose(Setup::experiment_named(name)?)
    }

    /// Starts a chapter or an experiment with its own settings.
    pub fn choose(&mut self, setup: Setup) -> Result<(), String> {
        self.new_run(setup, setup.settings(), None)
    }

    /// Custom settings: the current ones with each (knob, text) set; marked custom when they
    /// differ from the chapter's (other than the budget and the seed). On error nothing changes.
    pub fn apply_settings<'a>(
        &mut self,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(), String> {
        let mut s = self.settings.clone();
        for (k, v) in pairs {
            s.set(k, v)?;
        }
        self.new_run(self.setup, s, None)
    }

    /// A new run of the current settings that starts from saved weights (`ExportKind::Weights`
    /// of the same vocabulary and shape). On any error nothing changes.
    pub fn load_weights(&mut self, bytes: &[u8]) -> Result<(), String> {
        let config = self.settings.model_config(self.data.vocab.size());
        let loaded = crate::export::weights::from_safetensors(bytes, &self.data.vocab, &config)?;
        self.reset()?;
        crate::export::weights::load_into(&mut self.trainer.model, &loaded);
        Ok(())
    }

    /// Starts the run again with the same seed: the same initial weights and batches.
    pub fn reset(&mut self) -> Result<(), String> {
        self.new_run(self.setup, self.settings.clone(), None)
    }

    /// Starts again with a seed from the platform's entropy source; returns it.
    pub fn new_seed(&mut self) -> Result<u64, String> {
        let mut seed = rng::random_seed();
        if seed == self.settings.seed {
            seed = seed.wrapping_add(1);
        }
        let s = Settings {
            seed,
            ..self.settings.clone()
        };
        self.new_run(self.setup, s, None)?;
        Ok(seed)
    }

    /// Changes the step budget of the current run, as typed (the `steps` knob's rule). The
    /// schedule stretches with it, unless `hold`: then it stays laid over the steps it is laid
    /// over now, so a shorter budget stops early with no decay (the notebook's 1,000-step
    /// diagnostic run at a constant 0.1).
    pub fn set_steps(&mut self, text: &str, hold: bool) -> Result<(), String> {
        let mut s = self.settings.clone();
        if hold && s.schedule_steps == 0 {
            s.schedule_steps = s.schedule_horizon();
        }
        s.set("steps", text)?;
        if s.steps < self.trainer.step {
            return Err(format!(
                "the run has already done {} steps; reset it for a smaller budget",
                format::count(self.trainer.step)
            ));
        }
        self.trainer.train.steps = s.steps;
        self.settings = s;
        Ok(())
    }

    /// The learning rate of the next step: the user's (set while paused) or the schedule's.
    pub fn lr(&self) -> f32 {
        self.lr_override
            .unwrap_or_else(|| self.settings.lr_at(self.trainer.step))
    }

    pub fn lr_override(&self) -> Option<f32> {
        self.lr_override
    }

    /// Sets (or, with None, clears) the learning rate while paused, as typed; the weights stay.
    pub fn set_lr(&mut self, text: Option<&str>) -> Result<(), String> {
        if self.running {
            return Err("pause training to change the learning rate".into());
        }
        self.lr_override = match text {
            None => None,
            Some(t) => {
                let x: f32 = t.trim().parse().unwrap_or(f32::NAN);
                if !(x.is_finite() && x > 0.0) {
                    return Err(format!(
                        "the learning rate must be a number above 0, not “{}”",
                        t.trim()
                    ));
                }
                Some(x)
            }
        };
        Ok(())
    }

    pub fn start(&mut self) -> Result<(), String> {
        if self.trainer.finished() {
            return Err(format!(
                "the run has done all its {} steps; raise the step budget or reset",
                format::count(self.trainer.train.steps)
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

    pub(crate) fn uniform_loss(&self) -> f32 {
        (self.data.vocab.size() as f32).ln()
    }

    /// One step at the current learning rate, recorded like the others. A NaN/inf loss or an
    /// exploded one (`train::EXPLODE_FACTOR` times the run's start: its first loss, or
    /// -ln(1/vocab) if that is higher) stops with `StepError::Diverged` before its own update,
    /// and puts back the weights from before the update that did the damage. With this core
    /// the loss stays finite (a log-sum-exp), so a rate of 100 gives losses in the thousands
    /// rather than NaN; the limit is what catches it.
    fn one_step(&mut self) -> Result<f32, StepError> {
        let lr = self.lr();
        let start = self
            .history
            .first_loss
            .map_or(f32::INFINITY, |l| l.max(self.uniform_loss()));
        if self.path.is_none() {
            self.observe_path();
        }
        let result = self.trainer.step_guarded(Some(lr), EXPLODE_FACTOR * start);
        // The session keeps its own bounded history; the trainer's per-step lists would grow.
        self.trainer.losses.clear();
        self.trainer.lrs.clear();
        match result {
            Ok(loss) => {
                self.fresh = true;
                let step = self.trainer.step - 1;
                let ratios = step.is_multiple_of(RATIO_EVERY).then(|| {
                    self.trainer
                        .model
                        .params()
                        .iter()
                        .filter(|p| p.shape.len() == 2)
                        .map(|p| diagnostics::update_ratio(lr, &p.grad, &p.data))
                        .collect()
                });
                self.history.push(StepRecord { loss, lr, ratios });
                self.observe_path();
                if self.trainer.step == 1 {
                    self.init_diag = Some(self.compute_step_diag());
                }
                Ok(loss)
            }
            Err(StepError::Diverged {
                step,
                lr: _,
                loss,
                cause: cause @ (DivergeCause::NonFiniteLoss | DivergeCause::Exploded { .. }),
            }) if step > 0 => {
                // The loss was computed with the weights of the previous update, and this
                // step's update was not made: undo the previous one.
                let culprit = self.history.newest().map_or(lr, |r| r.lr);
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

    /// After a step that stopped before its update: puts back the weights and BatchNorm
    /// running statistics from before the previous step (`Mlp::undo_sgd_step`, exact) and
    /// forgets that step. The stopped step itself changed nothing.
    fn rollback(&mut self) {
        let t = &mut self.trainer;
        if self.history.newest().is_some() && t.model.undo_sgd_step() {
            t.step -= 1;
            self.history.drop_newest();
            if let Some(p) = &mut self.path {
                p.forget_after(t.step);
            }
        }
    }

    fn on_step_error(&mut self, e: StepError) {
        self.running = false;
        match e {
            StepError::Diverged {
                step,
                lr,
                loss,
                ref cause,
            } => {
                // The layers hold the diverged batch, not a step that happened.
                self.fresh = false;
                let kept = self.trainer.step;
                let rolled_back = kept < step;
                let message = if matches!(cause, DivergeCause::ZeroSpread { .. }) {
                    e.to_string()
                } else if loss.is_finite() && rolled_back {
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
                };
                self.stopped = Some(Notice {
                    message,
                    level: Level::Bad,
                });
            }
            StepError::Finished => self.finish(),
        }
    }

    fn finish(&mut self) {
        self.running = false;
        self.stopped = Some(Notice {
            message: format!("finished: {} steps done", format::count(self.trainer.step)),
            level: Level::Good,
        });
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
            Err(StepError::Finished) => Err(format!(
                "the run has done all its {} steps; raise the step budget or reset",
                format::count(self.trainer.train.steps)
            )),
            Err(e) => {
                let msg = e.to_string();
                self.on_step_error(e);
                Err(self.stopped.take().map_or(msg, |n| n.message))
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
                train_mode: false,
                val: f32::NAN,
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
        let model = &mut self.trainer.model;
        let loss = if job.train_mode {
            diagnostics::train_mode_loss(model, x, y, self.trainer.train.batch_size)
        } else {
            model.eval_loss(x, y, EVAL_PIECE)
        };
        job.sum += loss as f64 * (end - job.pos) as f64;
        job.pos = end;
        if end < n {
            return;
        }
        let mean = (job.sum / n.max(1) as f64) as f32;
        let batchnorm = model.config.batchnorm.is_some();
        match job.split {
            Split::Train => {
                *job = EvalJob {
                    split: Split::Val,
                    pos: 0,
                    sum: 0.0,
                    train: mean,
                    train_mode: false,
                    val: f32::NAN,
                };
            }
            Split::Val if batchnorm && !job.train_mode => {
                *job = EvalJob {
                    pos: 0,
                    sum: 0.0,
                    train_mode: true,
                    val: mean,
                    ..*job
                };
            }
            Split::Val => {
                let (val, val_train_mode) = if job.train_mode {
                    (job.val, Some(mean))
                } else {
                    (mean, None)
                };
                let point = EvalPoint {
                    step: self.trainer.step,
                    train: job.train,
                    val,
                    val_train_mode,
                };
                self.evals.retain(|e| e.step != point.step);
                self.evals.push(point);
                self.eval = None;
            }
        }
    }

    pub fn evals(&self) -> &[EvalPoint] {
        &self.evals
    }

    /// Fraction done of a pending evaluation.
    pub fn eval_progress(&self) -> Option<f32> {
        self.eval.as_ref().map(|j| {
            let (nt, nv) = (self.data.train.len(), self.data.val.len());
            // A BatchNorm model's val split is read twice (eval mode, then train mode).
            let passes = if self.trainer.model.config.batchnorm.is_some() {
                2
            } else {
                1
            };
            let done = match (j.split, j.train_mode) {
                (Split::Train, _) => j.pos,
                (Split::Val, false) => nt + j.pos,
                (Split::Val, true) => nt + nv + j.pos,
            };
            done as f32 / (nt + passes * nv).max(1) as f32
        })
    }

    /// Names from the current model as typed (how many, temperature), marked new / in train /
    /// in val. Uses the session's own stream, so it never changes the training run.
    pub fn sample(&mut self, n: &str, temperature: &str) -> Result<Vec<Sample>, String> {
        let n: usize = n.trim().parse().unwrap_or(0);
        if n == 0 || n > MAX_SAMPLES {
            return Err(format!("ask for 1 to {MAX_SAMPLES} names"));
        }
        let t = parse_temperature(temperature)?;
        self.keep_step_diag();
        Ok(sample::sample(
            &mut self.trainer.model,
            &self.data.vocab,
            &self.seen,
            &mut self.sample_rng,
            n,
            t,
            MAX_NAME_CHARS,
        ))
    }

    /// The step-through sampler: a new name, one more character, or the rest of the name, at
    /// a temperature as typed. Uses the session's own stream, as `sample` does.
    pub fn sampler(&mut self, action: SamplerAction, temperature: &str) -> Result<(), String> {
        let t = parse_temperature(temperature)?;
        self.keep_step_diag();
        let block = self.settings.block_size;
        let fresh = || Stepper::new(block, t, MAX_NAME_CHARS);
        let stepper = match (action, self.stepper.take()) {
            (SamplerAction::New, _) | (_, None) => fresh(),
            (_, Some(s)) if s.done => fresh(),
            (_, Some(mut s)) => {
                s.temperature = t;
                s
            }
        };
        let stepper = self.stepper.insert(stepper);
        let (model, vocab, rng) = (
            &mut self.trainer.model,
            &self.data.vocab,
            &mut self.sample_rng,
        );
        match action {
            SamplerAction::New => {}
            SamplerAction::Next => {
                stepper.step(model, vocab, rng);
            }
            SamplerAction::Finish => while stepper.step(model, vocab, rng).is_some() {},
        }
        Ok(())
    }

    /// The step-through sampler's name in progress.
    pub fn stepper(&self) -> Option<&Stepper> {
        self.stepper.as_ref()
    }

    /// Each character's probability of a typed name, and its loss.
    pub fn score(&mut self, name: &str) -> Result<NameScore, String> {
        self.keep_step_diag();
        sample::score_name(&mut self.trainer.model, &self.data.vocab, name.trim())
    }

    /// Why training stopped on its own since the last call.
    pub fn take_stopped(&mut self) -> Option<Notice> {
        self.stopped.take()
    }

    fn compute_step_diag(&self) -> StepDiag {
        let m = &self.trainer.model;
        let th = self.settings.saturation_threshold;
        let batch = self.trainer.train.batch_size;
        let first = diagnostics::first_layer(m, batch, th, HIST_BINS).map(|mut f| {
            let rows = batch.min(MAP_MAX_ROWS);
            let cols = f.map.cols;
            f.map.cells.truncate(rows * cols);
            f.map.rows = rows;
            let (xb, _) = self.trainer.last_batch();
            let itos = &self.data.vocab.itos;
            let contexts = xb
                .chunks(self.settings.block_size.max(1))
                .take(rows)
                .map(|ctx| ctx.iter().map(|&i| itos[i as usize]).collect())
                .collect();
            FirstLayerView {
                layer: f,
                rows,
                batch,
                contexts,
            }
        });
        StepDiag {
            step: self.trainer.step,
            first,
            layers: diagnostics::layer_diagnostics(m, th, HIST_BINS),
        }
    }

    /// The diagnostics of the last training step (histograms, saturation map, per-layer stats).
    pub fn step_diag(&mut self) -> StepDiag {
        self.keep_step_diag();
        self.step_diag.clone().unwrap_or(StepDiag {
            step: 0,
            first: None,
            layers: Vec::new(),
        })
    }

    /// Takes a snapshot of the embedding for the path when one is due (the path of a run is
    /// made at its first step, after any weights were loaded).
    fn observe_path(&mut self) {
        let c = &self.trainer.model.emb.weight;
        let counts = &self.char_counts;
        self.path
            .get_or_insert_with(|| EmbeddingPath::for_run(counts, c.shape[0], c.shape[1]))
            .observe(self.trainer.step, &c.data);
    }

    /// The run's embedding snapshots (none before its first step).
    pub fn embedding_path(&self) -> Option<&EmbeddingPath> {
        self.path.as_ref()
    }

    /// The step whose snapshot the embedding chart shows (`None`: the live model).
    pub fn path_at(&self) -> Option<usize> {
        self.path_at
    }

    /// Shows the snapshot at a position of the path's slider (see `EmbeddingPath::steps`); the
    /// last position, or `None`, is the live model. The choice is kept as a step, so it stays
    /// put while training goes on and the path thins.
    pub fn set_path_frame(&mut self, frame: Option<usize>) {
        let live = self.trainer.step;
        self.path_at = match (frame, &self.path) {
            (Some(i), Some(p)) => {
                let steps = p.steps(live);
                (i + 1 < steps.len()).then(|| steps[i])
            }
            _ => None,
        };
    }

    /// The LR finder's suggestion over the sweep so far: (step, lr, smoothed loss).
    pub fn lr_suggestion(&self) -> Option<(usize, f32, f32)> {
        let (lrs, losses) = self.history.sweep_points();
        (!losses.is_empty())
            .then(|| diagnostics::lr_suggestion(&lrs, &losses))
            .flatten()
    }
}

/// A sampling temperature as typed: above 0 and at most `MAX_TEMPERATURE`.
fn parse_temperature(text: &str) -> Result<f32, String> {
    let t: f32 = text.trim().parse().unwrap_or(f32::NAN);
    if t.is_finite() && t > 0.0 && t <= MAX_TEMPERATURE {
        Ok(t)
    } else {
        Err(format!(
            "the temperature must be above 0 and at most {MAX_TEMPERATURE}"
        ))
    }
}
