//! BatchNorm1d over the batch dimension; x (B, n), out (B, n).
//! Training: mean and *unbiased* variance (n-1, torch's `.var(0)`) of the batch,
//! xhat = (x - mean) / sqrt(var + eps), out = gamma * xhat + beta, and the running statistics move
//! by `momentum` towards the batch's. Eval: the running statistics replace the batch's.
//! The running update is the notebook's, but it happens in `update_running`, called by the
//! model's SGD step once the update has succeeded: a step that fails leaves the running
//! statistics as they were, and the last update can be undone exactly (`undo_running`).
//!
//! Two variants, one per notebook cell: `BnStat::Var` (the layer classes: running variance, eps
//! 1e-5, momentum 0.1) and `BnStat::Std` (the first BatchNorm cell: `hpreact.std(0)` with no eps,
//! a running *std*, momentum 1e-3). With eps = 0 the two normalise the same way.
//! Backward (unbiased variance): dx = (dxhat - mean(dxhat) - xhat * sum(dxhat * xhat) / (B - 1)) / s
//! with dxhat = dout * gamma and s = sqrt(var + eps).

use super::{ensure_len, Param};
use crate::kernels;
use crate::kernels::split;
use crate::pool::Par;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BnStat {
    /// Keeps a running variance (the notebook's `BatchNorm1D` class).
    Var,
    /// Keeps a running standard deviation (the notebook's first BatchNorm cell).
    Std,
}

impl BnStat {
    /// 1 / s and the spread (variance or std) of each column from its sum of squared deviations
    /// over `batch` rows (the vectors may hold a block of the columns: `layers::block`).
    pub(super) fn finish(
        self,
        eps: f32,
        batch: usize,
        sumsq: &[f64],
        inv_s: &mut [f32],
        spread: &mut [f32],
    ) {
        for ((&sq, is), sp) in sumsq.iter().zip(inv_s).zip(spread) {
            let var = (sq / (batch as f64 - 1.0)) as f32;
            *is = 1.0 / (var + eps).sqrt();
            *sp = match self {
                BnStat::Var => var,
                BnStat::Std => var.sqrt(),
            };
        }
    }
}

/// The backward's per-column coefficients: dx = dout * c1 - c2 - xhat * c3, from
/// dx = (dxhat - mean(dxhat) - xhat * sum(dxhat * xhat) / (B - 1)) / s with dxhat = dout * gamma,
/// sum(dxhat) = gamma * dbeta, sum(dxhat * xhat) = gamma * dgamma (for all columns or a block).
pub(super) fn dinp_coefs(
    batch: usize,
    gamma: &[f32],
    inv_s: &[f32],
    dgamma: &[f32],
    dbeta: &[f32],
    [c1, c2, c3]: [&mut [f32]; 3],
) {
    let b = batch as f32;
    for j in 0..c1.len() {
        let g = gamma[j];
        let inv_s = inv_s[j];
        c1[j] = g * inv_s;
        c2[j] = g * dbeta[j] / b * inv_s;
        c3[j] = g * dgamma[j] / (b - 1.0) * inv_s;
    }
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
    pub(super) xhat: Vec<f32>,
    pub(super) inv_s: Vec<f32>,
    /// The last training batch's mean and spread (variance or std, as `running_spread`).
    pub(super) mean: Vec<f32>,
    pub(super) spread: Vec<f32>,
    /// A training forward has batch statistics that `update_running` has not used yet.
    pub(super) pending: bool,
    /// The running statistics before the last `update_running` (swapped in, not copied), valid
    /// until undone or the next forward's update.
    prev_mean: Vec<f32>,
    prev_spread: Vec<f32>,
    prev_valid: bool,
    /// Per-column scratch, allocated once: f64 sums for the batch statistics, and the folded
    /// coefficients of the eval-mode forward and of the backward.
    pub(super) sum: Vec<f64>,
    pub(super) sumsq: Vec<f64>,
    pub(super) c1: Vec<f32>,
    pub(super) c2: Vec<f32>,
    pub(super) c3: Vec<f32>,
}

