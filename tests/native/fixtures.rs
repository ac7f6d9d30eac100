//! The whole model against PyTorch autograd: one training step of each fixture in
//! `tests/fixtures/` (or `$MAKEMORE_FIXTURES`): logits, loss, every parameter
//! gradient, every layer output and its gradient, BatchNorm running statistics and the
//! parameters after SGD. "Matches to 1e-4" means, per tensor,
//! max |ours - reference| <= 1e-4 * max |reference|.

use makemore_lab::layers::{BatchNorm1d, BnStat, Embedding, Layer, Linear, Param, Tanh};
use makemore_lab::model::{Activation, Mlp, ModelConfig, WeightInit};
use serde_json::Value;
use std::path::PathBuf;

const TOL: f64 = 1e-4;

fn fixture_dir() -> PathBuf {
    match std::env::var_os("MAKEMORE_FIXTURES") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    }
}

fn floats(v: &Value, what: &str) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("{what}: not an array"))
        .iter()
        .map(|x| x.as_f64().unwrap_or_else(|| panic!("{what}: not a number")))
        .collect()
}

fn f32s(v: &Value, what: &str) -> Vec<f32> {
    floats(v, what).into_iter().map(|x| x as f32).collect()
}

/// max |ours - want| / max |want|, and a panic with the name when it is over the tolerance.
fn check(file: &str, what: &str, ours: &[f32], want: &[f64]) -> f64 {
    assert_eq!(
        ours.len(),
        want.len(),
        "{file}: {what}: length {} vs {}",
        ours.len(),
        want.len()
    );
    let scale = want.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let diff = ours
        .iter()
        .zip(want)
        .fold(0.0f64, |m, (&a, &b)| m.max((a as f64 - b).abs()));
    let rel = if scale > 0.0 { diff / scale } else { diff };
    if std::env::var_os("FIXTURE_VERBOSE").is_some() {
        println!("{file}: {what}: {rel:.2e}");
    }
    assert!(rel <= TOL, "{file}: {what}: max diff {diff:.3e} is {rel:.3e} of max |ref| {scale:.3e} (tolerance {TOL:e})");
    rel
}

fn param(j: &Value, key: &str) -> Param {
    let p = &j["params"][key];
    let shape: Vec<usize> = p["shape"]
        .as_array()
        .unwrap_or_else(|| panic!("params.{key}: no shape"))
        .iter()
        .map(|x| x.as_u64().expect("shape") as usize)
        .collect();
    Param::new(key, &shape, f32s(&p["data"], key))
}

/// Builds our model from the fixture's layer list and weights.
fn load(j: &Value) -> Mlp {
    let names: Vec<&str> = j["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|l| l.as_str().expect("layer name"))
        .collect();
    let n = |k: &str| j[k].as_u64().unwrap_or_else(|| panic!("missing {k}")) as usize;
    let (vocab, n_embd, block) = (n("vocab_size"), n("n_embd"), n("block_size"));
    let mut layers = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let layer = if name.starts_with("Linear") {
            let bias = name.contains("bias=True");
            let w = param(j, &format!("layers.{i}.weight"));
            let b = bias.then(|| param(j, &format!("layers.{i}.bias")));
            Layer::Linear(Linear::new(w, b))
        } else if name.starts_with("BatchNorm1d") {
            let g = param(j, &format!("layers.{i}.gamma"));
            let mut bn =
                BatchNorm1d::new(&format!("layers.{i}"), g.numel(), 1e-5, 0.1, BnStat::Var);
            bn.gamma = g;
            bn.beta = param(j, &format!("layers.{i}.beta"));
            Layer::BatchNorm1d(bn)
        } else if *name == "Tanh" {
            let prev: &Layer = layers.last().expect("Tanh after a layer");
            Layer::Tanh(Tanh::new(prev.n_out()))
        } else {
            panic!("unknown layer {name}");
        };
        layers.push(layer);
    }
    let config = ModelConfig {
        vocab_size: vocab,
        block_size: block,
        n_embd,
        n_hidden: n("n_hidden"),
        n_layers: 1,
        activation: Activation::Tanh,
        batchnorm: None,
        output_bn: false,
        hidden_bias: false,
        output_bias: false,
        hidden_init: WeightInit::Randn(1.0),
        hidden_bias_scale: 0.0,
        output_init: WeightInit::Randn(1.0),
        output_bias_scale: 0.0,
        last_gamma: 1.0,
    };
    Mlp::from_parts(config, Embedding::new(param(j, "C"), block), layers)
}

