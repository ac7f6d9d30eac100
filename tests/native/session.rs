//! The lab session, natively: what the page's worker does, without a browser.
//! Most tests use the first 600 default names and small step counts (debug builds are slow).

use crate::support::few_names;
use makemore_lab::charts::ChartId;
use makemore_lab::charts::ChartSpec;
use makemore_lab::data::{build_dataset, parse_names, Vocab, DEFAULT_NAMES, MAX_FILE_BYTES};
use makemore_lab::diagnostics;
use makemore_lab::format;
use makemore_lab::layers::Layer;
use makemore_lab::lesson::{self, ChapterId};
use makemore_lab::session::protocol::{ChartView, Level};
use makemore_lab::session::*;
use makemore_lab::train::{Split, Trainer};

/// A session on 600 names at a chapter, with a small budget.
fn small(chapter: &str, steps: usize) -> Session {
    let mut s = Session::new(few_names(600).as_bytes(), "test").unwrap();
    s.choose_chapter(chapter).unwrap();
    s.set_steps(&steps.to_string(), false).unwrap();
    s
}

fn weights(s: &Session) -> Vec<Vec<f32>> {
    s.run()
        .trainer
        .model
        .params()
        .iter()
        .map(|p| p.data.clone())
        .collect()
}

/// Every mini-batch loss of the run (exact while the run is shorter than `history::POINTS`).
fn losses(s: &Session) -> Vec<f32> {
    let (points, every) = s.run().history().loss_points();
    assert_eq!(every, 1, "a short run is kept step by step");
    points
}

/// Every learning rate of the run, the newest step's included.
fn lrs(s: &Session) -> Vec<f32> {
    let h = s.run().history();
    assert_eq!(h.lr.every(), 1);
    let mut v = h.lr.points();
    v.extend(h.newest().map(|r| r.lr));
    v
}

fn train_n(s: &mut Session, n: usize) -> usize {
    s.start().unwrap();
    let done = s.train(n, || false);
    s.pause();
    done
}

fn chart(views: &[ChartView], id: ChartId) -> &ChartView {
    views.iter().find(|v| v.id == id).expect("the chart")
}

#[test]
fn default_data_view_matches_the_split() {
    let s = Session::new(DEFAULT_NAMES.as_bytes(), "default").unwrap();
    let d = views::data_view(&s);
    let words = parse_names(DEFAULT_NAMES.as_bytes()).unwrap();
    assert_eq!(words.len(), 32_033, "the default names file");
    assert_eq!(d.names, "32,033");
    assert_eq!(d.source, "default");
    assert_eq!(d.vocab_size, "27");
    assert_eq!(d.vocab, Vocab::from_words(&words).as_string());
    let data = s.data();
    assert_eq!(data.train_words.len(), (words.len() as f64 * 0.9) as usize);
    assert_eq!(data.train_words.len() + data.val_words.len(), words.len());
    // Each name gives (characters + 1) examples; count them from the session's own split.
    let count = |ws: &[String]| ws.iter().map(|w| w.chars().count() + 1).sum::<usize>();
    let (nt, nv) = (count(&data.train_words), count(&data.val_words));
    assert_eq!(data.train.len(), nt);
    assert_eq!(data.val.len(), nv);
    assert_eq!(nt + nv, count(&words));
    assert_eq!(d.train, format::count(nt));
    assert_eq!(d.val, format::count(nv));
    let rebuilt = build_dataset(&data.train_words, &data.vocab, data.train.block_size);
    assert_eq!(rebuilt.len(), nt);
    assert!(
        d.detail.contains(&format!(
            "{} names for training",
            format::count(data.train_words.len())
        )),
        "{}",
        d.detail
    );
    assert_eq!(views::data_line(&s), "32,033 names, vocabulary 27");
    assert_eq!(
        d.preview,
        words[..PREVIEW_NAMES].join(", "),
        "the file's first names"
    );
}

#[test]
fn the_split_does_not_depend_on_the_seed() {
    let mut s = small("fix-tanh", 100);
    let val = s.data().val_words.clone();
    let w = weights(&s);
    s.apply_settings([("seed", "7")]).unwrap();
    assert_eq!(s.settings().seed, 7);
    assert_ne!(weights(&s), w, "another seed, other weights");
    assert_eq!(s.data().val_words, val);
    s.new_seed().unwrap();
    assert_eq!(s.run().trainer.data.val_words, val);
}

#[test]
fn reset_gives_the_same_weights_and_losses() {
    let mut s = small("kaiming", 100);
    let w0 = weights(&s);
    train_n(&mut s, 5);
    let first = losses(&s);
    assert_eq!(first.len(), 5);
    assert_ne!(weights(&s), w0, "training changed the weights");
    let run = s.run().number;
    s.reset().unwrap();
    assert_eq!(s.run().number, run + 1);
    assert_eq!(s.run().trainer.step, 0);
    assert_eq!(s.run().history().steps(), 0);
    assert_eq!(weights(&s), w0, "same seed, same initial weights");
    train_n(&mut s, 5);
    assert_eq!(losses(&s), first);
}

