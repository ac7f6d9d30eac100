//! The weights file: the notebook's names and metadata, an exact round trip (BatchNorm running
//! statistics included) for the small MLP, the first-cell BatchNorm and the deep model, a clear
//! refusal of another vocabulary, another shape or a damaged file, and the same mean loss from
//! the file alone in numpy (`tests/reference/load_weights.py`).

use crate::support::{data, trained};

use makemore_lab::data::{build_dataset, default_words, Vocab, DEFAULT_NAMES};
use makemore_lab::export::safetensors;
use makemore_lab::export::weights::{
    from_safetensors, load_into, model_config_from_meta, to_safetensors, ExportMeta, FORMAT,
};
use makemore_lab::layers::Layer;
use makemore_lab::model::{Mlp, ModelConfig};
use makemore_lab::rng::Rng;
use makemore_lab::train::{Trainer, EVAL_CHUNK};
use std::process::Command;

fn export(t: &Trainer) -> Vec<u8> {
    let meta = ExportMeta {
        steps: t.step,
        seed: t.train.seed,
    };
    to_safetensors(&t.model, &t.data.vocab, &meta)
}

/// Logits of the first `n` validation examples in eval mode, and in training mode (batch statistics).
fn logits(model: &mut Mlp, n: usize) -> (Vec<f32>, Vec<f32>) {
    let x = &data().val.x[..n * 3];
    model.training = false;
    model.forward(x, n);
    let eval = model.logits().to_vec();
    model.training = true;
    model.forward(x, n);
    (eval, model.logits().to_vec())
}

