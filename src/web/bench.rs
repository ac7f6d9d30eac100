//! The benchmark's handle on this build's kernels (`tests/bench/browser.mjs` times the calls):
//! the deep model's matrix products and the multiply-add peak probe; and `StepBench`, training
//! steps of a preset at any width and batch (`tests/bench/threads.mjs`). Not used by the page.

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

/// Training steps of a chapter's model (on a names file's bytes) at a given n_hidden and batch,
/// without the session, split across the threaded build's pool when it was started: JS times
/// `steps`. Unlike the page, it takes shapes beyond the page's per-step limit.
#[wasm_bindgen]
pub struct StepBench {
    trainer: crate::train::Trainer,
}

#[wasm_bindgen]
impl StepBench {
    #[wasm_bindgen(constructor)]
    pub fn new(
        chapter: &str,
        n_hidden: usize,
        batch: usize,
        names: &[u8],
    ) -> Result<StepBench, JsError> {
        use crate::data::{parse_names, Dataset};
        let words = parse_names(names).map_err(|e| JsError::new(&e.to_string()))?;
        let mut p = crate::lesson::ChapterId::from_name(chapter)
            .ok_or_else(|| JsError::new(&format!("no chapter {chapter}")))?
            .chapter();
        p.model.n_hidden = n_hidden;
        p.train.batch_size = batch;
        p.train.steps = usize::MAX / 2;
        let data = Dataset::new(&words, p.model.block_size, p.train.seed);
        let mut trainer =
            crate::train::Trainer::new(data, p.model, p.train).map_err(|e| JsError::new(&e))?;
        trainer.model.par = super::par();
        Ok(StepBench { trainer })
    }

    /// `n` training steps; the last loss.
    pub fn steps(&mut self, n: u32) -> Result<f32, JsError> {
        let mut loss = f32::NAN;
        for _ in 0..n {
            loss = self
                .trainer
                .step()
                .map_err(|e| JsError::new(&e.to_string()))?;
        }
        Ok(loss)
    }

    /// Threads a step is split across.
    pub fn threads(&self) -> usize {
        self.trainer.model.par.n()
    }
}
