//! The backprop sheet in the worker (makemore part 4, "Backprop by hand"): a room of its own
//! beside the session's training. It keeps a `backprop::Lab` on the session's names (the
//! lecture's network, one batch, the core's gradients, the student's answers as typed), built
//! when the page first asks and again when the names change, and exercise 4's two runs
//! (`DualRun`), stepped in the worker's time slices. Each request's answer is its events; a
//! refusal is a notice under the sheet (`Topic::Sheet`). The student's text is judged by
//! `backprop::lang`, whose limits (size, depth, work) turn a hostile text into a message.
//!
//! The wasm builds that train leave it out (feature `sheet`): the page's sheet has a worker of
//! its own (web/sheet.rs), and the lab there answers the sheet's requests with a notice.
//!
//!   room.handle(data, request)  -> the events of one of the sheet's requests, as below
//!   room.open(data, answers)   -> Event::Sheet (the parts, the exercises, their verdicts)
//!   room.names_changed(data)   -> Event::Sheet again on other names, when it is open
//!   room.answer(data, id, text) -> Event::SheetVerdict
//!   room.hint(data, id, level) -> Event::SheetHints
//!   room.train(data, steps)    -> starts exercise 4; `work` steps it, Event::SheetTraining

use super::protocol::{Event, Level, Request, Topic};
use super::views::sheet as view;
use crate::backprop::{DualRun, Lab, StepLosses};
use crate::data::Dataset;
use crate::format;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The lecture's generator seed (`torch.Generator().manual_seed(2147483647)`): the weights and
/// batches of the sheet and of exercise 4's two runs.
pub const SEED: u64 = 2147483647;
/// What a build without the sheet says to the sheet's requests.
const NOT_HERE: &str = "the backprop sheet is answered by a worker of its own, not the trainer's";

/// Exercise 4's steps when the page has not said.
pub const DEFAULT_STEPS: usize = 500;
/// The most steps one request trains (each step runs the student's whole backward pass).
pub const MAX_STEPS: usize = 5000;
/// How often exercise 4's curves are reported while it trains, in ms.
pub const REPORT_MS: f64 = 250.0;

#[derive(Default)]
pub struct SheetRoom {
    /// The sheet's lab, with the names it was built on.
    lab: Option<(Lab, Arc<[String]>)>,
    /// Exercise 4: the two runs, their losses, the steps asked for, and why it stopped early.
    run: Option<DualRun>,
    losses: Vec<StepLosses>,
    target: usize,
    failed: Option<String>,
    /// The names changed since exercise 4's last run: its curves were dropped.
    stale: bool,
    last_report: f64,
}

fn refusal(message: impl Into<String>) -> Event {
    Event::Notice {
        message: message.into(),
        level: Level::Warn,
        topic: Topic::Sheet,
    }
}

impl SheetRoom {
    /// One of the sheet's requests (any other gets a notice).
    pub fn handle(&mut self, data: &Dataset, req: Request) -> Vec<Event> {
        if !cfg!(feature = "sheet") {
            return vec![refusal(NOT_HERE)];
        }
        match req {
            Request::SheetOpen { answers, handed } => self.open(data, &answers, &handed),
            Request::SheetAnswer { id, text } => self.answer(data, &id, &text),
            Request::SheetHint { id, level } => self.hint(data, &id, level),
            Request::SheetTrain { steps } => self.train(data, &steps),
            _ => vec![refusal(NOT_HERE)],
        }
    }

    /// The lab on `data`: built once, and again (keeping the answers) when the names changed.
    fn lab(&mut self, data: &Dataset) -> Result<&mut Lab, String> {
        let stale = !matches!(&self.lab, Some((_, w)) if Arc::ptr_eq(w, &data.train_words));
        if stale {
            let mut lab = Lab::new(data, SEED)?;
            if let Some((old, _)) = self.lab.take() {
                lab.sheet = old.sheet;
            }
            self.lab = Some((lab, data.train_words.clone()));
        }
        Ok(&mut self.lab.as_mut().expect("built above").0)
    }

    /// The sheet with `answers` (the page's, kept in the browser; an answer the sheet refuses,
    /// too long, is named in a notice and left out).
    /// A box the page kept an answer in keeps it; a link's answer fills an empty box.
    pub fn open(
        &mut self,
        data: &Dataset,
        answers: &BTreeMap<String, String>,
        handed: &BTreeMap<String, String>,
    ) -> Vec<Event> {
        let lab = match self.lab(data) {
            Ok(lab) => lab,
            Err(e) => return vec![refusal(e)],
        };
        let mut ev = Vec::new();
        let own = |id: &str| answers.get(id).is_some_and(|t| !t.trim().is_empty());
        let (mut filled, mut kept) = (0, 0);
        for (id, text) in handed.iter().filter(|(_, t)| !t.trim().is_empty()) {
            if own(id) {
                kept += 1;
            } else if let Err(e) = lab.sheet.set(id, text) {
                ev.push(refusal(e));
            } else {
                filled += 1;
            }
        }
        for (id, text) in answers {
            if let Err(e) = lab.sheet.set(id, text) {
                ev.push(refusal(e));
            }
        }
        if !handed.is_empty() {
            ev.push(Event::Notice {
                message: view::handed_line(filled, kept),
                level: Level::Good,
                topic: Topic::Sheet,
            });
        }
        let exercises = lab.exercises();
        ev.insert(
            0,
            Event::Sheet {
                parts: lab.parts(),
                lines: exercises
                    .iter()
                    .map(|e| view::verdict_line(&e.verdict))
                    .collect(),
                exercises,
                steps: format::count(DEFAULT_STEPS),
            },
        );
        if !self.losses.is_empty() || self.failed.is_some() || self.stale {
            ev.push(self.training_event());
        }
        ev
    }

