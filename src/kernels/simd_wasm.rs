//! The wasm simd128 backend: 4 lanes; `madd` is `f32x4.relaxed_madd` in the relaxed-simd build
//! and a multiply then an add in the plain one.

use super::Simd;
use core::arch::wasm32::*;

/// simd128, 4 lanes. Plain simd128 has no fused multiply-add, so `madd` is a multiply then an
/// add; the relaxed-simd build (`-C target-feature=+relaxed-simd`, which the page and the worker
/// both load where the browser has it, as www/simd.js decides) uses `f32x4.relaxed_madd`, which
/// V8 compiles to an FMA.
#[derive(Clone, Copy)]
pub(crate) struct Wasm(v128);

impl Simd for Wasm {
    const W: usize = 4;
    // V8 keeps about 15 SIMD registers and, without FMA, needs one for each product. The
    // relaxed-simd build measured no clear gain from other tiles (3x12, 5x8, 6x8) within this
    // machine's noise.
    const MR: usize = 4;
    const NV: usize = 2;
    const DR: usize = 2;
    const DP: usize = 4;
    // JavaScriptCore, which runs only the plain builds, computes the address of each
    // `v128.load32_splat` apart (three instructions for one broadcast, where a vector load is
    // one): see `kernels::packed`. The relaxed builds leave that path out.
    const PACK_A: bool = cfg!(not(target_feature = "relaxed-simd"));
    #[inline(always)]
    unsafe fn zero() -> Self {
        Wasm(f32x4_splat(0.0))
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> Self {
        Wasm(f32x4_splat(x))
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        Wasm(v128_load(p as *const v128))
    }
    #[inline(always)]
    unsafe fn load_n(p: *const f32, n: usize) -> Self {
        // Lane loads, not a copy through the stack: a copy of a run-time length is a
        // `memory.copy`, which V8 compiles to a call (tens of ns, and the ragged edges of the
        // products and softmax rows take one per row).
        Wasm(match n {
            0 => f32x4_splat(0.0),
            1 => v128_load32_zero(p as *const u32),
            2 => v128_load64_zero(p as *const u64),
            _ => v128_load32_lane::<2>(v128_load64_zero(p as *const u64), p.add(2) as *const u32),
        })
    }
    #[inline(always)]
    unsafe fn keep_n(self, n: usize) -> Self {
        let lanes = i32x4(0, 1, 2, 3);
        Wasm(v128_and(self.0, i32x4_gt(i32x4_splat(n as i32), lanes)))
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        v128_store(p as *mut v128, self.0)
    }
    #[inline(always)]
    unsafe fn store_n(self, p: *mut f32, n: usize) {
        // Lane stores, for the reason given at `load_n`.
        match n {
            0 => {}
            1 => v128_store32_lane::<0>(self.0, p as *mut u32),
            2 => v128_store64_lane::<0>(self.0, p as *mut u64),
            _ => {
                v128_store64_lane::<0>(self.0, p as *mut u64);
                v128_store32_lane::<2>(self.0, p.add(2) as *mut u32);
            }
        }
    }
    #[inline(always)]
    unsafe fn add(self, b: Self) -> Self {
        Wasm(f32x4_add(self.0, b.0))
    }
    #[inline(always)]
    unsafe fn sub(self, b: Self) -> Self {
        Wasm(f32x4_sub(self.0, b.0))
    }
    #[inline(always)]
    unsafe fn mul(self, b: Self) -> Self {
        Wasm(f32x4_mul(self.0, b.0))
    }
    #[inline(always)]
    unsafe fn madd(self, a: Self, b: Self) -> Self {
        #[cfg(target_feature = "relaxed-simd")]
        {
            Wasm(f32x4_relaxed_madd(a.0, b.0, self.0))
        }
        #[cfg(not(target_feature = "relaxed-simd"))]
        {
            Wasm(f32x4_add(self.0, f32x4_mul(a.0, b.0)))
        }
    }
    #[inline(always)]
    unsafe fn max(self, b: Self) -> Self {
        // pmax(a, b) = a < b ? b : a
        Wasm(f32x4_pmax(self.0, b.0))
    }
    #[inline(always)]
    unsafe fn min(self, b: Self) -> Self {
        // pmin(a, b) = b < a ? b : a
        Wasm(f32x4_pmin(self.0, b.0))
    }
    #[inline(always)]
    unsafe fn add_shl23(self, k: i32) -> Self {
        Wasm(i32x4_shl(i32x4_add(self.0, i32x4_splat(k)), 23))
    }
    #[inline(always)]
    unsafe fn transpose_block(src: *const f32, src_rs: usize, dst: *mut f32, dst_rs: usize) {
        // Four rows in, four columns out, by interleaving shuffles (no lane goes through a
        // scalar).
        let row = |i: usize| v128_load(src.add(i * src_rs) as *const v128);
        let (a, b, c, d) = (row(0), row(1), row(2), row(3));
        let ab_lo = i32x4_shuffle::<0, 4, 1, 5>(a, b); // a0 b0 a1 b1
        let ab_hi = i32x4_shuffle::<2, 6, 3, 7>(a, b); // a2 b2 a3 b3
        let cd_lo = i32x4_shuffle::<0, 4, 1, 5>(c, d);
        let cd_hi = i32x4_shuffle::<2, 6, 3, 7>(c, d);
        let col = |j: usize, v: v128| v128_store(dst.add(j * dst_rs) as *mut v128, v);
        col(0, i32x4_shuffle::<0, 1, 4, 5>(ab_lo, cd_lo)); // a0 b0 c0 d0
        col(1, i32x4_shuffle::<2, 3, 6, 7>(ab_lo, cd_lo));
        col(2, i32x4_shuffle::<0, 1, 4, 5>(ab_hi, cd_hi));
        col(3, i32x4_shuffle::<2, 3, 6, 7>(ab_hi, cd_hi));
    }
    #[inline(always)]
    unsafe fn hsum4(a: Self, b: Self, c: Self, d: Self, out: *mut f32) {
        // A 4x4 transpose by shuffles, then three adds: lane i = sum of input i.
        let ab_lo = i32x4_shuffle::<0, 4, 1, 5>(a.0, b.0); // a0 b0 a1 b1
        let ab_hi = i32x4_shuffle::<2, 6, 3, 7>(a.0, b.0); // a2 b2 a3 b3
        let cd_lo = i32x4_shuffle::<0, 4, 1, 5>(c.0, d.0);
        let cd_hi = i32x4_shuffle::<2, 6, 3, 7>(c.0, d.0);
        let ab = f32x4_add(ab_lo, ab_hi); // a02 b02 a13 b13
        let cd = f32x4_add(cd_lo, cd_hi);
        let x = i32x4_shuffle::<0, 1, 4, 5>(ab, cd); // a02 b02 c02 d02
        let y = i32x4_shuffle::<2, 3, 6, 7>(ab, cd); // a13 b13 c13 d13
        v128_store(out as *mut v128, f32x4_add(x, y));
    }
    #[inline(always)]
    unsafe fn hsum(self) -> f32 {
        let v = self.0;
        (f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<2>(v))
            + (f32x4_extract_lane::<1>(v) + f32x4_extract_lane::<3>(v))
    }
}
