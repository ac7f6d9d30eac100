//! The matrix products of a Linear layer, as register-blocked micro-kernels over a strided
//! operand (`Mat`): `matmul` (out = a @ w + bias), `matmul_at_b` (dw = a^T @ d), `matmul_a_bt`
//! and `matmul_a_bt_short` (da = d @ w^T), plus `transpose` and `dot`. Their blocks for threads
//! are in `blocks.rs`.

use super::tile::{bias_tile, store_tile, whole_rows};
use super::{dispatch, Simd};
use std::ops::Range;

/// Loads the last, partial vector of a row: `n` valid lanes at `p`, `avail` readable floats from
/// `p` on. Reading past the row (into the next one) is cheaper than a partial load; the extra
/// lanes are zeroed.
#[inline(always)]
unsafe fn load_tail<V: Simd>(p: *const f32, n: usize, avail: usize) -> V {
    if avail >= V::W {
        V::load(p).keep_n(n)
    } else {
        V::load_n(p, n)
    }
}

/// A matrix operand: element (i, j) is at `ptr + i * rs + j * cs`; `len` floats are readable.
#[derive(Clone, Copy)]
pub(super) struct Mat {
    pub(super) ptr: *const f32,
    pub(super) rs: usize,
    pub(super) cs: usize,
    pub(super) len: usize,
}

impl Mat {
    /// `s` read with row stride `rs` and column stride `cs`.
    pub(super) fn new(s: &[f32], rs: usize, cs: usize) -> Mat {
        Mat {
            ptr: s.as_ptr(),
            rs,
            cs,
            len: s.len(),
        }
    }
}

/// C[i0.., j0..] = bias + A(i, :) @ B(:, j) for an `R` x (`NVV` vectors) tile of C, where the last
/// vector holds `last` (<= W) columns. A is broadcast one element at a time (any strides); B's
/// rows are contiguous (`b.cs == 1`). B rows whose vector load would run past the end of B are
/// loaded partially; other loads may read into the next row: those lanes are never stored.
#[inline(always)]
unsafe fn bcast_tile<V: Simd, const R: usize, const NVV: usize>(
    k: usize,
    a: Mat,
    i0: usize,
    b: Mat,
    j0: usize,
    last: usize,
    bias: *const f32,
    c: *mut f32,
    c_rs: usize,
) {
    let w = V::W;
    let mut acc = bias_tile::<V, R, NVV>(bias, j0, last);
    // B rows p < k_full can be loaded as whole vectors (over-reading into the next row).
    let k_full = whole_rows(b, j0, NVV * w, last, w, k);
    let ap = a.ptr.add(i0 * a.rs);
    for p in 0..k_full {
        bcast_step::<V, R, NVV, true>(
            &mut acc,
            ap.add(p * a.cs),
            a.rs,
            b.ptr.add(p * b.rs + j0),
            last,
        );
    }
    for p in k_full..k {
        bcast_step::<V, R, NVV, false>(
            &mut acc,
            ap.add(p * a.cs),
            a.rs,
            b.ptr.add(p * b.rs + j0),
            last,
        );
    }
    store_tile::<V, R, NVV>(&acc, c, c_rs, i0, j0, last);
}

/// One rank-1 update of the tile: acc[i][v] += A(i, p) * B(p, v-th vector). `FULL`: every B
/// vector is loaded whole; else the last one holds `last` lanes.
#[inline(always)]
unsafe fn bcast_step<V: Simd, const R: usize, const NVV: usize, const FULL: bool>(
    acc: &mut [[V; NVV]; R],
    acol: *const f32,
    a_rs: usize,
    brow: *const f32,
    last: usize,
) {
    let w = V::W;
    let mut bv = [V::zero(); NVV];
    for (v, x) in bv.iter_mut().enumerate() {
        *x = if FULL || v + 1 < NVV {
            V::load(brow.add(v * w))
        } else {
            V::load_n(brow.add(v * w), last)
        };
    }
    for (i, row) in acc.iter_mut().enumerate() {
        let av = V::splat(*acol.add(i * a_rs));
        for v in 0..NVV {
            row[v] = row[v].madd(av, bv[v]);
        }
    }
}

