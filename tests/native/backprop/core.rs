//! The core's gradients are the core's: the parameters' gradients (and the tensors the `Mlp`
//! keeps: the layers' outputs and their gradients) of `backprop::steps` agree with the project's
//! `Mlp` (hidden bias, the notebook's BatchNorm class with Bessel's correction) loaded with the
//! same weights, on the same batch. And the hints' answers are the formulas the core computes.

use super::support::{lab, lab_at};
use makemore_lab::backprop::{Lab, Tensor, VerdictStatus, EXERCISES};
use makemore_lab::layers::Layer;
use makemore_lab::model::{Activation, BnConfig, Mlp, ModelConfig, WeightInit};
use makemore_lab::rng::Rng;

/// max |ours - theirs| as a fraction of max |theirs|, or why they cannot be compared.
fn agree(what: &str, ours: &Tensor, theirs: &[f32], tol: f64) -> Result<f64, String> {
    if ours.numel() != theirs.len() {
        return Err(format!(
            "{what}: {} numbers vs {}",
            ours.numel(),
            theirs.len()
        ));
    }
    let scale = theirs.iter().fold(0.0f64, |m, &v| m.max(v.abs() as f64));
    let diff = ours
        .data()
        .iter()
        .zip(theirs)
        .fold(0.0f64, |m, (&a, &b)| m.max((a as f64 - b as f64).abs()));
    let rel = diff / scale.max(1e-30);
    if rel > tol || rel.is_nan() {
        return Err(format!(
            "{what}: max diff {diff:.3e} is {rel:.3e} of {scale:.3e}"
        ));
    }
    Ok(rel)
}

/// The project's model with the lab's weights: C, [Linear(bias), BatchNorm1d, Tanh], Linear.
fn mlp_like(lab: &Lab) -> Mlp {
    let c = &lab.config;
    let cfg = ModelConfig {
        vocab_size: c.vocab_size,
        block_size: c.block_size,
        n_embd: c.n_embd,
        n_hidden: c.n_hidden,
        n_layers: 1,
        activation: Activation::Tanh,
        batchnorm: Some(BnConfig::CLASS),
        output_bn: false,
        hidden_bias: true,
        output_bias: true,
        hidden_init: WeightInit::Kaiming(5.0 / 3.0),
        hidden_bias_scale: 0.1,
        output_init: WeightInit::Randn(0.1),
        output_bias_scale: 0.1,
        last_gamma: 1.0,
    };
    let mut mlp = Mlp::new(&cfg, &mut Rng::new(0));
    for p in mlp.params_mut() {
        let ours = match p.name.as_str() {
            "C" => &lab.params.c,
            "layers.0.weight" => &lab.params.w1,
            "layers.0.bias" => &lab.params.b1,
            "layers.1.gamma" => &lab.params.bngain,
            "layers.1.beta" => &lab.params.bnbias,
            "layers.3.weight" => &lab.params.w2,
            "layers.3.bias" => &lab.params.b2,
            other => panic!("unexpected parameter {other}"),
        };
        assert_eq!(p.numel(), ours.numel(), "{}", p.name);
        p.data.copy_from_slice(ours.data());
    }
    mlp
}

fn u32s(t: &Tensor) -> Vec<u32> {
    t.data().iter().map(|&v| v as u32).collect()
}

