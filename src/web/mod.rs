//! The thin wasm-bindgen glue (wasm32 only): each file one side of the page.
//!
//! - `worker`: `WorkerLab`, the worker's `session::lab::Lab` behind JS values;
//! - `draw`: the page's `draw_chart` (a `ChartSpec` on a canvas) and the facts the page asks for;
//! - `canvas`: the canvas backend (sharp at any devicePixelRatio, text measured by the canvas);
//! - `panic`: a panic becomes a message on the page;
//! - `bench`: the benchmark's handle on this build's kernels.
//!
//! Everything here converts and forwards: the rules live in the core.

mod bench;
mod canvas;
mod draw;
mod panic;
mod worker;

pub use bench::KernelBench;
pub use draw::{
    chapters, draw_chart, draw_figure, experiments, file_size_problem, knobs, panels,
    trap_for_test, upload_hint,
};
pub use panic::init_panic_hook;
pub use worker::WorkerLab;
