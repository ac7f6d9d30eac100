//! BatchNorm's passes, along rows (the feature dimension is contiguous, so every loop
//! vectorises): column statistics, normalisation, the eval-mode scale and shift, and the
//! backward's column sums and input gradient.
//!
//! The training passes are written once over a block of columns (`cols` of rows `ld` long, the
//! per-column vectors holding just those columns): the one-thread functions run them on every
//! column, and `layers::block` on a thread's block of columns (the `_cols` functions), with the
//! same loop body for every element, so the results agree bit for bit.

use super::blocks::Out;
use super::simd::each_vector;
use super::{dispatch, Simd};
use std::ops::Range;

#[inline(always)]
unsafe fn bn_stats_g<V: Simd>(
    x: Out,
    ld: usize,
    cols: Range<usize>,
    rows: usize,
    sum: &mut [f64],
    mean: &mut [f32],
    sumsq: &mut [f64],
    scratch: &mut [f32],
) {
    // Blocks of up to 8 rows are summed in f32 (a vector add per row), and only the block sums
    // go into the f64 totals: nearly f64 accuracy at nearly f32 speed.
    const BLOCK: usize = 8;
    let n = cols.len();
    let (sum, mean, sumsq, part) = (
        &mut sum[..n],
        &mut mean[..n],
        &mut sumsq[..n],
        &mut scratch[..n],
    );
    let row = |r: usize| x.row_ref(r, ld, &cols);
    sum.fill(0.0);
    for r0 in (0..rows).step_by(BLOCK) {
        part.copy_from_slice(row(r0));
        // Taken after each write through `part`, used until its next use.
        let pp = part.as_mut_ptr();
        for r in r0 + 1..(r0 + BLOCK).min(rows) {
            let x = row(r).as_ptr();
            each_vector!(V, n, |j, k| {
                let p = V::load_k(pp.add(j), k).add(V::load_k(x.add(j), k));
                p.store_k(pp.add(j), k);
            });
        }
        for (s, &p) in sum.iter_mut().zip(part.iter()) {
            *s += p as f64;
        }
    }
    for (m, &s) in mean.iter_mut().zip(sum.iter()) {
        *m = (s / rows as f64) as f32;
    }
    sumsq.fill(0.0);
    let m = mean.as_ptr();
    for r0 in (0..rows).step_by(BLOCK) {
        part.fill(0.0);
        let pp = part.as_mut_ptr();
        for r in r0..(r0 + BLOCK).min(rows) {
            let x = row(r).as_ptr();
            each_vector!(V, n, |j, k| {
                let d = V::load_k(x.add(j), k).sub(V::load_k(m.add(j), k));
                d.fma_v(d, V::load_k(pp.add(j), k)).store_k(pp.add(j), k);
            });
        }
        for (s, &p) in sumsq.iter_mut().zip(part.iter()) {
            *s += p as f64;
        }
    }
}

#[inline(always)]
unsafe fn bn_stats_all_g<V: Simd>(
    x: &[f32],
    n: usize,
    sum: &mut [f64],
    mean: &mut [f32],
    sumsq: &mut [f64],
    scratch: &mut [f32],
) {
    let rows = x.len() / n;
    bn_stats_g::<V>(Out::of(x), n, 0..n, rows, sum, mean, sumsq, scratch)
}

dispatch! {
    /// Per column of x (rows, n): `sum`, `mean` = sum / rows, and `sumsq`, the sum of squared
    /// deviations from `mean`; totals in f64 over f32 partial sums of 8 rows. `scratch`: n floats.
    pub fn bn_stats(x: &[f32], n: usize, sum: &mut [f64], mean: &mut [f32], sumsq: &mut [f64], scratch: &mut [f32]) => bn_stats_all_g
}

dispatch! {
    /// `bn_stats` of columns `cols` of x (`rows` rows of `ld`), into vectors of `cols.len()`.
    /// Safety: nothing else touches those columns of x meanwhile.
    pub(crate) fn bn_stats_cols(x: Out, ld: usize, cols: Range<usize>, rows: usize, sum: &mut [f64], mean: &mut [f32], sumsq: &mut [f64], scratch: &mut [f32]) => bn_stats_g
}

