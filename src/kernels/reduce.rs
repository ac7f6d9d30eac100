//! Reductions: a row's maximum, column sums, and the sum and sum of squares of a slice.

use super::blocks::Out;
use super::{dispatch, Simd};
use std::ops::Range;

#[inline(always)]
pub(super) unsafe fn row_max_g<V: Simd>(row: &[f32]) -> f32 {
    // 8 running maxima over blocks of 8 (`Simd::max`: an element replaces one only when it is
    // greater, so NaN is skipped), then those and the rest in order.
    debug_assert!(8 % V::W == 0);
    let (p, n) = (row.as_ptr(), row.len());
    let mut acc = [V::splat(f32::NEG_INFINITY); 2];
    let full = n / 8 * 8;
    let mut i = 0;
    while i < full {
        for h in 0..8 / V::W {
            acc[h] = acc[h].max(V::load(p.add(i + h * V::W)));
        }
        i += 8;
    }
    let mut lanes = [0.0f32; 8];
    for h in 0..8 / V::W {
        acc[h].store(lanes.as_mut_ptr().add(h * V::W));
    }
    let mut m = f32::NEG_INFINITY;
    for &x in lanes.iter().chain(&row[full..]) {
        m = if x > m { x } else { m };
    }
    m
}

dispatch! {
    /// The largest element (NaN elements are skipped; -inf for an empty row).
    pub fn row_max(row: &[f32]) -> f32 => row_max_g
}

#[inline(always)]
unsafe fn col_sum_g<V: Simd>(out: &mut [f32], x: Out, ld: usize, cols: Range<usize>, m: usize) {
    let out = &mut out[..cols.len()];
    out.fill(0.0);
    for r in 0..m {
        for (o, &v) in out.iter_mut().zip(x.row_ref(r, ld, &cols)) {
            *o += v;
        }
    }
}

#[inline(always)]
unsafe fn col_sum_all_g<V: Simd>(out: &mut [f32], x: &[f32], m: usize, n: usize) {
    col_sum_g::<V>(out, Out::of(&x[..m * n]), n, 0..n, m)
}

dispatch! {
    /// Sum of each column of x (m, n) into out (n).
    pub fn col_sum(out: &mut [f32], x: &[f32], m: usize, n: usize) => col_sum_all_g
}

dispatch! {
    /// `col_sum` of columns `cols` of x (m rows of `ld`) into out (`cols.len()`).
    /// Safety: nothing writes those columns of x meanwhile.
    pub(crate) fn col_sum_cols(out: &mut [f32], x: Out, ld: usize, cols: Range<usize>, m: usize) => col_sum_g
}

#[inline(always)]
unsafe fn sum_sumsq_g<V: Simd>(xs: &[f32]) -> (f64, f64) {
    let w = V::W;
    let (mut sum, mut sumsq) = (0.0f64, 0.0f64);
    // f32 vector accumulators over blocks of 256, added up in f64.
    for block in xs.chunks(256) {
        let p = block.as_ptr();
        let full = block.len() / (2 * w) * (2 * w);
        let (mut s0, mut s1, mut q0, mut q1) = (V::zero(), V::zero(), V::zero(), V::zero());
        let mut i = 0;
        while i < full {
            let a = V::load(p.add(i));
            let b = V::load(p.add(i + w));
            s0 = s0.add(a);
            s1 = s1.add(b);
            q0 = q0.madd(a, a);
            q1 = q1.madd(b, b);
            i += 2 * w;
        }
        let mut bs = s0.add(s1).hsum() as f64;
        let mut bq = q0.add(q1).hsum() as f64;
        for &x in &block[full..] {
            bs += x as f64;
            bq += x as f64 * x as f64;
        }
        sum += bs;
        sumsq += bq;
    }
    (sum, sumsq)
}

dispatch! {
    /// (sum of x, sum of x^2), in f32 vectors over blocks of 256 elements, totalled in f64.
    pub fn sum_sumsq(xs: &[f32]) -> (f64, f64) => sum_sumsq_g
}
