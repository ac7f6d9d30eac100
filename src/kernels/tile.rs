//! A register tile of C's loads and stores, shared by the broadcast kernel (`gemm.rs`) and the
//! packed one (`packed.rs`): its accumulators from the bias, the rows of B it may load whole,
//! and its vectors stored, the last of each row cut to the columns left.

use super::gemm::Mat;
use super::Simd;

/// Vector `v` of a tile's row starting at `p`: whole, or its first `last` lanes when it is the
/// row's last vector and the tile is cut short.
#[inline(always)]
pub(super) unsafe fn load_part<V: Simd, const NVV: usize>(
    p: *const f32,
    v: usize,
    last: usize,
) -> V {
    if v + 1 == NVV && last < V::W {
        V::load_n(p.add(v * V::W), last)
    } else {
        V::load(p.add(v * V::W))
    }
}

/// A tile's accumulators, every row holding the bias's columns `j0..` (zero without a bias).
#[inline(always)]
pub(super) unsafe fn bias_tile<V: Simd, const R: usize, const NVV: usize>(
    bias: *const f32,
    j0: usize,
    last: usize,
) -> [[V; NVV]; R] {
    let mut acc = [[V::zero(); NVV]; R];
    if !bias.is_null() {
        for v in 0..NVV {
            let bv = load_part::<V, NVV>(bias.add(j0), v, last);
            for row in acc.iter_mut() {
                row[v] = bv;
            }
        }
    }
    acc
}

/// The rows of B, among the first `k`, whose `span` columns from `j0` can be loaded as whole
/// vectors (over-reading into the next row) without running past B's end.
#[inline(always)]
pub(super) fn whole_rows(b: Mat, j0: usize, span: usize, last: usize, w: usize, k: usize) -> usize {
    if last == w {
        k
    } else if b.len >= j0 + span {
        ((b.len - j0 - span) / b.rs + 1).min(k)
    } else {
        0
    }
}

/// Stores a tile's accumulators at C's rows `i0..` and columns `j0..` (row stride `c_rs`), the
/// last vector of each row cut to `last` lanes.
#[inline(always)]
pub(super) unsafe fn store_tile<V: Simd, const R: usize, const NVV: usize>(
    acc: &[[V; NVV]; R],
    c: *mut f32,
    c_rs: usize,
    i0: usize,
    j0: usize,
    last: usize,
) {
    let w = V::W;
    for (i, row) in acc.iter().enumerate() {
        let crow = c.add((i0 + i) * c_rs + j0);
        for (v, x) in row.iter().enumerate() {
            if v + 1 == NVV && last < w {
                x.store_n(crow.add(v * w), last);
            } else {
                x.store(crow.add(v * w));
            }
        }
    }
}
