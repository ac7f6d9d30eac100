//! Short native runs of the chapters (the runner's presets): the tell-tale numbers of each chapter of the notebook must
//! hold (first loss, saturation, BatchNorm statistics, the finder's knee). The full-length runs
//! are in the README's reproduction table.

use crate::support::{chapter, data};

use makemore_lab::data::Dataset;
use makemore_lab::diagnostics::{self, first_layer, layer_diagnostics, update_ratios};
use makemore_lab::layers::Layer;
use makemore_lab::lesson::Chapter;
use makemore_lab::train::{DivergeCause, Split, StepError, Trainer};

fn trainer(name: &str, seed: u64) -> (Chapter, Trainer) {
    let mut p = chapter(name);
    p.train.seed = seed;
    let t = Trainer::new(data().clone(), p.model.clone(), p.train.clone()).unwrap();
    (p, t)
}

/// First loss and |h| > threshold fraction at init, over a few seeds (means).
fn at_init(name: &str) -> (f32, f32) {
    let seeds = [1u64, 2, 3, 4];
    let (mut loss, mut sat) = (0.0, 0.0);
    for &s in &seeds {
        let (p, mut t) = trainer(name, s);
        loss += t.step().unwrap();
        sat += first_layer(&t.model, 32, p.saturation_threshold, 50)
            .unwrap()
            .map
            .fraction;
    }
    (loss / seeds.len() as f32, sat / seeds.len() as f32)
}

const LN27: f32 = 3.295_837;

#[test]
fn the_chapters_tell_their_story_at_init() {
    let (naive, naive_sat) = at_init("naive");
    let (softmax, softmax_sat) = at_init("fix-softmax");
    let (tanh, tanh_sat) = at_init("fix-tanh");
    let (kaiming, kaiming_sat) = at_init("kaiming");
    println!("naive {naive} {naive_sat}; softmax {softmax} {softmax_sat}; tanh {tanh} {tanh_sat}; kaiming {kaiming} {kaiming_sat}");
    // Naive init: confidently wrong, the notebook's ~30 (PyTorch: 32.5).
    assert!(naive > 15.0 && naive < 50.0, "naive first loss {naive}");
    // The output fix: about -ln(1/27) (PyTorch: 3.29).
    assert!(
        (softmax - LN27).abs() < 0.1,
        "fix-softmax first loss {softmax}"
    );
    assert!((tanh - LN27).abs() < 0.1 && (kaiming - LN27).abs() < 0.1);
    // Saturation: ~0.61-0.64 before the tanh fix, ~0.017 after (PyTorch).
    assert!(
        naive_sat > 0.5 && softmax_sat > 0.5,
        "{naive_sat} {softmax_sat}"
    );
    assert!(tanh_sat < 0.05, "fix-tanh saturation {tanh_sat}");
    // Kaiming's gain 5/3 on unit-variance inputs: preact std 1.67, so |h| > 0.99 when
    // |z| > atanh(0.99) / 1.67 = 1.59 for z ~ N(0, 1): 11% of units.
    assert!(
        (0.07..0.15).contains(&kaiming_sat),
        "kaiming saturation {kaiming_sat}"
    );
}

#[test]
fn the_deep_model_is_the_notebooks() {
    let (p, mut t) = trainer("deep", 42);
    assert_eq!(t.model.n_params(), 173_724);
    let shapes: Vec<Vec<usize>> = t.model.params().iter().map(|p| p.shape.clone()).collect();
    assert_eq!(shapes.len(), 19);
    assert_eq!(shapes[0], vec![27, 10]);
    assert_eq!(shapes[16], vec![200, 27]);
    let first = t.step().unwrap();
    assert!(
        (first - LN27).abs() < 0.1,
        "first loss {first} (PyTorch 3.2975)"
    );
    for _ in 0..299 {
        t.step().unwrap();
    }
    // The notebook's diagnostics (PyTorch after 1000 steps: act std ~0.63-0.64, saturation 2-3%,
    // update ratios between -3.3 and -2.2).
    let layers = layer_diagnostics(&t.model, p.saturation_threshold, 100);
    assert_eq!(
        layers.iter().map(|l| l.index).collect::<Vec<_>>(),
        vec![2, 5, 8, 11, 14]
    );
    for l in &layers {
        assert!(
            l.act.mean.abs() < 0.1,
            "layer {} mean {}",
            l.index,
            l.act.mean
        );
        assert!(
            (0.5..0.8).contains(&l.act.std),
            "layer {} std {}",
            l.index,
            l.act.std
        );
        assert!(
            l.act.saturated < 0.15,
            "layer {} saturated {}",
            l.index,
            l.act.saturated
        );
        assert!(
            l.grad.std > 1e-4 && l.grad.std < 1e-2,
            "layer {} grad std {}",
            l.index,
            l.grad.std
        );
    }
    let ratios = update_ratios(&t.model, t.lrs[t.lrs.len() - 1]);
    assert_eq!(
        ratios.iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![0, 1, 4, 7, 10, 13, 16]
    );
    for (i, r) in ratios {
        assert!((-4.5..-1.5).contains(&r), "param {i} ratio {r}");
    }
    let loss = t.losses[250..].iter().sum::<f32>() / 50.0;
    assert!(loss < 2.8, "deep model after 300 steps: {loss}");
}

