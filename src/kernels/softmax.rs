//! Softmax cross-entropy, fused: the loss and dlogits of a batch in one pass per row, and the
//! row's sum of exponentials for a single softmax.
//!
//! The exponentials are explicit vector code (`exp_v` of `clamp_v`): written as scalar loops,
//! LLVM turned their clamp into a vector min and max only in the relaxed-simd build and took
//! the plain simd128 build's clamps lane by lane. Each lane gets the scalar `exp_core` of
//! `clamp_nan`'s value, and the partial sums are added in the order of the scalar loops (8
//! running sums over blocks of 8, the rest in order), so the results are those of the scalar
//! code bit for bit.

use super::elementwise::{clamp_v, exp_v};
use super::reduce::row_max_g;
use super::{dispatch, Simd};

/// exp(x - shift) of the first `k` (<= W) lanes at `p`, x - shift clamped to [-87, 88]; the
/// other lanes hold exp(-shift) of zeros, never summed or stored.
#[inline(always)]
unsafe fn exp_shifted<V: Simd>(p: *const f32, k: usize, shift: V) -> V {
    exp_v(clamp_v(V::load_k(p, k).sub(shift), -87.0, 88.0))
}

/// The 8 running sums of `exp(x - shift)` over the row's blocks of 8 (lane j of `acc` sums the
/// j-th element of every block), and the exponentials of the last `len % 8` elements in order;
/// every exponential is also stored to `out[..len]` unless `out` is null.
#[inline(always)]
unsafe fn exp_blocks<V: Simd>(
    row: &[f32],
    shift: f32,
    out: *mut f32,
) -> ([f32; 8], [f32; 8], usize) {
    debug_assert!(8 % V::W == 0);
    let (p, n, sv) = (row.as_ptr(), row.len(), V::splat(shift));
    let mut acc = [V::zero(); 2];
    let full = n / 8 * 8;
    let mut i = 0;
    while i < full {
        for h in 0..8 / V::W {
            let e = exp_shifted::<V>(p.add(i + h * V::W), V::W, sv);
            if !out.is_null() {
                e.store(out.add(i + h * V::W));
            }
            acc[h] = acc[h].add(e);
        }
        i += 8;
    }
    let (mut sums, mut rest) = ([0.0f32; 8], [0.0f32; 8]);
    for h in 0..8 / V::W {
        acc[h].store(sums.as_mut_ptr().add(h * V::W));
    }
    let r = n - full;
    let mut j = 0;
    while j < r {
        let k = (r - j).min(V::W);
        let e = exp_shifted::<V>(p.add(full + j), k, sv);
        e.store_k(rest.as_mut_ptr().add(j), k);
        if !out.is_null() {
            e.store_k(out.add(full + j), k);
        }
        j += V::W;
    }
    (sums, rest, r)
}

/// The fixed order in which the 8 running sums are added up.
#[inline(always)]
fn tree8(a: &[f32; 8]) -> f32 {
    ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]))
}

