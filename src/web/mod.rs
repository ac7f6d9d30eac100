//! The thin wasm-bindgen glue (wasm32 only): each file one side of the page. Two modules are
//! built from it (cargo features): `page`, loaded by the page's main thread to draw, and
//! `worker`, loaded by the worker to train; each carries only its side (both by default).
//!
//! - `draw` (page): the page's `draw_chart` (a `ChartSpec` on a canvas) and the facts the page
//!   asks for (the charts, chapters, experiments, knobs, panels, keys);
//! - `words` (page): the page's own sentences (`session::words`);
//! - `pick` (page): pointing at a chart (the item under the pointer, the arrow keys, its sentence);
//! - `canvas` (page): the canvas backend (sharp at any devicePixelRatio, text measured by the
//!   canvas);
//! - `worker` (worker): `WorkerLab`, the worker's `session::lab::Lab` behind JS values;
//! - `bench` (worker): the benchmark's handle on this build's kernels;
//! - `threads` (worker, the threaded build only): the pool the worker's steps are split across;
//! - `sheet` (sheet): `SheetWorker`, the backprop sheet's room (`session::sheet`) in a worker of
//!   its own, loaded when the page opens the sheet;
//! - `panic`, `js` (both): a panic becomes a message on the page; Rust values as JS values.
//!
//! Everything here converts and forwards: the rules live in the core.

#[cfg(feature = "worker")]
mod bench;
#[cfg(feature = "page")]
mod canvas;
#[cfg(feature = "page")]
mod draw;
#[cfg(any(feature = "page", feature = "worker", feature = "sheet"))]
mod js;
#[cfg(any(feature = "page", feature = "worker", feature = "sheet"))]
mod panic;
#[cfg(feature = "page")]
mod pick;
#[cfg(feature = "sheet")]
mod sheet;
#[cfg(feature = "threads")]
mod threads;
#[cfg(feature = "page")]
mod words;
#[cfg(feature = "worker")]
mod worker;

#[cfg(feature = "worker")]
pub use bench::{KernelBench, StepBench};
#[cfg(feature = "page")]
pub use draw::{
    chapters, charts, draw_chart, draw_figure, experiments, knobs, panels, trap_for_test,
};
#[cfg(any(feature = "page", feature = "worker", feature = "sheet"))]
pub use panic::init_panic_hook;
#[cfg(feature = "page")]
pub use pick::{describe_pick, draw_chart_picked, locate_pick, pick_chart, pick_slots, step_pick};
#[cfg(feature = "sheet")]
pub use sheet::SheetWorker;
#[cfg(feature = "threads")]
pub use threads::{init_thread_pool, start_pool};
#[cfg(feature = "page")]
pub use words::{
    charts_not_restarted, copy_this_link, fatal_message, file_size_problem, file_unreadable,
    link_copied, names_file_refused, page_error, page_internal_error, reading_file, restart_button,
    restart_notice, trainer_failed, trainer_unreadable, upload_hint, weights_file_refused,
    weights_size_problem,
};
#[cfg(feature = "worker")]
pub use worker::{crash_message, WorkerLab};

/// The threads a training step is split across: the threaded build's pool once started, else one.
#[cfg(feature = "worker")]
fn par() -> crate::pool::Par {
    #[cfg(feature = "threads")]
    if let Some(pool) = threads::pool() {
        return crate::pool::Par::pool(pool);
    }
    crate::pool::Par::single()
}