#[test]
fn the_session_trains_exactly_as_the_core_trainer() {
    let mut s = small("fix-tanh", 100);
    train_n(&mut s, 12);
    let st = s.settings().clone();
    let data = s.data().clone();
    let vocab = data.vocab.size();
    let mut t = Trainer::new(data, st.model_config(vocab), st.train_config()).unwrap();
    for _ in 0..12 {
        t.step().unwrap();
    }
    assert_eq!(losses(&s), t.losses);
    assert_eq!(lrs(&s), t.lrs);
    assert_eq!(weights(&s), {
        let p = t.model.params();
        p.iter().map(|p| p.data.clone()).collect::<Vec<_>>()
    });
    assert!(
        s.run().trainer.losses.is_empty() && s.run().trainer.lrs.is_empty(),
        "the session keeps its own bounded history, not the trainer's lists"
    );
}

#[test]
fn new_seed_changes_the_weights() {
    let mut s = small("kaiming", 100);
    let (w0, seed0) = (weights(&s), s.settings().seed);
    let seed = s.new_seed().unwrap();
    assert_ne!(seed, seed0);
    assert_eq!(s.settings().seed, seed);
    assert_ne!(weights(&s), w0);
    assert_eq!(views::run_view(&s).seed, seed.to_string());
    assert!(!s.is_custom(), "a seed is not a custom setting");
}

#[test]
fn bad_files_are_refused_and_change_nothing() {
    let mut s = small("fix-softmax", 100);
    train_n(&mut s, 3);
    // Everything a refused file must leave as it was.
    let snapshot = |s: &Session| {
        (
            views::data_view(s),
            weights(s),
            s.run().trainer.step,
            s.run().number,
            s.words().to_vec(),
            s.run().history().clone(),
            s.settings().clone(),
        )
    };
    let before = snapshot(&s);
    let long = format!("anna\n{}\nbob\n", "x".repeat(65));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        (
            "png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec(),
        ),
        (
            "pdf",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".to_vec(),
        ),
        ("huge", vec![b'a'; MAX_FILE_BYTES + 1]),
        ("long name", long.into_bytes()),
        (
            "override",
            few_names(20).replace("emma", "em\u{202E}ma").into_bytes(),
        ),
        ("few", b"ann\nbob\n".to_vec()),
    ];
    for (what, bytes) in cases {
        let expected = parse_names(&bytes).expect_err(what).to_string();
        let got = s.load_names(&bytes, what).expect_err(what);
        assert_eq!(got, expected, "{what}: the core's message");
        let after = snapshot(&s);
        assert!(after == before, "{what}: everything kept");
    }
    assert_eq!(s.source(), "test");
}

#[test]
fn a_file_the_settings_cannot_take_is_refused_and_changes_nothing() {
    // 40 more characters pass the file check; a big model over them is over the work limit.
    let mut s = small("fix-tanh", 100);
    s.apply_settings([("n_hidden", "512"), ("batch_size", "4096")])
        .unwrap();
    let (words, run) = (s.words().to_vec(), s.run().number);
    let chars: String = ('\u{100}'..).take(40).collect();
    let mut text = few_names(20);
    for c in chars.chars() {
        text.push('\n');
        text.push_str(&format!("ab{c}"));
    }
    let e = s
        .load_names(text.as_bytes(), "wide.txt")
        .expect_err("too big");
    assert!(e.contains("GFLOP"), "{e}");
    assert_eq!(s.words(), &words[..]);
    assert_eq!(s.run().number, run);
    assert_eq!(s.source(), "test");
    assert_eq!(s.data().vocab.size(), 27);
}

#[test]
fn a_good_file_replaces_the_data_and_resets() {
    let mut s = small("fix-tanh", 100);
    train_n(&mut s, 3);
    let run = s.run().number;
    let text = "zoe\nxavier\nquinn\nyara\nwill\nvera\numa\ntess\nsara\nrita\nzed\nyoko\n";
    s.load_names(text.as_bytes(), "mine.txt").unwrap();
    let d = views::data_view(&s);
    assert_eq!(d.names, "12");
    assert_eq!(d.source, "mine.txt");
    let vocab = Vocab::from_words(&parse_names(text.as_bytes()).unwrap());
    assert_eq!(d.vocab, vocab.as_string());
    assert_eq!(s.run().number, run + 1);
    assert_eq!(s.run().trainer.step, 0);
    assert_eq!(s.run().trainer.model.config.vocab_size, vocab.size());
    assert_eq!(s.chapter(), ChapterId::FixTanh, "the settings stay");
    assert_eq!(s.runs().list().len(), 1, "the run on the old data is kept");
    train_n(&mut s, 3);
    assert_eq!(s.run().trainer.step, 3);
    // Samples are marked against the new names.
    let names = s.sample("30", "1").unwrap();
    for n in names {
        let want = if s.data().train_words.contains(&n.name) {
            "in train"
        } else if s.data().val_words.contains(&n.name) {
            "in val"
        } else {
            "not in the list"
        };
        assert_eq!(words::novelty(n.novelty), want, "{}", n.name);
    }
}

