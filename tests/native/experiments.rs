//! BREAK IT: each experiment's tell-tale number in a short run, checked against the chapter it
//! starts from (where the same check must fail), so a test passes only because of the change.

use crate::support::{data, runner};

use makemore_lab::charts::ChartId;
use makemore_lab::diagnostics::{first_layer, layer_diagnostics, update_ratios, LayerDiag};
use makemore_lab::lesson::{self, Chapter, ExperimentId};
use makemore_lab::train::{DivergeCause, Split, StepError, Trainer};

fn find(name: &str) -> ExperimentId {
    ExperimentId::from_name(name).unwrap_or_else(|| panic!("no experiment {name}"))
}

/// The chapter `name` breaks, broken.
fn broken(name: &str) -> Chapter {
    let (c, e) = find(name).find();
    c.broken_by(&e)
}

/// The chapter `name` breaks, as it is.
fn chapter(name: &str) -> Chapter {
    find(name).find().0
}

fn trainer(p: &Chapter) -> Trainer {
    Trainer::new(data().clone(), p.model.clone(), p.train.clone()).unwrap()
}

/// Runs `steps` steps; returns the trainer.
fn run(p: &Chapter, steps: usize) -> Trainer {
    let mut t = trainer(p);
    for _ in 0..steps {
        t.step().unwrap();
    }
    t
}

fn mean(xs: &[f32]) -> f32 {
    xs.iter().sum::<f32>() / xs.len() as f32
}

#[test]
fn every_experiment_is_complete_and_changes_its_chapter() {
    let all = lesson::experiments();
    assert_eq!(all.len(), ExperimentId::ALL.len());
    for ((chapter, e), &id) in all.iter().zip(ExperimentId::ALL) {
        let name = id.name();
        assert_eq!(e.id, id);
        // Its chapter and its fix are chapters by their types; its chart is one a run shows.
        assert!(
            !matches!(e.chart, ChartId::Sampler | ChartId::Score),
            "{name}: chart {}",
            e.chart
        );
        assert!(!e.title.is_empty());
        let c = chapter.chapter();
        let symptom = (e.symptom)(&c.facts());
        let fix_how = (e.fix_how)(&c.facts());
        for text in [e.change, &symptom, &fix_how] {
            assert!(text.len() > 20 && text.ends_with('.'), "{name}: {text}");
        }
        let p = c.broken_by(e);
        assert!(
            p.model != c.model || p.train != c.train,
            "{name} changes nothing"
        );
    }
    assert!(ExperimentId::from_name("bogus").is_none());
}

#[test]
fn weights_x10_first_loss_high_and_the_map_white() {
    let at_init = |p: &Chapter| {
        let mut t = trainer(p);
        let loss = t.step().unwrap();
        let map = first_layer(&t.model, 32, p.saturation_threshold, 50)
            .unwrap()
            .map;
        (loss, map.fraction)
    };
    let (loss, sat) = at_init(&broken("weights-x10"));
    let (loss0, sat0) = at_init(&chapter("weights-x10"));
    println!("x10: first loss {loss} saturation {sat}; kaiming: {loss0} {sat0}");
    assert!(loss > 4.0 && sat > 0.8, "x10: {loss} {sat}");
    assert!(loss0 < 3.4 && sat0 < 0.3, "kaiming: {loss0} {sat0}");
}

/// Max minus min of the first hidden layer's activations over the last batch.
fn activation_spread(t: &Trainer) -> f32 {
    let h = layer_diagnostics(&t.model, 0.99, 10)[0].index;
    let out = t.model.layers[h].out();
    let (lo, hi) = out
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(l, h), &x| {
            (l.min(x), h.max(x))
        });
    hi - lo
}

#[test]
fn zero_init_every_hidden_neuron_stays_the_same() {
    let t = run(&broken("zero-init"), 100);
    assert_eq!(activation_spread(&t), 0.0, "symmetry broke");
    assert!(t.losses[99] < t.losses[0], "the output bias still learns");
    let t0 = run(&chapter("zero-init"), 100);
    assert!(activation_spread(&t0) > 1.0);
}

/// Steps guarded as the page and `run --experiment` guard them, until the first error.
fn steps_until_exploded(p: &Chapter, max: usize) -> Option<(usize, StepError)> {
    let mut t = trainer(p);
    for i in 0..max {
        let limit = t.explode_limit();
        if let Err(e) = t.step_guarded(None, limit) {
            return Some((i, e));
        }
    }
    None
}

#[test]
fn lr_high_the_loss_explodes_and_the_run_stops() {
    let (step, e) = steps_until_exploded(&broken("lr-high"), 20).expect("stops");
    assert!(step <= 5, "{step}");
    match e {
        StepError::Diverged {
            loss,
            cause: DivergeCause::Exploded { limit },
            ..
        } => assert!(loss > limit && limit > 10.0 * 3.29),
        other => panic!("{other}"),
    }
    assert!(steps_until_exploded(&chapter("lr-high"), 20).is_none());
}

#[test]
fn lr_low_the_loss_barely_moves() {
    let check = |p: &Chapter| {
        let t = run(p, 300);
        let drop = mean(&t.losses[..50]) - mean(&t.losses[250..]);
        let lr = t.lrs[299];
        let ratio = update_ratios(&t.model, lr)
            .iter()
            .map(|r| r.1)
            .fold(f32::NEG_INFINITY, f32::max);
        (drop, ratio)
    };
    let (drop, ratio) = check(&broken("lr-low"));
    let (drop0, ratio0) = check(&chapter("lr-low"));
    println!("lr-low: drop {drop} ratio {ratio}; kaiming: {drop0} {ratio0}");
    assert!(drop.abs() < 0.1, "{drop}");
    assert!(drop0 > 0.25, "{drop0}");
    // The largest update:data ratio: far lower (the symptom: three decades at the first step), under the 1e-3 line.
    assert!(ratio < ratio0 - 2.0 && ratio < -3.0, "{ratio} vs {ratio0}");
}

