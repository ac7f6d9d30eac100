//! One step in slow motion: the numbers shown for a neuron are the step the run took (the same
//! bits), the update's arithmetic holds exactly, tanh's slope is 1 - h², a saturated neuron
//! passes almost nothing back, and a refused request takes no step.

use crate::support::few_names;
use makemore_lab::diagnostics::{neuron_step, tanh_slope, SHOWN_WEIGHTS};
use makemore_lab::layers::Layer;
use makemore_lab::session::views::slow_view;
use makemore_lab::session::Session;

fn session(chapter: &str) -> Session {
    let mut s = Session::new(few_names(300).as_bytes(), "test").unwrap();
    s.choose_chapter(chapter).unwrap();
    s
}

/// The first Linear's column `j`, first `SHOWN_WEIGHTS` rows.
fn column(s: &Session, j: usize) -> Vec<f32> {
    let Layer::Linear(l) = &s.run().trainer.model.layers[0] else {
        panic!("a Linear first")
    };
    (0..SHOWN_WEIGHTS)
        .map(|i| l.weight.data[i * l.n_out + j])
        .collect()
}

#[test]
fn the_numbers_are_the_step_the_run_took_and_the_update_is_exact() {
    let mut s = session("fix-tanh");
    for _ in 0..3 {
        s.step_once().unwrap();
    }
    let before = column(&s, 7);
    s.slow_step("7", "5").unwrap();
    let (n, context) = s.slow().unwrap().clone();
    assert_eq!(s.run().trainer.step, 4, "one step taken");
    assert_eq!(context.chars().count(), 3);
    assert_eq!(n.weights_before, before);
    assert_eq!(
        n.weights_after,
        column(&s, 7),
        "the run's own weights after the step"
    );
    let loss = s.run().history().newest().unwrap().loss;
    assert_eq!(
        n.loss_before.to_bits(),
        loss.to_bits(),
        "the run's own loss"
    );
    for i in 0..SHOWN_WEIGHTS {
        let (b, g, a) = (n.weights_before[i], n.grad_w[i], n.weights_after[i]);
        let two_roundings = b - n.lr * g;
        let one_rounding = (-n.lr).mul_add(g, b);
        assert!(
            a.to_bits() == two_roundings.to_bits() || a.to_bits() == one_rounding.to_bits(),
            "weight {i}: {b} - {} x {g} = {a}?",
            n.lr
        );
        assert_eq!(n.lr_grad[i], n.lr * g);
    }
    assert!((n.slope - (1.0 - n.h * n.h)).abs() == 0.0);
    assert!(
        (n.grad_preact - n.grad_h * n.slope).abs() <= 1e-6 * n.grad_h.abs().max(1e-12),
        "{} vs {} x {}",
        n.grad_preact,
        n.grad_h,
        n.slope
    );
    assert!(n.loss_after.is_finite() && n.loss_after != n.loss_before);
    // The page's table: in backprop's order, the update's numbers written exactly.
    let v = slow_view(&s).unwrap();
    let whats: Vec<&str> = v.rows.iter().map(|r| r.what.as_str()).collect();
    let at = |w: &str| {
        whats
            .iter()
            .position(|x| x.starts_with(w))
            .unwrap_or_else(|| panic!("{w}: {whats:?}"))
    };
    assert!(at("pre-activation") < at("h = tanh") && at("h = tanh") < at("dloss/dh"));
    assert!(at("dloss/dh") < at("tanh's local slope") && at("tanh's local slope") < at("dloss/dW"));
    assert!(at("lr × grad") < at("weights after") && at("weights after") < at("the batch's loss"));
    let after = &v.rows[at("weights after")].value;
    assert!(
        after.starts_with(&format!("{}, ", n.weights_after[0])),
        "{after}"
    );
    assert!(
        v.title.contains("neuron 7") && v.title.contains("example 5"),
        "{}",
        v.title
    );
}

