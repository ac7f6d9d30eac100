//! The products' output blocks for threads: `Out`, an output several threads write at once,
//! and the `_cols` and `_part` forms of `gemm.rs`'s products, each writing only its block of
//! the output with the tiles of the whole product (`kernels::split`, `layers::block`).

use super::gemm::{gemm, gemm_dots, Mat};
use super::{dispatch, Simd};
use crate::pool::block;
use std::ops::Range;

/// An output written in blocks by several threads at once (`kernels::split`, `layers::block`):
/// each part writes only its own block, so the parts hold a pointer rather than overlapping
/// `&mut` slices.
pub(crate) struct Out<T = f32> {
    ptr: *mut T,
    len: usize,
}

impl<T> Clone for Out<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Out<T> {}

// SAFETY: the parts that share an `Out` write disjoint elements, and the pool's hand-off orders
// those writes before the caller reads them.
unsafe impl<T> Send for Out<T> {}
unsafe impl<T> Sync for Out<T> {}

impl<T> Out<T> {
    pub(crate) fn new(s: &mut [T]) -> Out<T> {
        Out {
            ptr: s.as_mut_ptr(),
            len: s.len(),
        }
    }

    pub(crate) fn len(self) -> usize {
        self.len
    }

    /// A view of `s` that is only read (`row_ref`), for the kernels that take either.
    pub(crate) fn of(s: &[T]) -> Out<T> {
        Out {
            ptr: s.as_ptr() as *mut T,
            len: s.len(),
        }
    }

    /// The elements `r` as a slice.
    ///
    /// # Safety
    /// Nothing else reads or writes them while the slice lives, and the buffer outlives it.
    pub(crate) unsafe fn block<'a>(self, r: Range<usize>) -> &'a mut [T] {
        assert!(r.start <= r.end && r.end <= self.len);
        std::slice::from_raw_parts_mut(self.ptr.add(r.start), r.len())
    }

    /// Columns `cols` of row `r` of a row-major matrix with rows of `ld` elements.
    ///
    /// # Safety
    /// As `block`.
    pub(crate) unsafe fn row<'a>(self, r: usize, ld: usize, cols: &Range<usize>) -> &'a mut [T] {
        self.block(r * ld + cols.start..r * ld + cols.end)
    }

    /// `row`, to read.
    ///
    /// # Safety
    /// Nothing writes them while the slice lives, and the buffer outlives it.
    pub(crate) unsafe fn row_ref<'a>(self, r: usize, ld: usize, cols: &Range<usize>) -> &'a [T] {
        self.row(r, ld, cols)
    }
}

#[inline(always)]
unsafe fn panel_g<V: Simd>() -> usize {
    V::NV * V::W
}

dispatch! {
    /// The column blocks of `matmul_cols` and `matmul_at_b_cols` start at multiples of this.
    pub(crate) fn panel() -> usize => panel_g
}

#[inline(always)]
unsafe fn dot_panel_g<V: Simd>() -> usize {
    V::DP
}

dispatch! {
    /// The column blocks of `matmul_a_bt_cols` start at multiples of this.
    pub(crate) fn dot_panel() -> usize => dot_panel_g
}

#[inline(always)]
unsafe fn matmul_cols_g<V: Simd>(
    out: Out,
    a: &[f32],
    b: &[f32],
    bias: Option<&[f32]>,
    m: usize,
    k: usize,
    n: usize,
    cols: Range<usize>,
) {
    assert!(out.len >= m * n && a.len() >= m * k && b.len() >= k * n && k > 0 && cols.end <= n);
    if let Some(bias) = bias {
        assert!(bias.len() >= n);
    }
    let bias = bias.map_or(std::ptr::null(), |b| b.as_ptr());
    gemm::<V>(
        m,
        k,
        n,
        Mat::new(a, k, 1),
        Mat::new(b, n, 1),
        bias,
        out.ptr,
        cols,
    );
}

dispatch! {
    /// `matmul`'s output columns `cols` (k > 0; `cols.start` a multiple of `panel()`). Writes
    /// only those columns of `out`.
    pub(crate) fn matmul_cols(out: Out, a: &[f32], b: &[f32], bias: Option<&[f32]>, m: usize, k: usize, n: usize, cols: Range<usize>) => matmul_cols_g
}

