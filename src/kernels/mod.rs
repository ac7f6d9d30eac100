//! The numeric kernels of the training step, on row-major f32 slices: the three matrix products
//! of a Linear layer (forward `a @ w`, weight gradient `a^T @ d`, input gradient `d @ w^T`), and
//! the passes around them (tanh, softmax cross-entropy, BatchNorm's column statistics and
//! normalisation, SGD with its finite check). None of them allocates.
//!
//! - `simd.rs`: the `Simd` trait every kernel is generic over, and the portable backend;
//!   `simd_avx2.rs`, `simd_wasm.rs`: the AVX2 + FMA and the wasm simd128 backends;
//! - `gemm.rs`: the matrix products (`Mat`, the micro-kernels below), `transpose`, `dot`;
//! - `packed.rs`: the broadcast kernel with A's scalars broadcast ahead into a buffer, for the
//!   plain simd128 builds (`Simd::PACK_A`; JavaScriptCore's broadcasts from memory are slow);
//! - `blocks.rs`: `Out`, and the products' `_cols` and `_part` forms, which write one block of
//!   the output (for `split.rs` and `layers::block`);
//! - `elementwise.rs`: the exp and tanh approximations, tanh forward and backward over slices;
//! - `softmax.rs`: fused softmax cross-entropy, and a row's sum of exponentials;
//! - `reduce.rs`: a row's max, column sums, sum and sum of squares;
//! - `batchnorm.rs`: BatchNorm's column statistics, normalisation and backward passes;
//! - `sgd.rs`: the SGD update with its finite check;
//! - `split.rs`: the products and the wide passes split across threads by output blocks, with
//!   results identical to one thread's (`kernels::split::matmul(par, ...)`); the `_cols`
//!   functions (products, BatchNorm, tanh) work on a block of columns of matrices that threads
//!   share (`Out`), for the fused [Linear, BatchNorm1d, Tanh] block (`layers::block`);
//! - this file: which backend runs (`backend()`, the `dispatch!` macro), and the re-exports.
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
//! - wasm32: simd128 (`.cargo/config.toml` enables it), 4 lanes, 4 x 2 tiles; multiply then add
//!   in the plain build, `f32x4.relaxed_madd` (an FMA in V8) in the relaxed-simd build. The page
//!   and the worker load the same build, chosen by www/simd.js;
//! - anything else: the portable backend.
//!
//! Backends sum the same products in different orders (and FMA rounds once instead of twice), so
//! results differ from naive loops by floating-point reassociation only; the fixtures check
//! whole training steps against PyTorch to 1e-4. The two transcendental functions are
//! approximations accurate to a few ulps: `exp` (Cephes' polynomial) and `tanh` (a rational
//! function, exactly +-1 when saturated).

// Index loops over fixed-size arrays are how the vector code is written here.
#![allow(clippy::too_many_arguments, clippy::needless_range_loop)]

mod batchnorm;
mod blocks;
mod elementwise;
mod gemm;
mod packed;
mod reduce;
mod sgd;
mod simd;
#[cfg(target_arch = "x86_64")]
mod simd_avx2;
#[cfg(target_arch = "wasm32")]
mod simd_wasm;
mod softmax;
pub mod split;
#[cfg(test)]
mod testing;
mod tile;

pub use batchnorm::{bn_dinp, bn_grad_sums, bn_normalize, bn_stats, scale_shift};
pub(crate) use batchnorm::{bn_dinp_cols, bn_grad_sums_cols, bn_normalize_cols, bn_stats_cols};
pub(crate) use blocks::{dot_panel, matmul_a_bt_cols, matmul_at_b_cols, matmul_cols, panel, Out};
pub use elementwise::{tanh, tanh_backward, tanh_slice};
pub(crate) use elementwise::{tanh_backward_cols, tanh_cols};
pub use gemm::{dot, matmul, matmul_a_bt, matmul_a_bt_short, matmul_at_b, transpose, SHORT_DOT};
pub(crate) use reduce::col_sum_cols;
pub use reduce::{col_sum, row_max, sum_sumsq};
pub use sgd::sgd_into;
pub(crate) use simd::{Portable, Simd};
#[cfg(target_arch = "x86_64")]
pub(crate) use simd_avx2::Avx;
#[cfg(target_arch = "wasm32")]
pub(crate) use simd_wasm::Wasm;
pub use softmax::{softmax_xent, sum_exp};

/// True when the AVX2 + FMA kernels may run (cached by std after the first call).
#[cfg(target_arch = "x86_64")]
#[inline]
pub fn has_avx2_fma() -> bool {
    is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
}

/// Which SIMD backend the kernels use on this machine, with its lanes: "avx2+fma", "portable"
/// (8 lanes, which LLVM maps to two SSE registers on x86_64), "simd128" (+ "relaxed-simd").
pub fn backend() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx2_fma() {
            "avx2+fma (8 lanes, FMA)"
        } else {
            "portable (8 lanes, SSE)"
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
        "portable (8 lanes)"
    }
}

/// Defines `pub fn $name(args) -> ret` that runs `$generic::<Backend>(args)` with the best
/// backend of the machine: AVX2 + FMA when detected, else portable; simd128 on wasm32. Its paths
/// are `$crate::kernels::...`, so `benchkit` dispatches its probes the same way.
macro_rules! dispatch {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? => $generic:ident) => {
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2,fma")]
                unsafe fn fast($($arg: $ty),*) $(-> $ret)? {
                    unsafe { $generic::<$crate::kernels::Avx>($($arg),*) }
                }
                if $crate::kernels::has_avx2_fma() {
                    // SAFETY: the CPU has AVX2 and FMA.
                    unsafe { fast($($arg),*) }
                } else {
                    unsafe { $generic::<$crate::kernels::Portable>($($arg),*) }
                }
            }
            #[cfg(target_arch = "wasm32")]
            {
                unsafe { $generic::<$crate::kernels::Wasm>($($arg),*) }
            }
            #[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
            {
                unsafe { $generic::<$crate::kernels::Portable>($($arg),*) }
            }
        }
    };
}
pub(crate) use dispatch;