/// Every comparison between the lab and the `Mlp` at `seed`, batch `batch`.
fn cross_check(seed: u64, batch: usize) -> Result<(), String> {
    let lab = lab_at(seed, batch);
    let mut mlp = mlp_like(&lab);
    let loss = mlp.forward_backward(&u32s(&lab.batch.xb), &u32s(&lab.batch.yb));
    let tol = 1e-4;
    agree("loss", &Tensor::scalar(lab.forward.loss), &[loss], 1e-6)?;
    let g = |t: &str| lab.grads.get(t).ok_or(format!("no d{t}"));
    for p in mlp.params() {
        let name = match p.name.as_str() {
            "C" => "C",
            "layers.0.weight" => "W1",
            "layers.0.bias" => "b1",
            "layers.1.gamma" => "bngain",
            "layers.1.beta" => "bnbias",
            "layers.3.weight" => "W2",
            _ => "b2",
        };
        if name != "b1" {
            agree(&format!("d{name}"), g(name)?, &p.grad, tol)?;
            continue;
        }
        // b1's gradient is zero up to rounding (BatchNorm subtracts the mean right after it):
        // both must vanish on the scale of dhprebn.
        let scale = g("hprebn")?
            .data()
            .iter()
            .fold(0.0f32, |m, v| m.max(v.abs()));
        let ours = g("b1")?.data().iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let theirs = p.grad.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        if ours.max(theirs) > 1e-4 * scale {
            return Err(format!(
                "db1 should vanish: {ours:e}, {theirs:e} against {scale:e}"
            ));
        }
    }
    // The tensors the Mlp keeps: each layer's output and its gradient.
    let [Layer::Linear(l1), Layer::BatchNorm1d(bn), Layer::Tanh(th), Layer::Linear(l2)] =
        mlp.layers.as_slice()
    else {
        return Err("unexpected layers".into());
    };
    agree("embcat", &lab.forward.embcat, &mlp.emb.out, tol)?;
    agree("dembcat", g("embcat")?, &mlp.emb.dout, tol)?;
    agree("hprebn", &lab.forward.hprebn, &l1.out, tol)?;
    agree("dhprebn", g("hprebn")?, &l1.dout, tol)?;
    agree("hpreact", &lab.forward.hpreact, &bn.out, tol)?;
    agree("dhpreact", g("hpreact")?, &bn.dout, tol)?;
    agree("h", &lab.forward.h, &th.out, tol)?;
    agree("dh", g("h")?, &th.dout, tol)?;
    agree("logits", &lab.forward.logits, &l2.out, tol)?;
    agree("dlogits", g("logits")?, &l2.dout, tol)?;
    Ok(())
}

#[test]
fn the_gradients_agree_with_the_core_mlp() {
    for (seed, batch) in [(1, 0), (42, 5), (2147483647, 2)] {
        cross_check(seed, batch).unwrap_or_else(|e| panic!("seed {seed} batch {batch}: {e}"));
    }
}

#[test]
fn the_cross_check_can_fail() {
    // A gradient off by one part in a thousand in one place is refused.
    let lab = lab(1);
    let dw2 = lab.grads.get("W2").unwrap();
    let mut off = dw2.data().to_vec();
    let k = off.len() / 2;
    let scale = off.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    off[k] += 1e-3 * scale;
    assert!(agree("dW2", dw2, &off, 1e-4).is_err());
    // And another tensor's gradient of the same shape does not pass for it.
    let dh = lab.grads.get("h").unwrap();
    let dhpreact = lab.grads.get("hpreact").unwrap();
    assert!(agree("dh", dh, dhpreact.data(), 1e-4).is_err());
}

#[test]
fn every_hint_answer_is_the_core_formula() {
    // Exercise 1's answers are the lines `steps::backward` computes: exact. Exercises 2 and 3
    // are other formulas for dlogits and dhprebn: approximate, as in the lecture.
    for seed in [5, 6] {
        let lab = lab(seed);
        for ex in EXERCISES {
            let v = lab.check(ex.id, ex.answer);
            let want = if ex.number == 1 {
                VerdictStatus::Exact
            } else {
                VerdictStatus::Approximate
            };
            assert_eq!(v.status, want, "{}: {v:?}", ex.id);
        }
    }
}

#[test]
fn the_lectures_zero_gradients_are_zero_up_to_rounding() {
    // "dlogit_maxes" and "db1" vanish in exact arithmetic: the max shift does not change the
    // probabilities, and BatchNorm removes b1's effect. Their size is what rounding leaves.
    let lab = lab(9);
    let big = |t: &str| {
        let g = lab.grads.get(t).unwrap();
        g.data().iter().fold(0.0f32, |m, v| m.max(v.abs()))
    };
    assert!(
        big("logit_maxes") < 1e-6 * big("logits") * 32.0,
        "{}",
        big("logit_maxes")
    );
    assert!(big("b1") < 1e-4 * big("hprebn"), "{}", big("b1"));
    assert!(big("W1") > 1e-3 * big("hprebn"), "dW1 does not vanish");
}
