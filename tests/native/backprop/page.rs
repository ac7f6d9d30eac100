//! The sheet through the worker's loop (`session::lab::Lab::handle` and `tick`, the room
//! `session::sheet`): the page's requests in, the sheet's events out. An answer typed as the
//! lecture writes it comes back exact; a wrong one wrong with a message and the shapes; a
//! megabyte of text is refused with a message; hints come in steps; exercise 4 trains in the
//! worker's slices and its two curves overlay, or part ways with a wrong answer.

use super::lecture::EXERCISE_1;
use crate::support::few_names;
use makemore_lab::backprop::VerdictStatus;
use makemore_lab::charts::ChartSpec;
use makemore_lab::session::lab::Lab;
use makemore_lab::session::protocol::{ChartView, Event, Level, Request, Topic, Verdict};
use makemore_lab::session::sheet::MAX_STEPS;
use std::collections::BTreeMap;

fn lab() -> Lab {
    Lab::new(few_names(600).as_bytes(), "test", "native", None, 0.0)
        .unwrap()
        .0
}

fn verdict(events: &[Event]) -> (&Verdict, &str) {
    events
        .iter()
        .find_map(|e| match e {
            Event::SheetVerdict { verdict, line } => Some((verdict, line.as_str())),
            _ => None,
        })
        .expect("a verdict")
}

fn sheet_notice(events: &[Event]) -> Option<&str> {
    events.iter().find_map(|e| match e {
        Event::Notice {
            message,
            topic: Topic::Sheet,
            ..
        } => Some(message.as_str()),
        _ => None,
    })
}

fn answer(lab: &mut Lab, id: &str, text: &str) -> Vec<Event> {
    lab.handle(
        Request::SheetAnswer {
            id: id.into(),
            text: text.into(),
        },
        0.0,
    )
}

#[test]
fn the_lectures_answers_come_back_exact_and_a_wrong_one_wrong() {
    let mut lab = lab();
    for (id, text) in EXERCISE_1 {
        let ev = answer(&mut lab, id, text);
        let (v, line) = verdict(&ev);
        assert_eq!(v.status, VerdictStatus::Exact, "{id}: {v:?}");
        assert!(line.contains("exact"), "{id}: {line}");
    }
    // A missing transpose: wrong, with both shapes in the line.
    let ev = answer(&mut lab, "W2", "dW2 = h @ dlogits.T");
    let (v, line) = verdict(&ev);
    assert_eq!(v.status, VerdictStatus::Error, "{v:?}");
    assert!(!line.is_empty(), "{v:?}");
    let ev = answer(&mut lab, "W2", "dW2 = (dlogits.T @ h).T * 2");
    let (v, line) = verdict(&ev);
    assert_eq!(v.status, VerdictStatus::Wrong, "{v:?}");
    assert!(line.starts_with("dW2: wrong"), "{line}");
    let ev = answer(&mut lab, "b2", "db2 = dlogits.sum(1)");
    let (v, line) = verdict(&ev);
    assert_eq!(v.status, VerdictStatus::Wrong, "{v:?}");
    assert!(line.contains("yours has shape"), "{line}");
    // A typo: where it fails.
    let ev = answer(&mut lab, "h", "dh = dlogits @ W2.T +");
    let (v, line) = verdict(&ev);
    assert_eq!(v.status, VerdictStatus::Error, "{v:?}");
    assert!(line.starts_with("line 1, column"), "{line}");
    assert_eq!(
        line.matches("column").count(),
        1,
        "where, said once: {line}"
    );
}

