//! The model's weights as a safetensors file under the notebook's names (`C`, then
//! `layers.{i}.weight` / `.bias` / `.gamma` / `.beta` / `.running_mean` / `.running_var`, `i`
//! counting every layer of the `layers` list as `enumerate(layers)` does), with the metadata that
//! rebuilds the model anywhere (vocabulary, shape, layout, BatchNorm settings); and back, checked
//! against the vocabulary and settings in use.

use super::safetensors::{self, json_string_array, parse_json_string_array, Tensor};
use crate::data::Vocab;
use crate::layers::{BnStat, Layer};
use crate::model::{Activation, BnConfig, Mlp, ModelConfig, WeightInit};
use crate::rng::Rng;
use std::collections::BTreeMap;

/// The `format` metadata of every file written here; a file without it is refused.
pub const FORMAT: &str = "makemore-lab weights v1";

/// The largest weights file read: 256 MiB. No model the settings allow is larger (a run may use
/// 256 MB in all, and holds its weights, their gradients and the previous step's weights), and
/// a file of the largest names file's vocabulary at the widest settings is far smaller.
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;

/// Why a weights file of `bytes` bytes is refused before it is read, if it is.
pub fn file_size_problem(bytes: usize) -> Option<String> {
    (bytes > MAX_FILE_BYTES).then(|| {
        format!(
            "the file is {:.0} MB; a weights file of this lab is at most {} MB",
            bytes as f64 / 1e6,
            MAX_FILE_BYTES >> 20
        )
    })
}

/// What the file says about the run that made the weights.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportMeta {
    /// Training steps done.
    pub steps: usize,
    pub seed: u64,
}

/// A file's tensors, checked against a vocabulary and settings: in the model's order, with the
/// shapes of the model of those settings (`running_var` always a variance), and its metadata.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedWeights {
    pub tensors: Vec<Tensor>,
    pub metadata: BTreeMap<String, String>,
}

/// The model's tensors under their file names, in the notebook's order. A first-cell BatchNorm
/// keeps a running std; the file holds its square, the variance, as the class does.
fn named_tensors(model: &Mlp) -> Vec<Tensor> {
    let c = &model.emb.weight;
    let mut out = vec![("C".to_string(), c.shape.clone(), c.data.clone())];
    for (i, layer) in model.layers.iter().enumerate() {
        let mut push = |name: &str, shape: &[usize], values: Vec<f32>| {
            out.push((format!("layers.{i}.{name}"), shape.to_vec(), values))
        };
        match layer {
            Layer::Linear(l) => {
                push("weight", &l.weight.shape, l.weight.data.clone());
                if let Some(b) = &l.bias {
                    push("bias", &b.shape, b.data.clone());
                }
            }
            Layer::BatchNorm1d(bn) => {
                push("gamma", &[bn.dim], bn.gamma.data.clone());
                push("beta", &[bn.dim], bn.beta.data.clone());
                push("running_mean", &[bn.dim], bn.running_mean.clone());
                let var = match bn.stat {
                    BnStat::Var => bn.running_spread.clone(),
                    BnStat::Std => bn.running_spread.iter().map(|s| s * s).collect(),
                };
                push("running_var", &[bn.dim], var);
            }
            Layer::Tanh(_) | Layer::Identity(_) => {}
        }
    }
    out
}

/// The layers' class names in order, comma-separated: "Linear,BatchNorm1d,Tanh,...".
fn layout(model: &Mlp) -> String {
    let kinds: Vec<&str> = model.layers.iter().map(Layer::kind).collect();
    kinds.join(",")
}

/// The BatchNorm variant's name in the file: the notebook's class, its first cell, or none.
fn batchnorm_name(bn: Option<BnConfig>) -> &'static str {
    match bn.map(|b| b.stat) {
        Some(BnStat::Var) => "class",
        Some(BnStat::Std) => "first-cell",
        None => "off",
    }
}

fn activation_name(a: Activation) -> &'static str {
    match a {
        Activation::Tanh => "Tanh",
        Activation::Identity => "Identity",
    }
}

