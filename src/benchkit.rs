//! Workloads and peak probes used only by the benchmarks (src/bin/bench.rs and web's
//! KernelBench); not part of the training core.

use crate::kernels::{
    dispatch, matmul, matmul_a_bt, matmul_a_bt_short, matmul_at_b, Simd, SHORT_DOT,
};

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

#[inline(always)]
unsafe fn lanes_g<V: Simd>() -> usize {
    V::W
}

dispatch! {
    /// SIMD lanes of the backend the kernels run with (`Simd::W` of the one `dispatch!` picks: 8
    /// for AVX2 + FMA and for the portable backend, 4 for simd128).
    pub fn lanes() -> usize => lanes_g
}

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

    #[test]
    fn peak_probe_runs_and_counts_the_backends_lanes() {
        assert!(peak_probe(10, 1.0).is_finite());
        // Both x86_64 backends (AVX2 and the portable fallback) are 8 floats wide.
        #[cfg(target_arch = "x86_64")]
        assert_eq!(lanes(), 8);
        #[cfg(target_arch = "wasm32")]
        assert_eq!(lanes(), 4);
        let backend = crate::kernels::backend();
        assert!(backend.contains(&format!("{} lanes", lanes())), "{backend}");
    }
}
