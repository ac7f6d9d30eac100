//! The runs of a session: a run's record (as the runs table, the loss chart's faded curves and
//! the comparisons show it), and the earlier runs kept, with the one compared.

use super::diag::StepDiag;
use super::eval::EvalPoint;
use super::history::Thinned;
use super::run::RunState;
use super::words;
use crate::lesson::ChapterId;
use std::collections::VecDeque;

/// Earlier runs kept for comparison.
pub const MAX_EARLIER_RUNS: usize = 20;

/// Earlier runs drawn in the loss chart: the compared one and the newest others, this many in
/// all (more would crowd the chart and its legend).
pub const SHOWN: usize = 3;

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
    /// The chapter it ran, as the lesson has it (`None`: a break-it experiment).
    pub chapter: Option<ChapterId>,
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
    /// The losses of its first `history::HEAD_STEPS` steps, exactly.
    pub head: Vec<f32>,
    /// The diagnostics of its first and of its last step.
    pub init: Option<StepDiag>,
    pub last: Option<StepDiag>,
    /// The guesses at the chapter's questions: "2 of 3 right".
    pub guesses: String,
}

impl RunRecord {
    /// The record of `run`, its loss thinned to `points`, without its last step's diagnostics
    /// (only a kept run needs them: the runs table, asked for at every report, does not).
    pub fn of(
        run: &RunState,
        label: String,
        setup: String,
        seed: u64,
        chapter: Option<ChapterId>,
        points: usize,
        guesses: String,
    ) -> Self {
        let init = run.init_diag();
        RunRecord {
            run: run.number,
            label,
            setup,
            seed,
            chapter,
            params: run.trainer.model.n_params(),
            first_loss: run.history().first_loss,
            uniform: run.uniform_loss(),
            at_init: init.and_then(|d| {
                d.first
                    .as_ref()
                    .map(|f| (f.layer.act.saturated, f.layer.map.dead, f.layer.map.cols))
            }),
            steps: run.trainer.step,
            last_eval: run.evals().last().copied(),
            train_ms: run.train_ms(),
            loss: run.history().loss_series().thinned_to(points),
            head: run.history().loss_head(),
            init: init.cloned(),
            last: None,
            guesses,
        }
    }
}

/// The runs before the current one (at most `MAX_EARLIER_RUNS`, oldest first), and the one
/// drawn beside it.
#[derive(Clone, Debug, Default)]
pub struct EarlierRuns {
    runs: VecDeque<RunRecord>,
    compare: Option<u32>,
}

impl EarlierRuns {
    /// Keeps a run that ended; the oldest goes past `MAX_EARLIER_RUNS`, and the comparison
    /// with it.
    pub fn keep(&mut self, r: RunRecord) {
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

    pub fn list(&self) -> &VecDeque<RunRecord> {
        &self.runs
    }

    /// Forgets the earlier runs.
    pub fn clear(&mut self) {
        self.runs.clear();
        self.compare = None;
    }

    /// The earlier run drawn beside the current one.
    pub fn compared(&self) -> Option<&RunRecord> {
        self.compare
            .and_then(|c| self.runs.iter().find(|r| r.run == c))
    }

    /// The earlier runs the loss chart draws (at most `SHOWN`, oldest first): the compared one
    /// and the newest others.
    pub fn shown(&self) -> Vec<&RunRecord> {
        let compared = self.compared().map(|r| r.run);
        let mut others = SHOWN - usize::from(compared.is_some());
        let mut shown = Vec::with_capacity(SHOWN);
        // From the newest back (a plain loop: the training builds stay within their budget).
        for r in self.runs.iter().rev() {
            let other = Some(r.run) != compared;
            if !other || others > 0 {
                others -= usize::from(other);
                shown.push(r);
            }
        }
        shown.reverse();
        shown
    }

    /// The newest earlier run of `chapter` (a run of the chapter's own setup, custom or not).
    pub fn newest_of(&self, chapter: ChapterId) -> Option<&RunRecord> {
        self.runs.iter().rev().find(|r| r.chapter == Some(chapter))
    }

    /// Chooses the earlier run to draw beside the current one (None: none).
    pub fn set_compare(&mut self, run: Option<u32>) -> Result<(), String> {
        if let Some(r) = run {
            if !self.runs.iter().any(|x| x.run == r) {
                return Err(words::no_earlier_run(r));
            }
        }
        self.compare = run;
        Ok(())
    }
}
