//! The network of makemore part 4: C (vocab_size, n_embd), W1 (block_size * n_embd, n_hidden),
//! b1 (n_hidden,), bngain and bnbias (1, n_hidden), W2 (n_hidden, vocab_size), b2 (vocab_size,),
//! initialised as the lecture does, "in non-standard ways because sometimes initializing with
//! e.g. all zeros could mask an incorrect implementation of the backward pass"; and its batches.

use super::tensor::{DType, Tensor};
use crate::data::Examples;
use crate::rng::Rng;

/// The lecture's sizes: block_size 3, n_embd 10, n_hidden 64, batch 32.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub vocab_size: usize,
    pub block_size: usize,
    pub n_embd: usize,
    pub n_hidden: usize,
    /// n, the batch size.
    pub batch: usize,
}

impl Config {
    pub fn lecture(vocab_size: usize) -> Config {
        Config {
            vocab_size,
            block_size: 3,
            n_embd: 10,
            n_hidden: 64,
            batch: 32,
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        let sizes = [
            ("vocab_size", self.vocab_size, 2, 512),
            ("block_size", self.block_size, 1, 16),
            ("n_embd", self.n_embd, 1, 64),
            ("n_hidden", self.n_hidden, 1, 512),
            ("the batch size n", self.batch, 2, 512),
        ];
        for (name, v, lo, hi) in sizes {
            if !(lo..=hi).contains(&v) {
                return Err(format!(
                    "{name} is {v}; the backprop sheet needs {lo} to {hi}"
                ));
            }
        }
        Ok(())
    }
}

/// The parameters, in the lecture's order: `parameters = [C, W1, b1, W2, b2, bngain, bnbias]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub c: Tensor,
    pub w1: Tensor,
    pub b1: Tensor,
    pub w2: Tensor,
    pub b2: Tensor,
    pub bngain: Tensor,
    pub bnbias: Tensor,
}

/// The parameters' names as the lecture writes them, in `Params` order.
pub const PARAM_NAMES: [&str; 7] = ["C", "W1", "b1", "W2", "b2", "bngain", "bnbias"];

impl Params {
    /// Draws C, W1, b1, W2, b2, bngain, bnbias from `rng`, in that order:
    /// C = randn, W1 = randn * (5/3) / sqrt(n_embd * block_size), b1, W2, b2 = randn * 0.1,
    /// bngain = randn * 0.1 + 1.0, bnbias = randn * 0.1.
    pub fn init(cfg: &Config, rng: &mut Rng) -> Result<Params, String> {
        cfg.validate()?;
        let fan_in = cfg.n_embd * cfg.block_size;
        let mut randn = |shape: &[usize], scale: f32, shift: f32| {
            let mut data = vec![0.0; shape.iter().product()];
            rng.fill_normal(&mut data, scale);
            data.iter_mut().for_each(|v| *v += shift);
            Tensor::float(shape, data)
        };
        let kaiming = ((5.0 / 3.0) / (fan_in as f64).sqrt()) as f32;
        Ok(Params {
            c: randn(&[cfg.vocab_size, cfg.n_embd], 1.0, 0.0)?,
            w1: randn(&[fan_in, cfg.n_hidden], kaiming, 0.0)?,
            b1: randn(&[cfg.n_hidden], 0.1, 0.0)?,
            w2: randn(&[cfg.n_hidden, cfg.vocab_size], 0.1, 0.0)?,
            b2: randn(&[cfg.vocab_size], 0.1, 0.0)?,
            bngain: randn(&[1, cfg.n_hidden], 0.1, 1.0)?,
            bnbias: randn(&[1, cfg.n_hidden], 0.1, 0.0)?,
        })
    }

    /// (name, tensor) in the lecture's order.
    pub fn named(&self) -> [(&'static str, &Tensor); 7] {
        let p = [
            &self.c,
            &self.w1,
            &self.b1,
            &self.w2,
            &self.b2,
            &self.bngain,
            &self.bnbias,
        ];
        std::array::from_fn(|i| (PARAM_NAMES[i], p[i]))
    }

    pub fn named_mut(&mut self) -> [(&'static str, &mut Tensor); 7] {
        let Params {
            c,
            w1,
            b1,
            w2,
            b2,
            bngain,
            bnbias,
        } = self;
        let mut p = [c, w1, b1, w2, b2, bngain, bnbias].into_iter();
        std::array::from_fn(|i| (PARAM_NAMES[i], p.next().expect("seven parameters")))
    }

    pub fn get(&self, name: &str) -> Option<&Tensor> {
        self.named()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t)
    }

    pub fn n_params(&self) -> usize {
        self.named().iter().map(|(_, t)| t.numel()).sum()
    }

    /// `p.data += -lr * grad` for every parameter (the lecture's update), `grads` in `Params`
    /// order with the parameters' numbers of elements.
    pub fn sgd(&mut self, grads: [&Tensor; 7], lr: f32) -> Result<(), String> {
        for ((name, p), g) in self.named_mut().into_iter().zip(grads) {
            if g.numel() != p.numel() {
                return Err(format!(
                    "d{name} has {} numbers, {name} {}",
                    g.numel(),
                    p.numel()
                ));
            }
            for (w, &d) in p.data_mut().iter_mut().zip(g.data()) {
                *w += -lr * d;
            }
        }
        Ok(())
    }
}

/// A mini-batch: Xb (n, block_size) and Yb (n,), Long.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub xb: Tensor,
    pub yb: Tensor,
}

impl Batch {
    /// `ix = torch.randint(0, Xtr.shape[0], (batch_size,)); Xb, Yb = Xtr[ix], Ytr[ix]`.
    pub fn sample(data: &Examples, n: usize, rng: &mut Rng) -> Result<Batch, String> {
        if data.is_empty() {
            return Err("the training split has no examples".into());
        }
        let bs = data.block_size;
        let mut x = Vec::with_capacity(n * bs);
        let mut y = Vec::with_capacity(n);
        for _ in 0..n {
            let i = rng.randint(data.len());
            x.extend(data.context(i).iter().map(|&c| c as f32));
            y.push(data.y[i] as f32);
        }
        Ok(Batch {
            xb: Tensor::new(&[n, bs], x, DType::Long)?,
            yb: Tensor::new(&[n], y, DType::Long)?,
        })
    }

    pub fn n(&self) -> usize {
        self.yb.numel()
    }
}
