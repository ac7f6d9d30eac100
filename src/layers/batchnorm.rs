//! BatchNorm1d over the batch dimension; x (B, n), out (B, n).
//! Training: mean and *unbiased* variance (n-1, torch's `.var(0)`) of the batch,
//! xhat = (x - mean) / sqrt(var + eps), out = gamma * xhat + beta, and the running statistics move
//! by `momentum`. Eval: the running statistics replace the batch's.
//!
//! Two variants, one per notebook cell: `BnStat::Var` (the layer classes: running variance, eps
//! 1e-5, momentum 0.1) and `BnStat::Std` (the first BatchNorm cell: `hpreact.std(0)` with no eps,
//! a running *std*, momentum 1e-3). With eps = 0 the two normalise the same way.
//! Backward (unbiased variance): dx = (dxhat - mean(dxhat) - xhat * sum(dxhat * xhat) / (B - 1)) / s
//! with dxhat = dout * gamma and s = sqrt(var + eps).

use super::{ensure_len, Param};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BnStat {
    /// Keeps a running variance (the notebook's `BatchNorm1D` class).
    Var,
    /// Keeps a running standard deviation (the notebook's first BatchNorm cell).
    Std,
}

#[derive(Clone, Debug)]
pub struct BatchNorm1d {
    pub dim: usize,
    pub eps: f32,
    pub momentum: f32,
    pub stat: BnStat,
    pub gamma: Param,
    pub beta: Param,
    pub running_mean: Vec<f32>,
    /// The running variance (`BnStat::Var`) or standard deviation (`BnStat::Std`).
    pub running_spread: Vec<f32>,
    pub out: Vec<f32>,
    pub dout: Vec<f32>,
    xhat: Vec<f32>,
    inv_s: Vec<f32>,
    mean: Vec<f32>,
}

impl BatchNorm1d {
    pub fn new(name: &str, dim: usize, eps: f32, momentum: f32, stat: BnStat) -> BatchNorm1d {
        BatchNorm1d {
            dim,
            eps,
            momentum,
            stat,
            gamma: Param::new(format!("{name}.gamma"), &[dim], vec![1.0; dim]),
            beta: Param::new(format!("{name}.beta"), &[dim], vec![0.0; dim]),
            running_mean: vec![0.0; dim],
            running_spread: vec![1.0; dim],
            out: Vec::new(),
            dout: Vec::new(),
            xhat: Vec::new(),
            inv_s: vec![0.0; dim],
            mean: vec![0.0; dim],
        }
    }

    /// Training mode needs batch >= 2 (the unbiased variance divides by B - 1).
    pub fn forward(&mut self, inp: &[f32], batch: usize, training: bool) {
        let n = self.dim;
        ensure_len(&mut self.out, batch * n);
        ensure_len(&mut self.xhat, batch * n);
        if training {
            // Mean and unbiased variance per column, accumulated in f64 for the variance's sake.
            let mut sum = vec![0.0f64; n];
            for row in inp.chunks_exact(n) {
                for (s, &v) in sum.iter_mut().zip(row) {
                    *s += v as f64;
                }
            }
            for (m, s) in self.mean.iter_mut().zip(&sum) {
                *m = (*s / batch as f64) as f32;
            }
            let mut ss = vec![0.0f64; n];
            for row in inp.chunks_exact(n) {
                for ((s, &v), &m) in ss.iter_mut().zip(row).zip(&self.mean) {
                    let d = (v - m) as f64;
                    *s += d * d;
                }
            }
            let mom = self.momentum;
            for j in 0..n {
                let var = (ss[j] / (batch as f64 - 1.0)) as f32;
                self.inv_s[j] = 1.0 / (var + self.eps).sqrt();
                let batch_spread = match self.stat {
                    BnStat::Var => var,
                    BnStat::Std => var.sqrt(),
                };
                self.running_mean[j] = (1.0 - mom) * self.running_mean[j] + mom * self.mean[j];
                self.running_spread[j] = (1.0 - mom) * self.running_spread[j] + mom * batch_spread;
            }
        } else {
            self.mean.copy_from_slice(&self.running_mean);
            for j in 0..n {
                let s = match self.stat {
                    BnStat::Var => (self.running_spread[j] + self.eps).sqrt(),
                    BnStat::Std => self.running_spread[j],
                };
                self.inv_s[j] = 1.0 / s;
            }
        }
        let (g, b) = (&self.gamma.data, &self.beta.data);
        for ((orow, xrow), irow) in self
            .out
            .chunks_exact_mut(n)
            .zip(self.xhat.chunks_exact_mut(n))
            .zip(inp.chunks_exact(n))
        {
            for j in 0..n {
                let xh = (irow[j] - self.mean[j]) * self.inv_s[j];
                xrow[j] = xh;
                orow[j] = g[j] * xh + b[j];
            }
        }
    }

    /// Reads `self.dout` and the last training-mode forward's cache.
    pub fn backward(&mut self, dinp: Option<&mut [f32]>, batch: usize) {
        let n = self.dim;
        let dgamma = &mut self.gamma.grad;
        let dbeta = &mut self.beta.grad;
        dgamma.fill(0.0);
        dbeta.fill(0.0);
        for (drow, xrow) in self.dout.chunks_exact(n).zip(self.xhat.chunks_exact(n)) {
            for j in 0..n {
                dgamma[j] += drow[j] * xrow[j];
                dbeta[j] += drow[j];
            }
        }
        if let Some(dinp) = dinp {
            // sum(dxhat) = gamma * dbeta and sum(dxhat * xhat) = gamma * dgamma.
            let b = batch as f32;
            for (dirow, (drow, xrow)) in dinp
                .chunks_exact_mut(n)
                .zip(self.dout.chunks_exact(n).zip(self.xhat.chunks_exact(n)))
            {
                for j in 0..n {
                    let g = self.gamma.data[j];
                    let dxhat = drow[j] * g;
                    let mean_dxhat = g * dbeta[j] / b;
                    let proj = g * dgamma[j] / (b - 1.0);
                    dirow[j] = (dxhat - mean_dxhat - xrow[j] * proj) * self.inv_s[j];
                }
            }
        }
    }
}
