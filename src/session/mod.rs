//! The lab session: everything the page's worker holds, with no web types, so it is tested
//! natively. Its rooms:
//!
//! - `settings`: the typed settings of a run and the one table of knobs;
//! - `protocol`: every message between the page and the worker;
//! - `lab`: the worker's loop as plain Rust: a request in, events out, time slices of work;
//! - `views`: what the page shows (text and chart specs) made from the session's numbers;
//! - `history`: the run's loss, rates and ratios at bounded resolution;
//! - `rollback`: what puts a step back when its loss shows the previous update blew up;
//! - `format`: every number as the page writes it.
//!
//! `Session` itself is the lab's state machine: the names and their `Dataset`, the settings of
//! the current run (a chapter of the lesson, maybe changed knob by knob), the `Trainer`, a
//! sampling `Rng` of its own (sampling never changes the training run), the `Seen` sets that mark
//! samples new or seen, the run's `History`, and the earlier runs kept for comparison.
//!
//! The data split does not depend on the run's seed (it uses `data::SPLIT_SEED`), so runs with
//! other seeds or settings are compared on the same validation names.

pub mod format;
pub mod history;
pub mod lab;
pub mod protocol;
mod rollback;
pub mod settings;
pub mod views;

use crate::data::{parse_names, Dataset, MAX_NAME_CHARS, SPLIT_SEED};
use crate::diagnostics::{self, FirstLayer, LayerDiag};
use crate::pool::Par;
use crate::presets;
use crate::rng::{self, Rng};
use crate::sample::{self, Sample, Seen};
use crate::train::{Split, StepError, Trainer};
use history::{History, StepRecord, Thinned};
use protocol::{Level, Notice};
use rollback::Checkpoint;
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
/// A mini-batch loss above this many times the run's starting level (its first loss, or
/// -ln(1/vocab) if that is higher) counts as exploded: training stops as for a NaN. With this
/// core the loss stays finite (a log-sum-exp), so a rate of 100 gives losses in the thousands
/// rather than NaN; this is what catches it.
pub const EXPLODE_FACTOR: f32 = 10.0;
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
}

#[derive(Clone, Debug)]
struct EvalJob {
    split: Split,
    pos: usize,
    sum: f64,
    train: f32,
}

/// The first hidden layer's histograms and saturation map, the map cut to `MAP_MAX_ROWS` rows.
#[derive(Clone, Debug, PartialEq)]
pub struct FirstLayerView {
    pub layer: FirstLayer,
    /// Rows shown (the first examples of the batch) and the batch size.
    pub rows: usize,
    pub batch: usize,
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

/// A run that has ended, kept (thinned) for comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct EarlierRun {
    pub run: u32,
    /// "run 3: 6. Kaiming init, seed 42"
    pub label: String,
    pub loss: Thinned,
}

pub struct Session {
    words: Vec<String>,
    source: String,
    data: Dataset,
    seen: Seen,
    /// The chapter (preset name) the settings started from, and whether a knob differs from it.
    chapter: String,
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
    earlier: VecDeque<EarlierRun>,
    stopped: Option<Notice>,
    /// The layers' buffers hold the last training step (no sample or eval since).
    fresh: bool,
    step_diag: Option<StepDiag>,
    /// The BatchNorm running statistics before the last step and before the one before it, to
    /// go back to (with the weights, see `rollback`) when a step's loss shows that the previous
    /// update blew the model up.
    ckpt_last: Checkpoint,
    ckpt_prev: Checkpoint,
}

impl Session {
    /// A session on a names file, at the first chapter.
    pub fn new(bytes: &[u8], source: &str) -> Result<Session, String> {
        let words = parse_names(bytes).map_err(|e| e.to_string())?;
        Session::from_words(words, source, presets::NAMES[0])
    }

    /// A session on checked names, at a chapter.
    pub fn from_words(words: Vec<String>, source: &str, chapter: &str) -> Result<Session, String> {
        let settings = Settings::chapter(chapter)?;
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
            chapter: chapter.to_string(),
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
            earlier: VecDeque::new(),
            stopped: None,
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
        self.ckpt_last = Checkpoint::default();
        self.ckpt_prev = Checkpoint::default();
    }

