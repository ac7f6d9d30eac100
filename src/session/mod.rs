//! The lab session: everything the page's worker holds, with no web types, so it is tested
//! natively. `Session` is a small facade over its rooms, each with one job:
//!
//! - `names`: the names in use, their `Dataset`, the seen sets, the character counts;
//! - `setup`: what a run starts from (a chapter, or a break-it experiment on one);
//! - `settings`: the typed settings of a run and the one table of knobs;
//! - `run`: the current run (`RunState`): its trainer, history, steps, rollback, why it stopped;
//! - `eval`: the full-split evaluation, in pieces; `diag`: a step's diagnostics;
//! - `sampling`: names, the step-through sampler and a name's score, on a stream of their own;
//! - `runs`: a run's record, the earlier runs kept and the one compared;
//! - `quiz`: the guesses at the chapter's questions, and the answers as the run shows them;
//! - `slow`: one step in slow motion for one neuron;
//! - `history`, `embedding_path`: a run's numbers and snapshots at bounded resolution;
//! - `protocol`: every message between the page and the worker; `lab`: the worker's loop;
//!   `sheet`: the backprop sheet (makemore part 4), a room of the lab's beside the session;
//! - `views`: what the page shows (a table of charts, one file per chart); `words`: every
//!   sentence the lab says; `picked`: the sentence about a picked item; `link`: the query string
//!   that reproduces a setup; `export`: files to take home; `keys`: the keyboard.
//!
//! Every number the page shows is written by `crate::format`. Dependencies go one way: the rooms
//! know neither `Session` nor the protocol; `Session` holds the rooms; views, words and the lab
//! read the `Session`.

pub mod diag;
pub mod embedding_path;
pub mod eval;
pub mod export;
pub mod history;
pub mod keys;
pub mod lab;
pub mod link;
pub mod names;
pub mod panels;
pub mod picked;
pub mod protocol;
pub mod quiz;
pub mod run;
pub mod runs;
pub mod sampling;
pub mod settings;
pub mod setup;
pub mod sheet;
pub mod slow;
pub mod views;
pub mod words;

pub use diag::{FirstLayerView, StepDiag, HIST_BINS, MAP_MAX_ROWS};
pub use eval::{EvalPoint, EVAL_PIECE};
pub use run::{RunState, Stopped, RATIO_EVERY};
pub use runs::{RunRecord, MAX_EARLIER_RUNS};
pub use sampling::{SamplerAction, MAX_SAMPLES, MAX_TEMPERATURE};
pub use settings::Settings;
pub use setup::Setup;

use crate::data::{parse_names, Dataset};
use crate::diagnostics;
use crate::lesson::{ChapterId, Facts, Question};
use crate::pool::Par;
use crate::rng;
use crate::sample::Sample;
use names::Names;
use quiz::Quiz;
use runs::EarlierRuns;

/// Names of the file shown as a preview of the data.
pub const PREVIEW_NAMES: usize = 8;

