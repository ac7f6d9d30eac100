//! The embedding's path in the session: snapshots over a run, the slider's positions, one
//! projection for every snapshot, and the size of what the worker sends.

use crate::support::few_names;
use makemore_lab::charts::{ChartSpec, EmbeddingSpec};
use makemore_lab::diagnostics::{self, Projection};
use makemore_lab::session::embedding_path::MAX_FRAMES;
use makemore_lab::session::lab::Lab;
use makemore_lab::session::protocol::{Event, Request};
use makemore_lab::session::views::embedding::{chart as embedding_chart, path_view, TRAIL_POINTS};
use makemore_lab::session::Session;

/// A session of the embed-2d chapter (or n_embd = 10) trained `steps` steps.
fn trained(n_embd: Option<&str>, steps: usize) -> Session {
    let mut s = Session::new(few_names(600).as_bytes(), "test").unwrap();
    s.choose_chapter("embed-2d").unwrap();
    if let Some(n) = n_embd {
        s.apply_settings([("n_embd", n)]).unwrap();
    }
    s.set_steps(&steps.to_string(), false).unwrap();
    s.start().unwrap();
    s.train(steps, || false);
    s
}

fn spec(s: &Session) -> EmbeddingSpec {
    match embedding_chart(s).spec {
        ChartSpec::Embedding(e) => e,
        other => panic!("{other:?}"),
    }
}

fn live_points(s: &Session) -> Vec<[f32; 2]> {
    let c = &s.run().trainer.model.emb.weight;
    diagnostics::embedding_2d(&c.data, c.shape[0], c.shape[1]).0
}

#[test]
fn the_path_is_bounded_spread_from_step_0_and_ends_at_the_live_model() {
    let s = trained(None, 1_500);
    let p = s.run().embedding_path().unwrap();
    let steps: Vec<usize> = p.frames().iter().map(|f| f.step).collect();
    assert!(
        steps.len() < MAX_FRAMES && steps.len() >= MAX_FRAMES / 2,
        "{}",
        steps.len()
    );
    assert_eq!(steps[0], 0);
    assert!(1_500 - steps.last().unwrap() < p.every());
    // The view: the live position last, equal to the live embedding, trails ending there.
    let v = path_view(&s);
    assert_eq!(v.frame, v.frames - 1);
    assert_eq!(v.step_text, "live, step 1,500");
    let e = spec(&s);
    let live = live_points(&s);
    assert_eq!(e.xs, live.iter().map(|q| q[0]).collect::<Vec<_>>());
    let path = e.path.unwrap();
    assert_eq!(path.len, TRAIL_POINTS);
    assert_eq!(path.trail_of.len(), 27);
    for (i, q) in live.iter().enumerate() {
        let end = (i + 1) * path.len - 1;
        assert_eq!((path.xs[end], path.ys[end]), (q[0], q[1]), "char {i}");
    }
    // The live chart keeps its own axes; a snapshot's are fixed over the whole path.
    assert_eq!(path.bounds, None);
    let mut s = s;
    s.set_path_frame(Some(0));
    let at_0 = spec(&s).path.unwrap();
    let b = at_0.bounds.unwrap();
    assert!(path.xs.iter().all(|&x| b[0] <= x && x <= b[1]));
    assert!(path.ys.iter().all(|&y| b[2] <= y && y <= b[3]));
    assert!(live
        .iter()
        .all(|q| b[0] <= q[0] && q[0] <= b[1] && b[2] <= q[1] && q[1] <= b[3]));
}

