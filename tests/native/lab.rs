//! The worker's loop natively, with a fake clock: requests in, events out, time slices of work
//! and reports at the page's rates (src/session/lab.rs).

use crate::support::few_names;
use makemore_lab::charts::ChartId;
use makemore_lab::charts::ChartSpec;
use makemore_lab::session::history::POINTS;
use makemore_lab::session::lab::{Lab, DIAG_MS, PROGRESS_MS, SLICE_MS};
use makemore_lab::session::protocol::{ChartView, Event, Level, ProgressView, Request, Topic};
use std::collections::BTreeMap;

/// A clock that moves on `per_call` ms each time it is read: a step of training reads it once,
/// so `per_call` is also the fake duration of a step.
struct FakeClock {
    now: f64,
    per_call: f64,
}

impl FakeClock {
    /// One tick of the lab: its events, and the fake time at its start and its end.
    fn tick(&mut self, lab: &mut Lab) -> (Vec<Event>, f64, f64) {
        let start = self.now;
        let mut now = self.now;
        let per_call = self.per_call;
        let events = lab.tick(&mut || {
            let t = now;
            now += per_call;
            t
        });
        self.now = now;
        (events, start, now)
    }
}

/// A lab on 600 names at a chapter, with its first events.
fn lab(chapter: &str) -> (Lab, Vec<Event>) {
    let (mut lab, mut events) =
        Lab::new(few_names(600).as_bytes(), "test", "native", None, 0.0).unwrap();
    events.extend(lab.handle(
        Request::Chapter {
            name: chapter.into(),
        },
        0.0,
    ));
    (lab, events)
}

fn progress(events: &[Event]) -> Vec<&ProgressView> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Progress { progress } => Some(progress),
            _ => None,
        })
        .collect()
}

fn notices(events: &[Event]) -> Vec<(&str, Level, Topic)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Notice {
                message,
                level,
                topic,
            } => Some((message.as_str(), *level, *topic)),
            _ => None,
        })
        .collect()
}

fn has_run(events: &[Event]) -> bool {
    events.iter().any(|e| matches!(e, Event::Run { .. }))
}

fn chart(views: &[ChartView], id: ChartId) -> Option<&ChartView> {
    views.iter().find(|v| v.id == id)
}

