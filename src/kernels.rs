//! The numeric kernels of the training step, on row-major f32 slices: the three matrix products
//! of a Linear layer (forward `a @ w`, weight gradient `a^T @ d`, input gradient `d @ w^T`), and
//! the passes around them (tanh, softmax cross-entropy, BatchNorm's column statistics and
//! normalisation, SGD with its finite check). None of them allocates.
//!
//! Matrix products are register-blocked micro-kernels (see the toolchain notes on what
//! vectorises: independent accumulators, axpy loops):
//! - broadcast kernel (`a @ w`, `a^T @ d`): an `MR` x `NV`-vector tile of the output stays in
//!   registers while the shared dimension is walked; each step loads `NV` vectors of a row of the
//!   right operand and broadcasts `MR` scalars of the left one. Column panels outside, row tiles
//!   inside, so a panel of the right operand stays in L1 (this is also the cache blocking of the
//!   large-M full-split evaluation). Ragged right edges use partial loads and stores.
//! - dot kernel (`d @ w^T`): `DR` rows of d against 4 rows of w, one vector accumulator each;
//!   the 4 sums of a row are reduced together by a transpose-add and stored as one vector. When
//!   the dot products are short (`SHORT_DOT`, e.g. the 27 outputs), `matmul_a_bt_short`
//!   transposes w into scratch and uses the broadcast kernel instead.
//!
//! Elementwise passes are plain loops over exact-length slices (no bounds checks left, so LLVM
//! vectorises them), or explicit vector code where LLVM would not unroll (SGD).
//!
//! Everything is written once, generic over the `Simd` trait, and compiled per backend:
//! - x86_64: AVX2 + FMA (8 lanes, fused multiply-add, 6 x 2 tiles), chosen at run time with
//!   `is_x86_feature_detected!`; else a portable 8-lane backend that LLVM maps to SSE;
//! - wasm32: simd128 (`.cargo/config.toml` enables it), 4 lanes, multiply then add, 4 x 2 tiles;
//! - anything else: the portable backend.
//!
//! Backends sum the same products in different orders (and FMA rounds once instead of twice), so
//! results differ from naive loops by floating-point reassociation only; the fixtures check
//! whole training steps against PyTorch to 1e-4. The two transcendental functions are
//! approximations accurate to a few ulps: `exp` (Cephes' polynomial) and `tanh` (a rational
//! function, exactly +-1 when saturated).

// Index loops over fixed-size arrays are how the vector code is written here.
#![allow(clippy::too_many_arguments, clippy::needless_range_loop)]

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
    unsafe fn zero() -> Self;
    unsafe fn splat(x: f32) -> Self;
    unsafe fn load(p: *const f32) -> Self;
    /// The first `n` (< W) lanes from `p`, zeros elsewhere; reads only `p[..n]`.
    unsafe fn load_n(p: *const f32, n: usize) -> Self;
    /// Zeros every lane from `n` on.
    unsafe fn keep_n(self, n: usize) -> Self;
    unsafe fn store(self, p: *mut f32);
    /// Stores the first `n` (< W) lanes.
    unsafe fn store_n(self, p: *mut f32, n: usize);
    unsafe fn add(self, b: Self) -> Self;
    /// `self + a * b`, fused where the backend has FMA.
    unsafe fn madd(self, a: Self, b: Self) -> Self;
    /// Sum of the lanes.
    unsafe fn hsum(self) -> f32;
    /// The lane sums of a, b, c, d, stored to `out[0..4]`.
    unsafe fn hsum4(a: Self, b: Self, c: Self, d: Self, out: *mut f32) {
        *out = a.hsum();
        *out.add(1) = b.hsum();
        *out.add(2) = c.hsum();
        *out.add(3) = d.hsum();
    }
    /// Scalar `a * b + c`, fused where the backend has FMA (for loops that LLVM vectorises).
    fn fma(a: f32, b: f32, c: f32) -> f32 {
        a * b + c
    }
}

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

// ---------------------------------------------------------------------------------------------
// Backends

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
    unsafe fn madd(self, a: Self, b: Self) -> Self {
        let mut v = self.0;
        for i in 0..8 {
            v[i] += a.0[i] * b.0[i];
        }
        Portable(v)
    }
    #[inline(always)]
    unsafe fn hsum(self) -> f32 {
        let v = self.0;
        ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]))
    }
}