#[test]
fn html_in_a_name_is_just_a_name() {
    let text = format!("{}\n<img src=x onerror=alert(1)>\n", few_names(20));
    let mut s = small("fix-tanh", 100);
    s.load_names(text.as_bytes(), "x").unwrap();
    assert_eq!(views::data_view(&s).names, "21");
    assert!(s
        .words()
        .iter()
        .any(|w| w == "<img src=x onerror=alert(1)>"));
    let first = format!("<img src=x onerror=alert(1)>\n{}", few_names(20));
    s.load_names(first.as_bytes(), "x").unwrap();
    let d = views::data_view(&s);
    assert!(
        d.preview.starts_with("<img src=x onerror=alert(1)>, "),
        "the preview keeps the file's order: {}",
        d.preview
    );
    assert_eq!(d.preview.split(", ").count(), PREVIEW_NAMES);
    assert!(d.vocab.contains('<') && d.vocab.contains('='));
}

#[test]
fn time_slices_stop_when_told_and_each_step_is_recorded_once() {
    let mut s = small("fix-tanh", 1000);
    s.start().unwrap();
    let mut calls = 0;
    let done = s.work(|| {
        calls += 1;
        calls >= 7
    });
    assert_eq!(done, 7);
    assert_eq!(s.run().trainer.step, 7);
    assert_eq!(s.run().history().steps(), 7);
    assert!(s.run().is_running());
    assert_eq!(s.work(|| true), 1, "a slice does at least one step");
    assert_eq!(losses(&s).len(), 8);
    assert_eq!(lrs(&s), vec![0.1; 8]);
    // Update:data ratios: one series per 2-D weight, a point every RATIO_EVERY steps.
    let labels = s.run().ratio_labels();
    assert_eq!(labels.len(), 3, "C, the hidden and the output weight");
    assert_eq!(labels[0], "C (27, 10)");
    assert!(labels[1].ends_with(" (30, 200)"), "{labels:?}");
    assert!(labels[2].ends_with(" (200, 27)"), "{labels:?}");
    s.train(17, || false);
    assert_eq!(s.run().trainer.step, 25);
    let (ratios, every) = s.run().history().ratio_points();
    assert_eq!(every, RATIO_EVERY);
    assert_eq!(ratios.len(), 3);
    for r in &ratios {
        assert_eq!(r.len(), 3, "steps 0, 10 and 20");
        assert!(r.iter().all(|&x| (-8.0..1.0).contains(&x)), "{r:?}");
    }
}

#[test]
fn the_recorded_update_ratios_are_the_notebooks() {
    let mut s = small("deep", 100);
    train_n(&mut s, 1);
    let m = &s.run().trainer.model;
    let want = diagnostics::update_ratios(m, s.run().history().newest().unwrap().lr);
    let (got, _) = s.run().history().ratio_points();
    assert_eq!(got.len(), want.len());
    for (g, (i, r)) in got.iter().zip(want) {
        assert_eq!(g, &vec![r], "{}", m.params()[i].name);
    }
}

#[test]
fn pause_stops_and_step_does_exactly_one() {
    let mut s = small("fix-tanh", 1000);
    s.start().unwrap();
    s.work(|| true);
    s.pause();
    assert!(!s.busy());
    let step = s.run().trainer.step;
    assert_eq!(s.work(|| false), 0, "paused: no work");
    assert_eq!(s.run().trainer.step, step);
    let loss = s.step_once().unwrap();
    assert_eq!(s.run().trainer.step, step + 1);
    assert_eq!(s.run().history().newest().map(|r| r.loss), Some(loss));
    assert_eq!(s.run().history().steps(), step + 1);
    s.start().unwrap();
    assert!(s.step_once().is_err(), "no single steps while training");
    assert_eq!(s.run().trainer.step, step + 1);
}

#[test]
fn the_learning_rate_changes_while_paused_only() {
    let mut s = small("fix-tanh", 1000);
    train_n(&mut s, 2);
    let w = weights(&s);
    s.set_lr(Some(" 0.03 ")).unwrap();
    assert_eq!(weights(&s), w, "the weights stay");
    assert_eq!(s.lr(), 0.03);
    assert_eq!(s.run().lr_override(), Some(0.03));
    assert!(views::progress_view(&s, 0.0, vec![]).lr_override);
    s.step_once().unwrap();
    assert_eq!(s.run().history().newest().unwrap().lr, 0.03);
    for bad in ["-1", "0", "NaN", "inf", "abc", ""] {
        let e = s.set_lr(Some(bad)).expect_err(bad);
        assert!(e.contains("learning rate"), "{e}");
        assert_eq!(s.run().lr_override(), Some(0.03), "{bad}: kept");
    }
    s.start().unwrap();
    assert!(s.set_lr(Some("0.5")).is_err(), "not while training");
    assert!(s.set_lr(None).is_err(), "not while training");
    s.pause();
    assert_eq!(s.lr(), 0.03);
    s.set_lr(None).unwrap();
    assert_eq!(s.run().lr_override(), None);
    assert_eq!(
        s.lr(),
        s.settings().lr_at(s.run().trainer.step),
        "back to the schedule"
    );
    assert_eq!(s.lr(), 0.1);
}