/// Runs `bcast_tile` over rows `i0..i0 + rows` (rows <= MR) with the row count as a constant.
#[inline(always)]
unsafe fn bcast_rows<V: Simd, const NVV: usize>(
    rows: usize,
    k: usize,
    a: Mat,
    i0: usize,
    b: Mat,
    j0: usize,
    last: usize,
    bias: *const f32,
    c: *mut f32,
    c_rs: usize,
) {
    match rows {
        6 => bcast_tile::<V, 6, NVV>(k, a, i0, b, j0, last, bias, c, c_rs),
        5 => bcast_tile::<V, 5, NVV>(k, a, i0, b, j0, last, bias, c, c_rs),
        4 => bcast_tile::<V, 4, NVV>(k, a, i0, b, j0, last, bias, c, c_rs),
        3 => bcast_tile::<V, 3, NVV>(k, a, i0, b, j0, last, bias, c, c_rs),
        2 => bcast_tile::<V, 2, NVV>(k, a, i0, b, j0, last, bias, c, c_rs),
        _ => bcast_tile::<V, 1, NVV>(k, a, i0, b, j0, last, bias, c, c_rs),
    }
}

/// C (m, n) = bias + A (m, k) @ B (k, n), with B's rows contiguous, written to `c` (row stride n);
/// only C's columns `cols` (whose start is a multiple of the panel width, `NV * W`, so the tiles
/// are those of the whole product and each element is summed in the same order).
/// Column panels of NV vectors outside, row tiles of MR inside, so a panel of B (k x NV*W) stays
/// in L1 while every row tile of A streams past it. A backend with `Simd::PACK_A` broadcasts A
/// ahead (`kernels::packed`) when `cols` has enough panels to pay for it, and otherwise calls
/// one copy of this kernel (not inlined into every product: the builds' size).
#[inline(always)]
pub(super) unsafe fn gemm<V: Simd>(
    m: usize,
    k: usize,
    n: usize,
    a: Mat,
    b: Mat,
    bias: *const f32,
    c: *mut f32,
    cols: Range<usize>,
) {
    if V::PACK_A {
        if super::packed::pays::<V>(cols.len()) {
            return super::packed::gemm_packed::<V>(m, k, n, a, b, bias, c, cols);
        }
        return super::packed::gemm_outlined::<V>(m, k, n, a, b, bias, c, cols);
    }
    gemm_bcast::<V>(m, k, n, a, b, bias, c, cols)
}

/// `gemm`'s broadcast kernel.
#[inline(always)]
pub(super) unsafe fn gemm_bcast<V: Simd>(
    m: usize,
    k: usize,
    n: usize,
    a: Mat,
    b: Mat,
    bias: *const f32,
    c: *mut f32,
    cols: Range<usize>,
) {
    let w = V::W;
    let panel = V::NV * w;
    let (mut j0, n_end) = (cols.start, cols.end);
    while j0 < n_end {
        let cols = (n_end - j0).min(panel);
        let mut i0 = 0;
        while i0 < m {
            let rows = (m - i0).min(V::MR);
            if cols == panel {
                match V::NV {
                    3 => bcast_rows::<V, 3>(rows, k, a, i0, b, j0, w, bias, c, n),
                    2 => bcast_rows::<V, 2>(rows, k, a, i0, b, j0, w, bias, c, n),
                    _ => bcast_rows::<V, 1>(rows, k, a, i0, b, j0, w, bias, c, n),
                }
            } else {
                // The panel's leftover: one vector at a time, the last maybe partial.
                let mut j = j0;
                while j < n_end {
                    let last = (n_end - j).min(w);
                    bcast_rows::<V, 1>(rows, k, a, i0, b, j, last, bias, c, n);
                    j += w;
                }
            }
            i0 += V::MR;
        }
        j0 += panel;
    }
}

