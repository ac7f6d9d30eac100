//! The broadcast products (`gemm`) for an engine whose broadcast of a scalar from memory costs
//! several instructions: JavaScriptCore (Safari's engine) computes each `v128.load32_splat`'s
//! address apart, in three x86 instructions where a vector load takes one, and the plain simd128
//! build's 4 x 2 tile spent more on its four broadcasts than on its eight multiplies and adds.
//! Here a row tile's scalars of A are broadcast once, into a stack buffer of vectors, for a
//! chunk of the shared dimension; the tile's products then load them as whole vectors, once per
//! column panel. Row tiles outside, chunks, then column panels inside.
//!
//! Only for a backend that asks for it (`Simd::PACK_A`): the plain simd128 builds, which of
//! today's engines only WebKit runs (Chromium and Firefox take the relaxed-SIMD builds). V8
//! broadcasts from memory in one instruction, and there this path measured 10-15% slower than
//! `gemm::gemm`'s (a browser without relaxed SIMD pays that on the plain builds).
//!
//! Every element of C is the same sum in the same order as in `gemm::gemm`: it starts from the
//! bias (or zero) and adds A(i, p) * B(p, j) for p = 0, 1, .. in turn. Between chunks it is
//! stored to C and loaded back, which keeps its value exactly.

use super::gemm::Mat;
use super::tile::{bias_tile, load_part, store_tile, whole_rows};
use super::Simd;
use std::mem::MaybeUninit;
use std::ops::Range;

/// Column panels below which broadcasting A ahead does not pay: a row tile's broadcasts cost
/// about what the packed kernel saves on three panels, and a thread's block of a product split
/// by columns (two threads, 200 columns: 3 or 4 panels) would broadcast all of A again for each
/// block (measured 0.89x in WebKit on two threads).
const MIN_PANELS: usize = 6;

/// `gemm`'s broadcast kernel for a block too narrow for packing to pay, not inlined: one copy
/// of it, not one in every product (the builds' size).
#[allow(clippy::too_many_arguments)]
#[inline(never)]
pub(super) unsafe fn gemm_outlined<V: Simd>(
    m: usize,
    k: usize,
    n: usize,
    a: Mat,
    b: Mat,
    bias: *const f32,
    c: *mut f32,
    cols: Range<usize>,
) {
    unsafe { super::gemm::gemm_bcast::<V>(m, k, n, a, b, bias, c, cols) }
}

/// Whether `gemm` broadcasts A ahead for a block of `cols` columns.
#[inline(always)]
pub(super) fn pays<V: Simd>(cols: usize) -> bool {
    cols >= MIN_PANELS * V::NV * V::W
}

/// Rows of the shared dimension per chunk: the buffer holds `MR * KC` vectors (8 KiB with
/// simd128's 4 x 4-lane tiles).
const KC: usize = 128;
/// The widest tile the buffer is sized for: rows, and lanes per vector.
const MAX_R: usize = 6;
const MAX_W: usize = 8;