    /// Keeps the run that ends (if it took a step) among the earlier runs.
    fn keep_earlier(&mut self) {
        if self.history.steps() < 2 {
            return;
        }
        let loss = self
            .history
            .loss_series()
            .thinned_to(history::EARLIER_POINTS);
        self.earlier.push_back(EarlierRun {
            run: self.run,
            label: format!(
                "run {}: {}, seed {}",
                self.run,
                self.short_title(),
                self.settings.seed
            ),
            loss,
        });
        while self.earlier.len() > MAX_EARLIER_RUNS {
            self.earlier.pop_front();
        }
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
        chapter: &str,
        settings: Settings,
        data: Option<Dataset>,
    ) -> Result<(), String> {
        let data = match data {
            Some(d) => d,
            None if settings.block_size != self.data.train.block_size => {
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
        self.keep_earlier();
        let mut base = Settings::chapter(chapter)?;
        (base.steps, base.seed, base.schedule_steps) =
            (settings.steps, settings.seed, settings.schedule_steps);
        self.custom = settings != base;
        self.chapter = chapter.to_string();
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
        let data = Dataset::new(&words, self.settings.block_size, SPLIT_SEED);
        let old_words = std::mem::replace(&mut self.words, words);
        let chapter = self.chapter.clone();
        if let Err(e) = self.new_run(&chapter, self.settings.clone(), Some(data)) {
            self.words = old_words;
            return Err(e);
        }
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

    pub fn chapter(&self) -> &str {
        &self.chapter
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

    pub fn earlier_runs(&self) -> &VecDeque<EarlierRun> {
        &self.earlier
    }

    /// Forgets the earlier runs.
    pub fn clear_earlier(&mut self) {
        self.earlier.clear();
    }

    pub fn ratio_labels(&self) -> &[String] {
        &self.ratio_labels
    }

    pub fn run(&self) -> u32 {
        self.run
    }

    /// The chapter's title, or "custom (from <title>)".
    pub fn title(&self) -> String {
        let t = presets::preset(&self.chapter).map_or("", |p| p.title);
        if self.custom {
            format!("custom (from {t})")
        } else {
            t.to_string()
        }
    }

    /// "6. Kaiming init" or "custom from 6. Kaiming init", short enough for a legend.
    pub fn short_title(&self) -> String {
        let t = presets::preset(&self.chapter).map_or("", |p| p.title);
        if self.custom {
            format!("custom from {t}")
        } else {
            t.to_string()
        }
    }

    /// Starts a chapter of the lesson with its own settings.
    pub fn choose_chapter(&mut self, name: &str) -> Result<(), String> {
        let s = Settings::chapter(name)?;
        self.new_run(name, s, None)
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
        let chapter = self.chapter.clone();
        self.new_run(&chapter, s, None)
    }

    /// Starts the run again with the same seed: the same initial weights and batches.
    pub fn reset(&mut self) -> Result<(), String> {
        let chapter = self.chapter.clone();
        self.new_run(&chapter, self.settings.clone(), None)
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
        let chapter = self.chapter.clone();
        self.new_run(&chapter, s, None)?;
        Ok(seed)
    }

    /// Changes the step budget of the current run, as typed (the `steps` knob's rule). The
    /// schedule stretches with it unless `schedule_steps` holds it.
    pub fn set_steps(&mut self, text: &str) -> Result<(), String> {
        let mut s = self.settings.clone();
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
    /// exploded one (see `EXPLODE_FACTOR`) stops with `StepError::Diverged` before its own
    /// update, and puts back the weights from before the update that did the damage.
    fn one_step(&mut self) -> Result<f32, StepError> {
        let lr = self.lr();
        std::mem::swap(&mut self.ckpt_last, &mut self.ckpt_prev);
        self.ckpt_last.save(&self.trainer.model, self.trainer.step);
        let start = self
            .history
            .first_loss
            .map_or(f32::INFINITY, |l| l.max(self.uniform_loss()));
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
                Ok(loss)
            }
            Err(StepError::Diverged { step, lr: _, loss })
                if step > 0 && (!loss.is_finite() || loss > EXPLODE_FACTOR * start) =>
            {
                // The loss was computed with the weights of the previous update, and this
                // step's update was not made: undo the previous one.
                let culprit = self.history.newest().map_or(lr, |r| r.lr);
                self.rollback();
                Err(StepError::Diverged {
                    step,
                    lr: culprit,
                    loss,
                })
            }
            // A sane loss whose update would overflow keeps the weights, as the core does.
            Err(e) => Err(e),
        }
    }

    /// After a step that stopped before its update: puts back the weights from before the
    /// previous step (`Mlp::undo_sgd_step`, exact) with the BatchNorm running statistics of
    /// then, and forgets that step. Without an update to undo, only the running statistics that
    /// the stopped step's forward pass moved are put back.
    fn rollback(&mut self) {
        let t = &mut self.trainer;
        let prev_ok = self.ckpt_prev.step + 1 == t.step && self.ckpt_last.step == t.step;
        if prev_ok && self.history.newest().is_some() && t.model.undo_sgd_step() {
            self.ckpt_prev.restore(&mut t.model);
            t.step = self.ckpt_prev.step;
            self.history.drop_newest();
            self.ckpt_last = self.ckpt_prev.clone();
        } else if self.ckpt_last.step == t.step {
            self.ckpt_last.restore(&mut t.model);
        }
    }

    fn on_step_error(&mut self, e: StepError) {
        self.running = false;
        match e {
            StepError::Diverged { step, lr, loss } => {
                // The layers hold the diverged batch, not a step that happened.
                self.fresh = false;
                let kept = self.trainer.step;
                let rolled_back = kept < step;
                let message = if loss.is_finite() && rolled_back {
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

    /// Names from the current model as typed (how many, temperature), marked new / in train /
    /// in val. Uses the session's own stream, so it never changes the training run.
    pub fn sample(&mut self, n: &str, temperature: &str) -> Result<Vec<Sample>, String> {
        let n: usize = n.trim().parse().unwrap_or(0);
        if n == 0 || n > MAX_SAMPLES {
            return Err(format!("ask for 1 to {MAX_SAMPLES} names"));
        }
        let t: f32 = temperature.trim().parse().unwrap_or(f32::NAN);
        if !(t.is_finite() && t > 0.0 && t <= MAX_TEMPERATURE) {
            return Err(format!(
                "the temperature must be above 0 and at most {MAX_TEMPERATURE}"
            ));
        }
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
            FirstLayerView {
                layer: f,
                rows,
                batch,
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

    /// The LR finder's suggestion over the sweep so far: (step, lr, smoothed loss).
    pub fn lr_suggestion(&self) -> Option<(usize, f32, f32)> {
        let (lrs, losses) = self.history.sweep_points();
        (!losses.is_empty())
            .then(|| diagnostics::lr_suggestion(&lrs, &losses))
            .flatten()
    }
}
