//! The worker's loop as plain Rust: `handle` takes one `Request` and answers with `Event`s;
//! `tick` does one time slice of work (training, or a piece of a full-split evaluation) and
//! reports at the page's rates. The wasm glue only converts the messages and reads the clock,
//! so every rule of the loop (slice length, report rates, the speed estimate) is here and
//! tested natively with a fake clock.

use super::link::Link;
use super::protocol::{Event, Level, PageOptions, QuizView, Request, SampleView, Topic};
use super::sheet::SheetRoom;
use super::{views, words, Session};
use crate::charts::ChartId;

/// Length of a slice of work: the page's messages (Pause, Step) wait at most this long.
pub const SLICE_MS: f64 = 40.0;
/// How often the step, the speed and the per-step charts are reported while training.
pub const PROGRESS_MS: f64 = 250.0;
/// How often the last step's diagnostics are reported while training.
pub const DIAG_MS: f64 = 500.0;
/// Weight of the newest speed measurement in the smoothed steps per second.
const SPEED_WEIGHT: f64 = 0.4;

pub struct Lab {
    session: Session,
    kernels: String,
    last_progress: f64,
    last_diag: f64,
    /// (run, step) of the last diagnostics and per-step charts sent.
    diag_sent: Option<(u32, usize)>,
    charts_sent: Option<(u32, usize, usize)>,
    itps: f64,
    rate: Option<(f64, usize)>,
    /// The runs event as last sent (sent again when anything in it changes).
    runs_sent: Option<Event>,
    /// The questions as last sent (sent again when anything in them changes).
    quiz_sent: Option<QuizView>,
    /// Steps per second when the teacher slows training down (None: as fast as it goes), and
    /// where the pace was last set going: (time, steps done then).
    pace: Option<u32>,
    paced_from: Option<(f64, usize)>,
    /// The backprop sheet, beside the session (`sheet`).
    sheet: SheetRoom,
}

/// The slowest and fastest pace a teacher may ask for, in steps per second.
pub const PACE_LIMITS: (u32, u32) = (1, 100_000);

fn notice(message: impl Into<String>, level: Level, topic: Topic) -> Event {
    Event::Notice {
        message: message.into(),
        level,
        topic,
    }
}

/// A request that was refused: the notice that says why.
struct Refusal(String, Level, Topic);

impl Refusal {
    fn warn(topic: Topic) -> impl Fn(String) -> Refusal {
        move |e| Refusal(e, Level::Warn, topic)
    }
    fn bad(topic: Topic) -> impl Fn(String) -> Refusal {
        move |e| Refusal(e, Level::Bad, topic)
    }
}

impl Lab {
    /// A lab on a names file; `kernels` says which build trains; `link` is the page's query
    /// string (a setup to reproduce, see `link`). Returns the first events (ready, and the run)
    /// with it. A link that cannot be used gets a notice, and the lab starts with the defaults.
    pub fn new(
        bytes: &[u8],
        source: &str,
        kernels: &str,
        link: Option<&str>,
        now: f64,
    ) -> Result<(Lab, Vec<Event>), String> {
        let mut session = Session::new(bytes, source)?;
        let mut notices = Vec::new();
        let mut page = PageOptions::default();
        if let Some(q) = link.filter(|q| !q.trim_start_matches('?').is_empty()) {
            let applied = Link::parse(q).and_then(|l| {
                apply_link(&mut session, &l)?;
                Ok(l.page)
            });
            match applied {
                Ok(p) => page = p,
                Err(e) => {
                    // A link half applied is no setup of anyone's: start clean.
                    session = Session::new(bytes, source)?;
                    notices.push(notice(
                        words::link_unusable(&e),
                        Level::Bad,
                        Topic::Training,
                    ));
                }
            }
        }
        let mut lab = Lab {
            session,
            kernels: kernels.to_string(),
            last_progress: 0.0,
            last_diag: 0.0,
            diag_sent: None,
            charts_sent: None,
            itps: 0.0,
            rate: None,
            runs_sent: None,
            quiz_sent: None,
            pace: None,
            paced_from: None,
            sheet: SheetRoom::default(),
        };
        let mut events = vec![Event::Ready {
            data: views::data_view(&lab.session),
            kernels: lab.kernels.clone(),
            page,
        }];
        lab.run_events(now, &mut events);
        events.extend(notices);
        Ok((lab, events))
    }

