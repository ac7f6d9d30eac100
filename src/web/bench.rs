//! The benchmark's handle on this build's kernels (`tests/bench/browser.mjs` times the calls):
//! the deep model's matrix products and the multiply-add peak probe. Not used by the page.

use wasm_bindgen::prelude::*;

/// The deep model's matrix products and the multiply-add peak probe of this build, for the
/// benchmark (`tests/bench/`): JS times the calls.
#[wasm_bindgen]
pub struct KernelBench {
    work: crate::benchkit::MatmulWorkload,
}

#[wasm_bindgen]
impl KernelBench {
    #[wasm_bindgen(constructor)]
    pub fn new() -> KernelBench {
        use crate::benchkit::MatmulWorkload;
        KernelBench {
            work: MatmulWorkload::new(&MatmulWorkload::deep_shapes(), 32),
        }
    }

    fn kind(kind: u32) -> crate::benchkit::MatmulKind {
        use crate::benchkit::MatmulKind;
        MatmulKind::ALL[(kind as usize).min(MatmulKind::ALL.len() - 1)]
    }

    /// Flops of one iteration of `kind` (0 forward, 1 weight grad, 2 input grad, 3 all).
    pub fn flops(&self, kind: u32) -> f64 {
        self.work.flops(Self::kind(kind))
    }

    /// `iters` iterations of `kind`.
    pub fn run(&mut self, kind: u32, iters: u32) -> f32 {
        self.work.run(Self::kind(kind), iters as usize)
    }

    /// `iters` iterations of the register-only multiply-add probe (`benchkit::peak_probe`).
    pub fn peak(&self, iters: u32) -> f32 {
        crate::benchkit::peak_probe(iters as usize, 1.0)
    }

    /// Flops of one iteration of `peak`.
    pub fn peak_flops(&self) -> f64 {
        crate::benchkit::peak_flops_per_iter() as f64
    }

    /// Which kernels this build runs (see `kernels::backend`).
    pub fn backend(&self) -> String {
        crate::kernels::backend().to_string()
    }
}

impl Default for KernelBench {
    fn default() -> Self {
        Self::new()
    }
}