fn settings(pairs: &[(&str, &str)]) -> Request {
    Request::Settings {
        values: pairs
            .iter()
            .map(|&(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
    }
}

#[test]
fn the_start_says_ready_then_describes_the_run() {
    let (lab, events) = Lab::new(few_names(600).as_bytes(), "test", "native", None, 0.0).unwrap();
    let tags: Vec<&str> = events
        .iter()
        .map(|e| match e {
            Event::Ready { .. } => "ready",
            Event::Run { .. } => "run",
            Event::Progress { .. } => "progress",
            Event::Diag { .. } => "diag",
            Event::Runs { .. } => "runs",
            Event::Quiz { .. } => "quiz",
            _ => "other",
        })
        .collect();
    assert_eq!(tags, ["ready", "run", "runs", "progress", "quiz", "diag"]);
    let Event::Ready { data, kernels, .. } = &events[0] else {
        unreachable!()
    };
    assert_eq!((data.names.as_str(), kernels.as_str()), ("600", "native"));
    // The sampler and the name score say what to do before they are first used.
    let Event::Run { run } = &events[1] else {
        unreachable!()
    };
    let sampler = chart(&run.charts, ChartId::Sampler).expect("the sampler's prompt");
    assert!(sampler.lines[0].contains("New name"), "{:?}", sampler.lines);
    let score = chart(&run.charts, ChartId::Score).expect("the score's prompt");
    assert!(score.lines[0].contains("Score it"), "{:?}", score.lines);
    assert!(!lab.busy());
    assert!(Lab::new(b"ann\nbob\n", "few", "native", None, 0.0).is_err());
}

#[test]
fn training_runs_in_slices_and_reports_at_the_pages_rates() {
    let (mut lab, _) = lab("fix-tanh");
    let mut clock = FakeClock {
        now: 1000.0,
        per_call: 1.0,
    };
    let answer = lab.handle(Request::Train, clock.now);
    assert!(progress(&answer)[0].running, "Train is answered at once");
    assert!(lab.busy());
    let (mut last_progress, mut last_diag) = (clock.now, clock.now);
    let (mut n_progress, mut n_diag, mut n_quiz) = (0, 0, 0);
    let mut speeds = Vec::new();
    let t_start = clock.now;
    while clock.now - t_start < 5000.0 {
        let step0 = lab.session().run().trainer.step;
        let (events, start, end) = clock.tick(&mut lab);
        // The lab's time of the reports: the last read of the clock.
        let now = end - clock.per_call;
        let steps = lab.session().run().trainer.step - step0;
        // One read at the start, one per step, one at the end.
        assert_eq!(steps, SLICE_MS as usize, "a slice is SLICE_MS of steps");
        assert_eq!(end - start, SLICE_MS + 2.0);
        for e in &events {
            match e {
                Event::Progress { progress } => {
                    assert!(
                        now - last_progress >= PROGRESS_MS,
                        "progress {} ms after the last",
                        now - last_progress
                    );
                    last_progress = now;
                    n_progress += 1;
                    assert!(progress.running && !progress.finished);
                    assert_eq!(progress.step, lab.session().run().trainer.step);
                    assert!(!progress.eta_text.is_empty());
                    assert!(
                        chart(&progress.charts, ChartId::Loss).is_some(),
                        "new steps, a new loss chart"
                    );
                    speeds.push(progress.speed_text.clone());
                }
                Event::Diag { diag } => {
                    assert!(
                        now - last_diag >= DIAG_MS,
                        "diag {} ms after",
                        now - last_diag
                    );
                    last_diag = now;
                    n_diag += 1;
                    assert_eq!(diag.step, lab.session().run().trainer.step);
                }
                // The questions are sent only when they change (here: the first step's answer).
                Event::Quiz { .. } => {
                    n_quiz += 1;
                    assert!(n_quiz <= 2, "the questions sent {n_quiz} times");
                }
                other => panic!("unexpected while training: {other:?}"),
            }
        }
    }
    // They do come, at about their rates (a report waits for the end of a slice).
    let slice = SLICE_MS + 2.0;
    let want = |every: f64| (5000.0 / ((every / slice).ceil() * slice)) as usize;
    assert!(n_progress >= want(PROGRESS_MS), "{n_progress}");
    assert!(n_diag >= want(DIAG_MS), "{n_diag}");
    // 40 steps per 42 ms of fake time.
    let itps = SLICE_MS * 1000.0 / slice;
    let last: f64 = speeds
        .last()
        .unwrap()
        .trim_end_matches(" it/s")
        .replace(',', "")
        .parse()
        .unwrap();
    assert_eq!(last, itps.round(), "{speeds:?}");
}

#[test]
fn a_step_that_would_end_past_the_slice_waits_for_the_next_one() {
    // A large model: each step takes 30 ms of the slice's 40. A second step would end at 60 ms,
    // so each slice is one step and Pause waits for at most one.
    let (mut lab, _) = lab("fix-tanh");
    let mut clock = FakeClock {
        now: 0.0,
        per_call: 30.0,
    };
    lab.handle(Request::Train, clock.now);
    for _ in 0..5 {
        let step0 = lab.session().run().trainer.step;
        clock.tick(&mut lab);
        assert_eq!(lab.session().run().trainer.step - step0, 1);
    }
}

#[test]
fn pause_is_answered_with_running_false_and_stops_the_work() {
    let (mut lab, _) = lab("fix-tanh");
    let mut clock = FakeClock {
        now: 0.0,
        per_call: 1.0,
    };
    lab.handle(Request::Train, clock.now);
    clock.tick(&mut lab);
    let answer = lab.handle(Request::Pause, clock.now);
    let p = progress(&answer);
    assert_eq!(p.len(), 1);
    assert!(!p[0].running);
    assert_eq!(p[0].speed_text, "");
    assert!(!lab.busy());
    let step = lab.session().run().trainer.step;
    assert_eq!(step, SLICE_MS as usize);
    clock.tick(&mut lab);
    assert_eq!(lab.session().run().trainer.step, step, "paused: no steps");
    let answer = lab.handle(Request::Step, clock.now);
    assert_eq!(progress(&answer)[0].step, step + 1);
}

#[test]
fn a_bad_budget_is_a_training_notice_and_changes_nothing() {
    let (mut lab, _) = lab("fix-tanh");
    let (run, steps) = (
        lab.session().run().number,
        lab.session().run().trainer.train.steps,
    );
    let answer = lab.handle(
        Request::Budget {
            steps: "abc".into(),
            hold: false,
        },
        0.0,
    );
    let n = notices(&answer);
    assert_eq!(n.len(), 1, "{answer:?}");
    assert_eq!((n[0].1, n[0].2), (Level::Warn, Topic::Training));
    assert!(n[0].0.contains("whole number"), "{}", n[0].0);
    assert!(!has_run(&answer));
    assert_eq!(lab.session().run().number, run);
    assert_eq!(lab.session().run().trainer.train.steps, steps);
    assert_eq!(progress(&answer)[0].budget_text, steps.to_string());
    // A good one is taken in the same run.
    let answer = lab.handle(
        Request::Budget {
            steps: "1234".into(),
            hold: false,
        },
        0.0,
    );
    assert!(notices(&answer).is_empty() && !has_run(&answer));
    assert_eq!(progress(&answer)[0].budget_text, "1234");
    assert_eq!(lab.session().run().number, run);
    // The rate too: a bad one is a training notice.
    let answer = lab.handle(
        Request::Lr {
            lr: Some("fast".into()),
        },
        0.0,
    );
    assert_eq!(notices(&answer)[0].2, Topic::Training);
    assert!(!progress(&answer)[0].lr_override);
}

#[test]
fn settings_errors_are_settings_notices_and_change_nothing() {
    let (mut lab, _) = lab("kaiming");
    let run = lab.session().run().number;
    for bad in [
        settings(&[("n_hidden", "abc")]),
        settings(&[("nonsense", "1")]),
        settings(&[("n_embd", "8"), ("output_bn", "true")]),
    ] {
        let answer = lab.handle(bad.clone(), 0.0);
        let n = notices(&answer);
        assert_eq!(n.len(), 1, "{bad:?}");
        assert_eq!((n[0].1, n[0].2), (Level::Bad, Topic::Settings), "{bad:?}");
        assert!(!has_run(&answer));
        assert_eq!(lab.session().run().number, run);
        assert_eq!(lab.session().settings().n_embd, 10);
    }
    let answer = lab.handle(settings(&[("n_embd", "8")]), 0.0);
    assert!(notices(&answer).is_empty());
    let Some(Event::Run { run: r }) = answer.iter().find(|e| matches!(e, Event::Run { .. })) else {
        panic!("a new run: {answer:?}")
    };
    assert_eq!(r.run, run + 1);
    assert_eq!(r.knobs["n_embd"], "8");
    assert!(r.title.starts_with("custom"), "{}", r.title);
    // A bad chapter is a training notice.
    let answer = lab.handle(
        Request::Chapter {
            name: "nope".into(),
        },
        0.0,
    );
    assert_eq!(notices(&answer)[0].2, Topic::Training);
    assert_eq!(lab.session().run().number, run + 1);
}

#[test]
fn a_bad_file_is_a_load_error_with_its_upload_number_and_a_good_one_a_new_run() {
    let (mut lab, _) = lab("fix-tanh");
    let run = lab.session().run().number;
    let answer = lab.handle(
        Request::Load {
            bytes: b"ann\nbob\n".to_vec(),
            name: "few.txt".into(),
            upload: 7,
        },
        0.0,
    );
    let errors: Vec<_> = answer
        .iter()
        .filter_map(|e| match e {
            Event::LoadError {
                message,
                name,
                upload,
            } => Some((message, name, *upload)),
            _ => None,
        })
        .collect();
    assert_eq!(errors.len(), 1, "{answer:?}");
    assert_eq!((errors[0].1.as_str(), errors[0].2), ("few.txt", 7));
    assert!(errors[0].0.contains("names"), "{}", errors[0].0);
    // The whole sentence, as the page shows it.
    assert!(
        errors[0].0.starts_with("“few.txt” was not loaded: ")
            && errors[0]
                .0
                .ends_with("The data, model and plots in use are unchanged."),
        "{}",
        errors[0].0
    );
    assert!(!has_run(&answer));
    assert!(!answer.iter().any(|e| matches!(e, Event::Data { .. })));
    assert_eq!(lab.session().run().number, run);
    assert_eq!(progress(&answer)[0].run, run);

    let text = "zoe\nxavier\nquinn\nyara\nwill\nvera\numa\ntess\nsara\nrita\nzed\nyoko\n";
    let answer = lab.handle(
        Request::Load {
            bytes: text.as_bytes().to_vec(),
            name: "mine.txt".into(),
            upload: 8,
        },
        0.0,
    );
    let data = answer
        .iter()
        .position(|e| matches!(e, Event::Data { upload: 8, .. }))
        .expect("data");
    let new_run = answer
        .iter()
        .position(|e| matches!(e, Event::Run { run: r } if r.run == run + 1))
        .expect("a new run");
    assert!(data < new_run, "{answer:?}");
    let Event::Data { data, name, .. } = &answer[data] else {
        unreachable!()
    };
    assert_eq!((data.names.as_str(), name.as_str()), ("12", "mine.txt"));
    let n = notices(&answer);
    assert_eq!((n[0].1, n[0].2), (Level::Good, Topic::Upload));
    assert!(n[0].0.contains("12 names, vocabulary"), "{}", n[0].0);
}

#[test]
fn samples_come_with_a_line_that_counts_them() {
    let (mut lab, _) = lab("fix-tanh");
    let mut clock = FakeClock {
        now: 0.0,
        per_call: 1.0,
    };
    lab.handle(Request::Train, 0.0);
    clock.tick(&mut lab);
    lab.handle(Request::Pause, clock.now);
    let answer = lab.handle(
        Request::Sample {
            n: "25".into(),
            temperature: " 1.5 ".into(),
        },
        clock.now,
    );
    let Some(Event::Samples { samples, line }) =
        answer.iter().find(|e| matches!(e, Event::Samples { .. }))
    else {
        panic!("samples: {answer:?}")
    };
    assert_eq!(samples.len(), 25);
    let count = |what: &str| samples.iter().filter(|s| s.novelty == what).count();
    let (new, train, val) = (count("new"), count("train"), count("val"));
    assert_eq!(new + train + val, 25);
    assert_eq!(
        line,
        &format!(
            "25 names at step 40, temperature 1.5: {new} not in the list, {train} in train, {val} in val"
        )
    );
    let answer = lab.handle(
        Request::Sample {
            n: "0".into(),
            temperature: "1".into(),
        },
        clock.now,
    );
    let n = notices(&answer);
    assert_eq!((n[0].1, n[0].2), (Level::Warn, Topic::Sampling));
}

#[test]
fn the_end_of_the_budget_reports_once_with_the_evaluation() {
    let (mut lab, _) = lab("fix-tanh");
    lab.handle(
        Request::Budget {
            steps: "100".into(),
            hold: false,
        },
        0.0,
    );
    let mut clock = FakeClock {
        now: 0.0,
        per_call: 1.0,
    };
    lab.handle(Request::Train, 0.0);
    let mut stopped = Vec::new();
    let mut last = None;
    for _ in 0..1000 {
        if !lab.busy() {
            break;
        }
        let (events, _, _) = clock.tick(&mut lab);
        for p in progress(&events) {
            stopped.extend(p.stopped.clone());
            last = Some(p.clone());
        }
    }
    assert!(!lab.busy());
    let last = last.expect("a last progress");
    assert!(last.finished && !last.running && !last.evaluating);
    assert_eq!(stopped.len(), 1, "{stopped:?}");
    assert!(stopped[0].message.contains("finished"));
    let loss = chart(&last.charts, ChartId::Loss).expect("the loss chart");
    let ChartSpec::Loss(spec) = &loss.spec else {
        panic!("a loss spec")
    };
    assert_eq!(spec.train_points.len(), 1, "the full splits at the end");
    assert_eq!(spec.train_points[0].0, 100);
}

#[test]
fn the_loss_charts_text_says_where_the_mean_loss_sits_on_its_log10_axis() {
    let (_, p) = train_tiny(50);
    let loss = chart(&p.charts, ChartId::Loss).expect("the loss chart");
    let line = &loss.lines[0];
    // "step 50: ..., mean of the last 50 steps: 3.21 (at 0.51 on the log10 axis)"
    let (_, mean) = line.split_once("steps: ").expect(line);
    let (mean, rest) = mean.split_once(" (at ").expect(line);
    let axis = rest.strip_suffix(" on the log10 axis)").expect(line);
    let (mean, axis): (f32, f32) = (mean.parse().unwrap(), axis.parse().unwrap());
    assert!((mean.log10() - axis).abs() < 0.006, "{line}");
}

#[test]
fn after_one_step_the_loss_charts_text_gives_its_loss_once() {
    let (_, p) = train_tiny(1);
    let line = &chart(&p.charts, ChartId::Loss)
        .expect("the loss chart")
        .lines[0];
    assert!(line.starts_with("step 1: mini-batch loss "), "{line}");
    assert!(
        !line.contains("mean of the last"),
        "no mean of 1 steps: {line}"
    );
    assert!(line.ends_with(" on the log10 axis)"), "{line}");
}

/// Trains a tiny model for `steps` and returns the last progress with charts.
fn train_tiny(steps: usize) -> (Lab, ProgressView) {
    let (mut lab, _) = lab("fix-tanh");
    let answer = lab.handle(
        settings(&[
            ("n_hidden", "8"),
            ("batch_size", "4"),
            ("block_size", "2"),
            ("n_embd", "2"),
            ("steps", &steps.to_string()),
        ]),
        0.0,
    );
    assert!(notices(&answer).is_empty(), "{answer:?}");
    // A slice of 4,000 steps.
    let mut clock = FakeClock {
        now: 0.0,
        per_call: 0.01,
    };
    lab.handle(Request::Train, 0.0);
    let mut last = None;
    while lab.busy() {
        let (events, _, _) = clock.tick(&mut lab);
        for p in progress(&events) {
            if !p.charts.is_empty() {
                last = Some(p.clone());
            }
        }
    }
    let last = last.expect("progress with charts");
    assert!(last.finished);
    assert_eq!(last.step, steps);
    (lab, last)
}

fn loss_spec(p: &ProgressView) -> (usize, usize) {
    let ChartSpec::Loss(spec) = &chart(&p.charts, ChartId::Loss).unwrap().spec else {
        panic!("a loss spec")
    };
    (spec.losses.len(), spec.every)
}

#[test]
fn a_long_run_keeps_bounded_history_and_messages() {
    let (_, short) = train_tiny(30_000);
    let (points, every) = loss_spec(&short);
    assert!(points <= POINTS + 1, "{points}");
    assert!(every > 1 && points * every >= 30_000, "{points} x {every}");
    let (lab, long) = train_tiny(200_000);
    let (points, every) = loss_spec(&long);
    assert!(points <= POINTS + 1, "{points}");
    assert!(every > 1 && points * every >= 200_000, "{points} x {every}");
    let ChartSpec::UpdateRatios(r) = &chart(&long.charts, ChartId::Ratios).unwrap().spec else {
        panic!("a ratio spec")
    };
    for s in &r.series {
        assert!(s.values.len() <= POINTS + 1, "{}", s.values.len());
    }
    assert!(lab.session().run().trainer.losses.is_empty());
    // The message of the run 7 times as long is about as big.
    let size = |p: &ProgressView| serde_json::to_string(p).unwrap().len();
    assert!(
        size(&long) < 2 * size(&short),
        "{} vs {}",
        size(&long),
        size(&short)
    );
}

/// The charts of a `charts` event.
fn on_request_charts(events: &[Event]) -> Vec<&ChartView> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Charts { charts } => Some(charts),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn the_step_through_sampler_and_name_scores_leave_the_training_run_alone() {
    use makemore_lab::session::protocol::SamplerAction;
    let train = |lab: &mut Lab| {
        for _ in 0..30 {
            lab.handle(Request::Step, 0.0);
        }
        lab.session().run().history().loss_points().0
    };
    let (mut plain, _) = lab("kaiming");
    let expected = train(&mut plain);
    let (mut poked, _) = lab("kaiming");
    let sampler = |action| Request::Sampler {
        action,
        temperature: "1.0".into(),
    };
    let ev = poked.handle(sampler(SamplerAction::New), 0.0);
    assert!(on_request_charts(&ev)[0].lines[0].contains("press Next character"));
    let ev = poked.handle(sampler(SamplerAction::Next), 0.0);
    let view = on_request_charts(&ev)[0];
    assert_eq!(view.id, ChartId::Sampler);
    assert!(
        view.lines[0].starts_with("context [. . .] → '"),
        "{:?}",
        view.lines
    );
    let ev = poked.handle(sampler(SamplerAction::Finish), 0.0);
    assert!(on_request_charts(&ev)[0]
        .lines
        .last()
        .unwrap()
        .contains("(done)"));
    let ev = poked.handle(
        Request::Score {
            name: "emma".into(),
        },
        0.0,
    );
    let score = on_request_charts(&ev)[0];
    assert_eq!(score.id, ChartId::Score);
    assert!(
        score.lines[0].contains("a uniform guess gives 3.296"),
        "{:?}",
        score.lines
    );
    // A character the names never use is refused, with a notice for the sampler's panel.
    let ev = poked.handle(Request::Score { name: "ém".into() }, 0.0);
    assert!(notices(&ev).iter().any(|n| n.2 == Topic::Sampler));
    let ev = poked.handle(
        Request::Sampler {
            action: SamplerAction::Next,
            temperature: "0".into(),
        },
        0.0,
    );
    assert!(notices(&ev).iter().any(|n| n.0.contains("temperature")));
    assert_eq!(train(&mut poked), expected, "the same run, sampler or not");
}

#[test]
fn a_pace_trains_that_many_steps_a_second_and_none_goes_full_speed() {
    let (mut lab, _) = lab("fix-tanh");
    let mut clock = FakeClock {
        now: 1000.0,
        per_call: 1.0,
    };
    lab.handle(
        Request::Pace {
            per_second: Some(100),
        },
        clock.now,
    );
    lab.handle(Request::Train, clock.now);
    let t0 = clock.now;
    // The worker ticks back to back; here 10 ms pass between ticks as well.
    while clock.now - t0 < 3000.0 {
        clock.tick(&mut lab);
        clock.now += 10.0;
    }
    let steps = lab.session().run().trainer.step;
    assert!(
        (295..=301).contains(&steps),
        "100 a second for 3 s: {steps}"
    );
    // As fast as it goes again: a whole slice of steps at once.
    lab.handle(Request::Pace { per_second: None }, clock.now);
    clock.tick(&mut lab);
    assert_eq!(lab.session().run().trainer.step - steps, SLICE_MS as usize);
    // Out of its limits: refused, with the limits.
    let answer = lab.handle(
        Request::Pace {
            per_second: Some(0),
        },
        clock.now,
    );
    let said = answer
        .iter()
        .find_map(|e| match e {
            Event::Notice { message, .. } => Some(message.clone()),
            _ => None,
        })
        .expect("a notice");
    assert!(said.contains("outside 1..100,000"), "{said}");
}
