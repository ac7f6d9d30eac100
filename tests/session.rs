//! The lab session, natively: what the page's worker does, without a browser.
//! Most tests use the first 600 default names and small step counts (debug builds are slow).

use makemore_lab::data::{build_dataset, parse_names, Vocab, DEFAULT_NAMES, MAX_FILE_BYTES};
use makemore_lab::presets;
use makemore_lab::session::*;
use makemore_lab::train::Split;

fn few_names(n: usize) -> String {
    DEFAULT_NAMES.lines().take(n).collect::<Vec<_>>().join("\n")
}

/// A session on 600 names at a chapter, with a small budget.
fn small(chapter: &str, steps: usize) -> Session {
    let mut s = Session::new(few_names(600).as_bytes(), "test").unwrap();
    s.choose_chapter(chapter, Some(steps)).unwrap();
    s
}

fn weights(s: &Session) -> Vec<Vec<f32>> {
    s.trainer()
        .model
        .params()
        .iter()
        .map(|p| p.data.clone())
        .collect()
}

fn train_n(s: &mut Session, n: usize) -> usize {
    s.start().unwrap();
    let done = s.train(n, || false);
    s.pause();
    done
}

#[test]
fn default_data_summary_matches_the_split() {
    let s = Session::new(DEFAULT_NAMES.as_bytes(), "default").unwrap();
    let d = s.data_summary();
    let words = parse_names(DEFAULT_NAMES.as_bytes()).unwrap();
    assert_eq!(d.names, words.len());
    assert_eq!(d.names, 32_033, "the default names file");
    assert_eq!(d.vocab_size, 27);
    assert_eq!(d.vocab, Vocab::from_words(&words).as_string());
    assert_eq!(d.train_names, (words.len() as f64 * 0.9) as usize);
    assert_eq!(d.train_names + d.val_names, d.names);
    // Each name gives (characters + 1) examples; count them from the session's own split.
    let t = s.trainer();
    let count = |ws: &[String]| ws.iter().map(|w| w.chars().count() + 1).sum::<usize>();
    assert_eq!(d.train_examples, count(&t.data.train_words));
    assert_eq!(d.val_examples, count(&t.data.val_words));
    assert_eq!(d.train_examples + d.val_examples, count(&words));
    let rebuilt = build_dataset(&t.data.train_words, &t.data.vocab, d.block_size);
    assert_eq!(rebuilt.len(), d.train_examples);
    assert!(
        d.line().contains(&fmt_count(d.train_examples)),
        "{}",
        d.line()
    );
}

#[test]
fn the_split_does_not_depend_on_the_seed() {
    let mut s = small("fix-tanh", 100);
    let val = s.trainer().data.val_words.clone();
    s.set_seed(7).unwrap();
    assert_eq!(s.trainer().data.val_words, val);
}

#[test]
fn reset_gives_the_same_weights_and_losses() {
    let mut s = small("kaiming", 100);
    let w0 = weights(&s);
    train_n(&mut s, 5);
    let losses = s.trainer().losses.clone();
    assert_eq!(losses.len(), 5);
    assert_ne!(weights(&s), w0, "training changed the weights");
    let run = s.run();
    s.reset().unwrap();
    assert_eq!(s.run(), run + 1);
    assert_eq!(s.trainer().step, 0);
    assert_eq!(weights(&s), w0, "same seed, same initial weights");
    train_n(&mut s, 5);
    assert_eq!(s.trainer().losses, losses);
}

#[test]
fn new_seed_changes_the_weights() {
    let mut s = small("kaiming", 100);
    let (w0, seed0) = (weights(&s), s.settings().seed);
    let seed = s.new_seed().unwrap();
    assert_ne!(seed, seed0);
    assert_eq!(s.settings().seed, seed);
    assert_ne!(weights(&s), w0);
    assert!(s.run_info().label.contains(&seed.to_string()));
}

#[test]
fn bad_files_are_refused_and_change_nothing() {
    let mut s = small("fix-softmax", 100);
    train_n(&mut s, 3);
    let (summary, w, step, run) = (s.data_summary(), weights(&s), s.trainer().step, s.run());
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
        assert_eq!(s.data_summary(), summary, "{what}: data kept");
        assert_eq!(weights(&s), w, "{what}: weights kept");
        assert_eq!(s.trainer().step, step, "{what}: steps kept");
        assert_eq!(s.run(), run, "{what}: same run");
    }
}