#[inline(always)]
unsafe fn sum_exp_g<V: Simd>(row: &[f32], shift: f32) -> f32 {
    let (acc, rest, r) = exp_blocks::<V>(row, shift, std::ptr::null_mut());
    let mut tail = 0.0f32;
    for &e in &rest[..r] {
        tail += e;
    }
    tree8(&acc) + tail
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
        let sum = if want_grad {
            // The exponentials also go to dlogits' row; the rest is summed on its own first.
            let drow = &mut dlogits[r * vocab..(r + 1) * vocab];
            let (mut acc, rest, n) = exp_blocks::<V>(row, max, drow.as_mut_ptr());
            acc[0] += rest[..n].iter().sum::<f32>();
            tree8(&acc)
        } else {
            let (mut acc, rest, n) = exp_blocks::<V>(row, max, std::ptr::null_mut());
            for &e in &rest[..n] {
                acc[0] += e;
            }
            tree8(&acc)
        };
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

#[cfg(test)]
mod tests {
    use super::super::elementwise::clamp_nan;
    use super::super::elementwise::tests::exp_scalar;
    use super::super::{row_max, Portable};
    use super::*;

    /// The scalar code these kernels had before their explicit vector exponentials: the
    /// reference they must equal bit for bit.
    #[inline(always)]
    unsafe fn row_max_ref<V: Simd>(row: &[f32]) -> f32 {
        let mut acc = [f32::NEG_INFINITY; 8];
        let c = row.chunks_exact(8);
        let rest = c.remainder();
        for x in c {
            for j in 0..8 {
                acc[j] = if x[j] > acc[j] { x[j] } else { acc[j] };
            }
        }
        let mut m = f32::NEG_INFINITY;
        for &x in acc.iter().chain(rest) {
            m = if x > m { x } else { m };
        }
        m
    }

    #[inline(always)]
    unsafe fn sum_exp_ref<V: Simd>(row: &[f32], shift: f32) -> f32 {
        let e = |x: f32| exp_scalar::<V>(clamp_nan(x - shift, -87.0, 88.0));
        let mut acc = [0.0f32; 8];
        let c = row.chunks_exact(8);
        let rest = c.remainder();
        for x in c {
            for j in 0..8 {
                acc[j] += e(x[j]);
            }
        }
        let mut tail = 0.0f32;
        for &x in rest {
            tail += e(x);
        }
        ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
    }

    #[inline(always)]
    unsafe fn softmax_xent_ref<V: Simd>(
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
            let max = row_max_ref::<V>(row);
            let e = |x: f32| exp_scalar::<V>(clamp_nan(x - max, -87.0, 88.0));
            let mut acc = [0.0f32; 8];
            if want_grad {
                let drow = &mut dlogits[r * vocab..(r + 1) * vocab];
                for (dv, &v) in drow.iter_mut().zip(row) {
                    *dv = e(v);
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
                        acc[j] += e(x[j]);
                    }
                }
                for &x in rest {
                    acc[0] += e(x);
                }
            }
            let sum =
                ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
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

    /// Rows of every length up to 40 (the vocabulary is 27 on the page): normal logits, huge
    /// ones (clamped exponentials), and NaN, +-inf and +-0 among them.
    fn rows() -> Vec<Vec<f32>> {
        let mut rng = crate::rng::Rng::new(11);
        let mut out = Vec::new();
        for n in 1..=40 {
            for (kind, scale) in [(0, 1.0), (1, 30.0), (2, 200.0), (3, 3.0), (4, 1.0)] {
                let mut row = vec![0.0f32; n];
                rng.fill_normal(&mut row, scale);
                match kind {
                    3 => row[n / 2] = f32::NAN,
                    4 => {
                        row[0] = -0.0;
                        row[n - 1] = 0.0;
                        row[n / 3] = if n % 2 == 0 {
                            f32::INFINITY
                        } else {
                            f32::NEG_INFINITY
                        };
                    }
                    _ => {}
                }
                out.push(row);
            }
        }
        out
    }

    /// Every kernel of this file and `row_max` against the scalar reference on `V`: the number
    /// of results whose bits differ.
    #[inline(always)]
    unsafe fn mismatches_g<V: Simd>() -> usize {
        let same = |a: f32, b: f32| a.to_bits() == b.to_bits();
        let mut bad = 0;
        for row in rows() {
            let n = row.len();
            let m = row_max_g::<V>(&row);
            bad += usize::from(!same(m, row_max_ref::<V>(&row)));
            for shift in [m, 0.0, -3.5, 1e30] {
                bad += usize::from(!same(
                    sum_exp_g::<V>(&row, shift),
                    sum_exp_ref::<V>(&row, shift),
                ));
            }
            // The row as a batch of rows of 1..=n columns.
            for vocab in [n, n.div_ceil(2), 1] {
                let batch = n / vocab;
                let logits = &row[..batch * vocab];
                let targets: Vec<u32> = (0..batch).map(|i| ((i * 7) % vocab) as u32).collect();
                for want_grad in [true, false] {
                    let (mut d1, mut d2) =
                        (vec![f32::NAN; batch * vocab], vec![1.0; batch * vocab]);
                    let l1 = softmax_xent_g::<V>(logits, &targets, vocab, &mut d1, want_grad);
                    let l2 = softmax_xent_ref::<V>(logits, &targets, vocab, &mut d2, want_grad);
                    bad += usize::from(l1.to_bits() != l2.to_bits());
                    if want_grad {
                        bad += d1.iter().zip(&d2).filter(|(a, b)| !same(**a, **b)).count();
                    }
                }
            }
        }
        bad
    }

    dispatch! {
        /// `mismatches_g` on the backend the kernels run with.
        fn mismatches() -> usize => mismatches_g
    }

    #[test]
    fn softmax_sum_exp_and_row_max_are_the_scalar_code_bit_for_bit() {
        assert_eq!(mismatches(), 0, "on {}", crate::kernels::backend());
        assert_eq!(
            unsafe { mismatches_g::<Portable>() },
            0,
            "on the portable backend"
        );
    }

    #[test]
    fn row_max_skips_nan_and_softmax_of_a_nan_row_is_nan() {
        assert_eq!(row_max(&[f32::NAN, 1.0, 2.0, f32::NAN]), 2.0);
        assert_eq!(row_max(&[f32::NAN; 9]), f32::NEG_INFINITY);
        assert_eq!(row_max(&[]), f32::NEG_INFINITY);
        let logits = [0.5, f32::NAN, -1.0];
        let mut d = [0.0; 3];
        assert!(softmax_xent(&logits, &[0], 3, &mut d, true).is_nan());
        assert!(d.iter().all(|x| x.is_nan()));
        assert_eq!(sum_exp(&[0.0; 27], 0.0), 27.0);
        // Clamped: exp(-87) for anything below, never 0 or a denormal.
        let tiny = sum_exp(&[-1e30], 0.0);
        assert!(tiny > 0.0 && tiny.is_normal(), "{tiny}");
    }
}