/// The file: every tensor of `model` under the notebook's names, and metadata enough to
/// rebuild and run it without this program (docs/weights.md has the PyTorch code).
pub fn to_safetensors(model: &Mlp, vocab: &Vocab, meta: &ExportMeta) -> Vec<u8> {
    let c = &model.config;
    let itos: Vec<String> = vocab.itos.iter().map(|ch| ch.to_string()).collect();
    let mut m: BTreeMap<String, String> = [
        ("format", FORMAT.to_string()),
        ("vocab", json_string_array(&itos)),
        ("block_size", c.block_size.to_string()),
        ("n_embd", c.n_embd.to_string()),
        ("n_hidden", c.n_hidden.to_string()),
        ("n_layers", c.n_layers.to_string()),
        ("layout", layout(model)),
        ("activation", activation_name(c.activation).to_string()),
        ("batchnorm", batchnorm_name(c.batchnorm).to_string()),
        ("hidden_bias", c.hidden_bias.to_string()),
        ("output_bias", c.output_bias.to_string()),
        (
            "linear_weight",
            "(n_in, n_out): out = x @ weight + bias, as the notebook's Linear \
             (torch.nn.Linear stores the transpose)"
                .to_string(),
        ),
        ("steps", meta.steps.to_string()),
        ("seed", meta.seed.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    if let Some(bn) = c.batchnorm {
        m.insert("eps".into(), bn.eps.to_string());
        m.insert("momentum".into(), bn.momentum.to_string());
        let running_var = match bn.stat {
            BnStat::Var => "the running variance of the batch variances (unbiased, n-1)",
            BnStat::Std => {
                "the square of the running std this BatchNorm kept (the notebook's first cell, \
                 eps 0): eval divides by sqrt(running_var + eps) = the running std"
            }
        };
        m.insert("running_var".into(), running_var.into());
    }
    let tensors = named_tensors(model);
    let refs: Vec<(&str, &[usize], &[f32])> = tensors
        .iter()
        .map(|(n, s, v)| (n.as_str(), s.as_slice(), v.as_slice()))
        .collect();
    safetensors::write(&refs, &m)
}

fn meta_value<'a>(meta: &'a BTreeMap<String, String>, key: &str) -> Result<&'a str, String> {
    meta.get(key)
        .map(String::as_str)
        .ok_or_else(|| format!("the file's metadata has no {key:?}"))
}

fn meta_parse<T: std::str::FromStr>(
    meta: &BTreeMap<String, String>,
    key: &str,
) -> Result<T, String> {
    let v = meta_value(meta, key)?;
    v.parse()
        .map_err(|_| format!("the file's metadata {key:?} is {v:?}, not a number"))
}

/// The file's vocabulary (`vocab`: a JSON array of one-character strings, the boundary first).
pub fn vocab_from_meta(meta: &BTreeMap<String, String>) -> Result<Vocab, String> {
    let items = parse_json_string_array(meta_value(meta, "vocab")?)
        .map_err(|e| format!("the file's vocab: {e}"))?;
    let itos = items
        .iter()
        .map(|s| {
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(c),
                _ => Err(format!("the file's vocab holds {s:?}, not one character")),
            }
        })
        .collect::<Result<Vec<char>, String>>()?;
    if itos.len() < 2 {
        return Err("the file's vocab has fewer than 2 entries".into());
    }
    Ok(Vocab { itos })
}

/// The settings of the model a file holds, to load it with its own shape. The init knobs are
/// not in the file (the weights replace them): they are the deep model's.
pub fn model_config_from_meta(meta: &BTreeMap<String, String>) -> Result<ModelConfig, String> {
    let flag = |key: &str| match meta_value(meta, key)? {
        "true" => Ok(true),
        "false" => Ok(false),
        v => Err(format!(
            "the file's metadata {key:?} is {v:?}, not true or false"
        )),
    };
    let activation = match meta_value(meta, "activation")? {
        "Tanh" => Activation::Tanh,
        "Identity" => Activation::Identity,
        v => {
            return Err(format!(
                "the file's activation {v:?} is not Tanh or Identity"
            ))
        }
    };
    let stat = match meta_value(meta, "batchnorm")? {
        "class" => Some(BnStat::Var),
        "first-cell" => Some(BnStat::Std),
        "off" => None,
        v => {
            return Err(format!(
                "the file's batchnorm {v:?} is not class, first-cell or off"
            ))
        }
    };
    let batchnorm = match stat {
        Some(stat) => Some(BnConfig {
            stat,
            eps: meta_parse(meta, "eps")?,
            momentum: meta_parse(meta, "momentum")?,
        }),
        None => None,
    };
    let config = ModelConfig {
        vocab_size: vocab_from_meta(meta)?.size(),
        block_size: meta_parse(meta, "block_size")?,
        n_embd: meta_parse(meta, "n_embd")?,
        n_hidden: meta_parse(meta, "n_hidden")?,
        n_layers: meta_parse(meta, "n_layers")?,
        activation,
        batchnorm,
        output_bn: meta_value(meta, "layout")?.ends_with(",Linear,BatchNorm1d"),
        hidden_bias: flag("hidden_bias")?,
        output_bias: flag("output_bias")?,
        hidden_init: WeightInit::Kaiming(5.0 / 3.0),
        hidden_bias_scale: 0.0,
        output_init: WeightInit::Kaiming(5.0 / 3.0),
        output_bias_scale: 0.0,
        last_gamma: 1.0,
    };
    config
        .validate()
        .map_err(|e| format!("the file's model: {e}"))?;
    Ok(config)
}

