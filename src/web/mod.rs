//! The thin wasm-bindgen glue (wasm32 only): each file one side of the page. Two modules are
//! built from it (cargo features): `page`, loaded by the page's main thread to draw, and
//! `worker`, loaded by the worker to train; each carries only its side (both by default).
//!
//! - `draw` (page): the page's `draw_chart` (a `ChartSpec` on a canvas) and the facts the page
//!   asks for;
//! - `pick` (page): pointing at a chart (the item under the pointer, the arrow keys, its sentence);
//! - `canvas` (page): the canvas backend (sharp at any devicePixelRatio, text measured by the
//!   canvas);
//! - `worker` (worker): `WorkerLab`, the worker's `session::lab::Lab` behind JS values;
//! - `bench` (worker): the benchmark's handle on this build's kernels;
//! - `threads` (worker, the threaded build only): the pool the worker's steps are split across;
//! - `panic`, `js` (both): a panic becomes a message on the page; Rust values as JS values.
//!
//! Everything here converts and forwards: the rules live in the core.

#[cfg(feature = "worker")]
mod bench;
#[cfg(feature = "page")]
mod canvas;
#[cfg(feature = "page")]
mod draw;
#[cfg(any(feature = "page", feature = "worker"))]
mod js;
#[cfg(any(feature = "page", feature = "worker"))]
mod panic;
#[cfg(feature = "page")]
mod pick;
#[cfg(feature = "threads")]
mod threads;
#[cfg(feature = "worker")]
mod worker;

#[cfg(feature = "worker")]
pub use bench::{KernelBench, StepBench};
#[cfg(feature = "page")]
pub use draw::{
    chapters, draw_chart, draw_figure, experiments, file_size_problem, knobs, panels,
    trap_for_test, upload_hint, weights_size_problem,
};
#[cfg(any(feature = "page", feature = "worker"))]
pub use panic::init_panic_hook;
#[cfg(feature = "page")]
pub use pick::{describe_pick, draw_chart_picked, locate_pick, pick_chart, pick_slots, step_pick};
#[cfg(feature = "threads")]
pub use threads::{init_thread_pool, start_pool};
#[cfg(feature = "worker")]
pub use worker::WorkerLab;

/// The threads a training step is split across: the threaded build's pool once started, else one.
#[cfg(feature = "worker")]
fn par() -> crate::pool::Par {
    #[cfg(feature = "threads")]
    if let Some(pool) = threads::pool() {
        return crate::pool::Par::pool(pool);
    }
    crate::pool::Par::single()
}