#[inline(always)]
unsafe fn bn_normalize_g<V: Simd>(
    out: Out,
    xhat: Out,
    x: Out,
    ld: usize,
    cols: Range<usize>,
    rows: usize,
    mean: &[f32],
    inv_s: &[f32],
    gamma: &[f32],
    beta: &[f32],
) {
    let n = cols.len();
    let (mean, inv_s) = (mean[..n].as_ptr(), inv_s[..n].as_ptr());
    let (gamma, beta) = (gamma[..n].as_ptr(), beta[..n].as_ptr());
    for r in 0..rows {
        let (o, h) = (
            out.row(r, ld, &cols).as_mut_ptr(),
            xhat.row(r, ld, &cols).as_mut_ptr(),
        );
        let x = x.row_ref(r, ld, &cols).as_ptr();
        each_vector!(V, n, |j, k| {
            let d = V::load_k(x.add(j), k).sub(V::load_k(mean.add(j), k));
            let xh = d.mul(V::load_k(inv_s.add(j), k));
            xh.store_k(h.add(j), k);
            let y = V::load_k(gamma.add(j), k).fma_v(xh, V::load_k(beta.add(j), k));
            y.store_k(o.add(j), k);
        });
    }
}

#[inline(always)]
unsafe fn bn_normalize_all_g<V: Simd>(
    out: &mut [f32],
    xhat: &mut [f32],
    x: &[f32],
    mean: &[f32],
    inv_s: &[f32],
    gamma: &[f32],
    beta: &[f32],
) {
    let n = mean.len();
    let rows = (out.len() / n).min(xhat.len() / n).min(x.len() / n);
    let (o, h) = (Out::new(out), Out::new(xhat));
    bn_normalize_g::<V>(o, h, Out::of(x), n, 0..n, rows, mean, inv_s, gamma, beta)
}

dispatch! {
    /// xhat = (x - mean) * inv_s and out = gamma * xhat + beta, row by row (n = mean.len()).
    pub fn bn_normalize(out: &mut [f32], xhat: &mut [f32], x: &[f32], mean: &[f32], inv_s: &[f32], gamma: &[f32], beta: &[f32]) => bn_normalize_all_g
}

dispatch! {
    /// `bn_normalize` of columns `cols` (the per-column vectors hold just those).
    /// Safety: nothing else touches those columns of out, xhat and x meanwhile.
    pub(crate) fn bn_normalize_cols(out: Out, xhat: Out, x: Out, ld: usize, cols: Range<usize>, rows: usize, mean: &[f32], inv_s: &[f32], gamma: &[f32], beta: &[f32]) => bn_normalize_g
}

#[inline(always)]
unsafe fn scale_shift_g<V: Simd>(out: &mut [f32], x: &[f32], scale: &[f32], shift: &[f32]) {
    let n = scale.len();
    let shift = &shift[..n];
    for (orow, xrow) in out.chunks_exact_mut(n).zip(x.chunks_exact(n)) {
        for j in 0..n {
            orow[j] = V::fma(xrow[j], scale[j], shift[j]);
        }
    }
}

dispatch! {
    /// out = x * scale + shift, per column (n = scale.len()).
    pub fn scale_shift(out: &mut [f32], x: &[f32], scale: &[f32], shift: &[f32]) => scale_shift_g
}

#[inline(always)]
unsafe fn bn_grad_sums_g<V: Simd>(
    dgamma: &mut [f32],
    dbeta: &mut [f32],
    dout: Out,
    xhat: Out,
    ld: usize,
    cols: Range<usize>,
    rows: usize,
) {
    let n = cols.len();
    let (dgamma, dbeta) = (&mut dgamma[..n], &mut dbeta[..n]);
    dgamma.fill(0.0);
    dbeta.fill(0.0);
    let (dg, db) = (dgamma.as_mut_ptr(), dbeta.as_mut_ptr());
    for r in 0..rows {
        let (d, h) = (
            dout.row_ref(r, ld, &cols).as_ptr(),
            xhat.row_ref(r, ld, &cols).as_ptr(),
        );
        each_vector!(V, n, |j, k| {
            let dv = V::load_k(d.add(j), k);
            let g = dv.fma_v(V::load_k(h.add(j), k), V::load_k(dg.add(j), k));
            g.store_k(dg.add(j), k);
            V::load_k(db.add(j), k).add(dv).store_k(db.add(j), k);
        });
    }
}

