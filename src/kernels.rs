//! The matrix kernels of the training step, on row-major f32 slices. Written as axpy loops and
//! dot products with independent accumulators so that LLVM vectorises them (SIMD128 on wasm,
//! SSE/AVX natively). Shapes are given once, in each doc line.

/// out (m, n) = a (m, k) @ b (k, n), plus `bias` (n) on every row when given.
pub fn matmul(
    out: &mut [f32],
    a: &[f32],
    b: &[f32],
    bias: Option<&[f32]>,
    m: usize,
    k: usize,
    n: usize,
) {
    debug_assert_eq!(out.len(), m * n);
    debug_assert_eq!(a.len(), m * k);
    debug_assert_eq!(b.len(), k * n);
    for i in 0..m {
        let orow = &mut out[i * n..(i + 1) * n];
        match bias {
            Some(bias) => orow.copy_from_slice(bias),
            None => orow.fill(0.0),
        }
        let arow = &a[i * k..(i + 1) * k];
        for (p, &av) in arow.iter().enumerate() {
            let brow = &b[p * n..(p + 1) * n];
            for (o, &bv) in orow.iter_mut().zip(brow) {
                *o += av * bv;
            }
        }
    }
}

/// dw (k, n) = a^T @ d, for a (m, k) and d (m, n): the weight gradient of `a @ w`.
pub fn matmul_at_b(dw: &mut [f32], a: &[f32], d: &[f32], m: usize, k: usize, n: usize) {
    debug_assert_eq!(dw.len(), k * n);
    dw.fill(0.0);
    for r in 0..m {
        let arow = &a[r * k..(r + 1) * k];
        let drow = &d[r * n..(r + 1) * n];
        for (p, &av) in arow.iter().enumerate() {
            let wrow = &mut dw[p * n..(p + 1) * n];
            for (o, &dv) in wrow.iter_mut().zip(drow) {
                *o += av * dv;
            }
        }
    }
}

/// da (m, k) = d (m, n) @ w^T, for w (k, n): the input gradient of `a @ w`.
pub fn matmul_a_bt(da: &mut [f32], d: &[f32], w: &[f32], m: usize, k: usize, n: usize) {
    debug_assert_eq!(da.len(), m * k);
    for r in 0..m {
        let drow = &d[r * n..(r + 1) * n];
        for p in 0..k {
            da[r * k + p] = dot(drow, &w[p * n..(p + 1) * n]);
        }
    }
}

/// Dot product with 8 independent accumulators (vectorisable without reassociating a chain).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    let mut acc = [0.0f32; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for j in 0..8 {
            acc[j] += x[j] * y[j];
        }
    }
    let mut tail = 0.0;
    for (x, y) in ra.iter().zip(rb) {
        tail += x * y;
    }
    (acc[0] + acc[4]) + (acc[1] + acc[5]) + (acc[2] + acc[6]) + (acc[3] + acc[7]) + tail
}

/// Sum of each column of x (m, n) into out (n).
pub fn col_sum(out: &mut [f32], x: &[f32], m: usize, n: usize) {
    out.fill(0.0);
    for r in 0..m {
        for (o, &v) in out.iter_mut().zip(&x[r * n..(r + 1) * n]) {
            *o += v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Vec<f32> {
        let mut out = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                out[i * n + j] = (0..k)
                    .map(|p| a[i * k + p] as f64 * b[p * n + j] as f64)
                    .sum::<f64>() as f32;
            }
        }
        out
    }

    fn transpose(x: &[f32], r: usize, c: usize) -> Vec<f32> {
        let mut t = vec![0.0; r * c];
        for i in 0..r {
            for j in 0..c {
                t[j * r + i] = x[i * c + j];
            }
        }
        t
    }

    fn close(a: &[f32], b: &[f32]) {
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() <= 1e-4 * (1.0 + y.abs()), "{x} vs {y}");
        }
    }

    #[test]
    fn kernels_match_naive_on_odd_shapes() {
        let mut rng = crate::rng::Rng::new(9);
        for &(m, k, n) in &[(1, 1, 1), (3, 5, 7), (32, 30, 200), (17, 33, 27)] {
            let mut a = vec![0.0; m * k];
            let mut b = vec![0.0; k * n];
            let mut bias = vec![0.0; n];
            rng.fill_normal(&mut a, 1.0);
            rng.fill_normal(&mut b, 1.0);
            rng.fill_normal(&mut bias, 1.0);
            let mut out = vec![0.0; m * n];
            matmul(&mut out, &a, &b, None, m, k, n);
            close(&out, &naive(&a, &b, m, k, n));
            matmul(&mut out, &a, &b, Some(&bias), m, k, n);
            let mut want = naive(&a, &b, m, k, n);
            for (i, w) in want.iter_mut().enumerate() {
                *w += bias[i % n];
            }
            close(&out, &want);
            // a^T @ d with d = out (m, n)
            let mut dw = vec![0.0; k * n];
            matmul_at_b(&mut dw, &a, &out, m, k, n);
            close(&dw, &naive(&transpose(&a, m, k), &out, k, m, n));
            // d @ b^T
            let mut da = vec![0.0; m * k];
            matmul_a_bt(&mut da, &out, &b, m, k, n);
            close(&da, &naive(&out, &transpose(&b, k, n), m, n, k));
        }
    }
}