/// C[i, j] = sum_l A[i, l] * B[j, l] for an `R` x `P` tile: dot products of rows of A with rows of
/// B (both contiguous, length n), `R * P` vector accumulators; C(i, j) is at `c + i*c_rs + j`.
#[inline(always)]
unsafe fn dot_tile<V: Simd, const R: usize, const P: usize>(
    n: usize,
    a: Mat,
    i0: usize,
    b: Mat,
    j0: usize,
    c: *mut f32,
    c_rs: usize,
) {
    let w = V::W;
    let mut acc = [[V::zero(); P]; R];
    let n_full = n / w * w;
    let mut l = 0;
    while l < n_full {
        let mut bv = [V::zero(); P];
        for (j, x) in bv.iter_mut().enumerate() {
            *x = V::load(b.ptr.add((j0 + j) * b.rs + l));
        }
        for (i, row) in acc.iter_mut().enumerate() {
            let av = V::load(a.ptr.add((i0 + i) * a.rs + l));
            for j in 0..P {
                row[j] = row[j].madd(av, bv[j]);
            }
        }
        l += w;
    }
    if l < n {
        let t = n - l;
        let mut bv = [V::zero(); P];
        for (j, x) in bv.iter_mut().enumerate() {
            let off = (j0 + j) * b.rs + l;
            *x = load_tail::<V>(b.ptr.add(off), t, b.len - off);
        }
        for (i, row) in acc.iter_mut().enumerate() {
            let off = (i0 + i) * a.rs + l;
            let av = load_tail::<V>(a.ptr.add(off), t, a.len - off);
            for j in 0..P {
                row[j] = row[j].madd(av, bv[j]);
            }
        }
    }
    for (i, row) in acc.iter().enumerate() {
        let out = c.add((i0 + i) * c_rs + j0);
        if P == 4 {
            V::hsum4(row[0], row[1], row[2], row[3], out);
        } else {
            for (j, x) in row.iter().enumerate() {
                *out.add(j) = x.hsum();
            }
        }
    }
}

#[inline(always)]
unsafe fn dot_rows<V: Simd, const P: usize>(
    rows: usize,
    n: usize,
    a: Mat,
    i0: usize,
    b: Mat,
    j0: usize,
    c: *mut f32,
    c_rs: usize,
) {
    match rows {
        4 => dot_tile::<V, 4, P>(n, a, i0, b, j0, c, c_rs),
        3 => dot_tile::<V, 3, P>(n, a, i0, b, j0, c, c_rs),
        2 => dot_tile::<V, 2, P>(n, a, i0, b, j0, c, c_rs),
        _ => dot_tile::<V, 1, P>(n, a, i0, b, j0, c, c_rs),
    }
}

/// C (m, k) = A (m, n) @ B (k, n)^T as blocked dot products; C's row stride is k. Only C's
/// columns `cols` (whose start is a multiple of `DP`, so each column takes the same path as in
/// the whole product).
#[inline(always)]
pub(super) unsafe fn gemm_dots<V: Simd>(
    m: usize,
    n: usize,
    k: usize,
    a: Mat,
    b: Mat,
    c: *mut f32,
    cols: Range<usize>,
) {
    let (mut j0, k_end) = (cols.start, cols.end);
    while j0 < k_end {
        let cols = (k_end - j0).min(V::DP);
        let mut i0 = 0;
        while i0 < m {
            let rows = (m - i0).min(V::DR);
            match (cols == V::DP, V::DP) {
                (true, 4) => dot_rows::<V, 4>(rows, n, a, i0, b, j0, c, k),
                (true, 2) => dot_rows::<V, 2>(rows, n, a, i0, b, j0, c, k),
                _ => {
                    for j in j0..j0 + cols {
                        dot_rows::<V, 1>(rows, n, a, i0, b, j, c, k);
                    }
                }
            }
            i0 += V::DR;
        }
        j0 += V::DP;
    }
}

#[inline(always)]
unsafe fn matmul_g<V: Simd>(
    out: &mut [f32],
    a: &[f32],
    b: &[f32],
    bias: Option<&[f32]>,
    m: usize,
    k: usize,
    n: usize,
) {
    assert!(out.len() >= m * n && a.len() >= m * k && b.len() >= k * n);
    if let Some(bias) = bias {
        assert!(bias.len() >= n);
    }
    if k == 0 {
        for row in out[..m * n].chunks_exact_mut(n.max(1)) {
            match bias {
                Some(bias) => row.copy_from_slice(&bias[..n]),
                None => row.fill(0.0),
            }
        }
        return;
    }
    let am = Mat::new(a, k, 1);
    let bm = Mat::new(b, n, 1);
    let bias = bias.map_or(std::ptr::null(), |b| b.as_ptr());
    gemm::<V>(m, k, n, am, bm, bias, out.as_mut_ptr(), 0..n);
}