#[test]
fn output_not_scaled_first_loss_high() {
    let first = |p: &Chapter| trainer(p).step().unwrap();
    let (loss, loss0) = (
        first(&broken("output-not-scaled")),
        first(&chapter("output-not-scaled")),
    );
    assert!(loss > 15.0 && loss0 < 3.4, "{loss} {loss0}");
}

/// The activation layers' diagnostics after a first step.
fn deep_at_init(p: &Chapter) -> Vec<LayerDiag> {
    let t = run(p, 1);
    layer_diagnostics(&t.model, p.saturation_threshold, 50)
}

fn shrinks_layer_by_layer(d: &[LayerDiag]) -> bool {
    let acts_shrink = d.windows(2).all(|w| w[1].act.std < w[0].act.std);
    // Backwards, towards the input, the gradients shrink too.
    let grads_shrink = d.windows(2).all(|w| w[0].grad.std < w[1].grad.std);
    acts_shrink && grads_shrink && d[4].act.std < 0.6 * d[0].act.std
}

/// Deep layers (2 to 5) keep about the same spread, and few units saturate.
fn holds(d: &[LayerDiag]) -> bool {
    let stds: Vec<f32> = d[1..].iter().map(|l| l.act.std).collect();
    let (lo, hi) = stds
        .iter()
        .fold((f32::INFINITY, 0f32), |(l, h), &s| (l.min(s), h.max(s)));
    hi < 1.1 * lo && d[1..].iter().all(|l| l.act.saturated < 0.15)
}

#[test]
fn deep_without_batchnorm_gain_1_shrinks_3_saturates_5_3_holds() {
    let gain1 = deep_at_init(&broken("deep-gain-1"));
    let gain3 = deep_at_init(&broken("deep-gain-3"));
    let gain53 = deep_at_init(&broken("deep-gain-5-3"));
    let bn = deep_at_init(&chapter("deep-gain-1"));
    for (name, d) in [("1", &gain1), ("3", &gain3), ("5/3", &gain53), ("bn", &bn)] {
        let s: Vec<String> = d
            .iter()
            .map(|l| format!("{:.3}/{:.2}/{:.1e}", l.act.std, l.act.saturated, l.grad.std))
            .collect();
        println!("gain {name}: {}", s.join(" "));
    }
    assert_eq!(gain1.len(), 5);
    assert!(shrinks_layer_by_layer(&gain1));
    assert!(!shrinks_layer_by_layer(&bn) && !shrinks_layer_by_layer(&gain53));
    let deep_saturation =
        |d: &[LayerDiag]| mean(&d[1..].iter().map(|l| l.act.saturated).collect::<Vec<_>>());
    assert!(deep_saturation(&gain3) > 0.3, "{}", deep_saturation(&gain3));
    assert!(deep_saturation(&bn) < 0.1 && deep_saturation(&gain53) < 0.15);
    assert!(holds(&gain53));
    assert!(!holds(&gain1) && !holds(&gain3));
}

#[test]
fn no_tanh_statistics_look_perfect_but_the_loss_stalls_higher() {
    let mut t = run(&broken("no-tanh"), 1000);
    let diag = layer_diagnostics(&t.model, 0.97, 50);
    assert!(diag.iter().all(|l| l.kind == "Identity"));
    assert_eq!(
        diag.iter().map(|l| l.index).collect::<Vec<_>>(),
        [2, 5, 8, 11, 14],
        "numbered as the tanh net's layers"
    );
    assert!(
        diag.iter().all(|l| (l.act.std - 1.0).abs() < 0.1),
        "BatchNorm's unit spread"
    );
    let val = t.split_loss(Split::Val);
    let val0 = run(&chapter("no-tanh"), 1000).split_loss(Split::Val);
    println!("no-tanh val {val}, deep val {val0}");
    assert!(val > val0 + 0.04, "{val} vs {val0}");
}

#[test]
fn bn_zero_spread_stops_at_the_first_step_and_names_the_cause() {
    let err = trainer(&broken("bn-zero-spread")).step().unwrap_err();
    assert!(
        matches!(
            err,
            StepError::Diverged {
                step: 0,
                cause: DivergeCause::ZeroSpread {
                    layer: 1,
                    feature: 0
                },
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("BatchNorm layer 1 divided by a zero spread"),
        "{text}"
    );
    assert!(text.contains("eps 1e-5") && !text.contains("learning rate is too high"));
    trainer(&chapter("bn-zero-spread")).step().unwrap();
}

#[test]
fn the_runner_runs_an_experiment_and_lists_them_all() {
    let help = runner().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stderr);
    for name in ExperimentId::NAMES {
        assert!(help.contains(name), "{name} missing from the help");
    }
    let out = runner()
        .args([
            "run",
            "--experiment",
            "lr-high",
            "--steps",
            "50",
            "--samples",
            "0",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["experiment"], "lr-high");
    assert_eq!(j["preset"], "kaiming");
    assert!(j["steps"].as_u64().unwrap() < 50, "stopped early: {j}");
    assert!(j["diverged"].is_string(), "{j}");
    let bad = runner()
        .args(["run", "--experiment", "nope"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown experiment 'nope'"));
}