#[test]
fn a_good_file_replaces_the_data_and_resets() {
    let mut s = small("fix-tanh", 100);
    train_n(&mut s, 3);
    let run = s.run();
    let text = "zoe\nxavier\nquinn\nyara\nwill\nvera\numa\ntess\nsara\nrita\nzed\nyoko\n";
    let d = s.load_names(text.as_bytes(), "mine.txt").unwrap();
    assert_eq!(d.names, 12);
    assert_eq!(d.source, "mine.txt");
    assert_eq!(
        d.vocab,
        Vocab::from_words(&parse_names(text.as_bytes()).unwrap()).as_string()
    );
    assert_eq!(s.run(), run + 1);
    assert_eq!(s.trainer().step, 0);
    assert_eq!(s.trainer().model.config.vocab_size, d.vocab_size);
    train_n(&mut s, 3);
    assert_eq!(s.trainer().step, 3);
}

#[test]
fn html_in_a_name_is_just_a_name() {
    let text = format!("{}\n<img src=x onerror=alert(1)>\n", few_names(20));
    let mut s = small("fix-tanh", 100);
    let d = s.load_names(text.as_bytes(), "x").unwrap();
    assert_eq!(d.names, 21);
    assert!(s
        .words()
        .iter()
        .any(|w| w == "<img src=x onerror=alert(1)>"));
    let first = format!("<img src=x onerror=alert(1)>\n{}", few_names(20));
    let d = s.load_names(first.as_bytes(), "x").unwrap();
    assert_eq!(
        d.preview[0], "<img src=x onerror=alert(1)>",
        "the preview keeps the file's order"
    );
    assert_eq!(d.preview.len(), PREVIEW_NAMES);
    assert!(d.vocab.contains('<') && d.vocab.contains('='));
}

#[test]
fn time_slices_stop_when_told_and_progress_sends_each_step_once() {
    let mut s = small("fix-tanh", 1000);
    s.start().unwrap();
    let mut calls = 0;
    let done = s.work(|| {
        calls += 1;
        calls >= 7
    });
    assert_eq!(done, 7);
    let p1 = s.take_progress();
    assert_eq!((p1.first, p1.losses.len(), p1.step), (0, 7, 7));
    assert!(p1.running);
    s.work(|| true);
    let p2 = s.take_progress();
    assert_eq!((p2.first, p2.losses.len()), (7, 1));
    let all: Vec<f32> = p1.losses.iter().chain(&p2.losses).copied().collect();
    assert_eq!(all, s.trainer().losses);
    let lrs: Vec<f32> = p1.lrs.iter().chain(&p2.lrs).copied().collect();
    assert_eq!(lrs, s.trainer().lrs);
    // Update:data ratios: one row per step, a value every RATIO_EVERY steps and NaN between.
    let n2d = s.run_info().ratio_labels.len();
    assert_eq!(n2d, 3, "C, the hidden and the output weight");
    assert_eq!(p1.ratios.len(), 7 * n2d);
    for (i, row) in p1.ratios.chunks(n2d).enumerate() {
        let taken = i % RATIO_EVERY == 0;
        assert!(
            row.iter().all(|r| r.is_finite() == taken),
            "step {i}: {row:?}"
        );
    }
    let r = &p1.ratios[..n2d];
    assert!(r.iter().all(|&x| (-8.0..1.0).contains(&x)), "{r:?}");
    assert!(s.take_progress().losses.is_empty());
}

#[test]
fn pause_stops_and_step_does_exactly_one() {
    let mut s = small("fix-tanh", 1000);
    s.start().unwrap();
    s.work(|| true);
    s.pause();
    assert!(!s.busy());
    let step = s.trainer().step;
    assert_eq!(s.work(|| false), 0, "paused: no work");
    assert_eq!(s.trainer().step, step);
    let loss = s.step_once().unwrap();
    assert_eq!(s.trainer().step, step + 1);
    assert_eq!(s.trainer().losses.last(), Some(&loss));
    s.start().unwrap();
    assert!(s.step_once().is_err(), "no single steps while training");
}

