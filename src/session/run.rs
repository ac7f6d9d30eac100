//! One run: everything that begins and ends with it, so that a new run is one assignment
//! (`RunState::new`). Its trainer, its history, its evaluations, the diagnostics of its first
//! and last steps, its embedding path, its sampling stream, why it stopped, and the steps:
//! one at a time, in slices of work, and undone when a loss shows the previous update blew up.

use super::diag::StepDiag;
use super::embedding_path::EmbeddingPath;
use super::eval::Evaluation;
use super::history::{History, StepRecord};
use super::sampling::Sampling;
use super::settings::Settings;
use super::words;
use crate::diagnostics::{self, EvalStats, Moved};
use crate::model::Mlp;
use crate::train::{DivergeCause, StepError, Trainer, EXPLODE_FACTOR};

/// Update:data ratios are taken every this many steps: computing them costs about a tenth of a
/// step, so every step would slow training down.
pub const RATIO_EVERY: usize = 10;

/// Why a run stopped training on its own (the progress view writes the notice).
#[derive(Clone, Debug, PartialEq)]
pub enum Stopped {
    /// It did all `steps` of its budget.
    Finished { steps: usize },
    /// A step diverged (`error` is a `StepError::Diverged`); the weights after step `kept` are
    /// kept.
    Diverged { error: StepError, kept: usize },
}

pub struct RunState {
    /// The run's number in the session: 1, 2, ...
    pub number: u32,
    pub trainer: Trainer,
    /// |h| above this counts as saturated (the settings' threshold when the run began).
    threshold: f32,
    running: bool,
    /// The user's learning rate, set while paused, in place of the schedule's.
    lr_override: Option<f32>,
    /// Why training stopped on its own, until the page is told.
    stopped: Option<Stopped>,
    history: History,
    eval: Evaluation,
    /// "W1 (30, 200)": the weights whose update ratios are followed.
    ratio_labels: Vec<String>,
    /// Milliseconds spent training.
    train_ms: f64,
    /// The diagnostics of the first step, and of the last (cached: sampling and evaluation
    /// overwrite the layers' buffers); `fresh`: the buffers still hold the last step.
    init_diag: Option<StepDiag>,
    step_diag: Option<StepDiag>,
    /// What the model's eval forward normalises BatchNorm with, measured at the first step.
    eval_stats: Option<EvalStats>,
    fresh: bool,
    /// Snapshots of the embedding (from the first step on), and the step the page's slider
    /// chose (`None`: the live model).
    path: EmbeddingPath,
    path_at: Option<usize>,
    sampling: Sampling,
    /// Every parameter's values at the start of the run (in `params()` order), for how far each
    /// moved (`moved`): one copy of the weights (`settings::limits` counts it).
    initial: Vec<Vec<f32>>,
}

impl RunState {
    /// Run `number` of `trainer` (fresh) with `settings`; `char_counts` choose the characters its
    /// embedding path follows.
    pub fn new(number: u32, trainer: Trainer, settings: &Settings, char_counts: &[u32]) -> Self {
        let ratio_labels: Vec<String> = trainer
            .model
            .params()
            .iter()
            .filter(|p| p.shape.len() == 2)
            .map(|p| {
                let name = p.name.strip_suffix(".weight").unwrap_or(&p.name);
                format!("{name} ({}, {})", p.shape[0], p.shape[1])
            })
            .collect();
        let sweep_steps = settings.sweep().map_or(0, |(n, _, _)| n);
        let c = &trainer.model.emb.weight;
        let initial = initial_values(&trainer);
        RunState {
            number,
            threshold: settings.saturation_threshold,
            running: false,
            lr_override: None,
            stopped: None,
            history: History::new(ratio_labels.len(), RATIO_EVERY, sweep_steps),
            eval: Evaluation::default(),
            ratio_labels,
            train_ms: 0.0,
            init_diag: None,
            step_diag: None,
            eval_stats: None,
            fresh: false,
            path: EmbeddingPath::for_run(char_counts, c.shape[0], c.shape[1]),
            path_at: None,
            initial,
            sampling: Sampling::new(settings.seed),
            trainer,
        }
    }

    // ---- what the views read ----------------------------------------------------------------

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn evals(&self) -> &[super::eval::EvalPoint] {
        self.eval.points()
    }

    /// Fraction done of a pending evaluation.
    pub fn eval_progress(&self) -> Option<f32> {
        self.eval.progress(&self.trainer)
    }

    pub fn ratio_labels(&self) -> &[String] {
        &self.ratio_labels
    }

    /// How far each parameter moved from its values at the start of the run (exercise E01).
    pub fn moved(&self) -> Vec<Moved> {
        diagnostics::moved_from(&self.trainer.model.params(), &self.initial)
    }

