//! Compare beside the curve (issue 19): the earlier runs the loss chart draws (the compared one
//! and a few of the newest, never more), "compare with the previous chapter", the loss chart's
//! zoom on the first steps, and the loss figure's controls.

use crate::support::few_names;
use makemore_lab::charts::{ChartSpec, LossSpec};
use makemore_lab::format;
use makemore_lab::lesson::ChapterId;
use makemore_lab::session::history::HEAD_STEPS;
use makemore_lab::session::lab::Lab;
use makemore_lab::session::protocol::{Event, Request};
use makemore_lab::session::runs::SHOWN;
use makemore_lab::session::views::tools::Control;
use makemore_lab::session::{views, Session};

fn session(chapter: &str) -> Session {
    let mut s = Session::new(few_names(600).as_bytes(), "test").unwrap();
    s.choose_chapter(chapter).unwrap();
    s
}

fn train(s: &mut Session, n: usize) {
    s.set_steps(&n.max(s.run().trainer.step + 1).to_string(), false)
        .unwrap();
    s.start().unwrap();
    s.train(n, || false);
    s.pause();
}

fn loss_spec(s: &Session) -> LossSpec {
    match views::loss::chart(s).spec {
        ChartSpec::Loss(l) => l,
        _ => panic!("a loss spec"),
    }
}

fn labels(spec: &LossSpec) -> Vec<String> {
    spec.earlier_runs.iter().map(|r| r.label.clone()).collect()
}

#[test]
fn the_loss_chart_draws_at_most_a_few_earlier_runs_the_compared_one_always_among_them() {
    let mut s = session("kaiming");
    let mut runs = Vec::new();
    for _ in 0..SHOWN + 3 {
        train(&mut s, 3);
        runs.push(s.run().number);
        s.reset().unwrap();
    }
    // None compared: the newest few, oldest first.
    let label = |s: &Session, run: u32| {
        s.runs()
            .list()
            .iter()
            .find(|r| r.run == run)
            .unwrap()
            .label
            .clone()
    };
    let newest: Vec<String> = runs[runs.len() - SHOWN..]
        .iter()
        .map(|&r| label(&s, r))
        .collect();
    assert_eq!(labels(&loss_spec(&s)), newest);
    // The oldest compared: it is drawn, with the newest others, and no more than SHOWN in all.
    s.set_compare(Some(runs[0])).unwrap();
    let spec = loss_spec(&s);
    assert_eq!(spec.earlier_runs.len(), SHOWN, "{:?}", labels(&spec));
    assert_eq!(spec.earlier_runs[0].label, label(&s, runs[0]));
    assert_eq!(labels(&spec)[1..], newest[1..]);
    // One of the newest compared: still SHOWN runs, each once.
    s.set_compare(Some(runs[runs.len() - 1])).unwrap();
    assert_eq!(labels(&loss_spec(&s)), newest);
    // The text twin names the runs drawn, and only those.
    let lines = views::loss::chart(&s).lines.join("\n");
    assert!(!lines.contains(&label(&s, runs[0])), "{lines}");
    assert!(lines.contains(&newest[0]), "{lines}");
}

#[test]
fn the_zoom_shows_the_first_steps_exactly_on_a_fixed_axis() {
    let mut s = session("kaiming");
    train(&mut s, 300);
    // The whole run: the axis fits the run.
    let whole = loss_spec(&s);
    assert_eq!(whole.x_max, None);
    s.set_loss_zoom(true);
    // A run shorter than the zoom: the axis still spans the first HEAD_STEPS steps, so the
    // curve fills it as the run goes on and an earlier run's first steps line up with it.
    let short = loss_spec(&s);
    assert_eq!(short.x_max, Some(HEAD_STEPS));
    assert_eq!(short.every, 1);
    assert_eq!(short.losses.len(), 300);
    assert_eq!(short.losses[0], s.run().history().first_loss.unwrap());
    let lines = views::loss::chart(&s).lines.join("\n");
    let first = format!("first {} steps", format::count(HEAD_STEPS));
    assert!(lines.contains(&first), "{lines}");
    // A run long enough to be thinned: the first steps are still there one by one.
    let steps = 2 * makemore_lab::session::history::POINTS + 100;
    train(&mut s, steps - 300);
    assert!(s.run().history().loss_series().every() > 1);
    let zoomed = loss_spec(&s);
    assert_eq!(zoomed.x_max, Some(HEAD_STEPS));
    assert_eq!(zoomed.losses.len(), HEAD_STEPS);
    assert_eq!(zoomed.losses[..300], short.losses[..]);
    // An earlier run is drawn by its first steps too.
    s.reset().unwrap();
    train(&mut s, 5);
    let spec = loss_spec(&s);
    assert_eq!(spec.earlier_runs[0].values.len(), HEAD_STEPS);
    assert_eq!(spec.earlier_runs[0].every, 1);
    assert_eq!(spec.earlier_runs[0].values[..300], short.losses[..]);
    // And back to the whole run.
    s.set_loss_zoom(false);
    let whole = loss_spec(&s);
    assert_eq!(whole.x_max, None);
    assert!(whole.earlier_runs[0].every > 1);
}

