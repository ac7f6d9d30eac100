//! makemore-lab: a character-level MLP on names, trained step by step, with the diagnostics of
//! makemore part 3. The core (everything but `web`) knows nothing of the web; `web` (wasm32 only)
//! is the thin glue for the page and its worker.

pub mod backprop;
pub mod benchkit;
pub mod charts;
pub mod data;
pub mod diagnostics;
pub mod export;
pub mod format;
pub mod kernels;
pub mod layers;
pub mod lesson;
pub mod loss;
pub mod model;
mod named;
pub mod pool;
pub mod rng;
pub mod sample;
pub mod session;
pub mod train;
#[cfg(target_arch = "wasm32")]
pub mod web;