#[test]
fn budget_changes_keep_the_run_and_stretch_the_schedule() {
    let mut s = small("batchnorm", 1000);
    let decay = |s: &Session| {
        (0..s.settings().steps)
            .position(|i| s.settings().lr_at(i) < 0.1)
            .unwrap()
    };
    assert_eq!(decay(&s), 500, "the batchnorm chapter decays half way");
    train_n(&mut s, 3);
    let (run, w) = (s.run().number, weights(&s));
    s.set_steps("2000", false).unwrap();
    assert_eq!(
        (s.run().number, s.run().trainer.step),
        (run, 3),
        "the same run"
    );
    assert_eq!(weights(&s), w);
    assert_eq!(s.run().trainer.train.steps, 2000);
    assert_eq!(s.settings().steps, 2000);
    assert_eq!(decay(&s), 1000, "the schedule stretches");
    for bad in ["abc", "0", "-5", "2", "10000001"] {
        assert!(s.set_steps(bad, false).is_err(), "{bad}");
        assert_eq!(s.settings().steps, 2000, "{bad}: kept");
    }
    let e = s.set_steps("2", false).unwrap_err();
    assert!(e.contains("already done 3 steps"), "{e}");
    // Holding the schedule: a shorter budget stops early without the decay.
    s.apply_settings([("schedule_steps", "1000")]).unwrap();
    s.set_steps("400", false).unwrap();
    assert_eq!(s.settings().lr_at(399), 0.1);
    assert_eq!(s.settings().lr_at(600), 0.01);
    assert!(
        !s.is_custom(),
        "the budget and the schedule's length are not custom"
    );
}

#[test]
fn lr_100_stops_with_a_message_and_keeps_the_last_good_weights() {
    let mut s = small("fix-softmax", 1000);
    train_n(&mut s, 5);
    let good = weights(&s);
    let good_losses = losses(&s);
    let good_history = s.run().history().clone();
    s.set_lr(Some("100")).unwrap();
    s.start().unwrap();
    s.train(200, || false);
    assert!(!s.run().is_running(), "training stopped");
    let n = views::stopped_notice(&s.take_stopped().expect("a message"));
    assert_eq!(n.level, Level::Bad);
    assert!(
        n.message.contains("the learning rate is too high"),
        "{}",
        n.message
    );
    assert!(n.message.contains("after step 5"), "{}", n.message);
    assert!(s.take_stopped().is_none(), "said once");
    // The step at lr 100 was undone: the weights and the history are those before it.
    assert_eq!(s.run().trainer.step, 5);
    assert_eq!(losses(&s), good_losses);
    assert_eq!(s.run().history().steps(), 5);
    assert_eq!(
        s.run().history().ratio_points(),
        good_history.ratio_points()
    );
    assert_eq!(weights(&s), good);
    // A sane rate goes on from there.
    s.set_lr(Some("0.1")).unwrap();
    let l = s.step_once().unwrap();
    assert!(l.is_finite() && l < 10.0, "{l}");
    assert_eq!(s.run().trainer.step, 6);
}

#[test]
fn an_overflowing_rate_is_caught_too() {
    let mut s = small("fix-tanh", 1000);
    train_n(&mut s, 3);
    s.set_lr(Some("1e38")).unwrap();
    // The first update may still be finite; the next loss is not.
    let e = (0..5).find_map(|_| s.step_once().err()).expect("diverges");
    assert!(e.contains("the learning rate is too high"), "{e}");
    assert!(weights(&s).iter().flatten().all(|w| w.is_finite()));
    assert!(s.run().trainer.step <= 3);
    assert_eq!(s.run().history().steps(), s.run().trainer.step);
    assert!(losses(&s).iter().all(|l| l.is_finite()));
}