#[test]
fn batchnorm_eval_mode_uses_running_statistics() {
    let (_, mut t) = trainer("batchnorm", 7);
    for _ in 0..3000 {
        t.step().unwrap();
    }
    let eval = t.split_loss(Split::Val);
    // Same model with the batch statistics of big chunks instead of the running ones: close, as
    // the reference found (0.0002 apart after 100k steps), but not bit-equal.
    let mut m = t.model.clone();
    m.training = true;
    let ex = &t.data.val;
    let n = 4096;
    m.forward(&ex.x[..n * 3], n);
    let batch_stats = makemore_lab::loss::cross_entropy(m.logits(), &ex.y[..n], 27, None);
    let running = t.model.eval_loss(&ex.x[..n * 3], &ex.y[..n], 1024);
    println!("val {eval}, first 4096 with batch stats {batch_stats} vs running {running}");
    assert!((batch_stats - running).abs() < 0.1);
    assert!(batch_stats != running);
    assert!(eval < 2.6, "{eval}");
    if let Layer::BatchNorm1d(bn) = &t.model.layers[1] {
        assert!(bn.running_spread.iter().all(|s| *s > 0.0 && s.is_finite()));
    } else {
        panic!("layer 1 is BatchNorm");
    }
}

#[test]
fn the_lr_finder_finds_the_notebooks_knee() {
    let (_, mut t) = trainer("lr-finder", 42);
    while !t.finished() {
        if t.step().is_err() {
            break; // the high-lr end may diverge; the knee is found before that
        }
    }
    assert!((t.lrs[0] - 1e-3).abs() < 1e-6 && (t.lrs[t.lrs.len() - 1] - 1.0).abs() < 1e-3);
    let (step, lr, smoothed) = diagnostics::lr_suggestion(&t.lrs, &t.losses).unwrap();
    println!("knee at step {step}, lr {lr}, smoothed loss {smoothed}");
    // PyTorch: the smoothed minimum 3.60 at exponent -1.09 (lr 0.08).
    assert!((0.02..0.3).contains(&lr), "{lr}");
    assert!(smoothed < 4.5, "{smoothed}");
}

#[test]
fn same_seed_same_run_other_seed_other_run() {
    let run = |seed| {
        let (_, mut t) = trainer("fix-tanh", seed);
        (0..20).map(|_| t.step().unwrap()).collect::<Vec<f32>>()
    };
    assert_eq!(run(9), run(9));
    assert_ne!(run(9), run(10));
}

#[test]
fn a_huge_learning_rate_stops_with_the_last_good_weights() {
    let (_, mut t) = trainer("fix-tanh", 3);
    t.step().unwrap();
    let err = loop {
        let before: Vec<Vec<f32>> = t.model.params().iter().map(|p| p.data.clone()).collect();
        match t.step_with_lr(Some(1e30)) {
            Ok(_) => continue,
            Err(e) => {
                let after: Vec<Vec<f32>> =
                    t.model.params().iter().map(|p| p.data.clone()).collect();
                assert_eq!(before, after, "the weights changed on the failed step");
                assert!(after.iter().flatten().all(|w| w.is_finite()));
                break e;
            }
        }
    };
    assert!(
        err.to_string().contains("learning rate is too high"),
        "{err}"
    );
}

fn params_of(t: &Trainer) -> Vec<Vec<f32>> {
    t.model.params().iter().map(|p| p.data.clone()).collect()
}