    /// The names changed (the page's sheet worker was handed the upload in use): an opened
    /// sheet is built again on `data`, keeping its answers, and shown anew (its shapes follow
    /// the vocabulary, its verdicts the new batch); an unopened one waits until it opens.
    /// Exercise 4's runs, if any, were on the earlier names: they stop, their curves go, and
    /// its line says why until the next run.
    pub fn names_changed(&mut self, data: &Dataset) -> Vec<Event> {
        if self.run.is_some() || !self.losses.is_empty() || self.failed.is_some() {
            self.run = None;
            self.losses.clear();
            self.failed = None;
            self.stale = true;
        }
        if self.lab.is_none() {
            return Vec::new();
        }
        self.open(data, &BTreeMap::new(), &BTreeMap::new())
    }

    /// Keeps `text` as exercise `id`'s answer and judges it on the sheet's batch.
    pub fn answer(&mut self, data: &Dataset, id: &str, text: &str) -> Vec<Event> {
        match self.lab(data) {
            Ok(lab) => {
                let verdict = lab.answer(id, text);
                let line = view::verdict_line(&verdict);
                vec![Event::SheetVerdict { verdict, line }]
            }
            Err(e) => vec![refusal(e)],
        }
    }

    /// Exercise `id`'s hints up to `level`.
    pub fn hint(&mut self, data: &Dataset, id: &str, level: usize) -> Vec<Event> {
        let hints = self.lab(data).and_then(|lab| lab.hints(id, level));
        match hints {
            Ok(hints) => vec![Event::SheetHints {
                id: id.to_string(),
                hints,
            }],
            Err(e) => vec![refusal(e)],
        }
    }

    /// Exercise 4: `steps` (as typed) of the student's backward pass beside the core's, from
    /// the lecture's seed, with the answers as they are now. Refused, and nothing changes, when
    /// the number is not one or an answer it needs is missing or does not parse.
    pub fn train(&mut self, data: &Dataset, steps: &str) -> Vec<Event> {
        let n = match parse_steps(steps) {
            Ok(n) => n,
            Err(e) => return vec![refusal(e)],
        };
        match self.lab(data).and_then(|lab| lab.training(SEED)) {
            Ok(run) => {
                self.run = Some(run);
                self.losses = Vec::with_capacity(n);
                self.target = n;
                self.failed = None;
                self.stale = false;
                self.last_report = f64::NEG_INFINITY;
                Vec::new()
            }
            Err(e) => vec![refusal(e)],
        }
    }

    /// Exercise 4 has steps to take: call `work`.
    pub fn busy(&self) -> bool {
        cfg!(feature = "sheet") && self.run.is_some()
    }

    /// Steps exercise 4 until `done()` says the slice is over; reports at `REPORT_MS`, and when
    /// the run ends (its steps taken, or a step of the student's that failed).
    pub fn work(&mut self, now: f64, mut done: impl FnMut() -> bool) -> Vec<Event> {
        if !cfg!(feature = "sheet") {
            return Vec::new();
        }
        let Some(run) = self.run.as_mut() else {
            return Vec::new();
        };
        while self.losses.len() < self.target {
            match run.step() {
                Ok(s) => self.losses.push(s),
                Err(e) => {
                    self.failed = Some(e);
                    break;
                }
            }
            if done() {
                break;
            }
        }
        let finished = self.losses.len() >= self.target || self.failed.is_some();
        if finished {
            self.run = None;
        }
        if finished || now - self.last_report >= REPORT_MS {
            self.last_report = now;
            vec![self.training_event()]
        } else {
            Vec::new()
        }
    }

    fn training_event(&self) -> Event {
        let (line, level) = if self.stale {
            (view::NAMES_CHANGED.to_string(), Level::Warn)
        } else {
            view::training_line(&self.losses, self.target, self.failed.as_deref())
        };
        Event::SheetTraining {
            step: self.losses.len(),
            steps: self.target,
            running: self.run.is_some(),
            line,
            level,
            chart: view::chart(&self.losses),
        }
    }
}

/// Exercise 4's step count as typed: a whole number from 1 to `MAX_STEPS` (commas allowed).
pub fn parse_steps(text: &str) -> Result<usize, String> {
    let clean: String = text
        .trim()
        .chars()
        .filter(|&c| c != ',' && c != '_')
        .collect();
    match clean.parse::<usize>() {
        Ok(n) if (1..=MAX_STEPS).contains(&n) => Ok(n),
        _ => Err(format!(
            "steps: “{}” is not a whole number from 1 to {}",
            text.trim().chars().take(40).collect::<String>(),
            format::count(MAX_STEPS)
        )),
    }
}