#[test]
fn the_sheet_opens_with_the_pages_answers_judged() {
    let mut lab = lab();
    let answers = BTreeMap::from([
        ("h".to_string(), "dh = dlogits @ W2.T".to_string()),
        ("b2".to_string(), "db2 = dlogits.sum(1)".to_string()),
        ("C".to_string(), "x".repeat(1 << 20)),
    ]);
    let ev = lab.handle(
        Request::SheetOpen {
            answers,
            handed: BTreeMap::new(),
        },
        0.0,
    );
    let Some(Event::Sheet {
        parts,
        exercises,
        lines,
        ..
    }) = ev.iter().find(|e| matches!(e, Event::Sheet { .. }))
    else {
        panic!("no sheet in {ev:?}")
    };
    assert_eq!(parts.len(), 4);
    assert_eq!(exercises.len(), lines.len());
    let status = |id: &str| {
        let i = exercises.iter().position(|e| e.id == id).unwrap();
        (exercises[i].verdict.status, lines[i].as_str())
    };
    assert_eq!(status("h").0, VerdictStatus::Exact);
    assert_eq!(status("b2").0, VerdictStatus::Wrong);
    assert_eq!(status("probs"), (VerdictStatus::Empty, ""));
    // The megabyte answer was not kept, and a notice says why.
    assert_eq!(status("C").0, VerdictStatus::Empty);
    let refused = sheet_notice(&ev).expect("a notice for the long answer");
    assert!(refused.contains("at most"), "{refused}");
}

#[test]
fn a_link_hands_out_answers_into_the_empty_boxes_and_keeps_the_students_own() {
    let mut lab = lab();
    // The student wrote dh (wrong) in this browser; the teacher's link has dh and db2 right.
    let answers = BTreeMap::from([("h".to_string(), "dh = 2 * dlogits @ W2.T".to_string())]);
    let handed = BTreeMap::from([
        ("h".to_string(), "dh = dlogits @ W2.T".to_string()),
        ("b2".to_string(), "db2 = dlogits.sum(0)".to_string()),
        ("probs".to_string(), "  ".to_string()),
    ]);
    let ev = lab.handle(Request::SheetOpen { answers, handed }, 0.0);
    let Some(Event::Sheet { exercises, .. }) = ev.iter().find(|e| matches!(e, Event::Sheet { .. }))
    else {
        panic!("no sheet in {ev:?}")
    };
    let of = |id: &str| exercises.iter().find(|e| e.id == id).unwrap();
    assert_eq!(
        of("h").answer,
        "dh = 2 * dlogits @ W2.T",
        "the student's own stays"
    );
    assert_eq!(of("h").verdict.status, VerdictStatus::Wrong);
    assert_eq!(
        of("b2").answer,
        "db2 = dlogits.sum(0)",
        "the link fills an empty box"
    );
    assert_eq!(of("b2").verdict.status, VerdictStatus::Exact);
    assert_eq!(of("probs").answer, "", "a blank hand-out fills nothing");
    assert_eq!(
        sheet_notice(&ev),
        Some("The link filled in 1 answer; 1 box kept what you wrote in this browser.")
    );
    // Without a link, no word of one.
    let ev = lab.handle(
        Request::SheetOpen {
            answers: BTreeMap::new(),
            handed: BTreeMap::new(),
        },
        0.0,
    );
    assert_eq!(sheet_notice(&ev), None);
}

#[test]
fn a_megabyte_of_text_is_refused_with_a_message() {
    let mut lab = lab();
    let huge = format!("dh = dlogits @ W2.T\n{}", "# x\n".repeat(1 << 18));
    let ev = answer(&mut lab, "h", &huge);
    let (v, line) = verdict(&ev);
    assert_eq!(v.status, VerdictStatus::Error, "{v:?}");
    assert!(line.contains("at most"), "{line}");
    // Deep nesting, within the size limit: a message too.
    let deep = format!("dh = {}1{}", "(".repeat(2000), ")".repeat(2000));
    let ev = answer(&mut lab, "h", &deep);
    let (v, _) = verdict(&ev);
    assert_eq!(v.status, VerdictStatus::Error, "{v:?}");
    assert!(!v.message.is_empty());
}