fn running_stats(model: &Mlp) -> Vec<(Vec<f32>, Vec<f32>)> {
    model
        .layers
        .iter()
        .filter_map(|l| match l {
            Layer::BatchNorm1d(bn) => Some((bn.running_mean.clone(), bn.running_spread.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn the_deep_model_has_the_notebooks_names_and_metadata() {
    let t = trained("deep", 3);
    let (tensors, meta) = safetensors::read(&export(&t)).unwrap();
    let mut want = vec!["C".to_string()];
    for block in 0..6 {
        let (lin, bn) = (3 * block, 3 * block + 1);
        want.push(format!("layers.{lin}.weight"));
        for n in ["gamma", "beta", "running_mean", "running_var"] {
            want.push(format!("layers.{bn}.{n}"));
        }
    }
    let names: Vec<&str> = tensors.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(names, want);
    assert_eq!(names.last(), Some(&"layers.16.running_var"));
    let shape = |name: &str| tensors.iter().find(|t| t.0 == name).unwrap().1.clone();
    assert_eq!(shape("C"), [27, 10]);
    assert_eq!(shape("layers.0.weight"), [30, 200]);
    assert_eq!(shape("layers.3.weight"), [200, 200]);
    assert_eq!(shape("layers.15.weight"), [200, 27]);
    assert_eq!(shape("layers.16.gamma"), [27]);

    let m = |k: &str| {
        meta.get(k)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("no {k}"))
    };
    assert_eq!(m("format"), FORMAT);
    let vocab: Vec<String> = serde_json::from_str(m("vocab")).unwrap();
    assert_eq!(vocab.concat(), ".abcdefghijklmnopqrstuvwxyz");
    let layout = format!("{}Linear,BatchNorm1d", "Linear,BatchNorm1d,Tanh,".repeat(5));
    assert_eq!(m("layout"), layout);
    assert_eq!(
        (m("block_size"), m("n_embd"), m("n_hidden"), m("n_layers")),
        ("3", "10", "200", "5")
    );
    assert_eq!((m("batchnorm"), m("activation")), ("class", "Tanh"));
    assert_eq!(m("eps").parse::<f32>().unwrap(), 1e-5);
    assert_eq!(m("momentum").parse::<f32>().unwrap(), 0.1);
    assert_eq!((m("steps"), m("seed")), ("3", "42"));
}

#[test]
fn the_small_mlp_numbers_its_layers_as_enumerate_does() {
    let t = trained("kaiming", 1);
    let (tensors, meta) = safetensors::read(&export(&t)).unwrap();
    let names: Vec<&str> = tensors.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "C",
            "layers.0.weight",
            "layers.0.bias",
            "layers.2.weight",
            "layers.2.bias"
        ]
    );
    assert_eq!(meta["layout"], "Linear,Tanh,Linear");
    assert_eq!(meta["batchnorm"], "off");
    assert!(!meta.contains_key("eps"));
}

#[test]
fn the_first_cell_batchnorm_exports_its_running_std_squared() {
    let t = trained("batchnorm", 50);
    let (tensors, meta) = safetensors::read(&export(&t)).unwrap();
    let Layer::BatchNorm1d(bn) = &t.model.layers[1] else {
        panic!("layer 1 is the BatchNorm")
    };
    let var = &tensors
        .iter()
        .find(|t| t.0 == "layers.1.running_var")
        .unwrap()
        .2;
    let squared: Vec<f32> = bn.running_spread.iter().map(|s| s * s).collect();
    assert_eq!(var, &squared);
    assert!(bn.running_spread.iter().any(|&s| (s - 1.0).abs() > 1e-3));
    assert_eq!(meta["batchnorm"], "first-cell");
    assert_eq!(meta["eps"], "0");
    assert!(meta["running_var"].contains("square of the running std"));
    let names: Vec<&str> = tensors.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(names[..2], ["C", "layers.0.weight"]);
    assert_eq!(names[6..], ["layers.3.weight", "layers.3.bias"]);
}

/// Export, import into a fresh model of other weights, and get the same logits and losses.
fn round_trip(name: &str, steps: usize) {
    let mut t = trained(name, steps);
    let bytes = export(&t);
    let mut fresh = Mlp::new(&t.model.config, &mut Rng::new(7));
    assert_ne!(
        logits(&mut fresh, 64),
        logits(&mut t.model, 64),
        "{name}: a fresh model differs"
    );
    let loaded = from_safetensors(&bytes, &t.data.vocab, &t.model.config).unwrap();
    load_into(&mut fresh, &loaded);
    assert_eq!(running_stats(&fresh), running_stats(&t.model), "{name}");
    assert_eq!(logits(&mut fresh, 64), logits(&mut t.model, 64), "{name}");
    let val = &data().val;
    assert_eq!(
        fresh.eval_loss(&val.x, &val.y, EVAL_CHUNK),
        t.model.eval_loss(&val.x, &val.y, EVAL_CHUNK),
        "{name}"
    );
    let (x, y) = (&data().train.x[..96], &data().train.y[..32]);
    assert_eq!(
        fresh.forward_backward(x, y),
        t.model.forward_backward(x, y),
        "{name}"
    );
    // Loading forgets the step before it: there is nothing to undo into.
    assert!(!fresh.undo_sgd_step());
}

#[test]
fn round_trip_of_the_small_mlp() {
    round_trip("kaiming", 200);
}

#[test]
fn round_trip_of_the_first_cell_batchnorm() {
    round_trip("batchnorm", 200);
}

#[test]
fn round_trip_of_the_deep_model() {
    round_trip("deep", 100);
}

#[test]
fn a_file_loads_with_its_own_settings() {
    for (name, steps) in [("kaiming", 20), ("batchnorm", 20), ("deep", 20)] {
        let mut t = trained(name, steps);
        let bytes = export(&t);
        let (_, meta) = safetensors::read(&bytes).unwrap();
        let config = model_config_from_meta(&meta).unwrap();
        let c = &t.model.config;
        let shape = |c: &ModelConfig| {
            (
                c.vocab_size,
                c.block_size,
                c.n_embd,
                c.n_hidden,
                c.n_layers,
                c.activation,
                c.batchnorm,
                c.output_bn,
                c.hidden_bias,
                c.output_bias,
            )
        };
        assert_eq!(shape(&config), shape(c), "{name}");
        let loaded = from_safetensors(&bytes, &t.data.vocab, &config).unwrap();
        let mut model = Mlp::new(&config, &mut Rng::new(3));
        load_into(&mut model, &loaded);
        assert_eq!(logits(&mut model, 32), logits(&mut t.model, 32), "{name}");
    }
}

#[test]
fn another_vocabulary_is_refused() {
    let t = trained("kaiming", 1);
    let mut words = default_words();
    words.extend(["zoë", "josé", "mary-anne", "o'neil"].map(String::from));
    let other = Vocab::from_words(&words);
    let config = ModelConfig {
        vocab_size: other.size(),
        ..t.model.config.clone()
    };
    let err = from_safetensors(&export(&t), &other, &config).unwrap_err();
    assert_eq!(
        err,
        "the file's vocabulary has 27 characters ('.abcdefghijklmnopqrstuvwxyz'), the names in \
         use have 31 characters ('.'-abcdefghijklmnopqrstuvwxyzéë'): load the same names first"
    );
}

#[test]
fn another_shape_is_refused_naming_the_tensor() {
    let t = trained("deep", 1);
    let bytes = export(&t);
    let vocab = &t.data.vocab;
    let with = |f: fn(&mut ModelConfig)| {
        let mut c = t.model.config.clone();
        f(&mut c);
        from_safetensors(&bytes, vocab, &c).unwrap_err()
    };
    assert_eq!(
        with(|c| c.n_hidden = 100),
        "tensor layers.0.weight has shape [30, 200] in the file, [30, 100] in the model"
    );
    assert_eq!(
        with(|c| c.n_embd = 8),
        "tensor C has shape [27, 10] in the file, [27, 8] in the model"
    );
    assert_eq!(
        with(|c| c.block_size = 4),
        "tensor layers.0.weight has shape [30, 200] in the file, [40, 200] in the model"
    );
    let fewer = with(|c| c.n_layers = 4);
    assert!(
        fewer.starts_with("the file's layers are Linear,BatchNorm1d,Tanh,")
            && fewer.contains("the settings in use make"),
        "{fewer}"
    );
    assert_eq!(
        with(|c| c.batchnorm = Some(makemore_lab::model::BnConfig::FIRST_CELL)),
        "the file's BatchNorm is class; the settings in use have first-cell"
    );
    assert_eq!(
        with(|c| c.output_bias = true),
        "the file has no tensor layers.15.bias (shape [27] in the model)"
    );
}

#[test]
fn a_damaged_file_is_refused() {
    let t = trained("deep", 1);
    let bytes = export(&t);
    let (vocab, config) = (&t.data.vocab, &t.model.config);
    let load = |b: &[u8]| from_safetensors(b, vocab, config).unwrap_err();
    assert!(from_safetensors(&bytes, vocab, config).is_ok());

    let cut = load(&bytes[..bytes.len() - 10]);
    assert!(cut.contains("the file has"), "{cut}");
    assert!(load(&bytes[..4]).starts_with("not a safetensors file"));
    assert!(load(b"PK\x03\x04 a zip, not weights").starts_with("not a safetensors file"));

    // The same bytes with a header string replaced by one of the same length.
    let edit = |from: &str, to: &str| {
        let (f, t) = (from.as_bytes(), to.as_bytes());
        let at = bytes.windows(f.len()).position(|w| w == f).unwrap();
        let mut b = bytes.clone();
        b[at..at + f.len()].copy_from_slice(t);
        load(&b)
    };
    assert_eq!(
        edit("\"layers.0.weight\"", "\"layers.0.weigXt\""),
        "the file has no tensor layers.0.weight (shape [30, 200] in the model)"
    );
    assert_eq!(
        edit(FORMAT, "makemore-lab weights v9"),
        format!("the file's format is \"makemore-lab weights v9\"; this lab reads {FORMAT:?}")
    );
    assert!(edit("\"format\"", "\"fxrmat\"").starts_with("not a weights file of this lab"));
    assert!(edit("{\"dtype\"", "[\"dtype\"").starts_with("the header's JSON"));

    // A NaN written over the last value of the data.
    let mut nan = bytes.clone();
    let n = nan.len();
    nan[n - 4..].copy_from_slice(&f32::NAN.to_le_bytes());
    assert_eq!(
        load(&nan),
        "tensor layers.16.running_var holds a NaN or an infinity"
    );
}

/// Trains a preset, exports it, and compares our mean loss over every example of the names
/// file with the one `tests/reference/load_weights.py` computes from the file alone.
fn python_agrees(name: &str, steps: usize) {
    let check = Command::new("python3")
        .args(["-c", "import safetensors, numpy"])
        .output();
    let why = match &check {
        Ok(o) if o.status.success() => None,
        Ok(o) => Some(String::from_utf8_lossy(&o.stderr).into_owned()),
        Err(e) => Some(format!("python3: {e}")),
    };
    if let Some(why) = why {
        panic!(
            "python3 with safetensors and numpy is needed to check the weights file: \
             run `pip install safetensors numpy` ({})",
            why.trim()
        );
    }
    let mut t = trained(name, steps);
    let words = default_words();
    let all = build_dataset(&words, &t.data.vocab, 3);
    let ours = t.model.eval_loss(&all.x, &all.y, EVAL_CHUNK);

    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let weights = dir.join(format!("weights-{name}.safetensors"));
    let names = dir.join(format!("weights-{name}-names.txt"));
    std::fs::write(&weights, export(&t)).unwrap();
    std::fs::write(&names, DEFAULT_NAMES).unwrap();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/reference/load_weights.py"
    );
    let out = Command::new("python3")
        .arg(script)
        .arg(&weights)
        .arg(&names)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let theirs = v["loss"].as_f64().unwrap();
    assert_eq!(v["examples"].as_u64().unwrap() as usize, all.len());
    let rel = (ours as f64 - theirs).abs() / theirs;
    println!(
        "{name}: {steps} steps, {} examples, ours {ours:.6}, numpy {theirs:.6}, relative {rel:.2e}",
        all.len()
    );
    assert!(rel < 1e-4, "{name}: ours {ours}, numpy {theirs}");
}

#[test]
fn numpy_gets_the_same_loss_from_the_file_small_mlp() {
    python_agrees("kaiming", 500);
}

#[test]
fn numpy_gets_the_same_loss_from_the_file_first_cell_batchnorm() {
    python_agrees("batchnorm", 500);
}

#[test]
fn numpy_gets_the_same_loss_from_the_file_deep_model() {
    python_agrees("deep", 300);
}