#[test]
fn the_slider_shows_step_0_and_back_to_live_and_reset_clears_the_path() {
    let mut s = trained(None, 400);
    let live = spec(&s);
    s.set_path_frame(Some(0));
    assert_eq!(s.run().path_at(), Some(0));
    let v = path_view(&s);
    assert_eq!((v.frame, v.step_text.as_str()), (0, "step 0"));
    let view = embedding_chart(&s);
    assert!(view.caption.ends_with(", step 0"), "{}", view.caption);
    assert!(
        view.lines[0].starts_with("The path at step 0: snapshot 1 of"),
        "{:?}",
        view.lines
    );
    assert!(
        view.lines[1].contains("their centre moved 0.00 since step 0"),
        "{:?}",
        view.lines
    );
    let first = spec(&s);
    assert_ne!(first.xs, live.xs, "step 0 is not the trained embedding");
    // Step 0 is the initial table: the same run reset has it live before its first step.
    let path = first.path.as_ref().unwrap();
    assert_eq!(path.len, 1, "a trail of one point at the start");
    assert_eq!(path.note, "step 0");
    // A later position, then the right end again: live.
    let every = s.run().embedding_path().unwrap().every();
    s.set_path_frame(Some(10));
    assert_eq!(path_view(&s).step_text, format!("step {}", 10 * every));
    s.set_path_frame(Some(path_view(&s).frames - 1));
    assert_eq!(s.run().path_at(), None);
    assert_eq!(spec(&s), live);
    // The chosen step stays put while training goes on (and the slider gets longer).
    s.set_path_frame(Some(5));
    let before = path_view(&s);
    s.set_steps("450", false).unwrap();
    s.start().unwrap();
    s.train(50, || false);
    let after = path_view(&s);
    assert_eq!(after.step_text, format!("step {}", 5 * every));
    assert_eq!(
        (after.frame, before.step_text),
        (5, after.step_text.clone())
    );
    assert!(after.frames > before.frames);

    s.reset().unwrap();
    assert!(s.run().embedding_path().is_none());
    assert_eq!(s.run().path_at(), None);
    let v = path_view(&s);
    assert_eq!((v.frames, v.frame), (1, 0));
    assert!(spec(&s).path.is_none());
    s.start().unwrap();
    s.train(1, || false);
    assert_eq!(
        s.run().embedding_path().unwrap().frames()[0].table,
        first_table(&first)
    );

    fn first_table(e: &EmbeddingSpec) -> Vec<f32> {
        // embed-2d has n_embd = 2: the frame is the table itself, as drawn.
        e.xs.iter().zip(&e.ys).flat_map(|(&x, &y)| [x, y]).collect()
    }
}

#[test]
fn one_basis_projects_every_snapshot_of_a_view() {
    let mut s = trained(Some("10"), 300);
    let c = &s.run().trainer.model.emb.weight;
    let proj = Projection::of(&c.data, c.shape[0], c.shape[1]);
    assert!(proj.is_pca());
    // The live table through the path's basis is the live chart.
    assert_eq!(proj.project(&c.data), live_points(&s));
    // Each snapshot is drawn where its trail says, whichever position is shown.
    let live = spec(&s).path.unwrap();
    let frames = path_view(&s).frames;
    s.set_path_frame(Some(1));
    let bounds = spec(&s).path.unwrap().bounds;
    assert!(bounds.is_some());
    for at in [0, 3, frames / 2] {
        s.set_path_frame(Some(at));
        let e = spec(&s);
        let p = e.path.unwrap();
        assert_eq!(p.bounds, bounds, "axes fixed over the path");
        for i in 0..e.chars.len() {
            let (x, y) = (p.xs[(i + 1) * p.len - 1], p.ys[(i + 1) * p.len - 1]);
            assert_eq!((x, y), (e.xs[i], e.ys[i]), "position {at}, char {i}");
            // The trail's start is step 0 in the live view's trail too.
            assert_eq!(
                (p.xs[i * p.len], p.ys[i * p.len]),
                (live.xs[i * live.len], live.ys[i * live.len])
            );
        }
        // The snapshot is its frame's table through the live basis.
        let f = &s.run().embedding_path().unwrap().frames()[at];
        let q = proj.project(&f.table);
        assert_eq!(e.xs, q.iter().map(|q| q[0]).collect::<Vec<_>>());
    }
    // The same table in two frames projects to the same points.
    let t0 = &s.run().embedding_path().unwrap().frames()[0].table;
    assert_eq!(proj.project(t0), proj.project(&t0.clone()));
}