#[inline(always)]
unsafe fn matmul_at_b_part_g<V: Simd>(
    dw: Out,
    a: &[f32],
    d: &[f32],
    m: usize,
    k: usize,
    n: usize,
    part: usize,
    parts: usize,
) {
    assert!(dw.len >= k * n && a.len() >= m * k && d.len() >= m * n && m > 0);
    let rows = block(k, V::MR, part, parts);
    if rows.is_empty() {
        return;
    }
    // Rows r of dw = A' @ d are the columns r of a.
    let am = Mat {
        ptr: a.as_ptr().add(rows.start),
        rs: 1,
        cs: k,
        len: a.len() - rows.start,
    };
    let c = dw.ptr.add(rows.start * n);
    gemm::<V>(
        rows.len(),
        m,
        n,
        am,
        Mat::new(d, n, 1),
        std::ptr::null(),
        c,
        0..n,
    );
}

dispatch! {
    /// `matmul_at_b`'s output rows in the `part`-th of `parts` blocks (m > 0). Writes only those
    /// rows of `dw`.
    pub(super) fn matmul_at_b_part(dw: Out, a: &[f32], d: &[f32], m: usize, k: usize, n: usize, part: usize, parts: usize) => matmul_at_b_part_g
}

#[inline(always)]
unsafe fn matmul_at_b_cols_g<V: Simd>(
    dw: Out,
    a: &[f32],
    d: &[f32],
    m: usize,
    k: usize,
    n: usize,
    cols: Range<usize>,
) {
    assert!(dw.len >= k * n && a.len() >= m * k && d.len() >= m * n && m > 0 && cols.end <= n);
    let am = Mat::new(a, 1, k);
    gemm::<V>(
        k,
        m,
        n,
        am,
        Mat::new(d, n, 1),
        std::ptr::null(),
        dw.ptr,
        cols,
    );
}

dispatch! {
    /// `matmul_at_b`'s output columns `cols` (m > 0; `cols.start` a multiple of `panel()`).
    /// Writes only those columns of `dw`.
    pub(crate) fn matmul_at_b_cols(dw: Out, a: &[f32], d: &[f32], m: usize, k: usize, n: usize, cols: Range<usize>) => matmul_at_b_cols_g
}

#[inline(always)]
unsafe fn matmul_a_bt_cols_g<V: Simd>(
    da: Out,
    d: &[f32],
    w: &[f32],
    m: usize,
    k: usize,
    n: usize,
    cols: Range<usize>,
) {
    assert!(da.len >= m * k && d.len() >= m * n && w.len() >= k * n && n > 0 && cols.end <= k);
    gemm_dots::<V>(m, n, k, Mat::new(d, n, 1), Mat::new(w, n, 1), da.ptr, cols);
}

dispatch! {
    /// `matmul_a_bt`'s output columns `cols` (n > 0; `cols.start` a multiple of `dot_panel()`).
    /// Writes only those columns of `da`.
    pub(crate) fn matmul_a_bt_cols(da: Out, d: &[f32], w: &[f32], m: usize, k: usize, n: usize, cols: Range<usize>) => matmul_a_bt_cols_g
}

/// Rows `rows` of x (rows_total, cols) into the same columns of out = x^T (cols, rows_total).
pub(super) fn transpose_part(out: Out, x: &[f32], n_rows: usize, cols: usize, rows: Range<usize>) {
    assert!(out.len >= n_rows * cols && x.len() >= n_rows * cols && rows.end <= n_rows);
    for r in rows {
        for (c, &v) in x[r * cols..(r + 1) * cols].iter().enumerate() {
            // SAFETY: in bounds (asserted); only this part writes column r of out.
            unsafe { *out.ptr.add(c * n_rows + r) = v };
        }
    }
}

#[inline(always)]
unsafe fn matmul_a_bt_short_part_g<V: Simd>(
    da: Out,
    d: &[f32],
    wt: &[f32],
    m: usize,
    k: usize,
    n: usize,
    part: usize,
    parts: usize,
) {
    assert!(da.len >= m * k && d.len() >= m * n && wt.len() >= k * n && n > 0);
    let cols = block(k, V::NV * V::W, part, parts);
    let (dm, wm) = (Mat::new(d, n, 1), Mat::new(wt, k, 1));
    gemm::<V>(m, n, k, dm, wm, std::ptr::null(), da.ptr, cols);
}

dispatch! {
    /// `matmul_a_bt_short`'s output columns in the `part`-th of `parts` blocks, from `wt`
    /// (= w^T, written beforehand; n > 0). Writes only those columns of `da`.
    pub(super) fn matmul_a_bt_short_part(da: Out, d: &[f32], wt: &[f32], m: usize, k: usize, n: usize, part: usize, parts: usize) => matmul_a_bt_short_part_g
}