impl BatchNorm1d {
    /// The last training forward's normalised values x̂ = (x - mean) / spread, (batch, dim).
    pub fn xhat(&self) -> &[f32] {
        &self.xhat
    }

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
            spread: vec![0.0; dim],
            pending: false,
            prev_mean: vec![0.0; dim],
            prev_spread: vec![0.0; dim],
            prev_valid: false,
            sum: vec![0.0; dim],
            sumsq: vec![0.0; dim],
            c1: vec![0.0; dim],
            c2: vec![0.0; dim],
            c3: vec![0.0; dim],
        }
    }

    /// Training mode needs batch >= 2 (the unbiased variance divides by B - 1).
    /// Training: three passes over the batch (sum, centred sum of squares, normalise), each a
    /// loop along the row that vectorises. Eval: one pass, `out = x * scale + shift` with the
    /// running statistics folded into `scale` and `shift`; the training cache is left alone.
    pub fn forward(&mut self, inp: &[f32], batch: usize, training: bool, par: &Par) {
        let n = self.dim;
        let inp = &inp[..batch * n];
        ensure_len(&mut self.out, batch * n);
        if !training {
            for j in 0..n {
                (self.c1[j], self.c2[j]) = self.eval_scale_shift(j);
            }
            kernels::scale_shift(&mut self.out, inp, &self.c1, &self.c2);
            return;
        }
        ensure_len(&mut self.xhat, batch * n);
        // Mean and unbiased variance per column (totals in f64 for the variance's sake).
        kernels::bn_stats(
            inp,
            n,
            &mut self.sum,
            &mut self.mean,
            &mut self.sumsq,
            &mut self.c3,
        );
        self.stat.finish(
            self.eps,
            batch,
            &self.sumsq,
            &mut self.inv_s,
            &mut self.spread,
        );
        self.pending = true;
        split::bn_normalize(
            par,
            &mut self.out,
            &mut self.xhat,
            inp,
            &self.mean,
            &self.inv_s,
            &self.gamma.data,
            &self.beta.data,
        );
    }

    /// Eval mode's `out = x * scale + shift` for feature `j`, from the running statistics:
    /// scale = gamma / s with s = sqrt(running var + eps) (`BnStat::Var`) or the running std
    /// (`BnStat::Std`, no eps), shift = beta - running mean * scale. Folding the layer into the
    /// Linear before it (`export::fold`) uses the same two numbers.
    pub fn eval_scale_shift(&self, j: usize) -> (f32, f32) {
        let s = match self.stat {
            BnStat::Var => (self.running_spread[j] + self.eps).sqrt(),
            BnStat::Std => self.running_spread[j],
        };
        let scale = self.gamma.data[j] / s;
        (scale, self.beta.data[j] - self.running_mean[j] * scale)
    }

    /// The last training batch's mean per feature.
    pub fn batch_mean(&self) -> &[f32] {
        &self.mean
    }

    /// The last training batch's variance (`BnStat::Var`) or std (`BnStat::Std`) per feature.
    pub fn batch_spread(&self) -> &[f32] {
        &self.spread
    }

    /// The first feature whose last training batch had no spread, when there is no epsilon to
    /// keep the division finite.
    pub fn zero_spread_feature(&self) -> Option<usize> {
        if self.eps != 0.0 {
            return None;
        }
        self.spread.iter().position(|&s| s == 0.0)
    }

    /// Moves the running statistics by `momentum` towards the last training batch's (the
    /// notebook's buffer update), once per training forward; the values before are kept for
    /// `undo_running`. Without a new training batch, nothing moves and nothing can be undone.
    pub fn update_running(&mut self) {
        self.prev_valid = self.pending;
        if !self.pending {
            return;
        }
        self.pending = false;
        let mom = self.momentum;
        for j in 0..self.dim {
            self.prev_mean[j] = (1.0 - mom) * self.running_mean[j] + mom * self.mean[j];
            self.prev_spread[j] = (1.0 - mom) * self.running_spread[j] + mom * self.spread[j];
        }
        std::mem::swap(&mut self.running_mean, &mut self.prev_mean);
        std::mem::swap(&mut self.running_spread, &mut self.prev_spread);
    }

    /// Puts back the running statistics from before the last `update_running`, exactly; false
    /// when there is nothing to undo.
    pub fn undo_running(&mut self) -> bool {
        if !self.prev_valid {
            return false;
        }
        std::mem::swap(&mut self.running_mean, &mut self.prev_mean);
        std::mem::swap(&mut self.running_spread, &mut self.prev_spread);
        self.prev_valid = false;
        true
    }

    /// Reads `self.dout` and the last training-mode forward's cache. Two passes: the column sums
    /// (dgamma, dbeta), then dinp = dout * c1 - c2 - xhat * c3 with per-column coefficients.
    pub fn backward(&mut self, dinp: Option<&mut [f32]>, batch: usize, par: &Par) {
        let n = self.dim;
        let dout = &self.dout[..batch * n];
        let xhat = &self.xhat[..batch * n];
        kernels::bn_grad_sums(&mut self.gamma.grad, &mut self.beta.grad, dout, xhat);
        if let Some(dinp) = dinp {
            dinp_coefs(
                batch,
                &self.gamma.data,
                &self.inv_s,
                &self.gamma.grad,
                &self.beta.grad,
                [&mut self.c1, &mut self.c2, &mut self.c3],
            );
            split::bn_dinp(
                par,
                &mut dinp[..batch * n],
                dout,
                xhat,
                &self.c1,
                &self.c2,
                &self.c3,
            );
        }
    }
}