/// A vocabulary for a message: its size and its characters, cut after 40.
fn describe(vocab: &Vocab) -> String {
    let s: String = vocab.itos.iter().take(40).collect();
    let more = if vocab.size() > 40 { "…" } else { "" };
    format!("{} characters ('{s}{more}')", vocab.size())
}

/// Reads a file written by `to_safetensors` and checks it against the names in use (`vocab`)
/// and the model settings (`config`; its vocab_size is taken from `vocab`): the format tag, the
/// same vocabulary, the same layers and BatchNorm variant, every tensor with its shape and
/// nothing else, all values finite. An error says what differs and what to do.
pub fn from_safetensors(
    bytes: &[u8],
    vocab: &Vocab,
    config: &ModelConfig,
) -> Result<LoadedWeights, String> {
    if let Some(problem) = file_size_problem(bytes.len()) {
        return Err(problem);
    }
    let (tensors, metadata) = safetensors::read(bytes)?;
    match metadata.get("format") {
        Some(f) if f == FORMAT => {}
        Some(f) => {
            return Err(format!(
                "the file's format is {f:?}; this lab reads {FORMAT:?}"
            ))
        }
        None => {
            return Err(format!(
                "not a weights file of this lab (no format {FORMAT:?})"
            ))
        }
    }
    let theirs = vocab_from_meta(&metadata)?;
    if &theirs != vocab {
        return Err(format!(
            "the file's vocabulary has {}, the names in use have {}: load the same names first",
            describe(&theirs),
            describe(vocab)
        ));
    }
    let config = ModelConfig {
        vocab_size: vocab.size(),
        ..config.clone()
    };
    config.validate()?;
    let model = Mlp::new(&config, &mut Rng::new(0));
    let (file_layout, our_layout) = (meta_value(&metadata, "layout")?, layout(&model));
    if file_layout != our_layout {
        return Err(format!(
            "the file's layers are {file_layout}; the settings in use make {our_layout}"
        ));
    }
    let (file_bn, our_bn) = (
        meta_value(&metadata, "batchnorm")?,
        batchnorm_name(config.batchnorm),
    );
    if file_bn != our_bn {
        return Err(format!(
            "the file's BatchNorm is {file_bn}; the settings in use have {our_bn}"
        ));
    }
    let mut by_name: BTreeMap<String, (Vec<usize>, Vec<f32>)> = tensors
        .into_iter()
        .map(|(name, shape, values)| (name, (shape, values)))
        .collect();
    let mut out = Vec::new();
    for (name, shape, _) in named_tensors(&model) {
        let Some((file_shape, values)) = by_name.remove(&name) else {
            return Err(format!(
                "the file has no tensor {name} (shape {shape:?} in the model)"
            ));
        };
        if file_shape != shape {
            return Err(format!(
                "tensor {name} has shape {file_shape:?} in the file, {shape:?} in the model"
            ));
        }
        if values.iter().any(|v| !v.is_finite()) {
            return Err(format!("tensor {name} holds a NaN or an infinity"));
        }
        if name.ends_with(".running_var") && values.iter().any(|&v| v < 0.0) {
            return Err(format!("tensor {name} holds a negative variance"));
        }
        let no_eps = config.batchnorm.is_some_and(|bn| bn.eps == 0.0);
        if no_eps && name.ends_with(".running_var") && values.contains(&0.0) {
            return Err(format!(
                "tensor {name} holds a zero variance, and this BatchNorm has no epsilon: \
                 evaluation would divide by zero"
            ));
        }
        out.push((name, shape, values));
    }
    if let Some(name) = by_name.keys().next() {
        return Err(format!(
            "the file has a tensor {name} that the model has not"
        ));
    }
    Ok(LoadedWeights {
        tensors: out,
        metadata,
    })
}

