//! The notebook's layers, each a `forward` and a `backward` side by side. Every layer keeps its
//! last output and that output's gradient (`out`, `dout`), as the notebook's `layer.out` and
//! `layer.out.grad`, so the diagnostics can read them.
//!
//! Conventions: activations are row-major (batch, features); backward passes *set* the parameter
//! gradients (one backward per step, so no zeroing is needed) and write the input gradient.

pub mod batchnorm;
pub mod block;
pub mod embedding;
pub mod identity;
pub mod linear;
pub mod tanh;

pub use batchnorm::{BatchNorm1d, BnStat};
pub use embedding::Embedding;
pub use identity::Identity;
pub use linear::Linear;
pub use tanh::Tanh;

use crate::pool::Par;

/// A learnable tensor with its gradient. `shape` is what the notebook would print
/// (`(27, 10)` for C, `(200,)` for a bias).
#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
    pub grad: Vec<f32>,
}

impl Param {
    pub fn new(name: impl Into<String>, shape: &[usize], data: Vec<f32>) -> Param {
        let n: usize = shape.iter().product();
        assert_eq!(n, data.len(), "shape and data disagree");
        Param {
            name: name.into(),
            shape: shape.to_vec(),
            grad: vec![0.0; n],
            data,
        }
    }
    pub fn numel(&self) -> usize {
        self.data.len()
    }
}

/// One layer of the stack after the embedding.
// BatchNorm1d is the largest variant (its per-column scratch vectors); a model has a few dozen
// layers at most, so boxing would only add an indirection to every forward pass.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Layer {
    Linear(Linear),
    BatchNorm1d(BatchNorm1d),
    Tanh(Tanh),
    /// The activation of a net without tanh (see `model::Activation`).
    Identity(Identity),
}

impl Layer {
    /// The notebook's class name, for legends: "Linear", "BatchNorm1d", "Tanh" ("Identity").
    pub fn kind(&self) -> &'static str {
        match self {
            Layer::Linear(_) => "Linear",
            Layer::BatchNorm1d(_) => "BatchNorm1d",
            Layer::Tanh(_) => "Tanh",
            Layer::Identity(_) => "Identity",
        }
    }
    pub fn n_out(&self) -> usize {
        match self {
            Layer::Linear(l) => l.n_out,
            Layer::BatchNorm1d(l) => l.dim,
            Layer::Tanh(l) => l.dim,
            Layer::Identity(l) => l.dim,
        }
    }
    /// `inp` is (batch, n_in); writes `self.out()` as (batch, n_out), split across `par`'s threads.
    pub fn forward(&mut self, inp: &[f32], batch: usize, training: bool, par: &Par) {
        match self {
            Layer::Linear(l) => l.forward(inp, batch, par),
            Layer::BatchNorm1d(l) => l.forward(inp, batch, training, par),
            Layer::Tanh(l) => l.forward(inp, batch, par),
            Layer::Identity(l) => l.forward(inp, batch),
        }
    }
    /// Reads `self.dout()`; sets parameter gradients; writes `dinp` (batch, n_in) when given.
    pub fn backward(&mut self, inp: &[f32], dinp: Option<&mut [f32]>, batch: usize, par: &Par) {
        match self {
            Layer::Linear(l) => l.backward(inp, dinp, batch, par),
            Layer::BatchNorm1d(l) => l.backward(dinp, batch, par),
            Layer::Tanh(l) => l.backward(dinp, par),
            Layer::Identity(l) => l.backward(dinp),
        }
    }
    /// The hidden blocks' activation (Tanh, or Identity in a net without tanh): the layers
    /// whose outputs the notebook's activation and gradient plots show.
    pub fn is_activation(&self) -> bool {
        matches!(self, Layer::Tanh(_) | Layer::Identity(_))
    }
    pub fn out(&self) -> &[f32] {
        match self {
            Layer::Linear(l) => &l.out,
            Layer::BatchNorm1d(l) => &l.out,
            Layer::Tanh(l) => &l.out,
            Layer::Identity(l) => &l.out,
        }
    }
    pub fn dout(&self) -> &[f32] {
        match self {
            Layer::Linear(l) => &l.dout,
            Layer::BatchNorm1d(l) => &l.dout,
            Layer::Tanh(l) => &l.dout,
            Layer::Identity(l) => &l.dout,
        }
    }
    pub fn dout_mut(&mut self) -> &mut Vec<f32> {
        match self {
            Layer::Linear(l) => &mut l.dout,
            Layer::BatchNorm1d(l) => &mut l.dout,
            Layer::Tanh(l) => &mut l.dout,
            Layer::Identity(l) => &mut l.dout,
        }
    }
    /// Parameters in the notebook's order (weight, bias; gamma, beta).
    pub fn params(&self) -> Vec<&Param> {
        match self {
            Layer::Linear(l) => std::iter::once(&l.weight).chain(l.bias.as_ref()).collect(),
            Layer::BatchNorm1d(l) => vec![&l.gamma, &l.beta],
            Layer::Tanh(_) | Layer::Identity(_) => vec![],
        }
    }
    pub fn params_mut(&mut self) -> Vec<&mut Param> {
        match self {
            Layer::Linear(l) => std::iter::once(&mut l.weight)
                .chain(l.bias.as_mut())
                .collect(),
            Layer::BatchNorm1d(l) => vec![&mut l.gamma, &mut l.beta],
            Layer::Tanh(_) | Layer::Identity(_) => vec![],
        }
    }
}

/// Resizes a buffer to `n` without touching the allocation when it is already that size.
pub(crate) fn ensure_len(v: &mut Vec<f32>, n: usize) {
    if v.len() != n {
        v.resize(n, 0.0);
    }
}
