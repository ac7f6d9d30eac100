//! Every layer's backward pass against central finite differences of the loss, in f32 (eps 1e-2
//! on the loss of a small model, so tolerances are loose but a wrong formula is far off).
//! Covers what the PyTorch fixtures do not: the first BatchNorm cell (std, no eps), biases with
//! BatchNorm, and a deeper stack.

use makemore_lab::model::{Activation, BnConfig, Mlp, ModelConfig, WeightInit};
use makemore_lab::rng::Rng;

fn config(n_layers: usize, bn: Option<BnConfig>, output_bn: bool) -> ModelConfig {
    ModelConfig {
        vocab_size: 7,
        block_size: 3,
        n_embd: 3,
        n_hidden: 6,
        n_layers,
        activation: Activation::Tanh,
        batchnorm: bn,
        output_bn,
        hidden_bias: true,
        output_bias: !output_bn,
        hidden_init: WeightInit::Kaiming(5.0 / 3.0),
        hidden_bias_scale: 0.1,
        output_init: WeightInit::Randn(0.5),
        output_bias_scale: 0.1,
        last_gamma: 0.7,
    }
}

/// Compares every analytic parameter gradient with (L(w + h) - L(w - h)) / 2h.
fn check(cfg: ModelConfig, seed: u64) {
    let mut rng = Rng::new(seed);
    let mut model = Mlp::new(&cfg, &mut rng);
    // Make BatchNorm's gamma/beta non-trivial so their gradients are exercised.
    for p in model.params_mut() {
        if p.name.ends_with("gamma") || p.name.ends_with("beta") {
            for v in p.data.iter_mut() {
                *v += 0.3 * rng.normal() as f32;
            }
        }
    }
    let batch = 8;
    let x: Vec<u32> = (0..batch * 3).map(|_| rng.randint(7) as u32).collect();
    let y: Vec<u32> = (0..batch).map(|_| rng.randint(7) as u32).collect();
    let mut probe = model.clone();
    model.forward_backward(&x, &y);
    let h = 1e-2f32;
    let mut worst = 0.0f64;
    let n_params = model.params().len();
    for pi in 0..n_params {
        let (name, grad, len) = {
            let p = &model.params()[pi];
            (p.name.clone(), p.grad.clone(), p.numel())
        };
        let gmax = grad.iter().fold(0.0f32, |m, g| m.max(g.abs())) as f64;
        for (k, &analytic) in grad.iter().enumerate().take(len) {
            let orig = probe.params()[pi].data[k];
            probe.params_mut()[pi].data[k] = orig + h;
            let lp = probe.forward_backward(&x, &y) as f64;
            probe.params_mut()[pi].data[k] = orig - h;
            let lm = probe.forward_backward(&x, &y) as f64;
            probe.params_mut()[pi].data[k] = orig;
            let numeric = (lp - lm) / (2.0 * h as f64);
            let err = (numeric - analytic as f64).abs() / (gmax + 1e-3);
            worst = worst.max(err);
            assert!(
                err < 2e-2,
                "{name}[{k}]: analytic {analytic} vs numeric {numeric} (max |grad| {gmax})"
            );
        }
    }
    println!("worst relative error {worst:.2e}");
}

#[test]
fn linear_tanh_with_biases() {
    check(config(1, None, false), 1);
}

#[test]
fn two_hidden_layers_no_batchnorm() {
    check(config(2, None, false), 2);
}

#[test]
fn batchnorm_class_variant_with_output_bn() {
    check(config(2, Some(BnConfig::CLASS), true), 3);
}

#[test]
fn batchnorm_first_cell_variant_std_no_eps() {
    check(config(1, Some(BnConfig::FIRST_CELL), false), 4);
}

#[test]
fn identity_activation_linear_sandwich() {
    let cfg = ModelConfig {
        activation: Activation::Identity,
        ..config(2, Some(BnConfig::CLASS), false)
    };
    check(cfg, 6);
}

#[test]
fn the_check_catches_a_wrong_gradient() {
    // Same procedure on a model whose gradient we corrupt: the comparison must fail.
    let result = std::panic::catch_unwind(|| {
        let cfg = config(1, None, false);
        let mut rng = Rng::new(5);
        let mut model = Mlp::new(&cfg, &mut rng);
        let x: Vec<u32> = (0..24).map(|_| rng.randint(7) as u32).collect();
        let y: Vec<u32> = (0..8).map(|_| rng.randint(7) as u32).collect();
        let mut probe = model.clone();
        model.forward_backward(&x, &y);
        let g = model.params()[1].grad[0] * 1.5 + 0.05; // a wrong value
        let h = 1e-2;
        let orig = probe.params()[1].data[0];
        probe.params_mut()[1].data[0] = orig + h;
        let lp = probe.forward_backward(&x, &y);
        probe.params_mut()[1].data[0] = orig - h;
        let lm = probe.forward_backward(&x, &y);
        let numeric = (lp - lm) / (2.0 * h);
        assert!((numeric - g).abs() < 1e-3, "mismatch {numeric} vs {g}");
    });
    assert!(result.is_err());
}