#[inline(always)]
unsafe fn bn_grad_sums_all_g<V: Simd>(
    dgamma: &mut [f32],
    dbeta: &mut [f32],
    dout: &[f32],
    xhat: &[f32],
) {
    let n = dgamma.len();
    let rows = (dout.len() / n).min(xhat.len() / n);
    bn_grad_sums_g::<V>(dgamma, dbeta, Out::of(dout), Out::of(xhat), n, 0..n, rows)
}

dispatch! {
    /// dgamma = column sums of dout * xhat, dbeta = column sums of dout (n = dgamma.len()).
    pub fn bn_grad_sums(dgamma: &mut [f32], dbeta: &mut [f32], dout: &[f32], xhat: &[f32]) => bn_grad_sums_all_g
}

dispatch! {
    /// `bn_grad_sums` of columns `cols` (dgamma and dbeta hold just those).
    /// Safety: nothing writes those columns of dout and xhat meanwhile.
    pub(crate) fn bn_grad_sums_cols(dgamma: &mut [f32], dbeta: &mut [f32], dout: Out, xhat: Out, ld: usize, cols: Range<usize>, rows: usize) => bn_grad_sums_g
}

#[inline(always)]
unsafe fn bn_dinp_g<V: Simd>(
    dinp: Out,
    dout: Out,
    xhat: Out,
    ld: usize,
    cols: Range<usize>,
    rows: usize,
    c1: &[f32],
    c2: &[f32],
    c3: &[f32],
) {
    let n = cols.len();
    let (c1, c2, c3) = (c1[..n].as_ptr(), c2[..n].as_ptr(), c3[..n].as_ptr());
    let minus = V::splat(-1.0);
    for r in 0..rows {
        let i = dinp.row(r, ld, &cols).as_mut_ptr();
        let (d, h) = (
            dout.row_ref(r, ld, &cols).as_ptr(),
            xhat.row_ref(r, ld, &cols).as_ptr(),
        );
        each_vector!(V, n, |j, k| {
            let t = V::load_k(h.add(j), k).fma_v(V::load_k(c3.add(j), k), V::load_k(c2.add(j), k));
            let y = V::load_k(d.add(j), k).fma_v(V::load_k(c1.add(j), k), minus.mul(t));
            y.store_k(i.add(j), k);
        });
    }
}

#[inline(always)]
unsafe fn bn_dinp_all_g<V: Simd>(
    dinp: &mut [f32],
    dout: &[f32],
    xhat: &[f32],
    c1: &[f32],
    c2: &[f32],
    c3: &[f32],
) {
    let n = c1.len();
    let rows = (dinp.len() / n).min(dout.len() / n).min(xhat.len() / n);
    let (i, d, h) = (Out::new(dinp), Out::of(dout), Out::of(xhat));
    bn_dinp_g::<V>(i, d, h, n, 0..n, rows, c1, c2, c3)
}

dispatch! {
    /// dinp = dout * c1 - (xhat * c3 + c2), per column (n = c1.len()).
    pub fn bn_dinp(dinp: &mut [f32], dout: &[f32], xhat: &[f32], c1: &[f32], c2: &[f32], c3: &[f32]) => bn_dinp_all_g
}

dispatch! {
    /// `bn_dinp` of columns `cols` (c1, c2, c3 hold just those).
    /// Safety: nothing else touches those columns of dinp, dout and xhat meanwhile.
    pub(crate) fn bn_dinp_cols(dinp: Out, dout: Out, xhat: Out, ld: usize, cols: Range<usize>, rows: usize, c1: &[f32], c2: &[f32], c3: &[f32]) => bn_dinp_g
}
