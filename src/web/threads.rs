//! The threaded build's pool (feature `threads`): `initThreadPool(n)` (wasm-bindgen-rayon) starts
//! n Web Workers sharing this module's memory; `startPool(threads)` then parks one long-lived
//! helper of a `pool::Pool` on each of threads - 1 of them, and every `WorkerLab` made afterwards
//! splits its steps across the pool. Call both from the trainer's worker, never from the page:
//! the calling thread spins while the helpers work.

use crate::pool::Pool;
use std::sync::{Arc, OnceLock};
use wasm_bindgen::prelude::*;

pub use wasm_bindgen_rayon::init_thread_pool;

static POOL: OnceLock<Arc<Pool>> = OnceLock::new();

/// Starts the pool of `threads` (the caller included; at most 1 + the workers of
/// `initThreadPool`, whose threads the helpers occupy for good). Returns the threads in use; a
/// second call returns the first pool's.
#[wasm_bindgen(js_name = startPool)]
pub fn start_pool(threads: usize) -> usize {
    POOL.get_or_init(|| Arc::new(Pool::with_spawner(threads, rayon::spawn)))
        .threads()
}

/// The pool, once started.
pub fn pool() -> Option<Arc<Pool>> {
    POOL.get().cloned()
}
