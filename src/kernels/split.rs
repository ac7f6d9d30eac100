//! The kernels of a training step split across the threads of a `Par` by output blocks: the
//! three products of a Linear layer (column or row blocks on tile boundaries), the elementwise
//! passes (row blocks) and SGD (one job for every parameter, blocks of whole vector groups).
//! Every output element is computed by exactly the code, and summed in exactly the order, of the
//! one-thread kernel, so results are identical bit for bit for any number of threads. With one thread, or work too small for a
//! hand-off to pay, each function is the one-thread kernel.

use super::blocks::{
    dot_panel, matmul_a_bt_cols, matmul_a_bt_short_part, matmul_at_b_part, matmul_cols, panel,
    transpose_part, Out,
};
use crate::pool::{block, Par};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// Below this many multiply-adds a product runs on one thread. A job costs a few µs more than
/// its work on two threads (hand-off, waiting for the slower half, data moving between the
/// cores' caches), so products of the small MLP (30x200 and 200x27 at batch 32, under 200k)
/// stay on one thread, and with them the whole small-MLP step (threads lose there), while the
/// deep model's 200x200 layers (1.3M at batch 32) are split.
const MIN_MADDS: usize = 1 << 18;
/// Below this many elements an elementwise pass runs on one thread: a 32x200 pass takes a few
/// µs.
const MIN_ELEMS: usize = 1 << 13;

/// out (m, n) = a (m, k) @ b (k, n) (+ bias), as `kernels::matmul`.
pub fn matmul(
    par: &Par,
    out: &mut [f32],
    a: &[f32],
    b: &[f32],
    bias: Option<&[f32]>,
    m: usize,
    k: usize,
    n: usize,
) {
    if par.n() == 1 || k == 0 || m * k * n < MIN_MADDS {
        return super::matmul(out, a, b, bias, m, k, n);
    }
    let (o, w) = (Out::new(out), panel());
    par.run(true, |part, parts| {
        matmul_cols(o, a, b, bias, m, k, n, block(n, w, part, parts))
    });
}

/// dw (k, n) = a^T @ d, as `kernels::matmul_at_b`.
pub fn matmul_at_b(par: &Par, dw: &mut [f32], a: &[f32], d: &[f32], m: usize, k: usize, n: usize) {
    if par.n() == 1 || m == 0 || m * k * n < MIN_MADDS {
        return super::matmul_at_b(dw, a, d, m, k, n);
    }
    let o = Out::new(dw);
    par.run(true, |part, parts| {
        matmul_at_b_part(o, a, d, m, k, n, part, parts)
    });
}

/// da (m, k) = d (m, n) @ w^T, as `kernels::matmul_a_bt`.
pub fn matmul_a_bt(par: &Par, da: &mut [f32], d: &[f32], w: &[f32], m: usize, k: usize, n: usize) {
    if par.n() == 1 || n == 0 || m * k * n < MIN_MADDS {
        return super::matmul_a_bt(da, d, w, m, k, n);
    }
    let (o, p) = (Out::new(da), dot_panel());
    par.run(true, |part, parts| {
        matmul_a_bt_cols(o, d, w, m, k, n, block(k, p, part, parts))
    });
}

/// da (m, k) = d (m, n) @ w^T through `wt`, as `kernels::matmul_a_bt_short`: two jobs, the
/// transpose (by rows of w) and then the product (by columns of da).
pub fn matmul_a_bt_short(
    par: &Par,
    da: &mut [f32],
    d: &[f32],
    w: &[f32],
    wt: &mut [f32],
    m: usize,
    k: usize,
    n: usize,
) {
    if par.n() == 1 || n == 0 || m * k * n < MIN_MADDS {
        return super::matmul_a_bt_short(da, d, w, wt, m, k, n);
    }
    let t = Out::new(wt);
    par.run(true, |part, parts| {
        transpose_part(t, w, k, n, block(k, 1, part, parts))
    });
    let (o, wt) = (Out::new(da), &*wt);
    par.run(true, |part, parts| {
        matmul_a_bt_short_part(o, d, wt, m, k, n, part, parts)
    });
}