#[cfg(target_arch = "x86_64")]
mod avx {
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
        unsafe fn madd(self, a: Self, b: Self) -> Self {
            Avx(_mm256_fmadd_ps(a.0, b.0, self.0))
        }
        #[inline(always)]
        fn fma(a: f32, b: f32, c: f32) -> f32 {
            // Only ever inlined into `avx2,fma` functions: one vfmadd.
            a.mul_add(b, c)
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
}
#[cfg(target_arch = "x86_64")]
pub(crate) use avx::Avx;

#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::Simd;
    use core::arch::wasm32::*;

    /// simd128, 4 lanes. Plain simd128 has no fused multiply-add, so `madd` is a multiply then an
    /// add; the relaxed-simd build (`-C target-feature=+relaxed-simd`, loaded by the worker where
    /// the browser has it) uses `f32x4.relaxed_madd`, which V8 compiles to an FMA.
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
            let mut v = [0.0f32; 4];
            std::ptr::copy_nonoverlapping(p, v.as_mut_ptr(), n);
            Wasm(v128_load(v.as_ptr() as *const v128))
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
            let mut v = [0.0f32; 4];
            v128_store(v.as_mut_ptr() as *mut v128, self.0);
            std::ptr::copy_nonoverlapping(v.as_ptr(), p, n);
        }
        #[inline(always)]
        unsafe fn add(self, b: Self) -> Self {
            Wasm(f32x4_add(self.0, b.0))
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
}
#[cfg(target_arch = "wasm32")]
pub(crate) use wasm::Wasm;

/// True when the AVX2 + FMA kernels may run (cached by std after the first call).
#[cfg(target_arch = "x86_64")]
#[inline]
pub fn has_avx2_fma() -> bool {
    is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
}