fn run_fixture(path: &std::path::Path) -> usize {
    let file = path.file_name().unwrap().to_string_lossy().to_string();
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let j: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: not JSON: {e}"));
    let mut model = load(&j);
    let xb: Vec<u32> = floats(&j["xb"], "xb").iter().map(|&x| x as u32).collect();
    let yb: Vec<u32> = floats(&j["yb"], "yb").iter().map(|&x| x as u32).collect();
    assert_eq!(
        xb.len(),
        yb.len() * model.config.block_size,
        "{file}: xb/yb shapes"
    );
    let mut checked = 0;

    let loss = model.forward_backward(&xb, &yb);
    let want_loss = j["loss"].as_f64().expect("loss");
    check(&file, "loss", &[loss], &[want_loss]);
    check(
        &file,
        "logits",
        model.logits(),
        &floats(&j["logits"], "logits"),
    );
    checked += 2;
    for (i, layer) in model.layers.iter().enumerate() {
        let key = format!("layers.{i}.out");
        check(
            &file,
            &format!("{key} (forward)"),
            layer.out(),
            &floats(&j["layer_outs"][&key], &key),
        );
        check(
            &file,
            &format!("{key} (grad)"),
            layer.dout(),
            &floats(&j["layer_out_grads"][&key], &key),
        );
        checked += 2;
    }
    let grads = j["grads"].as_object().expect("grads");
    let params = model.params();
    assert_eq!(params.len(), grads.len(), "{file}: parameter count");
    for p in &params {
        check(
            &file,
            &format!("grad {}", p.name),
            &p.grad,
            &floats(&grads[&p.name], &p.name),
        );
        checked += 1;
    }
    // Running statistics after the step (the SGD step moves them once its update succeeded).
    let lr = j["sgd_lr"].as_f64().expect("sgd_lr") as f32;
    assert!(model.sgd_step(lr));
    let running = j["running"].as_object().expect("running");
    for (i, layer) in model.layers.iter().enumerate() {
        if let Layer::BatchNorm1d(bn) = layer {
            let r = &running[&format!("layers.{i}")];
            check(
                &file,
                &format!("layers.{i} running mean"),
                &bn.running_mean,
                &floats(&r["mean"], "mean"),
            );
            check(
                &file,
                &format!("layers.{i} running var"),
                &bn.running_spread,
                &floats(&r["var"], "var"),
            );
            checked += 2;
        }
    }
    assert_eq!(
        running.len(),
        model
            .layers
            .iter()
            .filter(|l| matches!(l, Layer::BatchNorm1d(_)))
            .count(),
        "{file}: BatchNorm count"
    );
    let after = j["params_after_sgd"].as_object().expect("params_after_sgd");
    for p in model.params() {
        check(
            &file,
            &format!("{} after SGD", p.name),
            &p.data,
            &floats(&after[&p.name], &p.name),
        );
        checked += 1;
    }
    checked
}

#[test]
fn every_fixture_matches_pytorch() {
    let dir = fixture_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!("cannot read the fixture folder {} ({e}); set MAKEMORE_FIXTURES to the folder of the *.json fixtures", dir.display())
    });
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.json fixtures in {}", dir.display());
    for f in &files {
        let n = run_fixture(f);
        println!("{}: {n} tensors match PyTorch to {TOL:e}", f.display());
    }
}

#[test]
fn a_wrong_weight_is_caught() {
    // The check above can fail: perturb one weight of the first fixture and expect a mismatch.
    let dir = fixture_dir();
    let path = dir.join("mlp_step.json");
    let text = std::fs::read_to_string(&path).expect("mlp_step.json");
    let mut j: Value = serde_json::from_str(&text).unwrap();
    let w = &mut j["params"]["layers.0.weight"]["data"][0];
    *w = Value::from(w.as_f64().unwrap() + 0.01);
    let mut model = load(&j);
    let xb: Vec<u32> = floats(&j["xb"], "xb").iter().map(|&x| x as u32).collect();
    let yb: Vec<u32> = floats(&j["yb"], "yb").iter().map(|&x| x as u32).collect();
    model.forward_backward(&xb, &yb);
    let result = std::panic::catch_unwind(|| {
        check(
            "mlp_step.json",
            "logits",
            model.logits(),
            &floats(&j["logits"], "logits"),
        )
    });
    assert!(result.is_err(), "a perturbed weight still matched");
}