#[test]
fn compare_with_the_previous_chapter_picks_its_newest_run_or_says_why_not() {
    let mut s = session("lr-finder");
    let p = views::previous_chapter(&s);
    assert_eq!(p.0, None);
    assert!(p.1.contains("first chapter"), "{}", p.1);
    s.choose_chapter("fix-softmax").unwrap();
    let p = views::previous_chapter(&s);
    assert_eq!(p.0, None, "no run of chapter 3 yet");
    let naive = ChapterId::Naive.chapter().title;
    assert!(p.1.contains(naive), "{}", p.1);
    // Two runs of chapter 3, then chapter 4: its newest run of chapter 3 is the one.
    s.choose_chapter("naive").unwrap();
    train(&mut s, 2);
    s.reset().unwrap();
    train(&mut s, 2);
    let newest = s.run().number;
    s.choose_chapter("fix-softmax").unwrap();
    let p = views::previous_chapter(&s);
    assert_eq!(p.0, Some(newest), "{}", p.1);
    assert!(p.1.contains(&format!("run {newest}")), "{}", p.1);
    s.set_compare(p.0).unwrap();
    assert!(labels(&loss_spec(&s))
        .iter()
        .any(|l| l.starts_with(&format!("run {newest}:"))));
    // The next chapter compares with this one's run.
    train(&mut s, 2);
    s.choose_chapter("fix-tanh").unwrap();
    assert_eq!(views::previous_chapter(&s).0, Some(newest + 1));
    // A break-it experiment on chapter 6 compares with chapter 5, and its run is no chapter's.
    train(&mut s, 2);
    s.choose_experiment("weights-x10").unwrap();
    assert_eq!(views::previous_chapter(&s).0, Some(newest + 2));
    train(&mut s, 2);
    s.choose_chapter("kaiming").unwrap();
    assert_eq!(views::previous_chapter(&s).0, Some(newest + 2));
}

#[test]
fn the_lab_sends_the_previous_chapter_and_redraws_the_loss_chart_as_its_tool_row_says() {
    let names = few_names(300);
    let (mut lab, _) = Lab::new(names.as_bytes(), "test", "native", None, 0.0).unwrap();
    let runs_event = |ev: &[Event]| {
        ev.iter().find_map(|e| match e {
            Event::Runs { previous, .. } => Some(*previous),
            _ => None,
        })
    };
    let ev = lab.handle(
        Request::Chapter {
            name: "naive".into(),
        },
        1.0,
    );
    assert_eq!(runs_event(&ev), Some(None));
    lab.handle(Request::Step, 2.0);
    let ev = lab.handle(
        Request::Chapter {
            name: "fix-softmax".into(),
        },
        3.0,
    );
    let naive_run = lab.session().runs().list().back().unwrap().run;
    assert_eq!(runs_event(&ev), Some(Some(naive_run)));
    lab.handle(Request::Step, 4.0);
    let loss = |ev: &[Event]| {
        ev.iter()
            .flat_map(|e| match e {
                Event::Progress { progress } => progress.charts.clone(),
                _ => vec![],
            })
            .find_map(|c| match c.spec {
                ChartSpec::Loss(l) => Some(l),
                _ => None,
            })
    };
    let ev = lab.handle(
        Request::Compare {
            run: None,
            first_steps: true,
        },
        5.0,
    );
    assert_eq!(
        loss(&ev).expect("the loss chart again").x_max,
        Some(HEAD_STEPS)
    );
    let ev = lab.handle(
        Request::Compare {
            run: Some(naive_run),
            first_steps: false,
        },
        6.0,
    );
    assert_eq!(loss(&ev).expect("the loss chart again").x_max, None);
    assert_eq!(
        lab.session().runs().compared().map(|r| r.run),
        Some(naive_run)
    );
}

#[test]
fn the_comparison_and_the_zoom_are_the_loss_figures_controls_defined_once() {
    let loss = views::figures()
        .into_iter()
        .find(|f| f.id == makemore_lab::charts::ChartId::Loss)
        .unwrap();
    let tools = loss.tools.expect("the loss figure's tool row");
    let ids: Vec<&str> = tools
        .controls
        .iter()
        .map(|c| match c {
            Control::Select { id, .. }
            | Control::Button { id, .. }
            | Control::Check { id, .. }
            | Control::Field { id, .. }
            | Control::Status { id } => *id,
        })
        .collect();
    assert_eq!(ids, ["compare", "compare-previous", "loss-zoom"]);
    let zoom = tools.controls.iter().find_map(|c| match c {
        Control::Check { label, .. } => Some(*label),
        _ => None,
    });
    let want = format!("first {} steps", format::count(HEAD_STEPS));
    assert_eq!(zoom, Some(want.as_str()));
    let html =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/index.html")).unwrap();
    for id in ids {
        assert!(
            !html.contains(&format!("id=\"{id}\"")),
            "www/index.html holds #{id} too"
        );
    }
}