dispatch! {
    /// out (m, n) = a (m, k) @ b (k, n), plus `bias` (n) on every row when given.
    pub fn matmul(out: &mut [f32], a: &[f32], b: &[f32], bias: Option<&[f32]>, m: usize, k: usize, n: usize) => matmul_g
}

#[inline(always)]
unsafe fn matmul_at_b_g<V: Simd>(
    dw: &mut [f32],
    a: &[f32],
    d: &[f32],
    m: usize,
    k: usize,
    n: usize,
) {
    assert!(dw.len() >= k * n && a.len() >= m * k && d.len() >= m * n);
    if m == 0 {
        dw[..k * n].fill(0.0);
        return;
    }
    // dw (k, n) = A' (k, m) @ d (m, n) with A'(p, r) = a[r * k + p].
    let am = Mat::new(a, 1, k);
    let dm = Mat::new(d, n, 1);
    gemm::<V>(k, m, n, am, dm, std::ptr::null(), dw.as_mut_ptr(), 0..n);
}

dispatch! {
    /// dw (k, n) = a^T @ d, for a (m, k) and d (m, n): the weight gradient of `a @ w`.
    pub fn matmul_at_b(dw: &mut [f32], a: &[f32], d: &[f32], m: usize, k: usize, n: usize) => matmul_at_b_g
}

#[inline(always)]
unsafe fn matmul_a_bt_g<V: Simd>(
    da: &mut [f32],
    d: &[f32],
    w: &[f32],
    m: usize,
    k: usize,
    n: usize,
) {
    assert!(da.len() >= m * k && d.len() >= m * n && w.len() >= k * n);
    if n == 0 {
        da[..m * k].fill(0.0);
        return;
    }
    let dm = Mat::new(d, n, 1);
    let wm = Mat::new(w, n, 1);
    gemm_dots::<V>(m, n, k, dm, wm, da.as_mut_ptr(), 0..k);
}

dispatch! {
    /// da (m, k) = d (m, n) @ w^T, for w (k, n): the input gradient of `a @ w`.
    pub fn matmul_a_bt(da: &mut [f32], d: &[f32], w: &[f32], m: usize, k: usize, n: usize) => matmul_a_bt_g
}

/// Below this reduction length the input gradient `d @ w^T` transposes w and uses the
/// broadcast kernel: a dot product over fewer than this many elements spends more on its tail and
/// horizontal sum than on multiply-adds.
pub const SHORT_DOT: usize = 64;

#[inline(always)]
unsafe fn matmul_a_bt_short_g<V: Simd>(
    da: &mut [f32],
    d: &[f32],
    w: &[f32],
    wt: &mut [f32],
    m: usize,
    k: usize,
    n: usize,
) {
    assert!(da.len() >= m * k && d.len() >= m * n && w.len() >= k * n && wt.len() >= k * n);
    transpose_g::<V>(&mut wt[..k * n], &w[..k * n], k, n);
    matmul_g::<V>(da, d, wt, None, m, n, k);
}

dispatch! {
    /// da (m, k) = d (m, n) @ w^T like `matmul_a_bt`, through `wt` (k * n floats of scratch, which
    /// receives w^T): faster when n is small (below `SHORT_DOT`).
    pub fn matmul_a_bt_short(da: &mut [f32], d: &[f32], w: &[f32], wt: &mut [f32], m: usize, k: usize, n: usize) => matmul_a_bt_short_g
}

#[inline(always)]
unsafe fn transpose_g<V: Simd>(out: &mut [f32], x: &[f32], rows: usize, cols: usize) {
    // W x W blocks (`Simd::transpose_block`: shuffles on wasm), then the ragged edges.
    let (o, x) = (out[..rows * cols].as_mut_ptr(), x[..rows * cols].as_ptr());
    let w = V::W;
    let (rf, cf) = (rows / w * w, cols / w * w);
    for r0 in (0..rf).step_by(w) {
        for c0 in (0..cf).step_by(w) {
            V::transpose_block(x.add(r0 * cols + c0), cols, o.add(c0 * rows + r0), rows);
        }
    }
    for r in 0..rows {
        let c0 = if r < rf { cf } else { 0 };
        for c in c0..cols {
            *o.add(c * rows + r) = *x.add(r * cols + c);
        }
    }
}

