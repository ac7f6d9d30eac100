//! Elementwise passes: exp and tanh as branch-free approximations (one value, or a slice), and
//! tanh's backward. Plain loops without cross-iteration dependencies, which LLVM vectorises with
//! whatever width the enclosing backend allows.

use super::blocks::Out;
use super::simd::each_vector;
use super::{dispatch, Portable, Simd};
use std::ops::Range;

// exp's constants: 1.5 * 2^23 (adding it rounds to an integer), ln 2 in two parts, and the
// polynomial's coefficients (Cephes' expf), for `exp_v`.
const MAGIC: f32 = 12_582_912.0;
const LN2_HI: f32 = -0.693_359_4;
const LN2_LO: f32 = 2.121_944_4e-4;
const EXP_P: [f32; 6] = [
    1.987_569_1e-4,
    1.398_199_9e-3,
    8.333_452e-3,
    4.166_579_6e-2,
    0.166_666_65,
    0.5,
];
/// 2^n = bits((bits(t) - bits(MAGIC) + 127) << 23) for t = n + MAGIC.
const EXP_BIAS: i32 = 127i32.wrapping_sub(MAGIC.to_bits() as i32);

/// exp(x) in every lane, for x in [-87, 88] (no clamping): Cephes' expf, x = n ln2 + r with
/// |r| <= ln2/2, a degree-7 polynomial for e^r, 2^n from the exponent bits. About 1 ulp;
/// branch-free. Its multiply-adds are `fma_v`, which rounds as the scalar `V::fma`, so a lane
/// holds what the scalar code of the same operations gives (the tests keep that code).
#[inline(always)]
pub(super) unsafe fn exp_v<V: Simd>(x: V) -> V {
    let c = V::splat;
    let t = x.fma_v(c(std::f32::consts::LOG2_E), c(MAGIC));
    let n = t.sub(c(MAGIC));
    let r = n.fma_v(c(LN2_HI), x);
    let r = n.fma_v(c(LN2_LO), r);
    let p = c(EXP_P[0]).fma_v(r, c(EXP_P[1]));
    let p = p.fma_v(r, c(EXP_P[2]));
    let p = p.fma_v(r, c(EXP_P[3]));
    let p = p.fma_v(r, c(EXP_P[4]));
    let p = p.fma_v(r, c(EXP_P[5]));
    let y = p.fma_v(r.mul(r), r).add(c(1.0));
    y.mul(t.add_shl23(EXP_BIAS))
}

/// `x` limited to [lo, hi]; NaN stays NaN (both comparisons are false).
#[inline(always)]
pub(super) fn clamp_nan(x: f32, lo: f32, hi: f32) -> f32 {
    let x = if x > hi { hi } else { x };
    if x < lo {
        lo
    } else {
        x
    }
}

/// `clamp_nan` in every lane, as vector min and max (`Simd::min`, `Simd::max` keep `x` when
/// the comparison is false, so NaN stays NaN and each lane is the scalar's value).
#[inline(always)]
pub(super) unsafe fn clamp_v<V: Simd>(x: V, lo: f32, hi: f32) -> V {
    x.min(V::splat(hi)).max(V::splat(lo))
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
    // In whole vectors (`each_vector!`), so a short block of columns does not fall to a scalar
    // tail; the same operations as `g * (1 - o * o)` per element.
    let (d, o, g) = (dinp.as_mut_ptr(), out.as_ptr(), dout.as_ptr());
    let one = V::splat(1.0);
    each_vector!(V, dinp.len().min(out.len()).min(dout.len()), |j, k| {
        let o = V::load_k(o.add(j), k);
        let y = V::load_k(g.add(j), k).mul(one.sub(o.mul(o)));
        y.store_k(d.add(j), k);
    });
}

dispatch! {
    /// `dinp[i] = dout[i] * (1 - out[i]^2)`, the gradient through `out = tanh(x)`.
    pub fn tanh_backward(dinp: &mut [f32], out: &[f32], dout: &[f32]) => tanh_backward_g
}

#[inline(always)]
unsafe fn tanh_cols_g<V: Simd>(out: Out, inp: Out, ld: usize, cols: Range<usize>, rows: usize) {
    for r in 0..rows {
        tanh_slice_g::<V>(out.row(r, ld, &cols), inp.row_ref(r, ld, &cols));
    }
}

