//! BatchNorm's passes, along rows (the feature dimension is contiguous, so every loop
//! vectorises): column statistics, normalisation, the eval-mode scale and shift, and the
//! backward's column sums and input gradient.

use super::{dispatch, Simd};

#[inline(always)]
unsafe fn bn_stats_g<V: Simd>(
    x: &[f32],
    n: usize,
    sum: &mut [f64],
    mean: &mut [f32],
    sumsq: &mut [f64],
    scratch: &mut [f32],
) {
    // Blocks of up to 8 rows are summed in f32 (a vector add per row), and only the block sums
    // go into the f64 totals: nearly f64 accuracy at nearly f32 speed.
    const BLOCK: usize = 8;
    let (sum, mean, sumsq, part) = (
        &mut sum[..n],
        &mut mean[..n],
        &mut sumsq[..n],
        &mut scratch[..n],
    );
    let rows = x.len() / n;
    sum.fill(0.0);
    for block in x.chunks(BLOCK * n) {
        let mut it = block.chunks_exact(n);
        part.copy_from_slice(it.next().expect("a block has a row"));
        for row in it {
            for (p, &v) in part.iter_mut().zip(row) {
                *p += v;
            }
        }
        for (s, &p) in sum.iter_mut().zip(part.iter()) {
            *s += p as f64;
        }
    }
    for (m, &s) in mean.iter_mut().zip(sum.iter()) {
        *m = (s / rows as f64) as f32;
    }
    sumsq.fill(0.0);
    for block in x.chunks(BLOCK * n) {
        part.fill(0.0);
        for row in block.chunks_exact(n) {
            for ((p, &v), &m) in part.iter_mut().zip(row).zip(mean.iter()) {
                let d = v - m;
                *p = V::fma(d, d, *p);
            }
        }
        for (s, &p) in sumsq.iter_mut().zip(part.iter()) {
            *s += p as f64;
        }
    }
}

dispatch! {
    /// Per column of x (rows, n): `sum`, `mean` = sum / rows, and `sumsq`, the sum of squared
    /// deviations from `mean`; totals in f64 over f32 partial sums of 8 rows. `scratch`: n floats.
    pub fn bn_stats(x: &[f32], n: usize, sum: &mut [f64], mean: &mut [f32], sumsq: &mut [f64], scratch: &mut [f32]) => bn_stats_g
}

#[inline(always)]
unsafe fn bn_normalize_g<V: Simd>(
    out: &mut [f32],
    xhat: &mut [f32],
    x: &[f32],
    mean: &[f32],
    inv_s: &[f32],
    gamma: &[f32],
    beta: &[f32],
) {
    let n = mean.len();
    let (inv_s, gamma, beta) = (&inv_s[..n], &gamma[..n], &beta[..n]);
    for ((orow, hrow), xrow) in out
        .chunks_exact_mut(n)
        .zip(xhat.chunks_exact_mut(n))
        .zip(x.chunks_exact(n))
    {
        for j in 0..n {
            let xh = (xrow[j] - mean[j]) * inv_s[j];
            hrow[j] = xh;
            orow[j] = V::fma(gamma[j], xh, beta[j]);
        }
    }
}

dispatch! {
    /// xhat = (x - mean) * inv_s and out = gamma * xhat + beta, row by row (n = mean.len()).
    pub fn bn_normalize(out: &mut [f32], xhat: &mut [f32], x: &[f32], mean: &[f32], inv_s: &[f32], gamma: &[f32], beta: &[f32]) => bn_normalize_g
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
    dout: &[f32],
    xhat: &[f32],
) {
    let n = dgamma.len();
    let dbeta = &mut dbeta[..n];
    dgamma.fill(0.0);
    dbeta.fill(0.0);
    for (drow, hrow) in dout.chunks_exact(n).zip(xhat.chunks_exact(n)) {
        for j in 0..n {
            dgamma[j] = V::fma(drow[j], hrow[j], dgamma[j]);
            dbeta[j] += drow[j];
        }
    }
}

dispatch! {
    /// dgamma = column sums of dout * xhat, dbeta = column sums of dout (n = dgamma.len()).
    pub fn bn_grad_sums(dgamma: &mut [f32], dbeta: &mut [f32], dout: &[f32], xhat: &[f32]) => bn_grad_sums_g
}

#[inline(always)]
unsafe fn bn_dinp_g<V: Simd>(
    dinp: &mut [f32],
    dout: &[f32],
    xhat: &[f32],
    c1: &[f32],
    c2: &[f32],
    c3: &[f32],
) {
    let n = c1.len();
    let (c2, c3) = (&c2[..n], &c3[..n]);
    for (irow, (drow, hrow)) in dinp
        .chunks_exact_mut(n)
        .zip(dout.chunks_exact(n).zip(xhat.chunks_exact(n)))
    {
        for j in 0..n {
            irow[j] = V::fma(drow[j], c1[j], -V::fma(hrow[j], c3[j], c2[j]));
        }
    }
}

dispatch! {
    /// dinp = dout * c1 - (xhat * c3 + c2), per column (n = c1.len()).
    pub fn bn_dinp(dinp: &mut [f32], dout: &[f32], xhat: &[f32], c1: &[f32], c2: &[f32], c3: &[f32]) => bn_dinp_g
}
