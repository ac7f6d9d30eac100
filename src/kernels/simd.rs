//! The `Simd` trait every kernel is written against, and its portable backend (8 lanes of plain
//! arrays, which LLVM maps to two SSE or NEON registers). The AVX2 + FMA and wasm simd128
//! backends are in `simd_avx2.rs` and `simd_wasm.rs`.

/// A SIMD vector of `W` f32 lanes. Everything is `unsafe`: pointers are raw and the x86 backend
/// is only called from `#[target_feature]` functions after a run-time check.
pub(crate) trait Simd: Copy {
    const W: usize;
    /// Broadcast micro-kernel: rows of the output tile (<= 6) and vectors per row.
    const MR: usize;
    const NV: usize;
    /// Dot micro-kernel: rows of A and rows of B per tile (<= 4 each).
    const DR: usize;
    const DP: usize;
    /// The broadcast kernel first broadcasts a row tile's scalars of A into a buffer of vectors
    /// (`kernels::packed`), for an engine where broadcasting a scalar from memory costs more
    /// than loading a vector.
    const PACK_A: bool = false;
    unsafe fn zero() -> Self;
    unsafe fn splat(x: f32) -> Self;
    unsafe fn load(p: *const f32) -> Self;
    /// The first `n` (< W) lanes from `p`, zeros elsewhere; reads only `p[..n]`.
    unsafe fn load_n(p: *const f32, n: usize) -> Self;
    /// Zeros every lane from `n` on.
    unsafe fn keep_n(self, n: usize) -> Self;
    unsafe fn store(self, p: *mut f32);
    /// `k` (<= W) lanes from `p`: a whole vector, or the first `k` and zeros.
    #[inline(always)]
    unsafe fn load_k(p: *const f32, k: usize) -> Self {
        if k == Self::W {
            Self::load(p)
        } else {
            Self::load_n(p, k)
        }
    }
    /// Stores the first `k` (<= W) lanes.
    #[inline(always)]
    unsafe fn store_k(self, p: *mut f32, k: usize) {
        if k == Self::W {
            self.store(p)
        } else {
            self.store_n(p, k)
        }
    }
    /// Stores the first `n` (< W) lanes.
    unsafe fn store_n(self, p: *mut f32, n: usize);
    unsafe fn add(self, b: Self) -> Self;
    unsafe fn sub(self, b: Self) -> Self;
    unsafe fn mul(self, b: Self) -> Self;
    /// `self + a * b`, fused where the backend has FMA.
    unsafe fn madd(self, a: Self, b: Self) -> Self;
    /// `if b > self { b } else { self }` in every lane: a NaN in `b` keeps `self`, a NaN in
    /// `self` stays, and of two equal values (+0 and -0) `self` is kept. One instruction on
    /// every backend (wasm `f32x4.pmax`, AVX `vmaxps`), so a clamp never depends on LLVM
    /// recognising a select (it lowers one to a vector instruction only with relaxed-simd).
    unsafe fn max(self, b: Self) -> Self;
    /// `if b < self { b } else { self }` in every lane, NaN and zeros as in `max`.
    unsafe fn min(self, b: Self) -> Self;
    /// The float whose bits are `(bits(self) + k) << 23` in every lane (wrapping i32
    /// arithmetic): `exp`'s 2^n from its rounded exponent.
    unsafe fn add_shl23(self, k: i32) -> Self;
    /// Sum of the lanes.
    unsafe fn hsum(self) -> f32;
    /// The lane sums of a, b, c, d, stored to `out[0..4]`.
    unsafe fn hsum4(a: Self, b: Self, c: Self, d: Self, out: *mut f32) {
        *out = a.hsum();
        *out.add(1) = b.hsum();
        *out.add(2) = c.hsum();
        *out.add(3) = d.hsum();
    }
    /// Block (i, j) of `W` x `W` floats at `src` (rows `src_rs` apart) to block (j, i) at `dst`
    /// (rows `dst_rs` apart): a transpose of one tile, moving bits only.
    #[inline(always)]
    unsafe fn transpose_block(src: *const f32, src_rs: usize, dst: *mut f32, dst_rs: usize) {
        for i in 0..Self::W {
            for j in 0..Self::W {
                *dst.add(j * dst_rs + i) = *src.add(i * src_rs + j);
            }
        }
    }
    /// Scalar `a * b + c`, fused where the backend has FMA (for loops that LLVM vectorises).
    fn fma(a: f32, b: f32, c: f32) -> f32 {
        a * b + c
    }
    /// `self * b + c` in every lane, rounded as `fma` rounds it (fused exactly where `fma`
    /// is, unlike `madd`, which is fused in the relaxed-simd build too), so that a vector loop
    /// gives each element the value that `fma`'s scalar loop would.
    unsafe fn fma_v(self, b: Self, c: Self) -> Self {
        self.mul(b).add(c)
    }
}

/// Runs `$body` for the vectors of a row of `$n` elements, with `$j` = 0, W, 2W, .. and `$k` = W
/// lanes, and a last `$k` = n - j < W lanes when n is not a multiple of W. A loop over a short
/// block of columns then runs in whole vectors (LLVM vectorises an open loop over n unrolled by
/// 4, and a block under 4 W long ran in its scalar tail), and every element takes the same vector
/// operations wherever its block starts or ends. A macro, not a function taking a closure: a
/// closure would not inherit the backend's `#[target_feature]`s, and its vectors would not
/// compile to single instructions.
macro_rules! each_vector {
    ($v:ty, $n:expr, |$j:ident, $k:ident| $body:block) => {{
        let n: usize = $n;
        let mut $j = 0usize;
        while $j < n {
            let $k = (n - $j).min(<$v>::W);
            $body
            $j += <$v>::W;
        }
    }};
}
pub(crate) use each_vector;