/// C (m, n) = bias + A (m, k) @ B (k, n) as `gemm::gemm` (only C's columns `cols`, whose start
/// is a multiple of the panel width). Not inlined: every product calls the one copy (its inner
/// loops use no stride of A, which inlining would make a constant).
#[inline(never)]
pub(super) unsafe fn gemm_packed<V: Simd>(
    m: usize,
    k: usize,
    n: usize,
    a: Mat,
    b: Mat,
    bias: *const f32,
    c: *mut f32,
    cols: Range<usize>,
) {
    debug_assert!(V::MR <= MAX_R && V::W <= MAX_W);
    let w = V::W;
    let panel = V::NV * w;
    let mut buf = MaybeUninit::<[f32; MAX_R * KC * MAX_W]>::uninit();
    let buf = buf.as_mut_ptr() as *mut f32;
    let mut i0 = 0;
    while i0 < m {
        let rows = (m - i0).min(V::MR);
        // Chunks of the shared dimension; k = 0 is one empty chunk (C = bias or zero).
        let mut p0 = 0;
        loop {
            let kc = (k - p0).min(KC);
            // buf[(p - p0) * rows + i] = A(i0 + i, p), broadcast.
            for p in 0..kc {
                let ap = a.ptr.add(i0 * a.rs + (p0 + p) * a.cs);
                for i in 0..rows {
                    V::splat(*ap.add(i * a.rs)).store(buf.add((p * rows + i) * w));
                }
            }
            let chunk = Chunk {
                ap: buf,
                p0,
                kc,
                bias,
                k,
            };
            let mut j0 = cols.start;
            while j0 < cols.end {
                if cols.end - j0 >= panel {
                    match V::NV {
                        3 => packed_rows::<V, 3>(rows, &chunk, b, j0, w, c, n, i0),
                        2 => packed_rows::<V, 2>(rows, &chunk, b, j0, w, c, n, i0),
                        _ => packed_rows::<V, 1>(rows, &chunk, b, j0, w, c, n, i0),
                    }
                } else {
                    // The panel's leftover: one vector at a time, the last maybe partial.
                    let mut j = j0;
                    while j < cols.end {
                        let last = (cols.end - j).min(w);
                        packed_rows::<V, 1>(rows, &chunk, b, j, last, c, n, i0);
                        j += w;
                    }
                }
                j0 += panel;
            }
            p0 += kc;
            if p0 >= k {
                break;
            }
        }
        i0 += V::MR;
    }
}

/// A chunk of the shared dimension: rows `p0..p0 + kc` of B, the broadcast scalars of A for
/// them (`ap`, `rows` vectors per row of B), the bias (null: none) and k, all of B's rows.
struct Chunk {
    ap: *const f32,
    p0: usize,
    kc: usize,
    bias: *const f32,
    k: usize,
}

/// Runs `packed_tile` for `rows` (<= MR) rows with the row count as a constant.
#[inline(always)]
unsafe fn packed_rows<V: Simd, const NVV: usize>(
    rows: usize,
    ch: &Chunk,
    b: Mat,
    j0: usize,
    last: usize,
    c: *mut f32,
    c_rs: usize,
    i0: usize,
) {
    match rows {
        6 if V::MR >= 6 => packed_tile::<V, 6, NVV>(ch, b, j0, last, c, c_rs, i0),
        5 if V::MR >= 5 => packed_tile::<V, 5, NVV>(ch, b, j0, last, c, c_rs, i0),
        4 => packed_tile::<V, 4, NVV>(ch, b, j0, last, c, c_rs, i0),
        3 => packed_tile::<V, 3, NVV>(ch, b, j0, last, c, c_rs, i0),
        2 => packed_tile::<V, 2, NVV>(ch, b, j0, last, c, c_rs, i0),
        _ => packed_tile::<V, 1, NVV>(ch, b, j0, last, c, c_rs, i0),
    }
}

/// C[i0.., j0..] of an `R` x (`NVV` vectors) tile, the last vector holding `last` (<= W)
/// columns, over one chunk: from the bias (or zero) in the first chunk, else from C.
#[inline(always)]
unsafe fn packed_tile<V: Simd, const R: usize, const NVV: usize>(
    ch: &Chunk,
    b: Mat,
    j0: usize,
    last: usize,
    c: *mut f32,
    c_rs: usize,
    i0: usize,
) {
    let w = V::W;
    let mut acc = if ch.p0 > 0 {
        let mut acc = [[V::zero(); NVV]; R];
        for (i, row) in acc.iter_mut().enumerate() {
            let crow = c.add((i0 + i) * c_rs + j0);
            for (v, x) in row.iter_mut().enumerate() {
                *x = load_part::<V, NVV>(crow, v, last);
            }
        }
        acc
    } else {
        bias_tile::<V, R, NVV>(ch.bias, j0, last)
    };
    // B rows p < k_full can be loaded as whole vectors (over-reading into the next row), as in
    // `gemm::bcast_tile`.
    let k_full = whole_rows(b, j0, NVV * w, last, w, ch.k);
    let end = ch.p0 + ch.kc;
    let full = k_full.clamp(ch.p0, end);
    for p in ch.p0..full {
        packed_step::<V, R, NVV, true>(&mut acc, ch, p, b, j0, last);
    }
    for p in full..end {
        packed_step::<V, R, NVV, false>(&mut acc, ch, p, b, j0, last);
    }
    store_tile::<V, R, NVV>(&acc, c, c_rs, i0, j0, last);
}