/// Writes checked weights into `model` (of the settings `from_safetensors` checked them
/// against), running statistics included: a first-cell BatchNorm gets the root of the file's
/// variance back. The step `undo_sgd_step` would undo is forgotten.
pub fn load_into(model: &mut Mlp, loaded: &LoadedWeights) {
    let get = |name: &str, len: usize| -> &[f32] {
        let t = loaded
            .tensors
            .iter()
            .find(|t| t.0 == name)
            .unwrap_or_else(|| {
                panic!("load_into: no tensor {name}; check with from_safetensors first")
            });
        assert_eq!(
            t.2.len(),
            len,
            "load_into: tensor {name} does not fit the model"
        );
        &t.2
    };
    // The file's names of the parameters, in `params()` order (the running statistics are not
    // parameters).
    let names: Vec<String> = named_tensors(model)
        .into_iter()
        .map(|t| t.0)
        .filter(|n| !n.contains(".running_"))
        .collect();
    for (p, name) in model.params_mut().into_iter().zip(&names) {
        let values = get(name, p.numel());
        p.data.copy_from_slice(values);
    }
    for (i, layer) in model.layers.iter_mut().enumerate() {
        if let Layer::BatchNorm1d(bn) = layer {
            let mean = get(&format!("layers.{i}.running_mean"), bn.dim);
            bn.running_mean.copy_from_slice(mean);
            let var = get(&format!("layers.{i}.running_var"), bn.dim);
            match bn.stat {
                BnStat::Var => bn.running_spread.copy_from_slice(var),
                BnStat::Std => {
                    for (s, v) in bn.running_spread.iter_mut().zip(var) {
                        *s = v.sqrt();
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::ChapterId;

    /// A file of a model of `preset`'s settings over a small vocabulary, with every
    /// `layers.1.running_var` value replaced by `var`, and the settings to load it against.
    fn file_with_running_var(preset: &str, var: f32) -> (Vec<u8>, Vocab, ModelConfig) {
        let vocab = Vocab::from_words(&["abc".to_string(), "cab".to_string()]);
        let config = ModelConfig {
            vocab_size: vocab.size(),
            ..ChapterId::from_name(preset).unwrap().chapter().model
        };
        let model = Mlp::new(&config, &mut Rng::new(1));
        let meta = ExportMeta { steps: 0, seed: 1 };
        let (tensors, metadata) =
            safetensors::read(&to_safetensors(&model, &vocab, &meta)).unwrap();
        let tensors: Vec<Tensor> = tensors
            .into_iter()
            .map(|(name, shape, mut values)| {
                if name == "layers.1.running_var" {
                    values.iter_mut().for_each(|v| *v = var);
                }
                (name, shape, values)
            })
            .collect();
        let refs: Vec<(&str, &[usize], &[f32])> = tensors
            .iter()
            .map(|(n, s, v)| (n.as_str(), &s[..], &v[..]))
            .collect();
        (safetensors::write(&refs, &metadata), vocab, config)
    }

    #[test]
    fn a_zero_running_variance_without_epsilon_is_refused() {
        // The first BatchNorm cell has no epsilon: eval would divide by sqrt(0) (every eval NaN).
        let (bytes, vocab, config) = file_with_running_var("batchnorm", 0.0);
        assert_eq!(
            from_safetensors(&bytes, &vocab, &config).unwrap_err(),
            "tensor layers.1.running_var holds a zero variance, and this BatchNorm has no \
             epsilon: evaluation would divide by zero"
        );
        let (bytes, vocab, config) = file_with_running_var("batchnorm", 0.5);
        assert!(from_safetensors(&bytes, &vocab, &config).is_ok());
        // The class adds eps 1e-5 inside the square root: a zero variance is fine there.
        let (bytes, vocab, config) = file_with_running_var("deep", 0.0);
        assert!(from_safetensors(&bytes, &vocab, &config).is_ok());
    }
}
