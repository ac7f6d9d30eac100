//! The lecture's exercises: E02, BatchNorm folded into the Linear before it after training
//! (`export::fold`), in the core and through the worker's loop.

use crate::support::trained;
use makemore_lab::export::fold::fold_batchnorm;
use makemore_lab::layers::Layer;
use makemore_lab::model::Mlp;
use makemore_lab::rng::Rng;
use makemore_lab::sample::sample_one;
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