/// Every BatchNorm layer's running mean and spread.
fn running_of(t: &Trainer) -> Vec<Vec<f32>> {
    t.model
        .layers
        .iter()
        .filter_map(|l| match l {
            Layer::BatchNorm1d(b) => Some([b.running_mean.clone(), b.running_spread.clone()]),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn a_refused_update_leaves_the_running_statistics_too() {
    for name in ["batchnorm", "deep"] {
        let (_, mut t) = trainer(name, 8);
        t.step().unwrap();
        let (w, r) = (params_of(&t), running_of(&t));
        // A sane loss whose update overflows: the SGD step refuses it.
        let err = t.step_with_lr(Some(f32::INFINITY)).unwrap_err();
        assert!(
            matches!(err, StepError::Diverged { loss, .. } if loss.is_finite()),
            "{err}"
        );
        assert_eq!(params_of(&t), w, "{name}: weights");
        assert_eq!(running_of(&t), r, "{name}: running statistics");
        // So is a step stopped by the guard before its update.
        let err = t.step_guarded(None, 0.5).unwrap_err();
        assert!(
            matches!(err, StepError::Diverged { cause: DivergeCause::Exploded { limit }, .. } if limit == 0.5),
            "{err}"
        );
        assert_eq!(
            running_of(&t),
            r,
            "{name}: running statistics after the guard"
        );
        // A step that happens moves them.
        t.step().unwrap();
        assert_ne!(running_of(&t), r, "{name}: a step moves them");
    }
}

#[test]
fn an_sgd_step_can_be_undone_exactly_once() {
    let (_, mut t) = trainer("deep", 5);
    t.step().unwrap();
    let before = params_of(&t);
    let running_before = running_of(&t);
    t.step().unwrap();
    let after = params_of(&t);
    assert_ne!(before, after, "the step changed the weights");
    assert_ne!(running_of(&t), running_before, "and the running statistics");
    assert!(t.model.undo_sgd_step());
    assert_eq!(params_of(&t), before, "undo puts back the exact weights");
    assert_eq!(
        running_of(&t),
        running_before,
        "and the exact running statistics"
    );
    assert!(!t.model.undo_sgd_step(), "only the last step can be undone");
    assert_eq!(params_of(&t), before);
    // A refused update (it would overflow) changes nothing and leaves nothing to undo.
    t.step().unwrap();
    let good = params_of(&t);
    assert!(!t.model.sgd_step(f32::INFINITY));
    assert_eq!(params_of(&t), good);
    assert!(!t.model.undo_sgd_step());
    // Changing the weights by hand forgets the undo too.
    t.step().unwrap();
    t.model.params_mut()[0].data[0] += 1.0;
    assert!(!t.model.undo_sgd_step());
}

#[test]
fn a_guarded_step_stops_before_its_update() {
    let (_, mut t) = trainer("fix-tanh", 6);
    t.step().unwrap();
    let w = params_of(&t);
    let err = t.step_guarded(None, 0.5).unwrap_err();
    assert!(err.to_string().contains("learning rate"), "{err}");
    assert_eq!(params_of(&t), w, "no update");
    assert_eq!(
        (t.step, t.losses.len(), t.lrs.len()),
        (1, 1, 1),
        "nothing recorded"
    );
    let l = t.step_guarded(None, 100.0).unwrap();
    assert!(l < 100.0);
    assert_eq!(t.step, 2);
    assert_ne!(params_of(&t), w);
}

#[test]
fn a_batch_of_identical_examples_is_blamed_on_the_first_cell_batchnorm() {
    // One name, so two draws are often the same example: a batch of 2 with no spread at all.
    let words: Vec<String> = vec!["ab".to_string(); 20];
    let run = |model: makemore_lab::model::ModelConfig| {
        let mut p = chapter("batchnorm");
        p.train.batch_size = 2;
        let mut t = Trainer::new(Dataset::new(&words, 3, 1), model, p.train).unwrap();
        (0..50).find_map(|_| t.step().err())
    };
    let first_cell = chapter("batchnorm").model;
    let err = run(first_cell.clone()).expect("an all-alike batch within 50 steps");
    match &err {
        StepError::Diverged {
            loss,
            cause: DivergeCause::ZeroSpread { layer: 1, .. },
            ..
        } => assert!(loss.is_nan()),
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("zero spread") && text.contains("no epsilon"),
        "{text}"
    );
    // The class BatchNorm's epsilon keeps the same batches finite.
    let class = makemore_lab::model::ModelConfig {
        batchnorm: Some(makemore_lab::model::BnConfig::CLASS),
        ..first_cell
    };
    assert_eq!(run(class), None);
}
