//! Softmax cross-entropy, fused: the loss and dlogits of a batch in one pass per row, and the
//! row's sum of exponentials for a single softmax.

use super::elementwise::{clamp_nan, exp_core};
use super::reduce::row_max_g;
use super::{dispatch, Simd};

#[inline(always)]
unsafe fn sum_exp_g<V: Simd>(row: &[f32], shift: f32) -> f32 {
    let mut acc = [0.0f32; 8];
    let c = row.chunks_exact(8);
    let rest = c.remainder();
    for x in c {
        for j in 0..8 {
            acc[j] += exp_core::<V>(clamp_nan(x[j] - shift, -87.0, 88.0));
        }
    }
    let mut tail = 0.0f32;
    for &x in rest {
        tail += exp_core::<V>(clamp_nan(x - shift, -87.0, 88.0));
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

dispatch! {
    /// `sum_i exp(row[i] - shift)`, with 8 independent partial sums.
    pub fn sum_exp(row: &[f32], shift: f32) -> f32 => sum_exp_g
}

#[inline(always)]
unsafe fn softmax_xent_g<V: Simd>(
    logits: &[f32],
    targets: &[u32],
    vocab: usize,
    dlogits: &mut [f32],
    want_grad: bool,
) -> f64 {
    let batch = targets.len();
    let scale = 1.0 / batch as f32;
    let mut total = 0.0f64;
    for (r, &t) in targets.iter().enumerate() {
        let row = &logits[r * vocab..(r + 1) * vocab];
        let t = t as usize;
        let max = row_max_g::<V>(row);
        // The exponentials go to dlogits' row (or are only summed), 8 partial sums.
        let mut acc = [0.0f32; 8];
        if want_grad {
            let drow = &mut dlogits[r * vocab..(r + 1) * vocab];
            for (dv, &v) in drow.iter_mut().zip(row) {
                *dv = exp_core::<V>(clamp_nan(v - max, -87.0, 88.0));
            }
            let c = drow.chunks_exact(8);
            let rest = c.remainder();
            for x in c {
                for j in 0..8 {
                    acc[j] += x[j];
                }
            }
            acc[0] += rest.iter().sum::<f32>();
        } else {
            let c = row.chunks_exact(8);
            let rest = c.remainder();
            for x in c {
                for j in 0..8 {
                    acc[j] += exp_core::<V>(clamp_nan(x[j] - max, -87.0, 88.0));
                }
            }
            for &x in rest {
                acc[0] += exp_core::<V>(clamp_nan(x - max, -87.0, 88.0));
            }
        }
        let sum = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
        if want_grad {
            let drow = &mut dlogits[r * vocab..(r + 1) * vocab];
            let k = scale / sum;
            for dv in drow.iter_mut() {
                *dv *= k;
            }
            drow[t] -= scale;
        }
        total += (sum.ln() - (row[t] - max)) as f64;
    }
    total
}

dispatch! {
    /// Softmax cross-entropy of logits (B, vocab) against targets (B): returns the summed loss
    /// (in f64; divide by B for the mean) and, when `want_grad`, writes
    /// dlogits = (softmax - onehot) / B. Rows are shifted by their max.
    pub fn softmax_xent(logits: &[f32], targets: &[u32], vocab: usize, dlogits: &mut [f32], want_grad: bool) -> f64 => softmax_xent_g
}
