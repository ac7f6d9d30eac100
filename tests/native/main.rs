//! The native tests, one crate with a module per topic (`cargo test --test native TOPIC::`);
//! `support` holds what several topics share. The wasm tests (the page's and the worker's glue
//! in a browser) are in tests/wasm/.
//!
//! Every module runs in this one process, on the test harness's threads: nothing here sets an
//! environment variable or a process-wide state (the thread pools of `threads` are the tests' own,
//! and the charts' hit list is per thread).

mod support;

mod backprop;
mod chapters;
mod charts;
mod cli;
mod compare;
mod data;
mod diagnostics;
mod embedding_path;
mod exercises;
mod experiments;
mod fixtures;
mod fuzz_names;
mod fuzz_settings;
mod gradcheck;
mod lab;
mod lesson_text;
mod links;
mod memory;
mod protocol;
mod questions;
mod safetensors;
mod sampling;
mod serve;
mod session;
mod slow_motion;
mod threads;
mod weights;

// xtask's site.rs (the site's headers), where xtask's serve.rs, compiled into `serve`, finds it.
#[path = "../../xtask/src/site.rs"]
mod site;
