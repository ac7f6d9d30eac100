//! The lecture's exercises: E02, BatchNorm folded into the Linear before it after training
//! (`export::fold`), in the core and through the worker's loop.

use crate::support::{few_names, trained};
use makemore_lab::export::fold::fold_batchnorm;
use makemore_lab::format;
use makemore_lab::layers::Layer;
use makemore_lab::model::Mlp;
use makemore_lab::rng::Rng;
use makemore_lab::sample::sample_one;
use makemore_lab::session::lab::Lab;
use makemore_lab::session::protocol::{Event, Level, Request, Topic};
use makemore_lab::session::views;
use makemore_lab::train::Split;

fn count_bn(m: &Mlp) -> usize {
    m.layers
        .iter()
        .filter(|l| matches!(l, Layer::BatchNorm1d(_)))
        .count()
}

/// Trains `chapter`, folds it, and checks what the exercise asks: no BatchNorm left, fewer
/// parameters, the same val loss in eval mode and the same sampled names from the same seed.
fn folds_the_same(chapter: &str, steps: usize) {
    let mut t = trained(chapter, steps);
    assert!(count_bn(&t.model) > 0, "{chapter} has BatchNorm");
    let mut folded = fold_batchnorm(&t.model).unwrap();
    assert_eq!(count_bn(&folded), 0);
    assert!(
        folded.n_params() < t.model.n_params(),
        "{} < {}",
        folded.n_params(),
        t.model.n_params()
    );
    let val = t.examples(Split::Val).clone();
    let before = t.split_loss(Split::Val);
    let after = folded.eval_loss(&val.x, &val.y, 1000);
    assert!(
        (before - after).abs() <= 1e-5,
        "{chapter}: val loss {before} before folding, {after} after"
    );
    // The outputs themselves, on a few hundred contexts: logits within 1e-5 of each other's size.
    let bs = t.model.config.block_size;
    let n = 300;
    let was = t.model.training;
    t.model.training = false;
    t.model.forward(&val.x[..n * bs], n);
    t.model.training = was;
    folded.forward(&val.x[..n * bs], n);
    for (a, b) in t.model.logits().iter().zip(folded.logits()) {
        assert!((a - b).abs() <= 1e-5 * a.abs().max(1.0), "logit {a} vs {b}");
    }
    let vocab = &t.data.vocab;
    let (mut r1, mut r2) = (Rng::new(7), Rng::new(7));
    for _ in 0..20 {
        let a = sample_one(&mut t.model, vocab, &mut r1, 1.0, 64);
        let b = sample_one(&mut folded, vocab, &mut r2, 1.0, 64);
        assert_eq!(a, b);
    }
}

#[test]
fn folding_the_first_cells_batchnorm_keeps_the_eval_outputs() {
    // The first-cell BatchNorm: a running std, no epsilon.
    folds_the_same("batchnorm", 300);
}

#[test]
fn folding_the_deep_models_batchnorms_keeps_the_eval_outputs() {
    // The layer classes' BatchNorm (running variance, eps 1e-5), also after the output Linear.
    folds_the_same("deep", 100);
}

#[test]
fn a_model_without_batchnorm_is_not_folded() {
    let t = trained("kaiming", 1);
    let e = fold_batchnorm(&t.model).unwrap_err();
    assert!(e.contains("no BatchNorm"), "{e}");
    assert!(e.ends_with('.'), "a sentence: {e}");
}

/// A lab on a few hundred names at `chapter`, after `steps` steps.
fn lab_after(chapter: &str, steps: usize) -> Lab {
    let (mut lab, _) = Lab::new(few_names(400).as_bytes(), "test", "native", None, 0.0).unwrap();
    lab.handle(
        Request::Chapter {
            name: chapter.into(),
        },
        0.0,
    );
    for _ in 0..steps {
        lab.handle(Request::Step, 0.0);
    }
    lab
}

/// The one `Topic::Fold` notice of an answer.
fn fold_notice(events: &[Event]) -> (String, Level) {
    let found: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Notice {
                message,
                level,
                topic: Topic::Fold,
            } => Some((message.clone(), *level)),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "{events:?}");
    found[0].clone()
}