#[test]
fn hints_come_in_steps_and_unknown_exercises_get_a_notice() {
    let mut lab = lab();
    for level in 1..=3 {
        let ev = lab.handle(
            Request::SheetHint {
                id: "h".into(),
                level,
            },
            0.0,
        );
        let hints = ev
            .iter()
            .find_map(|e| match e {
                Event::SheetHints { id, hints } if id == "h" => Some(hints),
                _ => None,
            })
            .expect("hints");
        assert_eq!(hints.len(), level);
    }
    let ev = lab.handle(
        Request::SheetHint {
            id: "nothing".into(),
            level: 1,
        },
        0.0,
    );
    assert!(sheet_notice(&ev).unwrap().contains("no exercise"));
}

/// Trains exercise 4 to its end with a fake clock; every training event on the way.
fn train(lab: &mut Lab, steps: &str) -> Vec<(usize, bool, String, Level, ChartView)> {
    let ev = lab.handle(
        Request::SheetTrain {
            steps: steps.into(),
        },
        0.0,
    );
    assert!(sheet_notice(&ev).is_none(), "{ev:?}");
    let mut now = 0.0;
    let mut out = Vec::new();
    for _ in 0..10_000 {
        if !lab.busy() {
            break;
        }
        for e in lab.tick(&mut || {
            now += 5.0;
            now
        }) {
            if let Event::SheetTraining {
                step,
                running,
                line,
                level,
                chart,
                ..
            } = e
            {
                out.push((step, running, line, level, chart));
            }
        }
    }
    assert!(!lab.busy(), "exercise 4 ends");
    out
}

fn curves(chart: &ChartView) -> (Vec<f32>, Vec<f32>) {
    let ChartSpec::Loss(spec) = &chart.spec else {
        panic!("a loss chart")
    };
    (spec.losses.clone(), spec.earlier_runs[0].values.clone())
}

#[test]
fn exercise_4_trains_in_slices_and_its_curves_overlay() {
    let mut lab = lab();
    let ev = lab.handle(Request::SheetTrain { steps: "30".into() }, 0.0);
    let missing = sheet_notice(&ev).expect("refused while answers are missing");
    assert!(missing.contains("still empty"), "{missing}");
    assert!(!lab.busy());
    for (id, text) in EXERCISE_1 {
        answer(&mut lab, id, text);
    }
    let reports = train(&mut lab, "30");
    assert!(reports.len() >= 2, "reported on the way: {}", reports.len());
    let (step, running, line, level, chart) = reports.last().unwrap();
    assert_eq!(
        (*step, *running, *level),
        (30, false, Level::Good),
        "{line}"
    );
    assert!(line.contains("bit for bit"), "{line}");
    let (core, student) = curves(chart);
    assert_eq!(core.len(), 30);
    assert_eq!(core, student);
    assert!(core[29] < core[0], "it trains: {core:?}");

    // One wrong answer: the curves part ways, and the line says so.
    answer(&mut lab, "hpreact", "dhpreact = (1.0 - h) * dh");
    let reports = train(&mut lab, "30");
    let (_, _, line, level, chart) = reports.last().unwrap();
    assert_eq!(*level, Level::Bad, "{line}");
    assert!(line.contains("part ways"), "{line}");
    let (core, student) = curves(chart);
    assert_ne!(core, student);

    // Steps out of bounds are refused by name.
    for bad in ["0", "abc", &format!("{}", MAX_STEPS + 1)] {
        let ev = lab.handle(Request::SheetTrain { steps: bad.into() }, 0.0);
        assert!(sheet_notice(&ev).unwrap().contains("steps"), "{bad}");
    }
}