/// One rank-1 update of the tile with row p of B: acc[i][v] += A(i, p) * B(p, v-th vector).
#[inline(always)]
unsafe fn packed_step<V: Simd, const R: usize, const NVV: usize, const FULL: bool>(
    acc: &mut [[V; NVV]; R],
    ch: &Chunk,
    p: usize,
    b: Mat,
    j0: usize,
    last: usize,
) {
    let w = V::W;
    let brow = b.ptr.add(p * b.rs + j0);
    let mut bv = [V::zero(); NVV];
    for (v, x) in bv.iter_mut().enumerate() {
        *x = if FULL || v + 1 < NVV {
            V::load(brow.add(v * w))
        } else {
            V::load_n(brow.add(v * w), last)
        };
    }
    let ap = ch.ap.add((p - ch.p0) * R * w);
    for (i, row) in acc.iter_mut().enumerate() {
        let av = V::load(ap.add(i * w));
        for v in 0..NVV {
            row[v] = row[v].madd(av, bv[v]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::gemm::gemm;
    use super::super::{dispatch, Portable};
    use super::*;

    /// `gemm_packed` against `gemm`'s own kernel (the backends of these tests do not pack) on
    /// shapes with every edge: chunks of the shared dimension (k over `KC`, and k = 0), row tiles
    /// cut short, partial column vectors and panels, a block of columns, a bias or none, A read
    /// by rows or by columns (as `matmul_at_b` reads it). Returns the elements whose bits differ.
    #[inline(always)]
    unsafe fn packed_is_gemm_g<V: Simd>() -> usize {
        let mut rng = crate::rng::Rng::new(3);
        let mut bad = 0;
        let shapes = [
            (1, 1, 1),
            (7, 300, 27),
            (32, 200, 200),
            (5, 0, 9),
            (13, 129, 50),
            (9, 257, 3),
        ];
        for &(m, k, n) in &shapes {
            let (a, b, bias) = super::super::testing::operands(&mut rng, m, k, n);
            let panel = V::NV * V::W;
            let mats = [Mat::new(&a, k, 1), Mat::new(&a, 1, k)];
            for (t, am) in mats.into_iter().enumerate() {
                let (rows, inner) = if t == 0 { (m, k) } else { (k, m) };
                let bm = if t == 0 {
                    Mat::new(&b, n, 1)
                } else {
                    Mat::new(&a, k, 1)
                };
                let cols_n = if t == 0 { n } else { k };
                if rows == 0 || (t == 1 && inner == 0) {
                    continue;
                }
                for bias_p in [std::ptr::null(), bias.as_ptr()] {
                    if t == 1 && !bias_p.is_null() {
                        continue;
                    }
                    for cols in [0..cols_n, (panel.min(cols_n))..cols_n] {
                        let mut want = vec![f32::NAN; rows * cols_n];
                        let mut got = vec![f32::NAN; rows * cols_n];
                        let (w, g) = (want.as_mut_ptr(), got.as_mut_ptr());
                        gemm::<V>(rows, inner, cols_n, am, bm, bias_p, w, cols.clone());
                        gemm_packed::<V>(rows, inner, cols_n, am, bm, bias_p, g, cols.clone());
                        bad += want
                            .iter()
                            .zip(&got)
                            .filter(|(x, y)| x.to_bits() != y.to_bits())
                            .count();
                    }
                }
            }
        }
        bad
    }

    dispatch! {
        /// `packed_is_gemm_g` on the backend the kernels run with.
        fn packed_is_gemm() -> usize => packed_is_gemm_g
    }

    #[test]
    fn the_packed_products_are_gemms_bit_for_bit() {
        assert_eq!(packed_is_gemm(), 0, "on {}", crate::kernels::backend());
        assert_eq!(
            unsafe { packed_is_gemm_g::<Portable>() },
            0,
            "on the portable backend"
        );
    }
}