#[test]
fn the_fold_request_says_the_shapes_the_parameters_and_both_losses() {
    let mut lab = lab_after("batchnorm", 20);
    let (message, level) = fold_notice(&lab.handle(Request::Fold, 0.0));
    assert_eq!(level, Level::Good, "{message}");
    // The run's model is not changed: its numbers are what the sentence compares with.
    let s = lab.session();
    let model = &s.run().trainer.model;
    let bs = model.config.block_size * model.config.n_embd;
    let hidden = model.config.n_hidden;
    assert!(count_bn(model) > 0, "the run keeps its BatchNorm");
    let folded = fold_batchnorm(model).unwrap();
    for needle in [
        format!("{} × {}", format::count(bs), format::count(hidden)),
        format!("{} before", format::count(model.n_params())),
        format!("{} after", format::count(folded.n_params())),
        "step 20".to_string(),
    ] {
        assert!(message.contains(&needle), "{needle:?} in {message}");
    }
    let val = s.run().trainer.data.val.clone();
    let mut m = model.clone();
    let loss = format::loss(m.eval_loss(&val.x, &val.y, 1024));
    assert!(
        message.contains(&format!("{loss} before, {loss} after")),
        "{loss} in {message}"
    );
}

#[test]
fn the_fold_request_is_refused_with_a_sentence_without_batchnorm() {
    let mut lab = lab_after("kaiming", 2);
    let (message, level) = fold_notice(&lab.handle(Request::Fold, 0.0));
    assert_eq!(level, Level::Warn);
    assert!(message.contains("no BatchNorm"), "{message}");
}

// ---- E01: every weight and bias zero trains only partly: which part? -------------------------

/// A lab running `experiment` for `steps` steps.
fn experiment_after(experiment: &str, steps: usize) -> Lab {
    let (mut lab, _) = Lab::new(few_names(400).as_bytes(), "test", "native", None, 0.0).unwrap();
    lab.handle(
        Request::Experiment {
            name: experiment.into(),
        },
        0.0,
    );
    for _ in 0..steps {
        lab.handle(Request::Step, 0.0);
    }
    lab
}

/// The name of the output Linear's bias (the last Linear's).
fn output_bias(model: &Mlp) -> String {
    model
        .layers
        .iter()
        .rev()
        .find_map(|l| match l {
            Layer::Linear(l) => l.bias.as_ref().map(|b| b.name.clone()),
            _ => None,
        })
        .expect("an output bias")
}

#[test]
fn with_every_weight_zero_only_the_output_bias_moves_and_the_weights_stay_symmetric() {
    let mut lab = experiment_after("zero-init", 30);
    let s = lab.session_mut();
    assert_eq!(s.run().trainer.step, 30);
    let model = &s.run().trainer.model;
    let bias = output_bias(model);
    let moved = s.run().moved();
    assert_eq!(moved.len(), model.params().len());
    for m in &moved {
        if m.name == bias {
            assert!(m.dist > 0.1, "{m:?}");
            // It started at zero: no relative distance.
            assert_eq!(m.rel, None);
        } else {
            assert_eq!(m.dist, 0.0, "{m:?}");
        }
        if m.name.ends_with(".weight") {
            assert!(m.same_columns, "{m:?}");
        }
    }
    // What the experiment says is what the run shows.
    let symptom = makemore_lab::session::views::run_view(s)
        .experiment
        .expect("an experiment")
        .symptom;
    assert!(symptom.contains("only the output bias moved"), "{symptom}");
    assert!(symptom.contains("columns all equal"), "{symptom}");
    // And the update:data chart's text says it, tensor by tensor.
    let lines = views::ratios::chart(s).lines;
    let line = lines
        .iter()
        .find(|l| l.starts_with(views::ratios::MOVED_LEAD))
        .expect("the moved line");
    for m in &moved {
        assert!(line.contains(&views::ratios::moved_text(m)), "{line}");
    }
    assert!(line.contains("layers.0.weight 0.00, all equal"), "{line}");
    // The diagnostics CSV has the same numbers, a row per tensor.
    let csv = makemore_lab::session::export::diagnostics_csv(s);
    let rows: Vec<&str> = csv
        .split("parameter,moved,moved_relative,same_columns,same_rows\n")
        .nth(1)
        .expect("the moved section")
        .lines()
        .collect();
    assert_eq!(rows.len(), moved.len(), "{csv}");
    let bias_row = rows.iter().find(|r| r.starts_with(&bias)).unwrap();
    assert!(!bias_row.contains(",0,"), "{bias_row}");
}

#[test]
fn with_kaimings_random_weights_every_tensor_moves_and_none_stays_symmetric() {
    // The chapter the experiment breaks: the same check fails there.
    let mut lab = lab_after("kaiming", 30);
    let moved = lab.session_mut().run().moved();
    for m in &moved {
        assert!(m.dist > 0.0, "{m:?}");
        assert!(!m.same_columns && !m.same_rows, "{m:?}");
    }
    let c = moved.iter().find(|m| m.name == "C").unwrap();
    assert!(c.rel.is_some_and(|r| r > 0.0 && r < 1.0), "{c:?}");
}