#[test]
fn a_saturated_unit_passes_almost_nothing_back() {
    // Before the tanh fix most units sit at ±1. At an example where the neuron is saturated,
    // tanh's slope is below 1 - 0.99² and the gradient reaching its pre-activation is that
    // small a part of the one arriving from above; where it is not, most of it passes.
    let mut s = session("fix-softmax");
    s.step_once().unwrap();
    let before = s.run().trainer.model.clone();
    s.step_once().unwrap();
    let t = &s.run().trainer;
    let lr = s.run().history().newest().unwrap().lr;
    let (x, y) = t.last_batch();
    // This step's tanh outputs (the run's layers hold its forward pass).
    let Layer::Tanh(tanh) = &t.model.layers[1] else {
        panic!("Linear, Tanh")
    };
    let n = tanh.dim;
    let at = |j: usize, e: usize| tanh.out[e * n + j].abs();
    let (j, e_sat) = (0..n)
        .find_map(|j| (0..y.len()).find(|&e| at(j, e) > 0.99).map(|e| (j, e)))
        .unwrap();
    let e_live = (0..y.len())
        .find(|&e| at(j, e) < 0.5)
        .expect("an example where it is not");
    let sat = neuron_step(&before, x, y, lr, j, e_sat).unwrap();
    let live = neuron_step(&before, x, y, lr, j, e_live).unwrap();
    assert!(sat.slope < tanh_slope(0.99), "slope {}", sat.slope);
    assert!(sat.grad_preact.abs() <= tanh_slope(0.99) * sat.grad_h.abs() + 1e-12);
    assert!(live.slope > 0.75, "slope {}", live.slope);
    let v = {
        s.slow_step(&j.to_string(), &e_sat.to_string()).unwrap();
        slow_view(&s).unwrap()
    };
    // The page's note beside the slope, when that example is saturated in the step it took.
    let n2 = &s.slow().unwrap().0;
    let note = &v
        .rows
        .iter()
        .find(|r| r.what.starts_with("tanh's local slope"))
        .unwrap()
        .note;
    assert_eq!(
        n2.slope < tanh_slope(0.99),
        note.contains("almost nothing passes back"),
        "{note}"
    );
}

#[test]
fn a_neuron_dead_on_the_batch_barely_moves() {
    // Ten times Kaiming's weights: pre-activations spread about 17, and some neurons are
    // saturated for every example of the batch. Their weights' gradient, summed over the batch,
    // is a small part of a typical neuron's.
    let mut s = Session::new(few_names(300).as_bytes(), "test").unwrap();
    s.choose_experiment("weights-x10").unwrap();
    s.step_once().unwrap();
    let t = &s.run().trainer;
    let (Layer::Linear(l), Layer::Tanh(tanh)) = (&t.model.layers[0], &t.model.layers[1]) else {
        panic!("Linear, Tanh")
    };
    let (n, batch) = (tanh.dim, t.train.batch_size);
    let dead: Vec<usize> = (0..n)
        .filter(|&c| (0..batch).all(|r| tanh.out[r * n + c].abs() > 0.99))
        .collect();
    assert!(!dead.is_empty(), "no neuron dead on this batch");
    let norm = |c: usize| {
        (0..l.n_in)
            .map(|i| l.weight.grad[i * n + c].powi(2))
            .sum::<f32>()
            .sqrt()
    };
    let mut all: Vec<f32> = (0..n).map(norm).collect();
    all.sort_by(f32::total_cmp);
    let median = all[n / 2];
    for &c in &dead {
        assert!(
            norm(c) < 0.1 * median,
            "neuron {c}: {} vs median {median}",
            norm(c)
        );
    }
}

#[test]
fn with_batchnorm_the_table_shows_the_normalised_value_and_gamma_beta() {
    let mut s = session("batchnorm");
    s.step_once().unwrap();
    s.slow_step("3", "2").unwrap();
    let n = &s.slow().unwrap().0;
    let bn = n.bn.as_ref().expect("a BatchNorm after the first Linear");
    assert!(
        (bn.out - (bn.gamma * bn.normalised + bn.beta)).abs() <= 1e-5 * (1.0 + bn.out.abs()),
        "{bn:?}"
    );
    assert!((n.h - bn.out.tanh()).abs() < 1e-5);
    let v = slow_view(&s).unwrap();
    assert!(v.rows.iter().any(|r| r.what.contains("normalised")));
    assert!(v.rows.iter().any(|r| r.note.contains("gamma")));
}

#[test]
fn a_refused_request_takes_no_step() {
    let mut s = session("fix-tanh");
    s.step_once().unwrap();
    for (neuron, example, says) in [
        (
            "200",
            "0",
            "there is no neuron 200: the first hidden layer has 200 (0 to 199)",
        ),
        (
            "0",
            "32",
            "there is no example 32: a batch holds 32 (0 to 31)",
        ),
        ("x", "0", "the neuron is a whole number from 0"),
        ("-1", "0", "not one"),
    ] {
        let e = s.slow_step(neuron, example).unwrap_err();
        assert!(e.contains(says), "{e}");
        assert_eq!(s.run().trainer.step, 1);
    }
    assert!(s.slow().is_none());
}