#[test]
fn the_page_sheets_worker_follows_the_names_in_use_and_keeps_the_answers() {
    use makemore_lab::data::{parse_names, Dataset, SPLIT_SEED};
    use makemore_lab::session::sheet::SheetRoom;
    let data = |text: &str| Dataset::new(&parse_names(text.as_bytes()).unwrap(), 3, SPLIT_SEED);
    let default = data(&few_names(600));
    // 40 names over 6 letters and '.': a vocabulary of 7.
    let other: Vec<String> = (0..40)
        .map(|i| ["אב", "בג", "גדה", "הו", "ואב"][i % 5].repeat(1 + i % 3))
        .collect();
    let other = data(&other.join("\n"));
    assert_eq!(other.vocab.size(), 7);
    let logits_shape = |ev: &[Event]| {
        ev.iter()
            .find_map(|e| match e {
                Event::Sheet { exercises, .. } => exercises
                    .iter()
                    .find(|x| x.tensor == "logits")
                    .map(|x| x.shape.clone()),
                _ => None,
            })
            .expect("the sheet, with logits")
    };
    let mut room = SheetRoom::default();
    assert!(
        room.names_changed(&other).is_empty(),
        "an unopened sheet waits"
    );
    let ev = room.open(&default, &BTreeMap::new(), &BTreeMap::new());
    assert_eq!(logits_shape(&ev)[1], 27);
    let (id, text) = EXERCISE_1[0];
    let v = room.answer(&default, id, text);
    assert_eq!(verdict(&v).0.status, VerdictStatus::Exact);
    let ev = room.names_changed(&other);
    assert_eq!(
        logits_shape(&ev)[1],
        7,
        "the shapes follow the new vocabulary"
    );
    let kept = ev
        .iter()
        .find_map(|e| match e {
            Event::Sheet { exercises, .. } => exercises.iter().find(|x| x.id == id).cloned(),
            _ => None,
        })
        .expect("the answered exercise");
    assert_eq!(kept.answer, text, "the answer is kept");
    assert_eq!(
        kept.verdict.status,
        VerdictStatus::Exact,
        "and judged on the new batch"
    );
}

#[test]
fn exercise_4_on_earlier_names_stops_and_says_so_when_the_names_change() {
    use makemore_lab::data::{parse_names, Dataset, SPLIT_SEED};
    use makemore_lab::session::sheet::SheetRoom;
    let data = |text: &str| Dataset::new(&parse_names(text.as_bytes()).unwrap(), 3, SPLIT_SEED);
    let default = data(&few_names(600));
    let other = data(&few_names(300).to_uppercase());
    let training = |ev: &[Event]| {
        ev.iter()
            .find_map(|e| match e {
                Event::SheetTraining {
                    step,
                    running,
                    line,
                    level,
                    chart,
                    ..
                } => Some((*step, *running, line.clone(), *level, chart.clone())),
                _ => None,
            })
            .expect("exercise 4's status")
    };
    let mut room = SheetRoom::default();
    room.open(&default, &BTreeMap::new(), &BTreeMap::new());
    for (id, text) in EXERCISE_1 {
        room.answer(&default, id, text);
    }
    // Stopped mid-run: a few steps taken of 40.
    assert!(room.train(&default, "40").is_empty());
    let mut n = 0;
    room.work(0.0, || {
        n += 1;
        n >= 3
    });
    assert!(room.busy(), "still training");
    let (step, running, line, level, chart) = training(&room.names_changed(&other));
    assert!(!room.busy(), "the run on the earlier names stops");
    assert_eq!((step, running, level), (0, false, Level::Warn), "{line}");
    assert!(line.contains("names changed"), "{line}");
    assert!(curves(&chart).0.is_empty(), "no curve of the earlier names");
    // Run to its end on the new names, then the names change back: its curves go too.
    room.train(&other, "5");
    let ev = room.work(1e9, || false);
    assert_eq!(training(&ev).0, 5);
    let (step, _, line, _, _) = training(&room.names_changed(&default));
    assert_eq!(step, 0, "{line}");
    // The sheet reopened later says the same, until the next run.
    let (_, _, again, _, _) = training(&room.open(&default, &BTreeMap::new(), &BTreeMap::new()));
    assert_eq!(again, line);
}