dispatch! {
    /// `tanh_slice` on columns `cols` of `rows` rows of `ld` (the same value for each element).
    /// Safety: nothing else touches those columns of out and inp meanwhile.
    pub(crate) fn tanh_cols(out: Out, inp: Out, ld: usize, cols: Range<usize>, rows: usize) => tanh_cols_g
}

#[inline(always)]
unsafe fn tanh_backward_cols_g<V: Simd>(
    dinp: Out,
    out: Out,
    dout: Out,
    ld: usize,
    cols: Range<usize>,
    rows: usize,
) {
    for r in 0..rows {
        let (o, g) = (out.row_ref(r, ld, &cols), dout.row_ref(r, ld, &cols));
        tanh_backward_g::<V>(dinp.row(r, ld, &cols), o, g);
    }
}

dispatch! {
    /// `tanh_backward` on columns `cols` of `rows` rows of `ld`.
    /// Safety: nothing else touches those columns of dinp, out and dout meanwhile.
    pub(crate) fn tanh_backward_cols(dinp: Out, out: Out, dout: Out, ld: usize, cols: Range<usize>, rows: usize) => tanh_backward_cols_g
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// exp(x) as the kernels compute it, with x clamped to [-87, 88] so results stay normal
    /// numbers (exp(-87) is 1.6e-38 where the true value would be smaller); NaN stays NaN.
    fn exp_approx(x: f32) -> f32 {
        let mut out = [0.0f32; 8];
        unsafe { exp_v(clamp_v(Portable::splat(x), -87.0, 88.0)).store(out.as_mut_ptr()) };
        out[0]
    }

    /// The scalar exp the kernels had before `exp_v` (kept as the reference it must equal).
    #[inline(always)]
    pub(in crate::kernels) fn exp_scalar<V: Simd>(x: f32) -> f32 {
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

    /// Inputs with every edge: specials, both clamp bounds and beyond, and a sweep.
    fn exp_inputs() -> Vec<f32> {
        let mut xs = vec![
            f32::NAN,
            -f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            0.0,
            -0.0,
            f32::MIN_POSITIVE,
            -87.0,
            88.0,
            -87.000_01,
            88.000_01,
            f32::MAX,
            f32::MIN,
            1e-30,
        ];
        let mut rng = crate::rng::Rng::new(5);
        let mut r = vec![0.0f32; 4000];
        rng.fill_normal(&mut r, 40.0);
        xs.extend(r);
        xs.extend((0..3000).map(|i| -95.0 + i as f32 * 0.061));
        xs
    }

    /// Lane by lane: the vector clamp and exp against the scalar code (bits), on `V`.
    #[inline(always)]
    unsafe fn exp_lanes_g<V: Simd>(xs: &[f32]) -> usize {
        let mut bad = 0;
        for x in xs.chunks(V::W) {
            let mut out = [0.0f32; 8];
            let v = clamp_v(V::load_k(x.as_ptr(), x.len()), -87.0, 88.0);
            let mut clamped = [0.0f32; 8];
            v.store(clamped.as_mut_ptr());
            exp_v(v).store(out.as_mut_ptr());
            for (i, &x) in x.iter().enumerate() {
                let c = clamp_nan(x, -87.0, 88.0);
                let want = exp_scalar::<V>(c);
                if c.to_bits() != clamped[i].to_bits() || want.to_bits() != out[i].to_bits() {
                    bad += 1;
                }
            }
        }
        bad
    }

    dispatch! {
        /// `exp_lanes_g` on the backend the kernels run with.
        fn exp_lanes(xs: &[f32]) -> usize => exp_lanes_g
    }

    #[test]
    fn vector_exp_and_clamp_are_the_scalar_code_bit_for_bit() {
        let xs = exp_inputs();
        assert_eq!(exp_lanes(&xs), 0, "on {}", crate::kernels::backend());
        assert_eq!(
            unsafe { exp_lanes_g::<Portable>(&xs) },
            0,
            "on the portable backend"
        );
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
        assert!((exp_approx(1.0) - std::f32::consts::E).abs() < 1e-6 && exp_approx(0.0) == 1.0);
    }
}
