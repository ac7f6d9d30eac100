//! A hidden block [Linear, BatchNorm1d, Tanh] in training, split across threads by blocks of
//! its columns. Every step of the block is column-local: a column of the Linear's output, that
//! column's batch statistics and normalisation, its tanh; backward, tanh', BatchNorm's column
//! sums and input gradient, and the weight gradient's column. So each thread runs the whole
//! block on its own columns in one job, instead of one job per product with BatchNorm's
//! statistics and the narrow passes on one thread between them. Jobs of a training step:
//! - forward: one per block (product, statistics, normalisation, tanh);
//! - backward: the top block's tanh' and BatchNorm backward; then one per block: its weight
//!   gradient (columns of the output), its input gradient (columns of the input) and, on those
//!   same columns, the tanh' and BatchNorm backward of the block below, whose Tanh output
//!   that input is.
//!
//! Each element is computed by the one-thread kernels' loop body (the `_cols` kernels), so the
//! results are the one-thread layers' bit for bit.

use super::batchnorm::dinp_coefs;
use super::{ensure_len, BatchNorm1d, Linear, Tanh};
use crate::kernels::{self, Out};
use crate::pool::{block, Par};
use std::marker::PhantomData;
use std::ops::Range;

/// Whether a block of `lin` at `batch` runs fused on `par`: on more than one thread, with
/// enough work for a hand-off to pay, and outputs wide enough that the one-thread input gradient
/// is the dot kernel (`kernels::SHORT_DOT`), which is the one split by columns here.
pub fn fuses(lin: &Linear, batch: usize, par: &Par) -> bool {
    /// About a 32 x 200 block with a 30-wide input (the deep model's first block).
    const MIN_WORK: usize = 1 << 18;
    par.n() > 1
        && batch >= 2
        && lin.n_out >= kernels::SHORT_DOT
        && batch * lin.n_out * (lin.n_in + 16) >= MIN_WORK
}

/// Forward of the block in training mode: one job, each part on a block of the output columns.
pub fn forward(
    lin: &mut Linear,
    bn: &mut BatchNorm1d,
    tanh: &mut Tanh,
    inp: &[f32],
    batch: usize,
    par: &Par,
) {
    let (k, n) = (lin.n_in, lin.n_out);
    for v in [&mut lin.out, &mut bn.out, &mut bn.xhat, &mut tanh.out] {
        ensure_len(v, batch * n);
    }
    let (lin_out, bn_out) = (Out::new(&mut lin.out), Out::new(&mut bn.out));
    let (xhat, tanh_out) = (Out::new(&mut bn.xhat), Out::new(&mut tanh.out));
    let (sum, sumsq) = (Out::new(&mut bn.sum), Out::new(&mut bn.sumsq));
    let (mean, scratch) = (Out::new(&mut bn.mean), Out::new(&mut bn.c3));
    let (inv_s, spread) = (Out::new(&mut bn.inv_s), Out::new(&mut bn.spread));
    let (w, bias) = (&lin.weight.data, lin.bias.as_ref().map(|b| &b.data[..]));
    let (gamma, beta) = (&bn.gamma.data, &bn.beta.data);
    let (eps, stat, panel) = (bn.eps, bn.stat, kernels::panel());
    let inp = &inp[..batch * k];
    par.run(true, |part, parts| {
        let c = block(n, panel, part, parts);
        if c.is_empty() {
            return;
        }
        kernels::matmul_cols(lin_out, inp, w, bias, batch, k, n, c.clone());
        // SAFETY: this part alone touches columns `c` of every vector and matrix here, and
        // they outlive the job.
        let (mean, inv_s) = unsafe { (mean.block(c.clone()), inv_s.block(c.clone())) };
        let sumsq = unsafe { sumsq.block(c.clone()) };
        let (sum, scratch) = unsafe { (sum.block(c.clone()), scratch.block(c.clone())) };
        kernels::bn_stats_cols(lin_out, n, c.clone(), batch, sum, mean, sumsq, scratch);
        stat.finish(eps, batch, sumsq, inv_s, unsafe { spread.block(c.clone()) });
        let (g, b) = (&gamma[c.clone()], &beta[c.clone()]);
        kernels::bn_normalize_cols(
            bn_out,
            xhat,
            lin_out,
            n,
            c.clone(),
            batch,
            mean,
            inv_s,
            g,
            b,
        );
        kernels::tanh_cols(tanh_out, bn_out, n, c, batch);
    });
    bn.pending = true;
}

/// The tanh' and BatchNorm backward of a block on blocks of its columns, into its Linear's
/// `dout`: the part of the block's backward before its Linear.
pub struct Top<'a> {
    n: usize,
    batch: usize,
    tanh_out: Out,
    tanh_dout: Out,
    bn_dout: Out,
    xhat: Out,
    lin_dout: Out,
    gamma: Out,
    inv_s: Out,
    dgamma: Out,
    dbeta: Out,
    c: [Out; 3],
    layers: PhantomData<&'a mut Tanh>,
}

