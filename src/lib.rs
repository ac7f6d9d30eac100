//! makemore-lab: a character-level MLP on names, trained step by step, with the diagnostics of
//! makemore part 3. The core (everything but `web`) knows nothing of the web; `web` (wasm32 only)
//! is the thin glue for the page and its worker.
//!
//! The types the page reads (the messages of `session::protocol`, the views they carry, the page's
//! tables) carry `#[cfg_attr(feature = "ts", derive(tsify::Tsify))]`: in the page's wasm build
//! (feature `ts`) their TypeScript lands in the bindings' .d.ts, which the page's scripts are
//! type-checked against (www/types/protocol.d.ts). Natively the attribute is nothing.

#[cfg(all(feature = "ts", not(target_arch = "wasm32")))]
compile_error!(
    "the `ts` feature is the page's wasm build's (TypeScript declarations in the bindings): \
     build it with `cargo xtask build`, or for wasm32"
);

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
pub mod memory;
pub mod model;
mod named;
pub mod pool;
pub mod rng;
pub mod sample;
pub mod session;
pub mod train;
#[cfg(target_arch = "wasm32")]
pub mod web;