dispatch! {
    /// out (cols, rows) = x (rows, cols)^T.
    pub fn transpose(out: &mut [f32], x: &[f32], rows: usize, cols: usize) => transpose_g
}

#[inline(always)]
unsafe fn dot_g<V: Simd>(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let mut out = 0.0f32;
    if n == 0 {
        return 0.0;
    }
    let am = Mat::new(&a[..n], n, 1);
    let bm = Mat::new(&b[..n], n, 1);
    dot_tile::<V, 1, 1>(n, am, 0, bm, 0, &mut out as *mut f32, 1);
    out
}

dispatch! {
    /// Dot product of two equally long slices.
    pub fn dot(a: &[f32], b: &[f32]) -> f32 => dot_g
}

#[cfg(test)]
mod tests {
    use super::super::Portable;
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
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() <= 1e-4 * (1.0 + y.abs()), "{x} vs {y}");
        }
    }

    /// Each kernel on shapes with every kind of edge, comparing with f64 naive loops, with the
    /// active backend and with the portable one. Buffers are exactly sized, so a read past the
    /// end would be caught by the slice asserts (and by Miri).
    #[test]
    fn kernels_match_naive_on_odd_shapes() {
        let mut rng = crate::rng::Rng::new(9);
        let shapes = [
            (1, 1, 1),
            (3, 5, 7),
            (32, 30, 200),
            (17, 33, 27),
            (5, 200, 27),
            (32, 200, 27),
            (2, 3, 9),
            (9, 1, 25),
            (4, 16, 24),
            (7, 2, 50),
        ];
        for &(m, k, n) in &shapes {
            let (a, b, bias) = super::super::testing::operands(&mut rng, m, k, n);
            let mut out = vec![f32::NAN; m * n];
            matmul(&mut out, &a, &b, None, m, k, n);
            close(&out, &naive(&a, &b, m, k, n));
            matmul(&mut out, &a, &b, Some(&bias), m, k, n);
            let mut want = naive(&a, &b, m, k, n);
            for (i, w) in want.iter_mut().enumerate() {
                *w += bias[i % n];
            }
            close(&out, &want);
            // a^T @ d with d = out (m, n)
            let mut dw = vec![f32::NAN; k * n];
            matmul_at_b(&mut dw, &a, &out, m, k, n);
            close(&dw, &naive(&transpose(&a, m, k), &out, k, m, n));
            // d @ b^T
            let mut da = vec![f32::NAN; m * k];
            matmul_a_bt(&mut da, &out, &b, m, k, n);
            close(&da, &naive(&out, &transpose(&b, k, n), m, n, k));
            let mut da3 = vec![f32::NAN; m * k];
            let mut wt = vec![0.0; k * n];
            matmul_a_bt_short(&mut da3, &out, &b, &mut wt, m, k, n);
            close(&da3, &da);
            // The portable backend on the same inputs.
            unsafe {
                let mut o2 = vec![f32::NAN; m * n];
                matmul_g::<Portable>(&mut o2, &a, &b, Some(&bias), m, k, n);
                close(&o2, &want);
                let mut dw2 = vec![f32::NAN; k * n];
                matmul_at_b_g::<Portable>(&mut dw2, &a, &out, m, k, n);
                close(&dw2, &dw);
                let mut da2 = vec![f32::NAN; m * k];
                matmul_a_bt_g::<Portable>(&mut da2, &out, &b, m, k, n);
                close(&da2, &da);
            }
            let mut t = vec![f32::NAN; k * n];
            super::transpose(&mut t, &b, k, n);
            assert!(t
                .iter()
                .zip(transpose(&b, k, n))
                .all(|(x, y)| x.to_bits() == y.to_bits()));
            let d = dot(&a[..k], &b[..k]);
            let want = (0..k).map(|p| a[p] as f64 * b[p] as f64).sum::<f64>() as f32;
            assert!((d - want).abs() <= 1e-4 * (1.0 + want.abs()));
        }
    }
}