#[test]
fn the_learning_rate_changes_while_paused_only() {
    let mut s = small("fix-tanh", 1000);
    train_n(&mut s, 2);
    let w = weights(&s);
    s.set_lr(Some(0.03)).unwrap();
    assert_eq!(weights(&s), w, "the weights stay");
    assert_eq!(s.lr(), 0.03);
    s.step_once().unwrap();
    assert_eq!(s.trainer().lrs.last(), Some(&0.03));
    assert!(s.set_lr(Some(-1.0)).is_err());
    assert!(s.set_lr(Some(f32::NAN)).is_err());
    s.start().unwrap();
    assert!(s.set_lr(Some(0.5)).is_err(), "not while training");
    s.pause();
    s.set_lr(None).unwrap();
    assert_eq!(s.lr(), s.trainer().lr(), "back to the schedule");
}

#[test]
fn lr_100_stops_with_a_message_and_keeps_the_last_good_weights() {
    let mut s = small("fix-softmax", 1000);
    train_n(&mut s, 5);
    let good = weights(&s);
    let good_losses = s.trainer().losses.clone();
    s.set_lr(Some(100.0)).unwrap();
    s.start().unwrap();
    s.train(200, || false);
    assert!(!s.is_running(), "training stopped");
    let p = s.take_progress();
    assert!(p.diverged);
    let msg = p.stopped.expect("a message");
    assert!(msg.contains("the learning rate is too high"), "{msg}");
    // The step at lr 100 was undone: the weights and the history are those before it.
    assert_eq!(s.trainer().step, 5);
    assert_eq!(s.trainer().losses, good_losses);
    assert_eq!(weights(&s), good);
    // A sane rate goes on from there.
    s.set_lr(Some(0.1)).unwrap();
    let l = s.step_once().unwrap();
    assert!(l.is_finite() && l < 10.0, "{l}");
}

#[test]
fn an_overflowing_rate_is_caught_too() {
    let mut s = small("fix-tanh", 1000);
    train_n(&mut s, 3);
    s.set_lr(Some(1e38)).unwrap();
    // The first update may still be finite; the next loss is not.
    let e = (0..5).find_map(|_| s.step_once().err()).expect("diverges");
    assert!(e.contains("the learning rate is too high"), "{e}");
    assert!(weights(&s).iter().flatten().all(|w| w.is_finite()));
    assert!(s.trainer().step <= 3);
}

#[test]
fn sampling_never_changes_the_training_run() {
    let mut a = small("fix-tanh", 1000);
    let mut b = small("fix-tanh", 1000);
    train_n(&mut a, 10);
    let names = a.sample(20, 1.0).unwrap();
    assert_eq!(names.len(), 20);
    train_n(&mut a, 10);
    train_n(&mut b, 20);
    assert_eq!(a.trainer().losses, b.trainer().losses);
    let t = a.trainer();
    for n in &names {
        let in_train = t.data.train_words.contains(&n.name);
        let in_val = t.data.val_words.contains(&n.name);
        let want = if in_train {
            "in train"
        } else if in_val {
            "in val"
        } else {
            "new"
        };
        assert_eq!(n.novelty.as_str(), want, "{}", n.name);
        assert!(n.name.chars().all(|c| t.data.vocab.itos.contains(&c)));
    }
    assert!(a.sample(0, 1.0).is_err());
    assert!(a.sample(5, 0.0).is_err());
}

#[test]
fn diagnostics_come_from_the_last_step_even_after_sampling() {
    let mut s = small("fix-softmax", 1000);
    let d0 = s.diagnostics();
    assert_eq!(d0.step, 0);
    assert!(d0.first.is_none(), "no batch yet");
    assert_eq!(d0.points.len(), s.data_summary().vocab_size);
    train_n(&mut s, 3);
    let d1 = s.diagnostics();
    s.sample(5, 1.0).unwrap();
    let d2 = s.diagnostics();
    assert_eq!(d1.step, 3);
    assert_eq!(
        d1.first, d2.first,
        "sampling does not spoil the step's diagnostics"
    );
    let f = d2.first.unwrap();
    assert_eq!((f.rows, f.batch), (32, 32));
    assert_eq!(f.layer.map.cells.len(), 32 * 200);
    // The fix-softmax chapter still saturates the tanh layer (the next chapter fixes it).
    assert!(f.layer.act.saturated > 0.3, "{}", f.layer.act.saturated);
    let line = &d2.act_lines[0];
    assert!(line.starts_with("layer 1 (Tanh): mean "), "{line}");
    assert!(line.contains(", std ") && line.ends_with('%'), "{line}");
    assert!(d2.grad_lines[0].starts_with("layer 1 (Tanh): mean "));
    assert!(d2.pca, "n_embd 10: principal components");
}