/// Runs `f(elements, out block, input blocks)` on matching blocks of `out` and of each input
/// (all `rows * width` long), split by rows, so each element is computed by the same loop body
/// as on one thread.
fn rows_split<const N: usize>(
    par: &Par,
    out: &mut [f32],
    inputs: [&[f32]; N],
    width: usize,
    f: impl Fn(Range<usize>, &mut [f32], [&[f32]; N]) + Sync,
) {
    let len = out.len();
    if par.n() == 1 || len < MIN_ELEMS || width == 0 {
        return f(0..len, out, inputs);
    }
    assert!(inputs.iter().all(|x| x.len() >= len));
    let o = Out::new(out);
    par.run(true, |part, parts| {
        let r = block(len / width, 1, part, parts);
        let e = r.start * width..r.end * width;
        // SAFETY: each part takes its own rows of `out`, which outlives the job.
        let out = unsafe { o.block(e.clone()) };
        f(e.clone(), out, inputs.map(|x| &x[e.clone()]))
    });
}

/// `out = tanh(inp)`, as `kernels::tanh_slice` (equal lengths).
pub fn tanh_slice(par: &Par, out: &mut [f32], inp: &[f32]) {
    rows_split(par, out, [inp], 1, |_, o, [x]| super::tanh_slice(o, x));
}

/// `dinp = dout * (1 - out^2)`, as `kernels::tanh_backward` (equal lengths).
pub fn tanh_backward(par: &Par, dinp: &mut [f32], out: &[f32], dout: &[f32]) {
    rows_split(par, dinp, [out, dout], 1, |_, d, [o, g]| {
        super::tanh_backward(d, o, g)
    });
}

/// BatchNorm's normalisation, as `kernels::bn_normalize`, split by rows; `xhat` is written in the
/// same row blocks.
pub fn bn_normalize(
    par: &Par,
    out: &mut [f32],
    xhat: &mut [f32],
    x: &[f32],
    mean: &[f32],
    inv_s: &[f32],
    gamma: &[f32],
    beta: &[f32],
) {
    let n = mean.len();
    let h = Out::new(xhat);
    assert!(xhat.len() >= out.len());
    rows_split(par, out, [x], n, |e, o, [x]| {
        // SAFETY: the rows of xhat that match this part's rows of out, only this part's.
        let xh = unsafe { h.block(e) };
        super::bn_normalize(o, xh, x, mean, inv_s, gamma, beta)
    });
}

/// BatchNorm's input gradient, as `kernels::bn_dinp`, split by rows.
pub fn bn_dinp(
    par: &Par,
    dinp: &mut [f32],
    dout: &[f32],
    xhat: &[f32],
    c1: &[f32],
    c2: &[f32],
    c3: &[f32],
) {
    rows_split(par, dinp, [dout, xhat], c1.len(), |_, d, [g, h]| {
        super::bn_dinp(d, g, h, c1, c2, c3)
    });
}

/// Below this many parameters in all, SGD runs on one thread: the small MLP's 12k (its whole
/// step stays on one thread), not the deep model's 175k.
const MIN_SGD: usize = 1 << 15;

/// `kernels::sgd_into` (out = data - lr * grad, with its finite check) for every (out, data,
/// grad) of `params` (equal lengths each) in one job: each part
/// takes its block of whole vector groups of every parameter, so every element takes the same
/// path as on one thread. True when every new weight is finite.
pub(crate) fn sgd_all(par: &Par, params: &[[Out; 3]], lr: f32) -> bool {
    let total: usize = params.iter().map(|p| p[0].len()).sum();
    let finite = AtomicBool::new(true);
    par.run(par.n() > 1 && total >= MIN_SGD, |part, parts| {
        for &[o, d, g] in params {
            let e = block(o.len(), 64, part, parts);
            // SAFETY: each part takes its own block of each `out`; data and grad are only read.
            let ok =
                unsafe { super::sgd_into(o.block(e.clone()), d.block(e.clone()), g.block(e), lr) };
            if !ok {
                finite.store(false, Relaxed);
            }
        }
    });
    finite.into_inner()
}
