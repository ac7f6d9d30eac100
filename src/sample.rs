//! Sampling names from the model: start from the all-boundary context, draw the next character
//! from softmax(logits / temperature), shift it into the context, stop at the boundary token or
//! at the length cap (a model can loop forever). Each name is marked as seen in the training
//! names, in the validation names, or new.

use crate::data::Vocab;
use crate::model::Mlp;
use crate::rng::Rng;
use std::collections::HashSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Novelty {
    Train,
    Val,
    New,
}

impl Novelty {
    pub fn as_str(self) -> &'static str {
        match self {
            Novelty::Train => "in train",
            Novelty::Val => "in val",
            Novelty::New => "new",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The name without the final '.'.
    pub name: String,
    pub novelty: Novelty,
    /// The length cap stopped it before the boundary token.
    pub truncated: bool,
}

/// Looks names up in the training and validation lists.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    train: HashSet<String>,
    val: HashSet<String>,
}

impl Seen {
    pub fn new(train: &[String], val: &[String]) -> Seen {
        Seen {
            train: train.iter().cloned().collect(),
            val: val.iter().cloned().collect(),
        }
    }
    pub fn novelty(&self, name: &str) -> Novelty {
        if self.train.contains(name) {
            Novelty::Train
        } else if self.val.contains(name) {
            Novelty::Val
        } else {
            Novelty::New
        }
    }
}

/// One name (in eval mode: BatchNorm uses its running statistics, as the notebook samples).
pub fn sample_one(
    model: &mut Mlp,
    vocab: &Vocab,
    rng: &mut Rng,
    temperature: f32,
    max_len: usize,
) -> (String, bool) {
    let mut context = vec![0u32; model.config.block_size];
    let mut probs = Vec::new();
    let mut out = String::new();
    for _ in 0..max_len {
        model.predict(&context, temperature, &mut probs);
        let ix = rng.categorical(&probs);
        if ix == 0 {
            return (out, false);
        }
        out.push(vocab.itos[ix]);
        context.rotate_left(1);
        *context.last_mut().expect("block_size >= 1") = ix as u32;
    }
    (out, true)
}

/// `n` names at a temperature (> 0), each at most `max_len` characters.
pub fn sample(
    model: &mut Mlp,
    vocab: &Vocab,
    seen: &Seen,
    rng: &mut Rng,
    n: usize,
    temperature: f32,
    max_len: usize,
) -> Vec<Sample> {
    let temperature = temperature.max(1e-3);
    (0..n)
        .map(|_| {
            let (name, truncated) = sample_one(model, vocab, rng, temperature, max_len);
            let novelty = seen.novelty(&name);
            Sample {
                name,
                novelty,
                truncated,
            }
        })
        .collect()
}