#[test]
fn the_deep_chapter_has_five_tanh_layers() {
    let mut s = small("deep", 100);
    train_n(&mut s, 2);
    let d = s.diagnostics();
    assert_eq!(d.layers.len(), 5);
    assert_eq!(d.threshold, 0.97);
    let idx: Vec<usize> = d.layers.iter().map(|l| l.index).collect();
    assert_eq!(idx, vec![2, 5, 8, 11, 14]);
    assert_eq!(
        s.run_info().ratio_labels.len(),
        7,
        "C, five hidden weights, the output weight"
    );
    assert!(s.run_info().ratio_labels[0].starts_with("C (27, 10)"));
}

#[test]
fn evaluation_in_pieces_equals_the_full_split_loss() {
    let mut s = small("fix-tanh", 1000);
    train_n(&mut s, 20);
    s.request_eval();
    assert!(s.busy());
    let mut pieces = 0;
    while s.busy() {
        s.work(|| true);
        pieces += 1;
    }
    assert!(pieces >= 2, "{pieces} pieces");
    let e = s.evals()[0];
    assert_eq!(e.step, 20);
    let mut t = s.trainer().clone();
    let (train, val) = (t.split_loss(Split::Train), t.split_loss(Split::Val));
    assert!(
        (e.train - train).abs() < 1e-4 * train,
        "{} vs {train}",
        e.train
    );
    assert!((e.val - val).abs() < 1e-4 * val, "{} vs {val}", e.val);
    let p = s.take_progress();
    assert_eq!(p.evals, vec![e]);
}

#[test]
fn the_end_of_the_budget_stops_and_evaluates() {
    let mut s = small("fix-tanh", 12);
    s.start().unwrap();
    while s.busy() {
        s.work(|| false);
    }
    assert_eq!(s.trainer().step, 12);
    let p = s.take_progress();
    assert!(p.finished && !p.running);
    assert!(p.stopped.unwrap().contains("finished"));
    assert_eq!(p.evals.len(), 1);
    assert_eq!(p.evals[0].step, 12);
    assert!(s.start().is_err(), "nothing left to do");
    s.set_steps(20).unwrap();
    s.start().unwrap();
    assert!(s.set_steps(5).is_err(), "below the steps done");
}

#[test]
fn chapters_give_the_presets_settings() {
    for p in presets::all() {
        let st = Settings::from_preset(&p);
        let mut want = p.model.clone();
        let mut got = st.model_config();
        (want.vocab_size, got.vocab_size) = (0, 0);
        assert_eq!(got, want, "{}", p.name);
        assert_eq!(st.train_config(), p.train, "{}", p.name);
        assert_eq!(st.saturation_threshold, p.saturation_threshold);
        assert!(!st.custom);
        // Every knob reads back what it was set to.
        let mut copy = st.clone();
        for (k, v) in st.pairs() {
            copy.set(k, &v)
                .unwrap_or_else(|e| panic!("{}: {k}={v}: {e}", p.name));
        }
        assert_eq!(copy, st, "{}", p.name);
    }
    assert_eq!(
        KNOBS.len(),
        Settings::chapter("deep").unwrap().pairs().len()
    );
}