pub struct Session {
    names: Names,
    /// What the settings started from, and whether a knob differs from it (budget and seed
    /// aside).
    setup: Setup,
    custom: bool,
    settings: Settings,
    run: RunState,
    earlier: EarlierRuns,
    /// The current run's guesses and answers.
    quiz: Quiz,
    /// What the run's sentences may say (`facts`): computed once per run, the Kaiming demo's
    /// draws included, not at every report.
    facts: Facts,
    /// The last step shown in slow motion (cleared by a new run), with its context's text.
    slow: Option<(diagnostics::NeuronStep, String)>,
    /// The threads every run's steps are split across (one unless `set_par`).
    par: Par,
    /// The loss chart shows only the first `history::HEAD_STEPS` steps.
    loss_zoom: bool,
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
        let names = Names::new(words, source, settings.block_size);
        let trainer = settings.trainer(&names.data)?;
        let mut s = Session {
            run: RunState::new(1, trainer, &settings, &names.char_counts),
            facts: facts_of(&settings, names.data.vocab.size()),
            names,
            setup: Setup::Chapter(chapter),
            custom: false,
            settings,
            earlier: EarlierRuns::default(),
            quiz: Quiz::default(),
            slow: None,
            par: Par::single(),
            loss_zoom: false,
        };
        s.quiz = Quiz::new(s.questions().len());
        Ok(s)
    }

    /// Splits this run's steps and every later run's across `par`'s threads (the results are
    /// the same bit for bit).
    pub fn set_par(&mut self, par: Par) {
        self.run.trainer.model.par = par.clone();
        self.par = par;
    }

    // ---- a new run ----------------------------------------------------------------------------

    /// Keeps the current run among the earlier ones (if it took a step) and starts a new run of
    /// `settings` from `setup` (on other names if given); on error nothing changes.
    fn new_run(
        &mut self,
        setup: Setup,
        settings: Settings,
        names: Option<Names>,
    ) -> Result<(), String> {
        // Every check first, before any memory is spent or freed.
        let target = names.as_ref().unwrap_or(&self.names);
        settings.validate(target.data.vocab.size())?;
        let build = target.needs_examples(&settings);
        if build {
            settings.fits_data(target.data.count_examples())?;
        }
        let kept = if self.run.history().steps() > 0 {
            let mut kept = self.record(history::EARLIER_POINTS);
            kept.last = Some(self.run.step_diag());
            Some(kept)
        } else {
            None
        };
        let data = if build {
            // The examples in use are freed before the new ones are built: a big file uploaded
            // twice, or a longer context, would otherwise hold two sets (tests/native/memory.rs).
            let old = self.names.data.without_examples();
            self.names.data = old.clone();
            self.run.trainer.data = old;
            let target = names.as_ref().unwrap_or(&self.names);
            target.data.with_block_size(settings.block_size)
        } else {
            names.as_ref().unwrap_or(&self.names).data.clone()
        };
        let mut trainer = match settings.trainer(&data) {
            Ok(t) => t,
            Err(e) => {
                if build {
                    // Checked above, so not expected; the run in use gets its examples back.
                    let bs = self.run.trainer.model.config.block_size;
                    self.names.data = self.names.data.with_block_size(bs);
                    self.run.trainer.data = self.names.data.clone();
                }
                return Err(e);
            }
        };
        trainer.model.par = self.par.clone();
        if let Some(kept) = kept {
            self.earlier.keep(kept);
        }
        let mut base = setup.settings();
        (base.steps, base.seed, base.schedule_steps) =
            (settings.steps, settings.seed, settings.schedule_steps);
        self.custom = settings != base;
        self.setup = setup;
        if let Some(n) = names {
            self.names = n;
        }
        self.names.set_data(data);
        self.run = RunState::new(
            self.run.number + 1,
            trainer,
            &settings,
            &self.names.char_counts,
        );
        self.settings = settings;
        self.facts = facts_of(&self.settings, self.names.data.vocab.size());
        self.quiz = Quiz::new(self.questions().len());
        self.slow = None;
        Ok(())
    }

    /// Starts a chapter of the lesson with its own settings.
    pub fn choose_chapter(&mut self, name: &str) -> Result<(), String> {
        self.choose(Setup::chapter_named(name)?)
    }

    /// Starts a break-it experiment (see `lesson::Experiment`).
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

    /// Replaces the names with a file's (checked by `parse_names`); the model starts again with
    /// the same settings. On any error the session is unchanged.
    pub fn load_names(&mut self, bytes: &[u8], source: &str) -> Result<(), String> {
        let names = Names::load(bytes, source, &self.settings)?;
        self.new_run(self.setup, self.settings.clone(), Some(names))
    }

    /// A new run of the current settings that starts from saved weights (`ExportKind::Weights`
    /// of the same vocabulary and shape). On any error nothing changes.
    pub fn load_weights(&mut self, bytes: &[u8]) -> Result<(), String> {
        let vocab = &self.names.data.vocab;
        let config = self.settings.model_config(vocab.size());
        let loaded = crate::export::weights::from_safetensors(bytes, vocab, &config)?;
        self.reset()?;
        crate::export::weights::load_into(&mut self.run.trainer.model, &loaded);
        self.run.restart_moved();
        Ok(())
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
        let done = self.run.trainer.step;
        if s.steps < done {
            return Err(words::budget_below_steps(done));
        }
        self.run.trainer.train.steps = s.steps;
        self.settings = s;
        Ok(())
    }

    // ---- the data and the setup -------------------------------------------------------------

    pub fn words(&self) -> &[String] {
        &self.names.words
    }

    pub fn source(&self) -> &str {
        &self.names.source
    }

    pub fn data(&self) -> &Dataset {
        &self.names.data
    }

    /// How often each vocabulary character occurs in the names.
    pub fn char_counts(&self) -> &[u32] {
        &self.names.char_counts
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    /// The chapter of the setup.
    pub fn chapter(&self) -> ChapterId {
        self.setup.chapter()
    }

    pub fn is_custom(&self) -> bool {
        self.custom
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

    // ---- the current run --------------------------------------------------------------------

    /// The current run: its number, trainer, history, evaluations, ... (see `RunState`).
    pub fn run(&self) -> &RunState {
        &self.run
    }

    /// The learning rate of the next step: the user's (set while paused) or the schedule's.
    pub fn lr(&self) -> f32 {
        self.run.lr(&self.settings)
    }

    /// Sets (or, with None, clears) the learning rate while paused, as typed; the weights stay.
    pub fn set_lr(&mut self, text: Option<&str>) -> Result<(), String> {
        self.run.set_lr(text)
    }

    pub fn start(&mut self) -> Result<(), String> {
        self.run.start()
    }

    pub fn pause(&mut self) {
        self.run.pause()
    }

    /// Training or evaluating: `work` has something to do.
    pub fn busy(&self) -> bool {
        self.run.busy()
    }

    /// Adds time spent training to the current run.
    pub fn note_train_ms(&mut self, ms: f64) {
        self.run.note_train_ms(ms)
    }

    /// Up to `max_steps` steps while `out_of_time()` is false (see `RunState::train`).
    pub fn train(&mut self, max_steps: usize, out_of_time: impl FnMut() -> bool) -> usize {
        self.run.train(&self.settings, max_steps, out_of_time)
    }

    /// One time slice of work: a piece of a pending evaluation, else training if running.
    pub fn work(&mut self, out_of_time: impl FnMut() -> bool) -> usize {
        self.run.work(&self.settings, out_of_time)
    }

    /// One step, even while paused (the page's Step button).
    pub fn step_once(&mut self) -> Result<f32, String> {
        self.run.step_once(&self.settings)
    }

    /// Asks for a full-split evaluation of the current weights; `work` does it in pieces.
    pub fn request_eval(&mut self) {
        self.run.request_eval()
    }

    /// Why training stopped on its own since the last call.
    pub fn take_stopped(&mut self) -> Option<Stopped> {
        self.run.take_stopped()
    }

    /// The diagnostics of the last training step (histograms, saturation map, per-layer stats).
    pub fn step_diag(&mut self) -> StepDiag {
        self.run.step_diag()
    }

    /// Shows the snapshot at a position of the path's slider (`None`: the live model).
    pub fn set_path_frame(&mut self, frame: Option<usize>) {
        self.run.set_path_frame(frame)
    }

    /// The LR finder's suggestion over the sweep so far: (step, lr, smoothed loss).
    pub fn lr_suggestion(&self) -> Option<(usize, f32, f32)> {
        let (lrs, losses) = self.run.history().sweep_points();
        (!losses.is_empty())
            .then(|| diagnostics::lr_suggestion(&lrs, &losses))
            .flatten()
    }

    // ---- sampling -----------------------------------------------------------------------------

    /// Names from the current model as typed (how many, temperature), marked new / in train /
    /// in val. Uses the run's sampling stream, so it never changes the training run.
    pub fn sample(&mut self, n: &str, temperature: &str) -> Result<Vec<Sample>, String> {
        let (sampling, t) = self.run.sampling_mut();
        let names = &self.names;
        sampling.sample(&mut t.model, &names.data.vocab, &names.seen, n, temperature)
    }

    /// The step-through sampler: a new name, one more character, or the rest of the name, at
    /// a temperature as typed.
    pub fn sampler(&mut self, action: SamplerAction, temperature: &str) -> Result<(), String> {
        let block = self.settings.block_size;
        let (sampling, t) = self.run.sampling_mut();
        sampling.step(
            &mut t.model,
            &self.names.data.vocab,
            block,
            action,
            temperature,
        )
    }

    /// Scores a typed name: each character's probability, and its loss (the score chart shows
    /// the last one).
    pub fn score(&mut self, name: &str) -> Result<(), String> {
        let (sampling, t) = self.run.sampling_mut();
        sampling.score(&mut t.model, &self.names.data.vocab, name)
    }

    // ---- one step in slow motion ------------------------------------------------------------

    /// Takes one step (as the Step button) and keeps it in slow motion for hidden neuron
    /// `neuron` and example `example` of its batch (`diagnostics::neuron_step`, replayed on a
    /// copy of the weights from before the step: the same numbers, the run untouched by it).
    pub fn slow_step(&mut self, neuron: &str, example: &str) -> Result<(), String> {
        self.slow = Some(slow::step(&mut self.run, &self.settings, neuron, example)?);
        Ok(())
    }

    /// The last step shown in slow motion, and its example's context.
    pub fn slow(&self) -> Option<&(diagnostics::NeuronStep, String)> {
        self.slow.as_ref()
    }

    // ---- the questions ----------------------------------------------------------------------

    /// What the run's sentences may say: its model's numbers, its seed, its threshold.
    pub fn facts(&self) -> Facts {
        self.facts
    }

    /// The questions this run asks: its chapter's, when it is that chapter as it is (a break-it
    /// experiment or custom settings ask none: the chapter's reasons may not hold for them),
    /// those a run on this vocabulary can answer.
    pub fn questions(&self) -> Vec<Question> {
        match self.setup {
            Setup::Chapter(id) if !self.custom => {
                let itos = &self.names.data.vocab.itos;
                let mut qs = id.chapter().questions;
                qs.retain(|q| (q.asks)(itos));
                qs
            }
            _ => Vec::new(),
        }
    }

    pub fn quiz(&self) -> &Quiz {
        &self.quiz
    }

    /// Reads the answers the run now shows (see `Quiz::update`).
    pub fn update_quiz(&mut self) {
        if self.quiz.complete() {
            return;
        }
        let seen = quiz::seen(&self.run, &self.settings);
        self.quiz.update(&self.questions(), &self.facts(), &seen);
    }

    /// A guess at question `i` (from 0), typed or chosen.
    pub fn guess(
        &mut self,
        i: usize,
        number: Option<&str>,
        choice: Option<usize>,
    ) -> Result<(), String> {
        let steps = self.run.trainer.step;
        self.quiz.guess(&self.questions(), i, steps, number, choice)
    }

    /// Shows question `i`'s answer now, or as soon as the run shows it.
    pub fn reveal(&mut self, i: usize) -> Result<(), String> {
        self.quiz.reveal(i)?;
        self.update_quiz();
        Ok(())
    }

    // ---- the lecture's exercises -------------------------------------------------------------

    /// The lecture's exercise E02: the run's model with each BatchNorm folded into the Linear
    /// before it, and the val loss of both (the run's model stays as it is).
    pub fn fold(&mut self) -> Result<crate::export::fold::Folded, String> {
        crate::export::fold::fold_trained(self.run.trainer_for_eval())
    }

    // ---- runs -------------------------------------------------------------------------------

    /// The current run as a record, its loss thinned to `points` (without its last step's
    /// diagnostics, which only a kept run takes).
    pub fn record(&self, points: usize) -> RunRecord {
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
        let seed = self.settings.seed;
        let label = format!(
            "run {}: {}, seed {seed}",
            self.run.number,
            self.short_title()
        );
        let guesses = self.quiz.summary(&self.questions(), self.run.trainer.step);
        let chapter = match self.setup {
            Setup::Chapter(c) => Some(c),
            Setup::Experiment(_) => None,
        };
        RunRecord::of(&self.run, label, setup, seed, chapter, points, guesses)
    }

    /// Forgets the earlier runs.
    pub fn clear_earlier(&mut self) {
        self.earlier.clear()
    }

    /// Chooses the earlier run to draw beside the current one (None: none).
    pub fn set_compare(&mut self, run: Option<u32>) -> Result<(), String> {
        self.earlier.set_compare(run)
    }

    /// The runs before the current one (at most `MAX_EARLIER_RUNS`), the one compared, the ones
    /// the loss chart draws.
    pub fn runs(&self) -> &EarlierRuns {
        &self.earlier
    }

    /// Whether the loss chart shows only the first `history::HEAD_STEPS` steps.
    pub fn loss_zoom(&self) -> bool {
        self.loss_zoom
    }

    pub fn set_loss_zoom(&mut self, first_steps: bool) {
        self.loss_zoom = first_steps;
    }
}

/// The facts of a run of `settings` on a vocabulary of `vocab` characters.
fn facts_of(settings: &Settings, vocab: usize) -> Facts {
    Facts::of(
        &settings.model_config(vocab),
        settings.seed,
        settings.saturation_threshold,
    )
}
