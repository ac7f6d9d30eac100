//! The thin wasm-bindgen glue (wasm32 only): each file one side of the page.
//!
//! - `worker`: `WorkerLab`, the worker's `session::lab::Lab` behind JS values;
//! - `draw`: the page's `draw_chart` (a `ChartSpec` on a canvas) and the facts the page asks for;
//! - `pick`: pointing at a chart (the item under the pointer, the arrow keys, its sentence);
//! - `canvas`: the canvas backend (sharp at any devicePixelRatio, text measured by the canvas);
//! - `panic`: a panic becomes a message on the page;
//! - `bench`: the benchmark's handle on this build's kernels;
//! - `threads` (the threaded build only): the pool the worker's steps are split across.
//!
//! Everything here converts and forwards: the rules live in the core.

mod bench;
mod canvas;
mod draw;
mod panic;
mod pick;
#[cfg(feature = "threads")]
mod threads;
mod worker;

pub use bench::{KernelBench, StepBench};
pub use draw::{
    chapters, draw_chart, draw_figure, experiments, file_size_problem, knobs, panels,
    trap_for_test, upload_hint,
};
pub use panic::init_panic_hook;
pub use pick::{describe_pick, draw_chart_picked, locate_pick, pick_chart, pick_slots, step_pick};
#[cfg(feature = "threads")]
pub use threads::{init_thread_pool, start_pool};
pub use worker::WorkerLab;

/// The threads a training step is split across: the threaded build's pool once started, else one.
fn par() -> crate::pool::Par {
    #[cfg(feature = "threads")]
    if let Some(pool) = threads::pool() {
        return crate::pool::Par::pool(pool);
    }
    crate::pool::Par::single()
}