#[test]
fn the_worker_answers_the_slider_with_a_small_message() {
    let (mut lab, _) = Lab::new(
        few_names(600).as_bytes(),
        "test",
        "native",
        Some("?chapter=embed-2d"),
        0.0,
    )
    .unwrap();
    let s = lab.session_mut();
    s.set_steps("2000", false).unwrap();
    s.start().unwrap();
    s.train(2_000, || false);
    s.pause();
    let ev = lab.handle(Request::PathFrame { frame: Some(0) }, 1.0);
    let Some(Event::Path { path, chart }) = ev.iter().find(|e| matches!(e, Event::Path { .. }))
    else {
        panic!("{ev:?}");
    };
    assert_eq!(path.step_text, "step 0");
    assert!(chart.caption.ends_with(", step 0"));
    // What is sent is bounded by the trails' points, however long the run: measure it.
    let bytes = |e: &Event| serde_json::to_string(e).unwrap().len();
    let path_bytes = bytes(&ev[0]);
    let live = lab.handle(Request::PathFrame { frame: None }, 2.0);
    let live_bytes = bytes(&live[0]);
    let diag = Event::Diag {
        diag: makemore_lab::session::views::diag_view(lab.session_mut()),
    };
    let spec_bytes = match &live[0] {
        Event::Path { chart, .. } => serde_json::to_string(&chart.spec).unwrap().len(),
        _ => unreachable!(),
    };
    eprintln!(
        "path event at step 0: {path_bytes} B, live: {live_bytes} B (its spec {spec_bytes} B); diag: {} B",
        bytes(&diag)
    );
    assert!(live_bytes < 30_000, "{live_bytes}");
    assert!(path_bytes < live_bytes, "{path_bytes} {live_bytes}");
}

#[test]
fn an_undone_step_leaves_no_snapshot_of_it() {
    let mut s = Session::new(few_names(600).as_bytes(), "test").unwrap();
    s.choose_chapter("fix-softmax").unwrap();
    s.set_steps("1000", false).unwrap();
    s.start().unwrap();
    s.train(5, || false);
    s.pause();
    let good = s.run().embedding_path().unwrap().frames().to_vec();
    assert_eq!(
        good.len(),
        6,
        "steps 0 to 5, every step while the path is short"
    );
    s.set_lr(Some("100")).unwrap();
    s.start().unwrap();
    s.train(200, || false);
    assert_eq!(s.run().trainer.step, 5, "the step at lr 100 was undone");
    assert_eq!(s.run().embedding_path().unwrap().frames(), &good[..]);
    // The live position is the last snapshot, and it is the model's table.
    let v = path_view(&s);
    assert_eq!((v.frames, v.step_text.as_str()), (6, "live, step 5"));
    let c = &s.run().trainer.model.emb.weight.data;
    assert_eq!(&good[5].table, c);
}

/// Issue 20: a frame past the end (the page sends any number; 4294967295 is `usize::MAX` on
/// wasm32, `usize::MAX` here) is the live model, not a trap of the worker.
#[test]
fn a_frame_past_the_end_shows_the_live_model_and_never_traps() {
    let (mut lab, _) = Lab::new(
        few_names(600).as_bytes(),
        "test",
        "native",
        Some("?chapter=embed-2d"),
        0.0,
    )
    .unwrap();
    let s = lab.session_mut();
    s.set_steps("300", false).unwrap();
    s.start().unwrap();
    s.train(300, || false);
    s.pause();
    let live = path_view(lab.session_mut());
    for (t, frame) in [usize::MAX, usize::MAX - 1, u32::MAX as usize, live.frames]
        .into_iter()
        .enumerate()
    {
        let ev = lab.handle(Request::PathFrame { frame: Some(frame) }, t as f64);
        let Some(Event::Path { path, .. }) = ev.iter().find(|e| matches!(e, Event::Path { .. }))
        else {
            panic!("frame {frame}: {ev:?}");
        };
        assert_eq!(path.frame, live.frames - 1, "frame {frame}");
        assert_eq!(path.step_text, live.step_text, "frame {frame}");
        assert_eq!(lab.session_mut().run().path_at(), None);
    }
}