/// Which SIMD backend the kernels use on this machine: "avx2+fma", "sse (portable)", "simd128".
pub fn backend() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx2_fma() {
            "avx2+fma (8 lanes, FMA)"
        } else {
            "sse (portable, 4 lanes)"
        }
    }
    #[cfg(all(target_arch = "wasm32", not(target_feature = "relaxed-simd")))]
    {
        "simd128 (4 lanes, mul+add)"
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
    {
        "simd128 + relaxed-simd (4 lanes, relaxed FMA)"
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
    {
        "portable"
    }
}

/// Defines `pub fn $name(args) -> ret` that runs `$generic::<Backend>(args)` with the best
/// backend of the machine: AVX2 + FMA when detected, else portable; simd128 on wasm32.
macro_rules! dispatch {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? => $generic:ident) => {
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2,fma")]
                unsafe fn fast($($arg: $ty),*) $(-> $ret)? {
                    unsafe { $generic::<Avx>($($arg),*) }
                }
                if has_avx2_fma() {
                    // SAFETY: the CPU has AVX2 and FMA.
                    unsafe { fast($($arg),*) }
                } else {
                    unsafe { $generic::<Portable>($($arg),*) }
                }
            }
            #[cfg(target_arch = "wasm32")]
            {
                unsafe { $generic::<Wasm>($($arg),*) }
            }
            #[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
            {
                unsafe { $generic::<Portable>($($arg),*) }
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Matrix products

/// A matrix operand: element (i, j) is at `ptr + i * rs + j * cs`; `len` floats are readable.
#[derive(Clone, Copy)]
struct Mat {
    ptr: *const f32,
    rs: usize,
    cs: usize,
    len: usize,
}

impl Mat {
    /// `s` read with row stride `rs` and column stride `cs`.
    fn new(s: &[f32], rs: usize, cs: usize) -> Mat {
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
    let mut acc = [[V::zero(); NVV]; R];
    if !bias.is_null() {
        for v in 0..NVV {
            let bv = if v + 1 == NVV && last < w {
                V::load_n(bias.add(j0 + v * w), last)
            } else {
                V::load(bias.add(j0 + v * w))
            };
            for row in acc.iter_mut() {
                row[v] = bv;
            }
        }
    }
    // B rows p < k_full can be loaded as whole vectors (over-reading into the next row).
    let span = NVV * w;
    let k_full = if last == w {
        k
    } else if b.len >= j0 + span {
        ((b.len - j0 - span) / b.rs + 1).min(k)
    } else {
        0
    };
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

/// C (m, n) = bias + A (m, k) @ B (k, n), with B's rows contiguous, written to `c` (row stride n).
/// Column panels of NV vectors outside, row tiles of MR inside, so a panel of B (k x NV*W) stays
/// in L1 while every row tile of A streams past it.
#[inline(always)]
unsafe fn gemm<V: Simd>(
    m: usize,
    k: usize,
    n: usize,
    a: Mat,
    b: Mat,
    bias: *const f32,
    c: *mut f32,
) {
    let w = V::W;
    let panel = V::NV * w;
    let mut j0 = 0;
    while j0 < n {
        let cols = (n - j0).min(panel);
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
                while j < n {
                    let last = (n - j).min(w);
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

/// C (m, k) = A (m, n) @ B (k, n)^T as blocked dot products; C's row stride is k.
#[inline(always)]
unsafe fn gemm_dots<V: Simd>(m: usize, n: usize, k: usize, a: Mat, b: Mat, c: *mut f32) {
    let mut j0 = 0;
    while j0 < k {
        let cols = (k - j0).min(V::DP);
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
    gemm::<V>(m, k, n, am, bm, bias, out.as_mut_ptr());
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
    gemm::<V>(k, m, n, am, dm, std::ptr::null(), dw.as_mut_ptr());
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
    gemm_dots::<V>(m, n, k, dm, wm, da.as_mut_ptr());
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
    // 8 x 8 blocks: reads and writes both stay within a few cache lines.
    const B: usize = 8;
    let (out, x) = (&mut out[..rows * cols], &x[..rows * cols]);
    for r0 in (0..rows).step_by(B) {
        for c0 in (0..cols).step_by(B) {
            for r in r0..(r0 + B).min(rows) {
                for c in c0..(c0 + B).min(cols) {
                    out[c * rows + r] = x[r * cols + c];
                }
            }
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

// ---------------------------------------------------------------------------------------------
// Elementwise: written as plain loops without cross-iteration dependencies, which LLVM
// vectorises with whatever width the enclosing backend allows.

/// exp(x) for x in [-87, 88] (no clamping): Cephes' expf, x = n ln2 + r with |r| <= ln2/2, a
/// degree-7 polynomial for e^r, 2^n from the exponent bits. About 1 ulp; branch-free, so loops
/// of it vectorise.
#[inline(always)]
fn exp_core<V: Simd>(x: f32) -> f32 {
    const MAGIC: f32 = 12_582_912.0; // 1.5 * 2^23: adding it rounds to an integer
    let t = V::fma(x, std::f32::consts::LOG2_E, MAGIC);
    let n = t - MAGIC;
    let r = V::fma(n, -0.693_359_4, x);
    let r = V::fma(n, 2.121_944_4e-4, r);
    let p = V::fma(1.987_569_1e-4, r, 1.398_199_9e-3);
    let p = V::fma(p, r, 8.333_452e-3);
    let p = V::fma(p, r, 4.166_579_6e-2);
    let p = V::fma(p, r, 0.166_666_65);
    let p = V::fma(p, r, 0.5);
    let y = V::fma(p, r * r, r) + 1.0;
    let ni = (t.to_bits() as i32).wrapping_sub(MAGIC.to_bits() as i32);
    y * f32::from_bits((ni.wrapping_add(127) as u32) << 23)
}

/// `x` limited to [lo, hi]; NaN stays NaN (both comparisons are false).
#[inline(always)]
fn clamp_nan(x: f32, lo: f32, hi: f32) -> f32 {
    let x = if x > hi { hi } else { x };
    if x < lo {
        lo
    } else {
        x
    }
}

/// exp(x) to about 1 ulp, with x clamped to [-87, 88] so results stay normal numbers (exp(-87)
/// is 1.6e-38 where the true value would be smaller); NaN stays NaN.
#[inline(always)]
pub fn exp_approx(x: f32) -> f32 {
    exp_core::<Portable>(clamp_nan(x, -87.0, 88.0))
}

/// tanh(x) as a rational function, x * P(x^2) / Q(x^2) with P of degree 6 and Q of degree 3
/// (Eigen's `generic_fast_tanh_float` coefficients), on x clamped to +-7.905311, where the
/// function reaches 1.0f exactly. Within 3.3e-7 of tanh everywhere (a few ulps near +-1), odd,
/// exactly +-1 when saturated, NaN for NaN; 10 multiply-adds and one division, so a loop of it
/// vectorises into a handful of instructions per vector.
#[inline(always)]
fn tanh_g<V: Simd>(x: f32) -> f32 {
    let x = clamp_nan(x, -7.905_311, 7.905_311);
    let x2 = x * x;
    let p = V::fma(x2, -2.760_768_5e-16, 2.000_188e-13);
    let p = V::fma(p, x2, -8.604_672e-11);
    let p = V::fma(p, x2, 5.122_297e-8);
    let p = V::fma(p, x2, 1.485_722_4e-5);
    let p = V::fma(p, x2, 6.372_619_3e-4);
    let p = V::fma(p, x2, 4.893_524_6e-3);
    let q = V::fma(x2, 1.198_258_4e-6, 1.185_347_1e-4);
    let q = V::fma(q, x2, 2.268_434_6e-3);
    let q = V::fma(q, x2, 4.893_525e-3);
    x * p / q
}

/// tanh(x) (see `tanh_slice`), one value.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    tanh_g::<Portable>(x)
}

#[inline(always)]
unsafe fn tanh_slice_g<V: Simd>(out: &mut [f32], inp: &[f32]) {
    for (o, &x) in out.iter_mut().zip(inp) {
        *o = tanh_g::<V>(x);
    }
}

dispatch! {
    /// `out[i] = tanh(inp[i])`, for the common length.
    pub fn tanh_slice(out: &mut [f32], inp: &[f32]) => tanh_slice_g
}

#[inline(always)]
unsafe fn tanh_backward_g<V: Simd>(dinp: &mut [f32], out: &[f32], dout: &[f32]) {
    for ((d, &o), &g) in dinp.iter_mut().zip(out).zip(dout) {
        *d = g * (1.0 - o * o);
    }
}

dispatch! {
    /// `dinp[i] = dout[i] * (1 - out[i]^2)`, the gradient through `out = tanh(x)`.
    pub fn tanh_backward(dinp: &mut [f32], out: &[f32], dout: &[f32]) => tanh_backward_g
}

#[inline(always)]
unsafe fn exp_slice_g<V: Simd>(out: &mut [f32], inp: &[f32], shift: f32) {
    for (o, &x) in out.iter_mut().zip(inp) {
        *o = exp_core::<V>(clamp_nan(x - shift, -87.0, 88.0));
    }
}

dispatch! {
    /// `out[i] = exp(inp[i] - shift)`.
    pub fn exp_slice(out: &mut [f32], inp: &[f32], shift: f32) => exp_slice_g
}

#[inline(always)]
unsafe fn sum_exp_g<V: Simd>(row: &[f32], shift: f32) -> f32 {
    let mut acc = [0.0f32; 8];
    let c = row.chunks_exact(8);
    let rest = c.remainder();
    for x in c {
        for j in 0..8 {
            acc[j] += exp_core::<V>(clamp_nan(x[j] - shift, -87.0, 88.0));
        }
    }
    let mut tail = 0.0f32;
    for &x in rest {
        tail += exp_core::<V>(clamp_nan(x - shift, -87.0, 88.0));
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
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
        // The exponentials go to dlogits' row (or are only summed), 8 partial sums.
        let mut acc = [0.0f32; 8];
        if want_grad {
            let drow = &mut dlogits[r * vocab..(r + 1) * vocab];
            for (dv, &v) in drow.iter_mut().zip(row) {
                *dv = exp_core::<V>(clamp_nan(v - max, -87.0, 88.0));
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
                    acc[j] += exp_core::<V>(clamp_nan(x[j] - max, -87.0, 88.0));
                }
            }
            for &x in rest {
                acc[0] += exp_core::<V>(clamp_nan(x - max, -87.0, 88.0));
            }
        }
        let sum = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
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

#[inline(always)]
unsafe fn row_max_g<V: Simd>(row: &[f32]) -> f32 {
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

dispatch! {
    /// The largest element (NaN elements are skipped; -inf for an empty row).
    pub fn row_max(row: &[f32]) -> f32 => row_max_g
}

#[inline(always)]
unsafe fn col_sum_g<V: Simd>(out: &mut [f32], x: &[f32], m: usize, n: usize) {
    let out = &mut out[..n];
    out.fill(0.0);
    for row in x[..m * n].chunks_exact(n) {
        for (o, &v) in out.iter_mut().zip(row) {
            *o += v;
        }
    }
}

dispatch! {
    /// Sum of each column of x (m, n) into out (n).
    pub fn col_sum(out: &mut [f32], x: &[f32], m: usize, n: usize) => col_sum_g
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

// ---------------------------------------------------------------------------------------------
// BatchNorm passes, along rows (the feature dimension is contiguous, so every loop vectorises)

#[inline(always)]
unsafe fn bn_stats_g<V: Simd>(
    x: &[f32],
    n: usize,
    sum: &mut [f64],
    mean: &mut [f32],
    sumsq: &mut [f64],
    scratch: &mut [f32],
) {
    // Blocks of up to 8 rows are summed in f32 (a vector add per row), and only the block sums
    // go into the f64 totals: nearly f64 accuracy at nearly f32 speed.
    const BLOCK: usize = 8;
    let (sum, mean, sumsq, part) = (
        &mut sum[..n],
        &mut mean[..n],
        &mut sumsq[..n],
        &mut scratch[..n],
    );
    let rows = x.len() / n;
    sum.fill(0.0);
    for block in x.chunks(BLOCK * n) {
        let mut it = block.chunks_exact(n);
        part.copy_from_slice(it.next().expect("a block has a row"));
        for row in it {
            for (p, &v) in part.iter_mut().zip(row) {
                *p += v;
            }
        }
        for (s, &p) in sum.iter_mut().zip(part.iter()) {
            *s += p as f64;
        }
    }
    for (m, &s) in mean.iter_mut().zip(sum.iter()) {
        *m = (s / rows as f64) as f32;
    }
    sumsq.fill(0.0);
    for block in x.chunks(BLOCK * n) {
        part.fill(0.0);
        for row in block.chunks_exact(n) {
            for ((p, &v), &m) in part.iter_mut().zip(row).zip(mean.iter()) {
                let d = v - m;
                *p = V::fma(d, d, *p);
            }
        }
        for (s, &p) in sumsq.iter_mut().zip(part.iter()) {
            *s += p as f64;
        }
    }
}

dispatch! {
    /// Per column of x (rows, n): `sum`, `mean` = sum / rows, and `sumsq`, the sum of squared
    /// deviations from `mean`; totals in f64 over f32 partial sums of 8 rows. `scratch`: n floats.
    pub fn bn_stats(x: &[f32], n: usize, sum: &mut [f64], mean: &mut [f32], sumsq: &mut [f64], scratch: &mut [f32]) => bn_stats_g
}

#[inline(always)]
unsafe fn bn_normalize_g<V: Simd>(
    out: &mut [f32],
    xhat: &mut [f32],
    x: &[f32],
    mean: &[f32],
    inv_s: &[f32],
    gamma: &[f32],
    beta: &[f32],
) {
    let n = mean.len();
    let (inv_s, gamma, beta) = (&inv_s[..n], &gamma[..n], &beta[..n]);
    for ((orow, hrow), xrow) in out
        .chunks_exact_mut(n)
        .zip(xhat.chunks_exact_mut(n))
        .zip(x.chunks_exact(n))
    {
        for j in 0..n {
            let xh = (xrow[j] - mean[j]) * inv_s[j];
            hrow[j] = xh;
            orow[j] = V::fma(gamma[j], xh, beta[j]);
        }
    }
}

dispatch! {
    /// xhat = (x - mean) * inv_s and out = gamma * xhat + beta, row by row (n = mean.len()).
    pub fn bn_normalize(out: &mut [f32], xhat: &mut [f32], x: &[f32], mean: &[f32], inv_s: &[f32], gamma: &[f32], beta: &[f32]) => bn_normalize_g
}

#[inline(always)]
unsafe fn scale_shift_g<V: Simd>(out: &mut [f32], x: &[f32], scale: &[f32], shift: &[f32]) {
    let n = scale.len();
    let shift = &shift[..n];
    for (orow, xrow) in out.chunks_exact_mut(n).zip(x.chunks_exact(n)) {
        for j in 0..n {
            orow[j] = V::fma(xrow[j], scale[j], shift[j]);
        }
    }
}

dispatch! {
    /// out = x * scale + shift, per column (n = scale.len()).
    pub fn scale_shift(out: &mut [f32], x: &[f32], scale: &[f32], shift: &[f32]) => scale_shift_g
}

#[inline(always)]
unsafe fn bn_grad_sums_g<V: Simd>(
    dgamma: &mut [f32],
    dbeta: &mut [f32],
    dout: &[f32],
    xhat: &[f32],
) {
    let n = dgamma.len();
    let dbeta = &mut dbeta[..n];
    dgamma.fill(0.0);
    dbeta.fill(0.0);
    for (drow, hrow) in dout.chunks_exact(n).zip(xhat.chunks_exact(n)) {
        for j in 0..n {
            dgamma[j] = V::fma(drow[j], hrow[j], dgamma[j]);
            dbeta[j] += drow[j];
        }
    }
}

dispatch! {
    /// dgamma = column sums of dout * xhat, dbeta = column sums of dout (n = dgamma.len()).
    pub fn bn_grad_sums(dgamma: &mut [f32], dbeta: &mut [f32], dout: &[f32], xhat: &[f32]) => bn_grad_sums_g
}

#[inline(always)]
unsafe fn bn_dinp_g<V: Simd>(
    dinp: &mut [f32],
    dout: &[f32],
    xhat: &[f32],
    c1: &[f32],
    c2: &[f32],
    c3: &[f32],
) {
    let n = c1.len();
    let (c2, c3) = (&c2[..n], &c3[..n]);
    for (irow, (drow, hrow)) in dinp
        .chunks_exact_mut(n)
        .zip(dout.chunks_exact(n).zip(xhat.chunks_exact(n)))
    {
        for j in 0..n {
            irow[j] = V::fma(drow[j], c1[j], -V::fma(hrow[j], c3[j], c2[j]));
        }
    }
}

dispatch! {
    /// dinp = dout * c1 - (xhat * c3 + c2), per column (n = c1.len()).
    pub fn bn_dinp(dinp: &mut [f32], dout: &[f32], xhat: &[f32], c1: &[f32], c2: &[f32], c3: &[f32]) => bn_dinp_g
}

// ---------------------------------------------------------------------------------------------
// SGD

#[inline(always)]
unsafe fn sgd_into_g<V: Simd>(out: &mut [f32], data: &[f32], grad: &[f32], lr: f32) -> bool {
    // x * 0 is 0 for a finite x and NaN for inf or NaN, so the sum of them is 0 exactly when
    // every new weight is finite. Explicit vectors, 4 per iteration in 4 independent sums (no
    // long dependency chain, little loop overhead where LLVM does not unroll, as on wasm).
    let n = data.len().min(grad.len()).min(out.len());
    let (o, d, g, w) = (out.as_mut_ptr(), data.as_ptr(), grad.as_ptr(), V::W);
    let (nl, z) = (V::splat(-lr), V::zero());
    let mut acc = [V::zero(); 4];
    let mut i = 0;
    while i + 4 * w <= n {
        for (u, a) in acc.iter_mut().enumerate() {
            let x = V::load(d.add(i + u * w)).madd(nl, V::load(g.add(i + u * w)));
            x.store(o.add(i + u * w));
            *a = a.madd(x, z);
        }
        i += 4 * w;
    }
    while i + w <= n {
        let x = V::load(d.add(i)).madd(nl, V::load(g.add(i)));
        x.store(o.add(i));
        acc[0] = acc[0].madd(x, z);
        i += w;
    }
    let mut tail = 0.0f32;
    while i < n {
        let x = V::fma(-lr, *g.add(i), *d.add(i));
        *o.add(i) = x;
        tail += x * 0.0;
        i += 1;
    }
    (acc[0].add(acc[1])).add(acc[2].add(acc[3])).hsum() + tail == 0.0
}

dispatch! {
    /// `out[i] = data[i] - lr * grad[i]` (fused where the backend has FMA); true when every
    /// `out[i]` is finite.
    pub fn sgd_into(out: &mut [f32], data: &[f32], grad: &[f32], lr: f32) -> bool => sgd_into_g
}

// ---------------------------------------------------------------------------------------------
// Peak probe

#[inline(always)]
unsafe fn peak_g<V: Simd>(iters: usize, seed: f32) -> f32 {
    // 12 independent multiply-add chains on registers: x = x * m + c (FMA where the backend
    // has it), 2 flops per lane each. `seed` keeps the compiler from folding the loop.
    let m = V::splat(0.999_999);
    let c = V::splat(1e-7);
    let mut x = [V::splat(seed); 12];
    for (i, v) in x.iter_mut().enumerate() {
        *v = v.add(V::splat(i as f32 * 1e-3));
    }
    for _ in 0..iters {
        for v in x.iter_mut() {
            *v = c.madd(*v, m);
        }
    }
    let mut s = V::zero();
    for v in x {
        s = s.add(v);
    }
    s.hsum()
}

dispatch! {
    /// Runs `iters` x 12 vector multiply-adds on registers; returns a value to keep it alive.
    /// `peak_flops_per_iter()` flops per iteration.
    pub fn peak_probe(iters: usize, seed: f32) -> f32 => peak_g
}

/// Flops per iteration of `peak_probe` with the active backend (12 chains x lanes x 2).
pub fn peak_flops_per_iter() -> usize {
    12 * lanes() * 2
}

/// SIMD lanes of the active backend.
pub fn lanes() -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx2_fma() {
            8
        } else {
            4
        }
    }
    #[cfg(target_arch = "wasm32")]
    {
        4
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
    {
        8
    }
}

// ---------------------------------------------------------------------------------------------
// A benchmark workload

/// The matrix products of one training step at given Linear shapes, as `Linear` calls them:
/// for benchmarks (the native bench binary and the wasm build's `KernelBench`).
pub struct MatmulWorkload {
    batch: usize,
    /// Per Linear: (n_in, n_out, a, w, d, out, dw, da, wt).
    #[allow(clippy::type_complexity)]
    bufs: Vec<(
        usize,
        usize,
        Vec<f32>,
        Vec<f32>,
        Vec<f32>,
        Vec<f32>,
        Vec<f32>,
        Vec<f32>,
        Vec<f32>,
    )>,
}

/// Which products `MatmulWorkload::run` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatmulKind {
    /// out = a @ W
    Forward,
    /// dW = a^T @ d
    WeightGrad,
    /// da = d @ W^T
    InputGrad,
    /// all three, in a step's order
    All,
}

impl MatmulKind {
    pub const ALL: [MatmulKind; 4] = [
        MatmulKind::Forward,
        MatmulKind::WeightGrad,
        MatmulKind::InputGrad,
        MatmulKind::All,
    ];

    pub fn label(self) -> &'static str {
        match self {
            MatmulKind::Forward => "forward a@W",
            MatmulKind::WeightGrad => "weight grad a^T@d",
            MatmulKind::InputGrad => "input grad d@W^T",
            MatmulKind::All => "all",
        }
    }
}

impl MatmulWorkload {
    /// Buffers for `shapes` (n_in, n_out) at `batch` rows, filled with normal numbers.
    pub fn new(shapes: &[(usize, usize)], batch: usize) -> MatmulWorkload {
        let mut rng = crate::rng::Rng::new(1);
        let m = batch;
        let bufs = shapes
            .iter()
            .map(|&(k, n)| {
                let mut a = vec![0.0f32; m * k];
                let mut w = vec![0.0f32; k * n];
                let mut d = vec![0.0f32; m * n];
                rng.fill_normal(&mut a, 1.0);
                rng.fill_normal(&mut w, 0.1);
                rng.fill_normal(&mut d, 0.1);
                let z = |len| vec![0.0f32; len];
                (k, n, a, w, d, z(m * n), z(k * n), z(m * k), z(k * n))
            })
            .collect();
        MatmulWorkload { batch, bufs }
    }

    /// The deep model's Linear shapes (n_embd 10, block 3, n_hidden 200, vocab 27).
    pub fn deep_shapes() -> Vec<(usize, usize)> {
        vec![
            (30, 200),
            (200, 200),
            (200, 200),
            (200, 200),
            (200, 200),
            (200, 27),
        ]
    }

    /// Flops of one `run` iteration of `kind`.
    pub fn flops(&self, kind: MatmulKind) -> f64 {
        let one: f64 = self
            .bufs
            .iter()
            .map(|&(k, n, ..)| 2.0 * (self.batch * k * n) as f64)
            .sum();
        if kind == MatmulKind::All {
            3.0 * one
        } else {
            one
        }
    }

    /// `iters` times the products of `kind`; returns a number that depends on the results.
    pub fn run(&mut self, kind: MatmulKind, iters: usize) -> f32 {
        let m = self.batch;
        let mut keep = 0.0;
        for _ in 0..iters {
            for (k, n, a, w, d, out, dw, da, wt) in self.bufs.iter_mut() {
                let (k, n) = (*k, *n);
                // The input gradient as Linear::backward computes it.
                let mut input_grad = |da: &mut [f32]| {
                    if n < SHORT_DOT {
                        matmul_a_bt_short(da, d, w, wt, m, k, n)
                    } else {
                        matmul_a_bt(da, d, w, m, k, n)
                    }
                };
                match kind {
                    MatmulKind::Forward => matmul(out, a, w, None, m, k, n),
                    MatmulKind::WeightGrad => matmul_at_b(dw, a, d, m, k, n),
                    MatmulKind::InputGrad => input_grad(da),
                    MatmulKind::All => {
                        matmul(out, a, w, None, m, k, n);
                        matmul_at_b(dw, a, d, m, k, n);
                        input_grad(da);
                    }
                }
                keep += out[0] + dw[0] + da[0];
            }
        }
        keep
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
            let mut a = vec![0.0; m * k];
            let mut b = vec![0.0; k * n];
            let mut bias = vec![0.0; n];
            rng.fill_normal(&mut a, 1.0);
            rng.fill_normal(&mut b, 1.0);
            rng.fill_normal(&mut bias, 1.0);
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
            let d = dot(&a[..k], &b[..k]);
            let want = (0..k).map(|p| a[p] as f64 * b[p] as f64).sum::<f64>() as f32;
            assert!((d - want).abs() <= 1e-4 * (1.0 + want.abs()));
        }
    }

    #[test]
    fn exp_and_tanh_are_accurate() {
        let mut worst_exp = 0.0f64;
        let mut x = -87.0f32;
        while x < 88.0 {
            let rel = ((exp_approx(x) as f64) / (x as f64).exp() - 1.0).abs();
            worst_exp = worst_exp.max(rel);
            x += 0.0137;
        }
        assert!(worst_exp < 3e-7, "exp worst relative error {worst_exp}");
        assert!(exp_approx(f32::NAN).is_nan());
        assert_eq!(exp_approx(-1e9), exp_approx(-87.0));
        let xs: Vec<f32> = (0..20_000).map(|i| -12.0 + i as f32 * 0.0012).collect();
        let mut ys = vec![0.0; xs.len()];
        tanh_slice(&mut ys, &xs);
        let worst = xs
            .iter()
            .zip(&ys)
            .map(|(&x, &y)| (y as f64 - (x as f64).tanh()).abs())
            .fold(0.0, f64::max);
        assert!(worst < 4e-7, "tanh worst abs error {worst}");
        assert_eq!(tanh(100.0), 1.0);
        assert_eq!(tanh(-8.0), -1.0);
        assert!(tanh(f32::NAN).is_nan());
        assert_eq!(tanh(-0.0).to_bits(), (-0.0f32).to_bits());
        let mut e = [0.0; 3];
        exp_slice(&mut e, &[0.0, 1.0, -1.0], 0.0);
        assert!((e[1] - std::f32::consts::E).abs() < 1e-6 && e[0] == 1.0);
    }

    #[test]
    fn sgd_into_updates_and_catches_overflow_and_nan() {
        let data = vec![1.0f32; 37];
        let mut grad = vec![0.5f32; 37];
        let mut out = vec![0.0f32; 37];
        assert!(sgd_into(&mut out, &data, &grad, 0.1));
        assert!(out.iter().all(|&v| v == 0.95), "{out:?}");
        grad[36] = f32::NAN;
        assert!(!sgd_into(&mut out, &data, &grad, 0.1), "NaN in the tail");
        grad[36] = 0.0;
        grad[3] = -3e38;
        assert!(
            !sgd_into(&mut out, &data, &grad, 10.0),
            "overflow in a full vector"
        );
        assert!(sgd_into(&mut out, &data, &[1.0; 37], 0.5));
        assert!(out.iter().all(|&v| v == 0.5));
    }

    #[test]
    fn peak_probe_runs() {
        assert!(peak_probe(10, 1.0).is_finite());
        assert!(peak_flops_per_iter() >= 12 * 4 * 2);
    }
}
