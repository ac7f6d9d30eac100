//! The AVX2 + FMA backend (x86_64): 8 lanes, fused multiply-add, masked partial loads and
//! stores; chosen at run time when `is_x86_feature_detected!` finds both features.

use super::Simd;
use std::arch::x86_64::*;

/// AVX2 + FMA, 8 lanes. Only ever inlined into `#[target_feature(enable = "avx2,fma")]`
/// functions, which run only after `is_x86_feature_detected!` said yes.
#[derive(Clone, Copy)]
pub(crate) struct Avx(__m256);

#[inline(always)]
unsafe fn mask(n: usize) -> __m256i {
    _mm256_cmpgt_epi32(
        _mm256_set1_epi32(n as i32),
        _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
    )
}

impl Simd for Avx {
    const W: usize = 8;
    // 6 x 2 accumulators + 2 loaded vectors + 1 broadcast = 15 of the 16 registers (4 x 3
    // needs 16, and LLVM then spills an accumulator every iteration).
    const MR: usize = 6;
    const NV: usize = 2;
    // 3 x 4 accumulators + 4 rows of B; the rows of A come from memory into the FMAs.
    const DR: usize = 3;
    const DP: usize = 4;
    #[inline(always)]
    unsafe fn zero() -> Self {
        Avx(_mm256_setzero_ps())
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> Self {
        Avx(_mm256_set1_ps(x))
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        Avx(_mm256_loadu_ps(p))
    }
    #[inline(always)]
    unsafe fn load_n(p: *const f32, n: usize) -> Self {
        // Masked-off lanes are not read (no fault) and come back as zeros.
        Avx(_mm256_maskload_ps(p, mask(n)))
    }
    #[inline(always)]
    unsafe fn keep_n(self, n: usize) -> Self {
        Avx(_mm256_and_ps(self.0, _mm256_castsi256_ps(mask(n))))
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        _mm256_storeu_ps(p, self.0)
    }
    #[inline(always)]
    unsafe fn store_n(self, p: *mut f32, n: usize) {
        _mm256_maskstore_ps(p, mask(n), self.0)
    }
    #[inline(always)]
    unsafe fn add(self, b: Self) -> Self {
        Avx(_mm256_add_ps(self.0, b.0))
    }
    #[inline(always)]
    unsafe fn sub(self, b: Self) -> Self {
        Avx(_mm256_sub_ps(self.0, b.0))
    }
    #[inline(always)]
    unsafe fn mul(self, b: Self) -> Self {
        Avx(_mm256_mul_ps(self.0, b.0))
    }
    #[inline(always)]
    unsafe fn madd(self, a: Self, b: Self) -> Self {
        Avx(_mm256_fmadd_ps(a.0, b.0, self.0))
    }
    #[inline(always)]
    unsafe fn max(self, b: Self) -> Self {
        // vmaxps(x, y) = x > y ? x : y (y when either is NaN)
        Avx(_mm256_max_ps(b.0, self.0))
    }
    #[inline(always)]
    unsafe fn min(self, b: Self) -> Self {
        // vminps(x, y) = x < y ? x : y (y when either is NaN)
        Avx(_mm256_min_ps(b.0, self.0))
    }
    #[inline(always)]
    unsafe fn add_shl23(self, k: i32) -> Self {
        let i = _mm256_add_epi32(_mm256_castps_si256(self.0), _mm256_set1_epi32(k));
        Avx(_mm256_castsi256_ps(_mm256_slli_epi32::<23>(i)))
    }
    #[inline(always)]
    fn fma(a: f32, b: f32, c: f32) -> f32 {
        // Only ever inlined into `avx2,fma` functions: one vfmadd.
        a.mul_add(b, c)
    }
    #[inline(always)]
    unsafe fn fma_v(self, b: Self, c: Self) -> Self {
        Avx(_mm256_fmadd_ps(self.0, b.0, c.0))
    }
    #[inline(always)]
    unsafe fn hsum4(a: Self, b: Self, c: Self, d: Self, out: *mut f32) {
        // [a01 a23 b01 b23 | a45 a67 b45 b67], [c.. d..], then [a b c d | a' b' c' d'].
        let ab = _mm256_hadd_ps(a.0, b.0);
        let cd = _mm256_hadd_ps(c.0, d.0);
        let abcd = _mm256_hadd_ps(ab, cd);
        let s = _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
        _mm_storeu_ps(out, s);
    }
    #[inline(always)]
    unsafe fn hsum(self) -> f32 {
        let lo = _mm256_castps256_ps128(self.0);
        let hi = _mm256_extractf128_ps(self.0, 1);
        let s = _mm_add_ps(lo, hi);
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_movehdup_ps(s));
        _mm_cvtss_f32(s)
    }
}