    /// The current weights become the start `moved` measures from (weights loaded into a new
    /// run).
    pub fn restart_moved(&mut self) {
        self.initial = initial_values(&self.trainer);
    }

    pub fn train_ms(&self) -> f64 {
        self.train_ms
    }

    /// The diagnostics of the run's first step.
    pub fn init_diag(&self) -> Option<&StepDiag> {
        self.init_diag.as_ref()
    }

    /// What the model's eval forward normalises BatchNorm with, measured at the first step on
    /// its batch (`None` before, or when it cannot tell: no BatchNorm).
    pub fn eval_stats(&self) -> Option<EvalStats> {
        self.eval_stats
    }

    pub fn is_running(&self) -> bool {
        self.running
    }

    /// Training or evaluating: `work` has something to do.
    pub fn busy(&self) -> bool {
        self.running || self.eval.pending()
    }

    pub fn sampling(&self) -> &Sampling {
        &self.sampling
    }

    /// The embedding's snapshots (none before the first step).
    pub fn embedding_path(&self) -> Option<&EmbeddingPath> {
        (!self.path.is_empty()).then_some(&self.path)
    }

    /// The step whose snapshot the embedding chart shows (`None`: the live model).
    pub fn path_at(&self) -> Option<usize> {
        self.path_at
    }

    /// -ln(1/vocab): the loss of a uniform guess.
    pub fn uniform_loss(&self) -> f32 {
        (self.trainer.data.vocab.size() as f32).ln()
    }

    // ---- what the page changes ----------------------------------------------------------------

    /// The learning rate of the next step: the user's (set while paused) or the schedule's.
    pub fn lr(&self, settings: &Settings) -> f32 {
        self.lr_override
            .unwrap_or_else(|| settings.lr_at(self.trainer.step))
    }

    pub fn lr_override(&self) -> Option<f32> {
        self.lr_override
    }

    /// Sets (or, with None, clears) the learning rate while paused, as typed; the weights stay.
    pub fn set_lr(&mut self, text: Option<&str>) -> Result<(), String> {
        if self.running {
            return Err(words::PAUSE_FOR_LR.into());
        }
        self.lr_override = match text {
            None => None,
            Some(t) => {
                let x: f32 = t.trim().parse().unwrap_or(f32::NAN);
                if !(x.is_finite() && x > 0.0) {
                    return Err(words::bad_lr(t));
                }
                Some(x)
            }
        };
        Ok(())
    }

    pub fn start(&mut self) -> Result<(), String> {
        if self.trainer.finished() {
            return Err(words::budget_done(self.trainer.train.steps));
        }
        self.running = true;
        self.stopped = None;
        Ok(())
    }

    pub fn pause(&mut self) {
        self.running = false;
    }

    /// Adds time spent training.
    pub fn note_train_ms(&mut self, ms: f64) {
        self.train_ms += ms.max(0.0);
    }

    /// Why training stopped on its own since the last call.
    pub fn take_stopped(&mut self) -> Option<Stopped> {
        self.stopped.take()
    }

    /// Shows the snapshot at a position of the path's slider (see `EmbeddingPath::steps`); the
    /// last position, a position past it (the page may send any number), or `None`, is the live
    /// model. The choice is kept as a step, so it stays put while training goes on and the path
    /// thins.
    pub fn set_path_frame(&mut self, frame: Option<usize>) {
        let live = self.trainer.step;
        self.path_at = match (frame, self.embedding_path()) {
            (Some(i), Some(p)) => {
                let steps = p.steps(live);
                (i < steps.len().saturating_sub(1)).then(|| steps[i])
            }
            _ => None,
        };
    }

    /// Asks for a full-split evaluation of the current weights; `work` does it in pieces.
    pub fn request_eval(&mut self) {
        if !self.eval.pending() {
            self.keep_step_diag();
            self.eval.request();
        }
    }

    // ---- the model's buffers: diagnostics and sampling ----------------------------------------

    /// Caches the diagnostics of the last step before the layers' buffers are overwritten.
    fn keep_step_diag(&mut self) {
        if self.fresh {
            self.step_diag = Some(StepDiag::of(&self.trainer, self.threshold));
            self.fresh = false;
        }
    }

    /// The diagnostics of the last training step (histograms, saturation map, per-layer stats).
    pub fn step_diag(&mut self) -> StepDiag {
        self.keep_step_diag();
        self.step_diag.clone().unwrap_or_else(StepDiag::none)
    }

    /// The trainer, to run its model in eval mode (the last step's diagnostics kept first).
    pub fn trainer_for_eval(&mut self) -> &mut Trainer {
        self.keep_step_diag();
        &mut self.trainer
    }