fn running_stats(s: &Session) -> Vec<Vec<f32>> {
    s.run()
        .trainer
        .model
        .layers
        .iter()
        .filter_map(|l| match l {
            Layer::BatchNorm1d(b) => {
                Some([b.running_mean.clone(), b.running_spread.clone()].concat())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_diverged_batchnorm_run_gets_back_its_weights_and_running_statistics() {
    let mut s = small("batchnorm", 1000);
    train_n(&mut s, 4);
    let (good, good_stats) = (weights(&s), running_stats(&s));
    assert!(!good_stats.is_empty());
    s.set_lr(Some("1000")).unwrap();
    s.start().unwrap();
    s.train(200, || false);
    assert!(!s.run().is_running(), "training stopped");
    assert_eq!(
        s.take_stopped().map(|n| views::stopped_notice(&n).level),
        Some(Level::Bad)
    );
    assert_eq!(s.run().trainer.step, 4, "the step at lr 1000 was undone");
    assert_eq!(weights(&s), good);
    assert_eq!(running_stats(&s), good_stats);
    // And the run goes on exactly as one that never saw the bad rate.
    let mut twin = small("batchnorm", 1000);
    train_n(&mut twin, 4);
    assert_eq!(running_stats(&twin), good_stats);
}

#[test]
fn sampling_never_changes_the_training_run() {
    let mut a = small("fix-tanh", 1000);
    let mut b = small("fix-tanh", 1000);
    train_n(&mut a, 10);
    let names = a.sample("20", "1.0").unwrap();
    assert_eq!(names.len(), 20);
    train_n(&mut a, 10);
    train_n(&mut b, 20);
    assert_eq!(losses(&a), losses(&b));
    assert_eq!(weights(&a), weights(&b));
    let d = a.data();
    for n in &names {
        let want = if d.train_words.contains(&n.name) {
            "in train"
        } else if d.val_words.contains(&n.name) {
            "in val"
        } else {
            "not in the list"
        };
        assert_eq!(words::novelty(n.novelty), want, "{}", n.name);
        assert!(n.name.chars().all(|c| d.vocab.itos.contains(&c)));
    }
    for (n, t) in [
        ("0", "1"),
        ("201", "1"),
        ("abc", "1"),
        ("5", "0"),
        ("5", "-1"),
        ("5", "11"),
        ("5", "NaN"),
        ("5", "warm"),
    ] {
        assert!(a.sample(n, t).is_err(), "{n} at {t}");
    }
    assert_eq!(a.sample(" 200 ", "10").unwrap().len(), MAX_SAMPLES);
}

#[test]
fn diagnostics_come_from_the_last_step_even_after_sampling_and_evaluation() {
    let mut s = small("fix-softmax", 1000);
    let d0 = s.step_diag();
    assert_eq!(d0.step, 0);
    assert!(d0.first.is_none(), "no batch yet");
    assert!(d0.layers.is_empty());
    let v0 = views::diag_view(&mut s);
    let ChartSpec::Embedding(e) = &chart(&v0.charts, ChartId::Embedding).spec else {
        panic!("an embedding spec")
    };
    assert_eq!(e.chars.len(), 27);
    assert_eq!(e.xs.len(), 27);
    assert!(
        chart(&v0.charts, ChartId::Embedding)
            .caption
            .contains("principal components"),
        "n_embd 10: principal components"
    );
    train_n(&mut s, 3);
    let d1 = s.step_diag();
    s.sample("5", "1").unwrap();
    let d2 = s.step_diag();
    s.request_eval();
    while s.busy() {
        s.work(|| false);
    }
    let d3 = s.step_diag();
    assert_eq!(d1.step, 3);
    assert_eq!(d1, d2, "sampling does not spoil the step's diagnostics");
    assert_eq!(d1, d3, "nor does an evaluation");
    let f = d2.first.unwrap();
    assert_eq!((f.rows, f.batch), (32, 32));
    assert_eq!(f.layer.map.cells.len(), 32 * 200);
    // The fix-softmax chapter still saturates the tanh layer (the next chapter fixes it).
    assert!(f.layer.act.saturated > 0.3, "{}", f.layer.act.saturated);
    let line = views::act_line(&d2.layers[0]);
    assert!(line.starts_with("layer 1 (Tanh): mean "), "{line}");
    assert!(line.contains(", std ") && line.ends_with('%'), "{line}");
    assert!(views::grad_line(&d2.layers[0]).starts_with("layer 1 (Tanh): mean "));
    let v = views::diag_view(&mut s);
    assert_eq!((v.run, v.step), (s.run().number, 3));
    assert_eq!(chart(&v.charts, ChartId::Acts).lines, vec![line]);
}

#[test]
fn a_big_batch_shows_only_the_first_rows_of_the_map() {
    let mut s = small("fix-tanh", 100);
    s.apply_settings([("batch_size", "100")]).unwrap();
    train_n(&mut s, 1);
    let f = s.step_diag().first.unwrap();
    assert_eq!((f.rows, f.batch), (MAP_MAX_ROWS, 100));
    assert_eq!(f.layer.map.cells.len(), MAP_MAX_ROWS * 200);
}

#[test]
fn the_deep_chapter_has_five_tanh_layers() {
    let mut s = small("deep", 100);
    train_n(&mut s, 2);
    let d = s.step_diag();
    assert_eq!(d.layers.len(), 5);
    assert_eq!(s.settings().saturation_threshold, 0.97);
    let idx: Vec<usize> = d.layers.iter().map(|l| l.index).collect();
    assert_eq!(idx, vec![2, 5, 8, 11, 14]);
    assert_eq!(
        s.run().ratio_labels().len(),
        7,
        "C, five hidden weights, the output weight"
    );
    assert!(s.run().ratio_labels()[0].starts_with("C (27, 10)"));
}

#[test]
fn evaluation_in_pieces_equals_the_full_split_loss() {
    let mut s = small("fix-tanh", 1000);
    train_n(&mut s, 20);
    s.request_eval();
    assert!(s.busy());
    assert_eq!(s.run().eval_progress(), Some(0.0));
    let mut pieces = 0;
    let mut progress = vec![];
    while s.busy() {
        s.work(|| true);
        pieces += 1;
        progress.extend(s.run().eval_progress());
    }
    assert!(pieces >= 2, "{pieces} pieces");
    assert!(progress.windows(2).all(|w| w[0] < w[1]), "{progress:?}");
    assert_eq!(s.run().trainer.step, 20, "evaluating does not train");
    assert_eq!(s.run().evals().len(), 1);
    let e = s.run().evals()[0];
    assert_eq!(e.step, 20);
    let mut t = s.run().trainer.clone();
    let (train, val) = (t.split_loss(Split::Train), t.split_loss(Split::Val));
    assert!(
        (e.train - train).abs() < 1e-4 * train,
        "{} vs {train}",
        e.train
    );
    assert!((e.val - val).abs() < 1e-4 * val, "{} vs {val}", e.val);
    let loss = views::loss::chart(&s);
    let ChartSpec::Loss(spec) = &loss.spec else {
        panic!("a loss spec")
    };
    assert_eq!(spec.train_points, vec![(20, e.train)]);
    assert_eq!(spec.val_points, vec![(20, e.val)]);
    let want = format!(
        "full splits at step 20: train {}, val {}",
        format::loss(e.train),
        format::loss(e.val)
    );
    assert!(loss.lines.contains(&want), "{:?}", loss.lines);
    // The same weights again: one point per step, replaced.
    s.request_eval();
    while s.busy() {
        s.work(|| false);
    }
    assert_eq!(s.run().evals(), &[e]);
}

#[test]
fn the_end_of_the_budget_stops_and_evaluates() {
    let mut s = small("fix-tanh", 12);
    s.start().unwrap();
    while s.busy() {
        s.work(|| false);
    }
    assert_eq!(s.run().trainer.step, 12);
    let p = views::progress_view(&s, 0.0, vec![]);
    assert!(p.finished && !p.running && !p.evaluating);
    assert_eq!(p.step_text, "step 12 of 12");
    let n = views::stopped_notice(&s.take_stopped().unwrap());
    assert!(n.message.contains("finished"), "{}", n.message);
    assert_eq!(n.level, Level::Good);
    assert_eq!(s.run().evals().len(), 1);
    assert_eq!(s.run().evals()[0].step, 12);
    assert!(s.start().is_err(), "nothing left to do");
    assert!(s.step_once().is_err(), "nothing left to do");
    s.set_steps("20", false).unwrap();
    s.start().unwrap();
    assert!(s.set_steps("5", false).is_err(), "below the steps done");
    assert_eq!(s.settings().steps, 20);
}

#[test]
fn chapters_give_the_presets_settings() {
    let mut s = small("fix-tanh", 100);
    for p in lesson::chapters() {
        let st = Settings::from_chapter(&p);
        let mut want = p.model.clone();
        want.vocab_size = 27;
        assert_eq!(st.model_config(27), want, "{}", p.id);
        assert_eq!(st.train_config(), p.train, "{}", p.id);
        assert_eq!(st.saturation_threshold, p.saturation_threshold);
        s.choose_chapter(p.id.name()).unwrap();
        assert_eq!(s.settings(), &st, "{}", p.id);
        assert_eq!((s.chapter(), s.is_custom()), (p.id, false));
        assert_eq!(s.title(), p.title);
        assert_eq!(s.run().trainer.step, 0);
    }
    let run = s.run().number;
    assert!(s.choose_chapter("nope").is_err());
    let last = *ChapterId::ALL.last().unwrap();
    assert_eq!((s.run().number, s.chapter()), (run, last));
}

#[test]
fn custom_settings_apply_or_change_nothing() {
    let mut s = small("kaiming", 100);
    s.apply_settings([("n_embd", "4"), ("n_layers", "2")])
        .unwrap();
    assert!(s.is_custom());
    assert!(s.title().starts_with("custom (from 6."), "{}", s.title());
    assert_eq!(s.run().trainer.model.config.n_embd, 4);
    assert_eq!(s.step_diag().layers.len(), 0, "no step yet");
    train_n(&mut s, 1);
    assert_eq!(s.step_diag().layers.len(), 2);
    let state = |s: &Session| {
        (
            s.settings().clone(),
            weights(s),
            s.run().number,
            s.is_custom(),
            s.run().trainer.step,
        )
    };
    let before = state(&s);
    for (pairs, says) in [
        (vec![("n_embd", "0")], "between 1 and 64"),
        (vec![("n_hidden", "abc")], "whole number"),
        (vec![("batchnorm", "maybe")], "off, class, first-cell"),
        (vec![("lr", "NaN")], "learning rate"),
        (vec![("nonsense", "1")], "no setting 'nonsense'"),
        (vec![("output_bn", "true")], "BatchNorm"),
        (
            vec![
                ("n_hidden", "1024"),
                ("n_layers", "8"),
                ("batch_size", "4096"),
            ],
            "MB",
        ),
        // The first pair is fine; the second is not: none applies.
        (vec![("n_embd", "8"), ("seed", "-1")], "whole number"),
    ] {
        let e = s.apply_settings(pairs.clone()).expect_err(says);
        assert!(e.contains(says), "{pairs:?}: {e}");
        assert!(state(&s) == before, "{pairs:?}: nothing changed");
    }
    // Back to the chapter's values: not custom any more; a new budget or seed is not custom.
    s.apply_settings([("n_embd", "10"), ("n_layers", "1")])
        .unwrap();
    assert!(!s.is_custom());
    assert_eq!(s.title(), "6. Kaiming init");
    s.apply_settings([("steps", "77"), ("seed", "5")]).unwrap();
    assert!(!s.is_custom());
    assert_eq!(s.run().trainer.train.steps, 77);
    assert_eq!(s.run().trainer.train.seed, 5);
    // A new context length rebuilds the examples.
    s.apply_settings([("block_size", "5")]).unwrap();
    assert!(s.is_custom());
    assert_eq!(s.data().train.block_size, 5);
    assert_eq!(s.run().trainer.data.train.block_size, 5);
    assert!(views::data_view(&s)
        .detail
        .contains("context of 5 characters"));
    let k = views::run_view(&s).knobs;
    assert_eq!(k["block_size"], "5");
    assert_eq!(k.len(), settings::KNOBS.len());
}

#[test]
fn the_lr_finder_suggests_a_rate_inside_the_sweep() {
    let mut s = small("lr-finder", 200);
    // Half-way, the lowest loss so far is no suggestion: the loss has not turned up yet.
    train_n(&mut s, 100);
    let c = views::lr::chart(&s);
    let ChartSpec::LrFinder(spec) = &c.spec else {
        panic!("the finder's chart")
    };
    assert!(spec.suggested_exponent.is_none(), "no mark mid-sweep");
    assert!(
        !c.lines
            .iter()
            .any(|l| l.starts_with("suggested learning rate")),
        "{:?}",
        c.lines
    );
    assert!(
        c.lines.iter().any(|l| l.contains("so far")),
        "{:?}",
        c.lines
    );
    train_n(&mut s, 100);
    let (step, lr, loss) = s.lr_suggestion().expect("a suggestion");
    assert!(step < 200);
    assert_eq!(lr, lrs(&s)[step]);
    assert!((1e-3..=1.0).contains(&lr));
    assert!(loss < losses(&s)[0], "{loss}");
    let (sweep_lrs, sweep_losses) = s.run().history().sweep_points();
    assert_eq!(sweep_lrs, lrs(&s), "the whole run sweeps");
    assert_eq!(sweep_losses, losses(&s));
    let c = views::lr::chart(&s);
    assert!(
        c.lines
            .iter()
            .any(|l| l.starts_with("suggested learning rate")),
        "{:?}",
        c.lines
    );
    let mut k = small("kaiming", 100);
    train_n(&mut k, 3);
    assert!(k.lr_suggestion().is_none(), "no sweep, no suggestion");
}

#[test]
fn the_run_view_describes_the_run() {
    let s = small("kaiming", 100);
    let r = views::run_view(&s);
    assert_eq!(r.run, s.run().number);
    assert!(
        r.architecture.ends_with(&format!(
            "; {} parameters",
            format::count(s.run().trainer.model.n_params())
        )),
        "{}",
        r.architecture
    );
    assert_eq!(r.title, "6. Kaiming init");
    assert!(!r.about.is_empty());
    assert_eq!(r.key_charts[0], ChartId::Kaiming);
    let k = chart(&r.charts, ChartId::Kaiming);
    assert!(
        k.lines[0].contains("fan_in = block_size x n_embd = 3 x 10"),
        "{:?}",
        k.lines
    );
    let mut s = s;
    train_n(&mut s, 1);
    let loss = views::loss::chart(&s);
    let want = format!(
        "a uniform guess over 27 characters gives {}",
        format::loss(27f32.ln())
    );
    assert!(loss.lines[1].contains(&want), "{:?}", loss.lines);
}

#[test]
fn earlier_runs_are_kept_labelled_and_bounded() {
    let mut s = small("kaiming", 100);
    s.reset().unwrap();
    assert!(
        s.runs().list().is_empty(),
        "a run without steps is not kept"
    );
    for _ in 0..MAX_EARLIER_RUNS + 3 {
        train_n(&mut s, 2);
        s.reset().unwrap();
    }
    let e = s.runs().list();
    assert_eq!(e.len(), MAX_EARLIER_RUNS);
    let newest = e.back().unwrap();
    assert_eq!(newest.run, s.run().number - 1);
    assert_eq!(
        newest.label,
        format!("run {}: 6. Kaiming init, seed 42", s.run().number - 1)
    );
    assert_eq!(newest.loss.len(), 2);
    assert_eq!(
        e.front().unwrap().run,
        s.run().number - MAX_EARLIER_RUNS as u32
    );
    let ChartSpec::Loss(spec) = views::loss::chart(&s).spec else {
        panic!("a loss spec")
    };
    assert_eq!(spec.earlier_runs.len(), makemore_lab::session::runs::SHOWN);
    s.clear_earlier();
    assert!(s.runs().list().is_empty());
}

#[test]
fn a_batchnorm_model_is_also_evaluated_in_train_mode() {
    let mut s = small("batchnorm", 1000);
    train_n(&mut s, 30);
    s.request_eval();
    let mut progress = vec![];
    while s.busy() {
        s.work(|| true);
        progress.extend(s.run().eval_progress());
    }
    assert!(progress.windows(2).all(|w| w[0] < w[1]), "{progress:?}");
    let e = s.run().evals()[0];
    let tm = e
        .val_train_mode
        .expect("a BatchNorm model's train-mode loss");
    let mut t = s.run().trainer.clone();
    let val = t.data.val.clone();
    let (train, eval) = diagnostics::train_vs_eval_loss(&mut t.model, &val.x, &val.y, 32);
    assert!((tm - train).abs() < 1e-4 * train, "{tm} vs {train}");
    assert!((e.val - eval).abs() < 1e-4 * eval, "{} vs {eval}", e.val);
    assert_ne!(tm, e.val, "the two modes differ");
    let loss = views::loss::chart(&s);
    let want = format!(
        "val split at step 30: train mode (batch statistics, batches of 32, the last of 15): {}, eval mode (running statistics): {}",
        format::loss(tm),
        format::loss(e.val)
    );
    assert!(loss.lines.contains(&want), "{:?}", loss.lines);
    // Without BatchNorm there is one mode.
    let mut plain = small("fix-tanh", 1000);
    train_n(&mut plain, 5);
    plain.request_eval();
    while plain.busy() {
        plain.work(|| false);
    }
    assert_eq!(plain.run().evals()[0].val_train_mode, None);
    assert!(!views::loss::chart(&plain)
        .lines
        .iter()
        .any(|l| l.contains("train mode")));
}

#[test]
fn the_saturation_map_knows_each_example_s_context() {
    let mut s = small("fix-tanh", 1000);
    train_n(&mut s, 3);
    let (xb, _) = s.run().trainer.last_batch();
    let itos = s.data().vocab.itos.clone();
    let want: Vec<String> = xb
        .chunks(3)
        .map(|c| c.iter().map(|&i| itos[i as usize]).collect())
        .collect();
    let d = views::diag_view(&mut s);
    let ChartSpec::Saturation(m) = &chart(&d.charts, ChartId::Map).spec else {
        panic!("a saturation map")
    };
    assert_eq!(m.contexts.len(), m.rows);
    assert_eq!(m.contexts, want[..m.rows]);
    assert_eq!(m.batch, 32);
    // The per-layer charts name each series' layer: the k-th Tanh follows the k-th Linear.
    let ChartSpec::Histograms(acts) = &chart(&d.charts, ChartId::Acts).spec else {
        panic!("histograms")
    };
    assert_eq!(acts.layers, [1]);
    let ChartSpec::UpdateRatios(r) = &views::ratios::chart(&s).spec else {
        panic!("ratios")
    };
    assert_eq!(r.layers, [0, 1, 2], "C, W1, W2");
}

/// Issue 20: the train-mode val loss is taken in the run's own batches, whatever the pieces the
/// evaluation is done in, and the loss chart says which. 1,710 two-letter names: a val split of
/// 171 names, 513 examples (two pieces of 256 and one example left, whose batch statistics were
/// NaN); a batch over 256 or one that does not divide it was cut at the pieces' ends.
#[test]
fn the_train_mode_val_loss_is_taken_in_the_runs_batches() {
    let names: Vec<String> = (0..1710)
        .map(|i| {
            format!(
                "{}{}",
                (b'a' + (i / 26 % 26) as u8) as char,
                (b'a' + (i % 26) as u8) as char
            )
        })
        .collect();
    let file = names.join("\n");
    for (batch, said) in [
        (32, "batches of 32, the last of 33"),
        (100, "batches of 100, the last of 13"),
        (300, "batches of 300, the last of 213"),
        (600, "one batch of 513"),
    ] {
        let mut s = Session::new(file.as_bytes(), "two letters").unwrap();
        s.choose_chapter("batchnorm").unwrap();
        s.apply_settings([("batch_size", batch.to_string().as_str())])
            .unwrap();
        s.set_steps("1000", false).unwrap();
        assert_eq!(s.data().val.len(), 513);
        train_n(&mut s, 3);
        s.request_eval();
        while s.busy() {
            s.work(|| true);
        }
        let e = s.run().evals()[0];
        let tm = e
            .val_train_mode
            .expect("a BatchNorm model's train-mode loss");
        // The same loss in one pass over the whole split, batch by batch.
        let mut t = s.run().trainer.clone();
        let val = t.data.val.clone();
        let whole = diagnostics::train_mode_loss(&mut t.model, &val.x, &val.y, batch);
        assert!(whole.is_finite(), "batch {batch}: {whole}");
        assert!(
            (tm - whole).abs() <= 1e-5 * whole,
            "batch {batch}: {tm} vs {whole}"
        );
        let want = format!(
            "val split at step 3: train mode (batch statistics, {said}): {}, eval mode (running statistics): {}",
            format::loss(tm),
            format::loss(e.val)
        );
        let lines = views::loss::chart(&s).lines;
        assert!(lines.contains(&want), "batch {batch}: {lines:?}");
    }
}

#[test]
fn the_embedding_labels_each_character_with_its_count_in_the_names_in_use() {
    let mut s = Session::new(few_names(300).as_bytes(), "few").unwrap();
    s.choose_chapter("embed-2d").unwrap();
    let v = views::embedding::chart(&s);
    let ChartSpec::Embedding(spec) = &v.spec else {
        panic!("an embedding spec")
    };
    assert_eq!(spec.counts, s.data().vocab.counts(s.words()));
    assert_eq!(
        spec.counts[0] as usize,
        s.words().len(),
        "'.' ends every name"
    );
}