#[test]
fn custom_settings_apply_or_change_nothing() {
    let mut s = small("kaiming", 100);
    s.apply_settings(&[
        ("n_embd".into(), "4".into()),
        ("n_layers".into(), "2".into()),
    ])
    .unwrap();
    assert!(s.settings().custom);
    assert!(
        s.run_info().title.starts_with("custom (from 6."),
        "{}",
        s.run_info().title
    );
    assert_eq!(s.trainer().model.config.n_embd, 4);
    assert_eq!(s.diagnostics().layers.len(), 0, "no step yet");
    train_n(&mut s, 1);
    assert_eq!(s.diagnostics().layers.len(), 2);
    let before = (s.settings().clone(), weights(&s), s.run());
    for (k, v) in [
        ("n_embd", "0"),
        ("n_hidden", "abc"),
        ("batchnorm", "maybe"),
        ("lr", "NaN"),
        ("nonsense", "1"),
        ("output_bn", "true"),
    ] {
        let e = s.apply_settings(&[(k.into(), v.into())]).expect_err(k);
        assert!(!e.is_empty());
        assert_eq!((s.settings().clone(), weights(&s), s.run()), before, "{k}");
    }
    // Back to the chapter's values: not custom any more; a new budget or seed is not custom.
    s.apply_settings(&[
        ("n_embd".into(), "10".into()),
        ("n_layers".into(), "1".into()),
    ])
    .unwrap();
    assert!(!s.settings().custom);
    s.apply_settings(&[("steps".into(), "77".into()), ("seed".into(), "5".into())])
        .unwrap();
    assert!(!s.settings().custom);
    assert_eq!(s.trainer().train.steps, 77);
    // A new context length rebuilds the examples.
    s.apply_settings(&[("block_size".into(), "5".into())])
        .unwrap();
    assert_eq!(s.data_summary().block_size, 5);
    assert_eq!(s.trainer().data.train.block_size, 5);
}

#[test]
fn the_lr_finder_suggests_a_rate_inside_the_sweep() {
    let mut s = small("lr-finder", 200);
    train_n(&mut s, 200);
    let d = s.diagnostics();
    let (step, lr, loss) = d.lr_suggestion.expect("a suggestion");
    assert!(step < 200);
    assert_eq!(lr, s.trainer().lrs[step]);
    assert!((1e-3..=1.0).contains(&lr));
    assert!(loss < s.trainer().losses[0], "{loss}");
    let mut k = small("kaiming", 100);
    train_n(&mut k, 3);
    assert!(
        k.diagnostics().lr_suggestion.is_none(),
        "no sweep, no suggestion"
    );
}

#[test]
fn run_info_describes_the_run() {
    let s = small("kaiming", 100);
    let r = s.run_info();
    assert_eq!(r.n_params, s.trainer().model.n_params());
    assert_eq!(r.kaiming_fan_in, 30);
    assert!((r.kaiming.y.std / r.kaiming.y_scaled.std) > 3.0);
    assert!((r.uniform_loss - 27f32.ln()).abs() < 1e-6);
    assert!(r.label.contains("6. Kaiming init"), "{}", r.label);
    assert!(!r.about.is_empty());
}

#[test]
fn the_fast_update_ratio_matches_the_diagnostics_one() {
    let mut s = small("deep", 100);
    train_n(&mut s, 1);
    let m = &s.trainer().model;
    let want = makemore_lab::diagnostics::update_ratios(m, 0.1);
    let params = m.params();
    for (i, r) in want {
        let p = params[i];
        let got = update_ratio(0.1, &p.grad, &p.data);
        assert!((got - r).abs() < 1e-4, "{}: {got} vs {r}", p.name);
    }
    let xs: Vec<f32> = (0..1001)
        .map(|i| (i as f32 * 0.37).sin() * 3.0 + 0.5)
        .collect();
    let slow = makemore_lab::diagnostics::stats(&xs, None).std as f64;
    assert!((fast_std(&xs) - slow).abs() < 1e-5 * slow);
    assert_eq!(fast_std(&[1.0]), 0.0);
}

#[test]
fn formatting_helpers() {
    assert_eq!(fmt_count(182_625), "182,625");
    assert_eq!(fmt_count(12), "12");
    assert_eq!(fmt_count(1_000_000), "1,000,000");
    assert_eq!(fmt_signed(0.0), "+0.00");
    assert_eq!(fmt_signed(-0.126), "-0.13");
    assert_eq!(fmt_signed(1.2e-5), "+1.2e-5");
}

fn running_stats(s: &Session) -> Vec<Vec<f32>> {
    s.trainer()
        .model
        .layers
        .iter()
        .filter_map(|l| match l {
            makemore_lab::layers::Layer::BatchNorm1d(b) => {
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
    s.set_lr(Some(1000.0)).unwrap();
    s.start().unwrap();
    s.train(200, || false);
    assert!(!s.is_running(), "training stopped");
    assert!(s.take_progress().diverged);
    assert_eq!(s.trainer().step, 4, "the step at lr 1000 was undone");
    assert_eq!(weights(&s), good);
    assert_eq!(running_stats(&s), good_stats);
}