    /// Splits the training steps across `par`'s threads, this run's and every later one's.
    pub fn set_par(&mut self, par: crate::pool::Par) {
        self.session.set_par(par);
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    /// Work is waiting: call `tick` again.
    pub fn busy(&self) -> bool {
        self.session.busy() || self.sheet.busy()
    }

    /// A new run began: its description, then everything fresh.
    fn run_events(&mut self, now: f64, events: &mut Vec<Event>) {
        self.diag_sent = None;
        self.charts_sent = None;
        events.push(Event::Run {
            run: views::run_view(&self.session),
        });
        self.flush(now, true, events);
    }

    /// Answers one request from the page.
    pub fn handle(&mut self, req: Request, now: f64) -> Vec<Event> {
        let mut ev = Vec::new();
        let s = &mut self.session;
        let new_run =
            |r: Result<(), String>| r.map(|_| true).map_err(Refusal::bad(Topic::Training));
        let outcome: Result<bool, Refusal> = match req {
            Request::Init { .. } => Err(Refusal(
                words::ALREADY_RUNNING.into(),
                Level::Warn,
                Topic::Training,
            )),
            Request::Train => {
                let r = s.start().map_err(Refusal::warn(Topic::Training));
                if r.is_ok() {
                    self.rate = Some((now, s.run().trainer.step));
                    self.paced_from = Some((now, s.run().trainer.step));
                }
                r.map(|_| false)
            }
            Request::Pause => {
                s.pause();
                Ok(false)
            }
            Request::Step => s
                .step_once()
                .map(|_| false)
                .map_err(Refusal::warn(Topic::Training)),
            Request::Reset => new_run(s.reset()),
            Request::NewSeed => new_run(s.new_seed().map(|_| ())),
            Request::Evaluate => {
                s.request_eval();
                Ok(false)
            }
            Request::ClearRuns => {
                s.clear_earlier();
                self.charts_sent = None;
                Ok(false)
            }
            Request::Chapter { name } => new_run(s.choose_chapter(&name)),
            Request::Experiment { name } => new_run(s.choose_experiment(&name)),
            Request::Link { page } => {
                let query = Link::query(s.setup(), s.settings(), s.run().lr_override(), &page);
                ev.push(Event::Link { query });
                Ok(false)
            }
            Request::Export { what } => {
                let (name, mime, bytes) = super::export::export(s, what);
                ev.push(Event::File { name, mime, bytes });
                Ok(false)
            }
            Request::Sampler {
                action,
                temperature,
            } => match s.sampler(action, &temperature) {
                Ok(()) => {
                    ev.push(Event::Charts {
                        charts: views::requested(s, ChartId::Sampler),
                    });
                    Ok(false)
                }
                Err(e) => Err(Refusal::warn(Topic::Sampler)(e)),
            },
            Request::Score { name } => match s.score(&name) {
                Ok(()) => {
                    ev.push(Event::Charts {
                        charts: views::requested(s, ChartId::Score),
                    });
                    Ok(false)
                }
                Err(e) => Err(Refusal::warn(Topic::Sampler)(e)),
            },
            Request::LoadWeights { bytes, name } => match s.load_weights(&bytes) {
                Ok(()) => {
                    ev.push(notice(
                        words::weights_loaded(&name, s.run().number),
                        Level::Good,
                        Topic::Weights,
                    ));
                    Ok(true)
                }
                Err(e) => Err(Refusal(
                    words::weights_refused(&name, &e),
                    Level::Bad,
                    Topic::Weights,
                )),
            },
            Request::Compare { run, first_steps } => {
                s.set_loss_zoom(first_steps);
                self.charts_sent = None;
                self.diag_sent = None;
                s.set_compare(run)
                    .map(|_| false)
                    .map_err(Refusal::warn(Topic::Training))
            }
            Request::Settings { values } => s
                .apply_settings(values.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .map(|_| true)
                .map_err(|e| Refusal(words::not_applied(&e), Level::Bad, Topic::Settings)),
            Request::Budget { steps, hold } => s
                .set_steps(&steps, hold)
                .map(|_| false)
                .map_err(Refusal::warn(Topic::Training)),
            Request::Lr { lr } => s
                .set_lr(lr.as_deref())
                .map(|_| false)
                .map_err(Refusal::warn(Topic::Training)),
            Request::Sample { n, temperature } => match s.sample(&n, &temperature) {
                Ok(list) => {
                    let mut counts = [0usize; 3];
                    let samples: Vec<SampleView> = list
                        .iter()
                        .map(|x| {
                            counts[x.novelty as usize] += 1;
                            SampleView {
                                name: if x.truncated {
                                    format!("{}…", x.name)
                                } else {
                                    x.name.clone()
                                },
                                novelty: x.novelty.name().to_string(),
                            }
                        })
                        .collect();
                    let step = s.run().trainer.step;
                    let line = words::sampled(samples.len(), step, &temperature, counts);
                    ev.push(Event::Samples { samples, line });
                    Ok(false)
                }
                Err(e) => Err(Refusal::warn(Topic::Sampling)(e)),
            },
            Request::Load {
                bytes,
                name,
                upload,
            } => match s.load_names(&bytes, &name) {
                Ok(()) => {
                    ev.push(Event::Data {
                        data: views::data_view(s),
                        name: name.clone(),
                        upload,
                    });
                    ev.push(notice(
                        words::names_loaded(&name, &views::data_line(s)),
                        Level::Good,
                        Topic::Upload,
                    ));
                    Ok(true)
                }
                Err(fault) => {
                    ev.push(Event::LoadError {
                        message: words::names_refused(&name, &fault),
                        name,
                        upload,
                    });
                    Ok(false)
                }
            },
            Request::PathFrame { frame } => {
                s.set_path_frame(frame);
                ev.push(Event::Path {
                    path: views::embedding::path_view(s),
                    chart: views::embedding::chart(s),
                });
                Ok(false)
            }
            Request::Guess {
                question,
                number,
                choice,
            } => s
                .guess(question, number.as_deref(), choice)
                .map(|_| false)
                .map_err(Refusal::warn(Topic::Questions)),
            Request::Reveal { question } => s
                .reveal(question)
                .map(|_| false)
                .map_err(Refusal::warn(Topic::Questions)),
            Request::SlowStep { neuron, example } => match s.slow_step(&neuron, &example) {
                Ok(()) => {
                    if let Some(slow) = views::slow_view(s) {
                        ev.push(Event::Slow { slow });
                    }
                    Ok(false)
                }
                Err(e) => Err(Refusal::warn(Topic::Slow)(e)),
            },
            Request::Fold => match s.fold() {
                Ok(f) => {
                    let step = s.run().trainer.step;
                    ev.push(notice(words::folded(&f, step), Level::Good, Topic::Fold));
                    Ok(false)
                }
                Err(e) => Err(Refusal::warn(Topic::Fold)(e)),
            },
            Request::Pace { per_second } => match per_second {
                Some(n) if !(PACE_LIMITS.0..=PACE_LIMITS.1).contains(&n) => Err(Refusal::warn(
                    Topic::Training,
                )(
                    words::pace_out_of_range(n, PACE_LIMITS),
                )),
                _ => {
                    self.pace = per_second;
                    self.paced_from = Some((now, s.run().trainer.step));
                    Ok(false)
                }
            },
            req @ (Request::SheetOpen { .. }
            | Request::SheetAnswer { .. }
            | Request::SheetHint { .. }
            | Request::SheetTrain { .. }) => {
                ev.extend(self.sheet.handle(s.data(), req));
                Ok(false)
            }
            Request::PanicForTest => panic!("a panic asked for by the test"),
        };
        match outcome {
            Ok(true) => self.run_events(now, &mut ev),
            Ok(false) => self.flush(now, true, &mut ev),
            Err(Refusal(message, level, topic)) => {
                ev.push(notice(message, level, topic));
                self.flush(now, true, &mut ev);
            }
        }
        ev
    }

    /// One slice of work (at most `SLICE_MS` by `clock`), then the reports that are due. A step
    /// that would end past the slice (as long as the last one took) waits for the next slice,
    /// so a large model's slice is one step, not `SLICE_MS` and one step more: Pause is heard
    /// within a slice plus the reports whatever the settings.
    pub fn tick(&mut self, clock: &mut dyn FnMut() -> f64) -> Vec<Event> {
        let t0 = clock();
        if self.sheet.busy() {
            // Exercise 4's slice; the session's training waits for it (a bounded number of steps).
            return self.sheet.work(t0, || clock() - t0 > SLICE_MS);
        }
        let mut last = t0;
        let out_of_time = || {
            let now = clock();
            let step = now - last;
            last = now;
            now - t0 + step > SLICE_MS
        };
        let steps = match (self.pace, self.paced_from) {
            // Paced: the steps due since the pace was set, no more (a slice may take none).
            (Some(pace), Some((since, from)))
                if self.session.run().is_running()
                    && self.session.run().eval_progress().is_none() =>
            {
                let due = ((t0 - since).max(0.0) * f64::from(pace) / 1000.0).floor() as usize;
                let done = self.session.run().trainer.step.saturating_sub(from);
                match due.saturating_sub(done) {
                    0 => 0,
                    n => self.session.train(n, out_of_time),
                }
            }
            _ => self.session.work(out_of_time),
        };
        let now = clock();
        if steps > 0 {
            self.session.note_train_ms(now - t0);
        }
        let mut ev = Vec::new();
        // The last slice of a run (finished, diverged, paused) reports everything.
        let force = !self.session.busy();
        self.flush(now, force, &mut ev);
        ev
    }

    /// Progress (at `PROGRESS_MS`) and diagnostics (at `DIAG_MS`), or both now if `force`;
    /// charts only when they have something new; the runs table (when `force`) when it
    /// changed.
    fn flush(&mut self, now: f64, force: bool, ev: &mut Vec<Event>) {
        // The answers the run now shows, before the runs table tallies the guesses.
        self.session.update_quiz();
        if force {
            let (previous, previous_note) = views::previous_chapter(&self.session);
            let runs = Event::Runs {
                runs: views::run_rows(&self.session),
                compare: self.session.runs().compared().map(|r| r.run),
                previous,
                previous_note,
            };
            if self.runs_sent.as_ref() != Some(&runs) {
                ev.push(runs.clone());
                self.runs_sent = Some(runs);
            }
        }
        let s = &mut self.session;
        if force || now - self.last_progress >= PROGRESS_MS {
            let step = s.run().trainer.step;
            if s.run().is_running() {
                if let Some((t, st)) = self.rate.filter(|&(t, st)| now > t && step >= st) {
                    let inst = (step - st) as f64 * 1000.0 / (now - t);
                    self.itps = if self.itps > 0.0 {
                        (1.0 - SPEED_WEIGHT) * self.itps + SPEED_WEIGHT * inst
                    } else {
                        inst
                    };
                }
                self.rate = Some((now, step));
            } else {
                self.itps = 0.0;
                self.rate = None;
            }
            let key = (
                s.run().number,
                s.run().history().steps(),
                s.run().evals().len(),
            );
            let charts = if self.charts_sent != Some(key) {
                self.charts_sent = Some(key);
                views::step_charts(s)
            } else {
                Vec::new()
            };
            let mut progress = views::progress_view(s, self.itps, charts);
            progress.stopped = s.take_stopped().map(|st| views::stopped_notice(&st));
            ev.push(Event::Progress { progress });
            self.last_progress = now;
            let quiz = views::quiz_view(s);
            if self.quiz_sent.as_ref() != Some(&quiz) {
                ev.push(Event::Quiz { quiz: quiz.clone() });
                self.quiz_sent = Some(quiz);
            }
        }
        if force || now - self.last_diag >= DIAG_MS {
            // Only when there is a new step to show (a new run clears `diag_sent`).
            let key = (s.run().number, s.run().trainer.step);
            if self.diag_sent != Some(key) {
                self.diag_sent = Some(key);
                ev.push(Event::Diag {
                    diag: views::diag_view(s),
                });
            }
            self.last_diag = now;
        }
    }
}

/// Sets up a session as a link says: its chapter or experiment, its knobs, its learning rate.
fn apply_link(s: &mut Session, l: &Link) -> Result<(), String> {
    if let Some(setup) = l.setup {
        s.choose(setup)?;
    }
    if !l.knobs.is_empty() {
        s.apply_settings(l.knobs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    }
    if let Some(lr) = &l.lr_now {
        s.set_lr(Some(lr))?;
    }
    Ok(())
}
