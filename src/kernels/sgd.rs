//! The SGD update with its finite check, in one pass: `out = data - lr * grad`, and whether every
//! new weight is finite.

use super::{dispatch, Simd};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