/// Portable 8 lanes: plain arrays, which LLVM turns into two SSE (or NEON) registers.
#[derive(Clone, Copy)]
pub(crate) struct Portable([f32; 8]);

impl Simd for Portable {
    const W: usize = 8;
    const MR: usize = 4;
    const NV: usize = 1;
    const DR: usize = 1;
    const DP: usize = 4;
    #[inline(always)]
    unsafe fn zero() -> Self {
        Portable([0.0; 8])
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> Self {
        Portable([x; 8])
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        Portable(std::ptr::read_unaligned(p as *const [f32; 8]))
    }
    #[inline(always)]
    unsafe fn load_n(p: *const f32, n: usize) -> Self {
        let mut v = [0.0; 8];
        std::ptr::copy_nonoverlapping(p, v.as_mut_ptr(), n);
        Portable(v)
    }
    #[inline(always)]
    unsafe fn keep_n(self, n: usize) -> Self {
        let mut v = self.0;
        for (i, x) in v.iter_mut().enumerate() {
            if i >= n {
                *x = 0.0;
            }
        }
        Portable(v)
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        std::ptr::write_unaligned(p as *mut [f32; 8], self.0)
    }
    #[inline(always)]
    unsafe fn store_n(self, p: *mut f32, n: usize) {
        std::ptr::copy_nonoverlapping(self.0.as_ptr(), p, n);
    }
    #[inline(always)]
    unsafe fn add(self, b: Self) -> Self {
        let mut v = self.0;
        for i in 0..8 {
            v[i] += b.0[i];
        }
        Portable(v)
    }
    #[inline(always)]
    unsafe fn sub(self, b: Self) -> Self {
        let mut v = self.0;
        for i in 0..8 {
            v[i] -= b.0[i];
        }
        Portable(v)
    }
    #[inline(always)]
    unsafe fn mul(self, b: Self) -> Self {
        let mut v = self.0;
        for i in 0..8 {
            v[i] *= b.0[i];
        }
        Portable(v)
    }
    #[inline(always)]
    unsafe fn madd(self, a: Self, b: Self) -> Self {
        let mut v = self.0;
        for i in 0..8 {
            v[i] += a.0[i] * b.0[i];
        }
        Portable(v)
    }
    #[inline(always)]
    unsafe fn max(self, b: Self) -> Self {
        let mut v = self.0;
        for i in 0..8 {
            v[i] = if b.0[i] > v[i] { b.0[i] } else { v[i] };
        }
        Portable(v)
    }
    #[inline(always)]
    unsafe fn min(self, b: Self) -> Self {
        let mut v = self.0;
        for i in 0..8 {
            v[i] = if b.0[i] < v[i] { b.0[i] } else { v[i] };
        }
        Portable(v)
    }
    #[inline(always)]
    unsafe fn add_shl23(self, k: i32) -> Self {
        let mut v = self.0;
        for x in v.iter_mut() {
            *x = f32::from_bits(((x.to_bits() as i32).wrapping_add(k) as u32) << 23);
        }
        Portable(v)
    }
    #[inline(always)]
    unsafe fn hsum(self) -> f32 {
        let v = self.0;
        ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]))
    }
}

#[cfg(test)]
mod tests {
    use super::super::dispatch;
    use super::*;

    /// Values whose order and NaN handling matter: NaNs, infinities, both zeros, and neighbours.
    const SPECIAL: [f32; 11] = [
        f32::NAN,
        -f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        0.0,
        -0.0,
        1.0,
        -1.0,
        1.000_000_1,
        f32::MIN_POSITIVE,
        f32::MAX,
    ];

    /// `max`, `min` and `add_shl23` of every pair of `SPECIAL` in every lane, against the
    /// scalar rules they document (bits): the number that differ.
    #[inline(always)]
    unsafe fn lane_rules_g<V: Simd>() -> usize {
        let mut bad = 0;
        let (mut mx, mut mn, mut sh) = ([0.0f32; 8], [0.0f32; 8], [0.0f32; 8]);
        for &a in &SPECIAL {
            for &b in &SPECIAL {
                // Different lanes hold different pairs: lane i is (a, b) or (b, a).
                let (mut xs, mut ys) = ([a; 8], [b; 8]);
                for i in (1..8).step_by(2) {
                    (xs[i], ys[i]) = (b, a);
                }
                let (x, y) = (V::load(xs.as_ptr()), V::load(ys.as_ptr()));
                x.max(y).store(mx.as_mut_ptr());
                x.min(y).store(mn.as_mut_ptr());
                x.add_shl23(-7).store(sh.as_mut_ptr());
                for i in 0..V::W {
                    let (x, y) = (xs[i], ys[i]);
                    let want_max = if y > x { y } else { x };
                    let want_min = if y < x { y } else { x };
                    let want_sh =
                        f32::from_bits(((x.to_bits() as i32).wrapping_add(-7) as u32) << 23);
                    bad += usize::from(mx[i].to_bits() != want_max.to_bits());
                    bad += usize::from(mn[i].to_bits() != want_min.to_bits());
                    bad += usize::from(sh[i].to_bits() != want_sh.to_bits());
                }
            }
        }
        bad
    }

    dispatch! {
        /// `lane_rules_g` on the backend the kernels run with.
        fn lane_rules() -> usize => lane_rules_g
    }

    #[test]
    fn max_min_and_add_shl23_follow_their_scalar_rules_in_every_lane() {
        assert_eq!(lane_rules(), 0, "on {}", crate::kernels::backend());
        assert_eq!(
            unsafe { lane_rules_g::<Portable>() },
            0,
            "on the portable backend"
        );
    }
}