    /// The sampling stream and the model, for a sample (the last step's diagnostics kept first).
    pub fn sampling_mut(&mut self) -> (&mut Sampling, &mut Trainer) {
        self.keep_step_diag();
        (&mut self.sampling, &mut self.trainer)
    }

    // ---- steps --------------------------------------------------------------------------------

    /// Up to `max_steps` steps while `out_of_time()` is false (checked after each step); stops
    /// at the end of the budget (then evaluates the full splits) or when the loss diverges.
    /// Returns the steps done.
    pub fn train(
        &mut self,
        settings: &Settings,
        max_steps: usize,
        mut out_of_time: impl FnMut() -> bool,
    ) -> usize {
        let mut done = 0;
        while done < max_steps {
            if self.trainer.finished() {
                self.finish();
                break;
            }
            match self.one_step(settings) {
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
    pub fn work(&mut self, settings: &Settings, mut out_of_time: impl FnMut() -> bool) -> usize {
        if self.eval.pending() {
            while self.eval.pending() {
                self.eval.piece(&mut self.trainer);
                if out_of_time() {
                    break;
                }
            }
            return 0;
        }
        if self.running {
            return self.train(settings, usize::MAX, out_of_time);
        }
        0
    }

    /// One step, even while paused (the page's Step button).
    pub fn step_once(&mut self, settings: &Settings) -> Result<f32, String> {
        if self.running {
            return Err(words::PAUSE_FIRST.into());
        }
        self.eval.cancel(); // an evaluation of weights about to change
        match self.one_step(settings) {
            Ok(loss) => {
                self.stopped = None;
                if self.trainer.finished() {
                    self.finish();
                }
                Ok(loss)
            }
            Err(StepError::Finished) => Err(words::budget_done(self.trainer.train.steps)),
            Err(e) => {
                self.on_step_error(e.clone());
                self.stopped = None;
                Err(words::diverged(&e, self.trainer.step))
            }
        }
    }

    /// One step at the current learning rate, recorded like the others. A NaN/inf loss or an
    /// exploded one (`train::EXPLODE_FACTOR` times the run's start: its first loss, or
    /// -ln(1/vocab) if that is higher) stops with `StepError::Diverged` before its own update,
    /// and puts back the weights from before the update that did the damage. With this core
    /// the loss stays finite (a log-sum-exp), so a rate of 100 gives losses in the thousands
    /// rather than NaN; the limit is what catches it.
    fn one_step(&mut self, settings: &Settings) -> Result<f32, StepError> {
        let lr = self.lr(settings);
        let start = self
            .history
            .first_loss
            .map_or(f32::INFINITY, |l| l.max(self.uniform_loss()));
        if self.path.is_empty() {
            // The path starts with the weights the run starts from (loaded ones included).
            self.observe_path();
        }
        let result = self.trainer.step_guarded(Some(lr), EXPLODE_FACTOR * start);
        // The run keeps its own bounded history; the trainer's per-step lists would grow.
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
                    self.init_diag = Some(StepDiag::of(&self.trainer, self.threshold));
                    let (x, _) = self.trainer.last_batch();
                    self.eval_stats = diagnostics::eval_normalises_with(
                        &self.trainer.model,
                        x,
                        Mlp::forward_eval,
                    );
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

    /// Takes a snapshot of the embedding for the path when one is due.
    fn observe_path(&mut self) {
        let c = &self.trainer.model.emb.weight;
        self.path.observe(self.trainer.step, &c.data);
    }

    /// After a step that stopped before its update: puts back the weights and BatchNorm
    /// running statistics from before the previous step (`Mlp::undo_sgd_step`, exact) and
    /// forgets that step. The stopped step itself changed nothing.
    fn rollback(&mut self) {
        let t = &mut self.trainer;
        if self.history.newest().is_some() && t.model.undo_sgd_step() {
            t.step -= 1;
            self.history.drop_newest();
            self.path.forget_after(t.step);
        }
    }

    fn on_step_error(&mut self, e: StepError) {
        self.running = false;
        match e {
            StepError::Diverged { .. } => {
                // The layers hold the diverged batch, not a step that happened.
                self.fresh = false;
                self.stopped = Some(Stopped::Diverged {
                    error: e,
                    kept: self.trainer.step,
                });
            }
            StepError::Finished => self.finish(),
        }
    }

    fn finish(&mut self) {
        self.running = false;
        self.stopped = Some(Stopped::Finished {
            steps: self.trainer.step,
        });
        if self.eval.points().last().map(|e| e.step) != Some(self.trainer.step) {
            self.request_eval();
        }
    }
}

/// A copy of every parameter's values, in `params()` order.
fn initial_values(trainer: &Trainer) -> Vec<Vec<f32>> {
    trainer
        .model
        .params()
        .iter()
        .map(|p| p.data.clone())
        .collect()
}
