//! The numbers of a run a chapter's sentences may state. A text is a function of these rather
//! than a fixed string, so that it states the run's own numbers (another names file has another
//! vocabulary, so another uniform loss).

use crate::model::ModelConfig;

/// What the lesson's sentences may say about a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Facts {
    /// Characters of the vocabulary, the boundary '.' included (27 for the default names).
    pub vocab_size: usize,
    /// The loss of a uniform guess over the vocabulary: -ln(1/vocab_size).
    pub uniform_loss: f32,
    /// The first hidden Linear's inputs: block_size x n_embd.
    pub fan_in: usize,
}

impl Facts {
    /// The facts of a model (its `vocab_size` is its data's).
    pub fn of(model: &ModelConfig) -> Facts {
        Facts {
            vocab_size: model.vocab_size,
            uniform_loss: (model.vocab_size as f32).ln(),
            fan_in: model.block_size * model.n_embd,
        }
    }
}