impl<'a> Top<'a> {
    /// Reads `tanh.dout`, which must hold the block's output gradient in the columns a part
    /// runs on by the time it runs them.
    pub fn new(
        lin: &'a mut Linear,
        bn: &'a mut BatchNorm1d,
        tanh: &'a mut Tanh,
        batch: usize,
    ) -> Top<'a> {
        let n = lin.n_out;
        for v in [&mut lin.dout, &mut bn.dout, &mut tanh.dout] {
            ensure_len(v, batch * n);
        }
        Top {
            n,
            batch,
            tanh_out: Out::new(&mut tanh.out),
            tanh_dout: Out::new(&mut tanh.dout),
            bn_dout: Out::new(&mut bn.dout),
            xhat: Out::new(&mut bn.xhat),
            lin_dout: Out::new(&mut lin.dout),
            gamma: Out::of(&bn.gamma.data),
            inv_s: Out::of(&bn.inv_s),
            dgamma: Out::new(&mut bn.gamma.grad),
            dbeta: Out::new(&mut bn.beta.grad),
            c: [
                Out::new(&mut bn.c1),
                Out::new(&mut bn.c2),
                Out::new(&mut bn.c3),
            ],
            layers: PhantomData,
        }
    }

    /// Columns `c` of the block.
    ///
    /// # Safety
    /// No other part runs on these columns meanwhile.
    unsafe fn run(&self, c: Range<usize>) {
        if c.is_empty() {
            return;
        }
        let (n, batch) = (self.n, self.batch);
        kernels::tanh_backward_cols(
            self.bn_dout,
            self.tanh_out,
            self.tanh_dout,
            n,
            c.clone(),
            batch,
        );
        let (dgamma, dbeta) = (self.dgamma.block(c.clone()), self.dbeta.block(c.clone()));
        kernels::bn_grad_sums_cols(dgamma, dbeta, self.bn_dout, self.xhat, n, c.clone(), batch);
        let [c1, c2, c3] = self.c.map(|v| v.block(c.clone()));
        let (gamma, inv_s) = (self.gamma.row_ref(0, 0, &c), self.inv_s.row_ref(0, 0, &c));
        dinp_coefs(
            batch,
            gamma,
            inv_s,
            dgamma,
            dbeta,
            [&mut *c1, &mut *c2, &mut *c3],
        );
        kernels::bn_dinp_cols(
            self.lin_dout,
            self.bn_dout,
            self.xhat,
            n,
            c,
            batch,
            c1,
            c2,
            c3,
        );
    }

    /// The whole top part as one job over blocks of columns.
    pub fn job(self, par: &Par) {
        let n = self.n;
        par.run(true, |part, parts| {
            // SAFETY: the parts' blocks are disjoint; the layers are borrowed by the caller.
            unsafe { self.run(block(n, 1, part, parts)) }
        });
    }
}

/// The input of a fused block's Linear, for its backward.
pub enum Input<'a> {
    /// The embedding's output and its gradient (to write).
    Plain(&'a [f32], &'a mut [f32]),
    /// The Tanh output of a fused block below, whose `Top` runs in the same job.
    Block(Top<'a>),
}

/// The backward of a fused block's Linear (its `dout` written by a `Top`), as one job: the
/// weight gradient and bias gradient by blocks of the output columns, the input gradient by
/// blocks of the input columns, and, when the input is the Tanh output of a block below, that
/// block's `Top` on the same input columns (the input gradient is that Tanh's `dout`).
pub fn linear_backward(lin: &mut Linear, input: Input, batch: usize, par: &Par) {
    let (k, n) = (lin.n_in, lin.n_out);
    let (inp, dx, below) = match input {
        Input::Plain(inp, dinp) => (Out::of(inp), Out::new(dinp), None),
        Input::Block(top) => (top.tanh_out, top.tanh_dout, Some(top)),
    };
    // SAFETY: the input is not written during the job (its Tanh's `dout` is another buffer).
    let inp = unsafe { &*inp.block(0..batch * k) };
    let (dw, bias) = (Out::new(&mut lin.weight.grad), lin.bias.as_mut());
    let db = bias.map(|b| Out::new(&mut b.grad));
    let (dout, w) = (&lin.dout[..batch * n], &lin.weight.data);
    let (panel, dot_panel) = (kernels::panel(), kernels::dot_panel());
    par.run(true, |part, parts| {
        let c = block(n, panel, part, parts);
        if !c.is_empty() {
            kernels::matmul_at_b_cols(dw, inp, dout, batch, k, n, c.clone());
            if let Some(db) = db {
                // SAFETY: this part alone writes columns `c` of the bias gradient.
                let db = unsafe { db.block(c.clone()) };
                kernels::col_sum_cols(db, Out::of(dout), n, c, batch);
            }
        }
        let c = block(k, dot_panel, part, parts);
        if !c.is_empty() {
            kernels::matmul_a_bt_cols(dx, dout, w, batch, k, n, c.clone());
            if let Some(top) = &below {
                // SAFETY: this part alone runs on input columns `c`, whose gradient it has
                // just written.
                unsafe { top.run(c) };
            }
        }
    });
}
